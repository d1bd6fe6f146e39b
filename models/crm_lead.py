# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import create_index


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Partner lead registration (seed 001)
    registration_state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")],
        copy=False,
        index=True,
        tracking=True,
        help="Leads registered by a partner wait for a manager's approval.",
    )
    registered_partner_id = fields.Many2one(
        "res.partner",
        "Registered by partner",
        copy=False,
        index="btree_not_null",
        domain=[("is_registered_partner", "=", True)],
    )
    registered_agent_id = fields.Many2one("res.partner", "Registered by agent", copy=False, index="btree_not_null")
    bulk_import_job_id = fields.Many2one("crm.bulk.import.job", "Import", copy=False, index="btree_not_null")
    registration_recipient_ids = fields.Many2many(
        "res.partner",
        compute="_compute_registration_recipient_ids",
        help="Who hears of the decision on a registered lead: the partner and the agent.",
    )

    def init(self):
        super().init()
        # The duplicate warnings of a lead registration look existing leads up
        # by exact email and company name, thousands at a time: crm's own
        # indexes on these columns are trigram indexes, for ilike searches.
        create_index(self.env.cr, "crm_lead_email_normalized_btree_index", self._table, ["email_normalized"])
        create_index(self.env.cr, "crm_lead_lower_partner_name_index", self._table, ["lower(partner_name)"])

    @api.depends("registered_partner_id", "registered_agent_id")
    def _compute_registration_recipient_ids(self):
        for lead in self:
            lead.registration_recipient_ids = lead.registered_partner_id | lead.registered_agent_id

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_approve(self):
        """Approve pending registered leads and tell the partner (and agent).
        Callable from buttons, list actions and automated actions."""
        return self._decide("approved", "crm_bulk_import.mail_template_lead_registration_approved")

    def action_reject(self):
        return self._decide("rejected", "crm_bulk_import.mail_template_lead_registration_rejected")

    def _decide(self, state, template_xmlid):
        if not (self.env.su or self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager")):
            raise AccessError(self.env._("Only a Bulk Import Manager approves or rejects registered leads."))
        leads = self.filtered(lambda lead: lead.registration_state == "pending")
        if not leads and self:
            raise UserError(self.env._("Only pending registered leads can be approved or rejected."))
        leads.write({"registration_state": state})
        # The partner and the agent hear of the decision by email (queued).
        template = self.env.ref(template_xmlid)
        for lead in leads:
            template.send_mail(lead.id, force_send=False)
        return True
