# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import create_index
from odoo.tools.safe_eval import safe_eval

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
# /my/registered-leads shows, and the fields its record rules, search and
# order use. Not the salesperson, probability, notes... of the lead as the
# team works it.
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
        (the ORM prefetches fields by groups).

        Leads that another module's rules give portal users (Odoo's Resellers
        module, website_crm_partner_assign: the leads assigned to their
        partner, which its portal shows and edits whole) are theirs whole, as
        that module means them to be; see _crm_bulk_import_whole_leads."""
        allowed = super().check_field_access_rights(operation, field_names)
        if self.env.su or not self.env.user.share:
            return allowed
        hidden = self._crm_bulk_import_portal_hidden(allowed)
        if hidden and self._crm_bulk_import_whole_leads():
            return allowed
        if hidden and field_names and len(field_names) == 1:
            raise AccessError(
                self.env._(
                    "A partner reads only the name, contact, email, company, agent, date and state of the leads "
                    "they registered (not %(field)s).",
                    field=self._fields[hidden[0]]._description_string(self.env),
                )
            )
        return [name for name in allowed if name not in hidden]

    # ------------------------------------------------------------
    # Portal users beside another module's portal grants
    # ------------------------------------------------------------

    def _crm_bulk_import_portal_hidden(self, field_names):
        """The fields of ``field_names`` a portal user does not read of the
        leads they registered."""
        return [name for name in field_names if name not in PORTAL_READABLE_FIELDS and name in self._fields]

    @api.model
    @tools.ormcache("self.env.uid", "tuple(self.env['ir.rule']._compute_domain_context_values())")
    def _crm_bulk_import_other_portal_domain(self):
        """The leads the user reads through the record rules of their groups
        other than this module's (Odoo's Resellers module: the leads assigned
        to their partner), as a domain; None when no such rule applies to
        them (the leads they reach are then their registered leads only)."""
        own = self.env.ref("crm_bulk_import.rule_crm_lead_portal_registration", raise_if_not_found=False)
        Rule = self.env["ir.rule"]
        user_groups = self.env.user.groups_id
        rules = Rule._get_rules(self._name, mode="read").sudo()
        rules = rules.filtered(lambda rule: rule != own and rule.groups & user_groups)
        if not rules:
            return None
        eval_context = Rule._eval_context()
        return expression.OR(
            [
                expression.normalize_domain(safe_eval(rule.domain_force, eval_context) if rule.domain_force else [])
                for rule in rules
            ]
        )

    def _crm_bulk_import_whole_leads(self):
        """Whether a portal user reads every field of the leads of ``self``:
        all of them are given by another module's rules. Without records (a
        search's domain, order, grouping or fields), whether such rules
        apply to the user: the search is then kept to the leads they give
        wherever it uses another field (_search, _read_group), and the values
        read are checked on the leads found (_read_format)."""
        domain = self._crm_bulk_import_other_portal_domain()
        if domain is None:
            return False
        ids = {id_ for id_ in self._ids if isinstance(id_, int)}
        if not ids:
            return True
        # sudo: the rules' own domains, as the ORM evaluates them.
        whole = self.sudo().with_context(active_test=False)._search(expression.AND([[("id", "in", list(ids))], domain]))
        return len(set(whole)) == len(ids)

    def _crm_bulk_import_keep_to_whole_leads(self, domain, names):
        """``domain``, kept to the leads another module's rules give the
        portal user whole when it, or the search around it, uses a field
        they do not read of their registered leads (``names``: the fields
        of the order, grouping...)."""
        if self.env.su or not self.env.user.share:
            return domain
        used = {name for name in names if name}
        for leaf in domain or ():
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str):
                used.add(leaf[0].split(".", 1)[0])
        if not self._crm_bulk_import_portal_hidden(sorted(used)):
            return domain
        other = self._crm_bulk_import_other_portal_domain()
        if other is None:
            return domain  # refused by check_field_access_rights
        whole = self.sudo().with_context(active_test=False)._search(other)
        return expression.AND([list(domain or []), [("id", "in", whole)]])

    @staticmethod
    def _crm_bulk_import_spec_fields(specs):
        """The field names of an order or of groupby / aggregates specs
        ("partner_id.name desc", "create_date:month", "expected_revenue:sum")."""
        names = []
        for spec in specs:
            for part in (spec or "").split(","):
                name = re.split(r"[\s.:]", part.strip(), maxsplit=1)[0]
                if name and name != "__count":
                    names.append(name)
        return names

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        domain = self._crm_bulk_import_keep_to_whole_leads(domain, self._crm_bulk_import_spec_fields([order]))
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        having_fields = [leaf[0] for leaf in having or () if isinstance(leaf, (list, tuple)) and len(leaf) == 3]
        names = self._crm_bulk_import_spec_fields([*groupby, *aggregates, *having_fields, order])
        domain = self._crm_bulk_import_keep_to_whole_leads(domain, names)
        return super()._read_group(
            domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset, limit=limit, order=order
        )

    def _read_format(self, fnames, load="_classic_read"):
        # search_read fetches what a search found: its fields are checked on
        # the leads found (read checks them before fetching).
        if not self.env.su and self.env.user.share and self._ids:
            fnames = self.check_field_access_rights("read", fnames)
        return super()._read_format(fnames, load=load)

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
