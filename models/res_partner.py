# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Fields that decide access or a program decision: which partners register
# leads (and whose portal users upload them), their codes, and a prospect's
# group and status. Set by Bulk Import Managers and by the imports, which
# check each row, not by a plain write of anyone who may edit contacts.
MANAGED_FIELDS = ("is_registered_partner", "partner_code", "agent_code", "program_state", "prospect_group_id")
# Set by the imports only.
IMPORT_FIELDS = ("bulk_import_job_id",)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Imports find contacts by email, a thousand at a time: without an index
    # each search reads every contact.
    email_normalized = fields.Char(index="btree_not_null")

    # Customer assignment
    customer_external_id = fields.Char(
        "External Id",
        copy=False,
        index="btree_not_null",
        help="The customer's id in its source system (accounting, billing, ...). "
        "Unique per company; the customer assignment import finds customers by it.",
    )
    account_manager_ids = fields.Many2many(
        "res.users",
        "res_partner_account_manager_rel",
        "partner_id",
        "user_id",
        string="Account managers",
        domain=[("share", "=", False)],
        help="Internal users in charge of this customer; the first is also the salesperson.",
    )

    # Partner lead registration
    is_registered_partner = fields.Boolean(
        "Registered partner",
        copy=False,
        help="A partner company that registers leads, from the backend or its portal.",
    )
    partner_code = fields.Char(
        "Partner ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Unique code a lead registration file gives to name this partner.",
    )
    agent_code = fields.Char(
        "Agent ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Unique code of an agent: a contact of a registered partner with a portal user.",
    )

    # Members and teams
    room_permission_group_ids = fields.Many2many(
        "room.permission.group",
        "res_partner_room_permission_group_rel",
        "partner_id",
        "group_id",
        string="Room permissions",
    )
    team_admin_id = fields.Many2one(
        "res.partner",
        "Team admin",
        help="The member who administers this team (company).",
        copy=False,
        # Deleting a partner (a revert) looks up the teams it administers.
        index="btree_not_null",
    )
    # The company whose custom fields the member has. Not company_id: Odoo
    # rewrites company_id in flows such as portal sign-ups, run as the public
    # user, which would recompute the properties without the right to read them.
    member_company_id = fields.Many2one("res.company", "Custom fields of", copy=False, index="btree_not_null")
    member_properties = fields.Properties(
        "Custom fields",
        definition="member_company_id.member_properties_definition",
        copy=True,
        help="Values of the member's custom fields; an import's unknown columns land here.",
    )
    # Prospects
    program_state = fields.Selection(
        [
            ("prospect", "Prospect"),
            ("invited", "Invited"),
            ("applied", "Applied"),
            ("active", "Active"),
            ("rejected", "Rejected"),
        ],
        "Program status",
        copy=False,
        index=True,
        tracking=True,
        group_expand=True,
    )
    prospect_group_id = fields.Many2one("prospect.group", copy=False, index="btree_not_null", tracking=True)

    bulk_import_job_id = fields.Many2one(
        "crm.bulk.import.job",
        "Created by import",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    is_member = fields.Boolean(
        compute="_compute_is_member",
        search="_search_is_member",
        help="A member is a contact with a running subscription of their own, whoever pays for it.",
    )
    member_subscription_ids = fields.One2many(
        "sale.subscription", "member_id", "Memberships", help="The subscriptions of which this contact is the member."
    )
    membership_count = fields.Integer(compute="_compute_membership_count")

    _sql_constraints = [
        ("partner_code_uniq", "unique(partner_code)", "A Partner ID is unique."),
        ("agent_code_uniq", "unique(agent_code)", "An Agent ID is unique."),
    ]

    def _compute_membership_count(self):
        counts = dict(
            self.env["sale.subscription"]._read_group([("member_id", "in", self.ids)], ["member_id"], ["__count"])
        )
        for partner in self:
            partner.membership_count = counts.get(partner._origin, 0)

    def action_view_memberships(self):
        """The subscriptions this contact is the member of, whoever pays."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.subscription",
            "name": self.env._("Memberships of %(name)s", name=self.display_name),
            "domain": [("member_id", "=", self.id)],
            "view_mode": "list,form",
            "context": {"default_member_id": self.id, "default_partner_id": self.id},
        }

    def _compute_is_member(self):
        member_ids = self._member_ids()
        for partner in self:
            partner.is_member = partner.id in member_ids

    def _member_ids(self):
        """The ids of these partners that are members, in one query on the
        subscriptions they are the member of (is_member is not stored: searching it is a subquery
        over every running subscription, which grows with the members)."""
        members = (
            self.env["sale.subscription"]
            .sudo()
            ._read_group([("member_id", "in", self.ids), ("in_progress", "=", True)], ["member_id"])
        )
        return {partner.id for (partner,) in members}

    def _search_is_member(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search members with = True or = False."))
        running = self.env["sale.subscription"].sudo()._search([("in_progress", "=", True)])
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", running.subselect("member_id"))]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_managed_vals(vals, create=True)
        partners = super().create(vals_list)
        partners.filtered("is_registered_partner")._ensure_registration_codes()
        return partners

    def write(self, vals):
        self._check_managed_vals(vals)
        result = super().write(vals)
        if vals.get("is_registered_partner"):
            self._ensure_registration_codes()
        return result

    @api.model
    def _check_managed_vals(self, vals, create=False):
        if self.env.su:
            return
        refused = [name for name in IMPORT_FIELDS if name in vals and not create]
        if not self._is_bulk_import_manager():
            # Clearing counts too (a partner unregistered, an agent's code
            # taken away); a new contact's empty values are just defaults.
            refused += [name for name in MANAGED_FIELDS if (vals.get(name) if create else name in vals)]
        if refused:
            raise AccessError(
                self.env._(
                    "Only a Bulk Import Manager (or an import) sets %(fields)s on a contact.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in refused),
                )
            )

    @api.model
    def _is_bulk_import_manager(self):
        return self.env.su or self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager")

    def _check_bulk_import_manager(self, what):
        if not self._is_bulk_import_manager():
            raise AccessError(self.env._("Only a Bulk Import Manager can %(what)s.", what=what))
        self.check_access("write")

    # ------------------------------------------------------------
    # Prospects
    # ------------------------------------------------------------

    def action_prospect_invite(self):
        """Send the group's invitation, with a sign-up link bound to this
        prospect (Odoo's auth_signup token)."""
        if not (self.env.su or self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_user")):
            raise AccessError(self.env._("Only a Bulk Import User can invite prospects."))
        self.check_access("write")
        return self._prospect_invite()

    def action_prospect_accept(self):
        """Accept applications (or assigned partners): active in the program,
        with the onboarding email of their group's workflow."""
        self._check_bulk_import_manager(self.env._("accept prospects"))
        return self._prospect_accept()

    def action_prospect_reject(self):
        self._check_bulk_import_manager(self.env._("reject prospects"))
        # sudo: the program status is a manager's decision, checked above.
        self.filtered(lambda partner: partner.program_state in ("prospect", "invited", "applied")).sudo().write(
            {"program_state": "rejected"}
        )
        return True

    def _prospect_invite(self):
        """The invitations, for managers and for the prospect import."""
        invited = self.filtered(lambda partner: partner.prospect_group_id and partner.email)
        invited.sudo().signup_prepare()
        # One rendering and one batch of queued emails per template.
        for template, partners in invited.grouped(
            lambda partner: partner.prospect_group_id.workflow_id.invitation_template_id
        ).items():
            if template:
                template.send_mail_batch(partners.ids, force_send=False)
        # sudo: the status follows the invitation (see MANAGED_FIELDS).
        invited.filtered(lambda partner: partner.program_state == "prospect").sudo().write({"program_state": "invited"})
        return True

    def _prospect_accept(self):
        """Acceptance, for managers, for the import into an auto-accept
        group and for a sign-up through the invitation of such a group."""
        for partner in self.filtered(lambda partner: partner.program_state != "active"):
            # sudo: the callers decide who is accepted (see MANAGED_FIELDS).
            partner.sudo().program_state = "active"
            template = partner.prospect_group_id.workflow_id.onboarding_template_id
            if template:
                template.send_mail(partner.id, force_send=False)
        return True

    def _prospect_signed_up(self):
        """A prospect signed up through their invitation: accepted at once in
        an auto-accept group, else waiting for review."""
        for partner in self:
            if partner.prospect_group_id.auto_accept:
                partner._prospect_accept()
            else:
                partner.sudo().program_state = "applied"

    def _ensure_registration_codes(self):
        """Give a Partner ID to registered partners and an Agent ID to their
        contacts that have a portal user, where they have none yet."""
        sequence = self.env["ir.sequence"].sudo()
        for partner in self.filtered(lambda partner: partner.is_registered_partner and not partner.partner_code):
            partner.sudo().partner_code = sequence.next_by_code("crm_bulk_import.partner_code")
        agents = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", True),
                    ("partner_id.commercial_partner_id", "in", self.filtered("is_registered_partner").ids),
                    ("partner_id.agent_code", "=", False),
                ]
            )
            .partner_id
        )
        agents._ensure_agent_code()

    def _ensure_agent_code(self):
        sequence = self.env["ir.sequence"].sudo()
        for agent in self.filtered(
            lambda partner: (
                not partner.agent_code
                and partner != partner.commercial_partner_id
                and partner.commercial_partner_id.is_registered_partner
            )
        ):
            agent.sudo().agent_code = sequence.next_by_code("crm_bulk_import.agent_code")

    def _registration_agents(self):
        """The agents of these registered partners: their contacts with a
        portal user and an Agent ID."""
        return self.env["res.partner"].search(
            [
                ("commercial_partner_id", "in", self.ids),
                ("agent_code", "!=", False),
            ]
        )

    @api.constrains("customer_external_id", "company_id")
    def _check_customer_external_id_unique(self):
        partners = self.filtered("customer_external_id")
        if not partners:
            return
        clashes = self.sudo()._read_group(
            [("customer_external_id", "in", partners.mapped("customer_external_id"))],
            ["customer_external_id", "company_id"],
            ["__count"],
        )
        for external_id, company, count in clashes:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        'The External Id "%(external_id)s" is already used by another contact of %(company)s.',
                        external_id=external_id,
                        company=company.name or self.env._("all companies"),
                    )
                )
