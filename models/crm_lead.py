# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import create_index

# Fields that decide whether a registered lead is approved and which
# partner's portal shows it: set by the lead registration import and by the
# managers' Approve / Reject, nobody else.
REGISTRATION_FIELDS = (
    "registration_state",
    "registered_partner_id",
    "registered_agent_id",
    "bulk_import_job_id",
    "registration_reject_reason",
)
# What a portal partner or agent may read of their registered leads: what
# /my/leads shows, and the fields its record rules, search and order use. Not the
# salesperson, probability, notes... of the lead as the team works it.
PORTAL_READABLE_FIELDS = {
    "id",
    "display_name",
    "name",
    "priority",
    "contact_name",
    "email_from",
    "partner_name",
    "registered_agent_id",
    "registered_partner_id",
    "registration_state",
    "registration_reject_reason",
    "create_date",
    "active",
    "type",
    "company_id",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Partner lead registration
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
    registration_reject_reason = fields.Text(
        "Rejection reason", copy=False, help="Why the registration was rejected, as the partner was told."
    )
    registration_recipient_ids = fields.Many2many(
        "res.partner",
        compute="_compute_registration_recipient_ids",
        help="Who hears of the decision on a registered lead: the partner and the agent.",
    )

    def init(self):
        res = super().init()
        # The duplicate warnings of a lead registration look existing leads up
        # by exact email and company name, thousands at a time: crm's own
        # indexes on these columns are trigram indexes, for ilike searches.
        create_index(self.env.cr, "crm_lead_email_normalized_btree_index", self._table, ["email_normalized"])
        create_index(self.env.cr, "crm_lead_lower_partner_name_index", self._table, ["lower(partner_name)"])
        return res

    @api.model
    def check_field_access_rights(self, operation, field_names):
        """Portal users reach their registered leads through the ORM too
        (RPC): they read only what their portal page shows. Asked for one
        other field, they are refused; in a list, the others are left out
        (the ORM prefetches fields by groups)."""
        allowed = super().check_field_access_rights(operation, field_names)
        if self.env.su or not self.env.user.share:
            return allowed
        hidden = [name for name in allowed if name not in PORTAL_READABLE_FIELDS and name in self._fields]
        if hidden and field_names and len(field_names) == 1:
            raise AccessError(
                self.env._(
                    "A partner reads only the name, contact, email, company, agent, date and state of the leads "
                    "they registered (not %(field)s).",
                    field=self._fields[hidden[0]]._description_string(self.env),
                )
            )
        return [name for name in allowed if name not in hidden]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_registration_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_registration_vals(vals)
        return super().write(vals)

    @api.model
    def _check_registration_vals(self, vals):
        """Only the registration import (which checks each row's partner and
        agent) and the managers' decisions set the registration fields: a
        plain write would approve a lead, or hand it to another partner's
        portal."""
        if self.env.su or not set(vals) & set(REGISTRATION_FIELDS):
            return
        if not self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager"):
            raise AccessError(
                self.env._(
                    "Only a Bulk Import Manager changes the registration of a lead (%(fields)s).",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env) for name in REGISTRATION_FIELDS if name in vals
                    ),
                )
            )

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

    def action_reject(self, reason=None):
        """Reject pending registered leads: they leave the pipeline
        (archived) and the partner (and agent) get an email, with the reason
        when one is given. Callable from automated actions."""
        return self._decide(
            "rejected",
            "crm_bulk_import.mail_template_lead_registration_rejected",
            {"registration_reject_reason": reason},
        )

    def action_open_registration_reject(self):
        """Ask the reason before rejecting (the buttons of the form and of
        the registered leads list)."""
        self._check_decider()
        leads = self.filtered(lambda lead: lead.registration_state == "pending")
        if not leads:
            raise UserError(self.env._("Only pending registered leads can be approved or rejected."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject registered leads"),
            "res_model": "crm.lead.registration.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": leads.ids},
        }

    def _check_decider(self):
        if not (self.env.su or self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager")):
            raise AccessError(self.env._("Only a Bulk Import Manager approves or rejects registered leads."))

    def _decide(self, state, template_xmlid, vals=None):
        self._check_decider()
        leads = self.filtered(lambda lead: lead.registration_state == "pending")
        if not leads and self:
            raise UserError(self.env._("Only pending registered leads can be approved or rejected."))
        vals = dict(vals or {}, registration_state=state)
        if state == "rejected":
            vals["active"] = False  # out of the pipeline; the registered leads list still shows it
        # sudo: the right to decide is checked above (the manager group).
        leads.sudo().write(vals)
        # The partner and the agent hear of the decision by email (queued).
        template = self.env.ref(template_xmlid)
        for lead in leads:
            template.send_mail(lead.id, force_send=False)
        return True
