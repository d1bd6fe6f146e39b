# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProspectWorkflow(models.Model):
    """How prospects of a group join the program: the invitation
    they receive, the onboarding email once accepted, and whether a sign-up
    through the invitation is accepted at once or reviewed by a manager."""

    _name = "prospect.workflow"
    _description = "Prospect Onboarding Workflow"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    invitation_template_id = fields.Many2one(
        "mail.template",
        required=True,
        domain=[("model", "=", "res.partner")],
        default=lambda self: self.env.ref(
            "crm_bulk_import.mail_template_prospect_invitation", raise_if_not_found=False
        ),
    )
    onboarding_template_id = fields.Many2one(
        "mail.template",
        required=True,
        domain=[("model", "=", "res.partner")],
        default=lambda self: self.env.ref(
            "crm_bulk_import.mail_template_prospect_onboarding", raise_if_not_found=False
        ),
    )
    auto_accept = fields.Boolean(
        help="A prospect who signs up through the invitation joins the program at once and gets the "
        "onboarding email; otherwise the application waits for a manager's review.",
    )
