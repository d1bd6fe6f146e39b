# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """A portal user on a contact of a registered partner makes an agent:
        give the contact its Agent ID."""
        users = super().create(vals_list)
        # sudo: users are also created by sign-ups, as the public user; the
        # code is generated from the contact's own company, nothing else.
        users.filtered("share").partner_id.sudo()._ensure_agent_code()
        return users

    def signup(self, values, token=None):
        """Sign-up through a prospect's invitation.

        The invited prospect (same email) becomes an applicant, accepted at once
        in an auto-accept group. Someone else using a shared invitation gets a
        separate application, not linked to the prospect: a limitation the
        invitations state, kept on purpose (an invitation proves nothing of who
        forwards it)."""
        prospect = self.env["res.partner"]
        if token:
            partner = self.env["res.partner"].sudo()._signup_retrieve_partner(token, check_validity=True)
            if partner and partner.program_state == "invited":
                login = (values.get("email") or values.get("login") or "").strip().lower()
                if login and login != partner.email_normalized:
                    return self._prospect_separate_application(values)
                prospect = partner
        result = super().signup(values, token=token)
        if prospect:
            prospect.sudo()._prospect_signed_up()
        return result

    def _prospect_separate_application(self, values):
        """Someone else signing up through a prospect's invitation. Where
        anyone may sign up (free sign-up), they get an application of their
        own; where sign-up is by invitation only, an invitation is for the
        person it was sent to: a forwarded one creates no account."""
        if self._get_signup_invitation_scope() != "b2c":
            raise UserError(
                self.env._(
                    "This invitation was sent to another email address. Sign up with the address it was sent to, "
                    "or ask us for an invitation of your own."
                )
            )
        values = dict(values, email=values.get("email") or values.get("login"))
        user = self.sudo()._create_user_from_template(values)
        user.partner_id.sudo().write({"program_state": "applied"})
        return (values.get("login"), values.get("password"))
