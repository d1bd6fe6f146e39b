# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmLeadRegistrationReject(models.TransientModel):
    """Reject registered leads with a reason, which the partner (and the
    agent) read in the rejection email."""

    _name = "crm.lead.registration.reject"
    _description = "Reject Registered Leads"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True, readonly=True)
    reason = fields.Text(required=True, help="Sent to the partner and the agent with the decision.")

    def action_reject(self):
        self.ensure_one()
        self.lead_ids.action_reject(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
