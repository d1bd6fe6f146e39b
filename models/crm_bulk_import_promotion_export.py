# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The promotion's round trip, as Coworks puts it: "download the contacts or leads report [...]
upload them back to the Promote section". The export writes exactly the
columns the promote import reads."""

from odoo import models
from odoo.exceptions import AccessError, UserError

from ..writers import write_csv
from .crm_bulk_import_job import download_action

EXPORT_HEADERS = [
    "Email",
    "First Name",
    "Last Name",
    "Team Name",
    "Phone",
    "Job Position",
    "Street",
    "City",
    "Zip",
    "Country",
    "Website",
    "Room Permissions",
    "Plans",
    "Monthly Bill Date",
    "Billing Start Date",
]


def split_name(name):
    first, _sep, last = (name or "").strip().partition(" ")
    return first, last


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_export_for_promotion(self):
        rows = []
        for lead in self:
            first, last = split_name(lead.contact_name or lead.partner_id.name)
            rows.append(
                [
                    lead.email_normalized or lead.email_from or "",
                    first,
                    last,
                    lead.partner_name or lead.partner_id.parent_id.name or "",
                    lead.phone or "",
                    lead.function or "",
                    lead.street or "",
                    lead.city or "",
                    lead.zip or "",
                    lead.country_id.name or "",
                    lead.website or "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
        return download_action(self[:1], "leads_for_promotion.csv", write_csv(EXPORT_HEADERS, rows), "csv")


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_export_for_promotion(self):
        rows = []
        for partner in self.filtered(lambda partner: not partner.is_company):
            first, last = split_name(partner.name)
            rows.append(
                [
                    partner.email_normalized or partner.email or "",
                    first,
                    last,
                    partner.parent_id.name or "",
                    partner.phone or "",
                    partner.function or "",
                    partner.street or "",
                    partner.city or "",
                    partner.zip or "",
                    partner.country_id.name or "",
                    partner.website or "",
                    ", ".join(partner.room_permission_group_ids.mapped("name")),
                    "",
                    "",
                    "",
                ]
            )
        return download_action(self[:1], "contacts_for_promotion.csv", write_csv(EXPORT_HEADERS, rows), "csv")

    def action_send_portal_invitation(self):
        """Invite members to the portal later (member import): a portal
        account is access, granted by a Bulk Import Manager, to members
        only."""
        self._check_bulk_import_manager(self.env._("invite members to the portal"))
        members = self.filtered("is_member")
        if members != self:
            raise UserError(
                self.env._(
                    "Only members are invited to the portal from here; not a member: %(names)s.",
                    names=", ".join((self - members)[:5].mapped("display_name")),
                )
            )
        self.env["crm.bulk.import.type.member"]._invite(members)
        return True

    def action_send_onboarding_email(self):
        """Send the onboarding email later, to members chosen in a list."""
        if not (self.env.su or self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_user")):
            raise AccessError(self.env._("Only a Bulk Import User can send the onboarding email."))
        self.check_access("write")
        self.env["crm.bulk.import.member.mixin"]._send_onboarding(self.filtered("is_member"))
        return True
