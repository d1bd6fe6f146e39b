# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from ..engine import Column, Schema
from .crm_bulk_import_type import Result, UndoLog

_lt = LazyTranslate(__name__)


class CrmBulkImportTypeAssignment(models.AbstractModel):
    """Customer assignment (as Upflow does it).

    "External Id: the customer's id from your source tool. Account manager
    email: the email of the account manager [...] separate their email address
    by a comma. Workflow name: the exact name of the workflow."

    Applies the account managers on the customer (the first is also the
    salesperson) and launches the workflow, an activity plan for contacts, with
    the account manager as the responsible user."""

    _name = "crm.bulk.import.type.assignment"
    _import_type = "assignment"
    _import_type_lists = {"res.partner": 30}
    _import_type_label = _lt("Customer assignment")
    _import_type_sequence = 50
    _inherit = "crm.bulk.import.type"
    _description = "Bulk Import Type: Customer Assignment"
    # A row writes a customer's managers and schedules its workflow, in
    # batches: 1,000 rows a chunk, a few seconds.
    _default_chunk_size = 1000
    _revert_creates = ("mail.activity",)
    _revert_writes = {"res.partner": ("account_manager_ids", "user_id")}

    @api.model
    def _schema(self):
        return Schema(
            columns=(
                Column(
                    "external_id",
                    _lt("External Id"),
                    required=True,
                    aliases=(
                        "external_ref",
                        "customer id",
                        "id externe",
                        "identifiant externe",
                        "externe id",
                        "externe kennung",
                        "kunden id",
                    ),
                    help=_lt("The customer's id in its source system, stored on the contact."),
                    example="CUST-0001",
                ),
                Column(
                    "account_manager_emails",
                    _lt("Account manager email"),
                    required=True,
                    parser="emails",
                    aliases=(
                        "account manager",
                        "account managers",
                        "account manager emails",
                        "email du gestionnaire de compte",
                        "gestionnaire de compte",
                        "e-mail du gestionnaire",
                        "kundenbetreuer",
                        "kundenbetreuer e-mail",
                        "e-mail des kundenbetreuers",
                    ),
                    help=_lt("One or several emails of internal users, separated by commas."),
                    example="manager@example.com",
                    choices="_choices_account_managers",
                ),
                Column(
                    "workflow_name",
                    _lt("Workflow name"),
                    aliases=(
                        "workflow",
                        "activity plan",
                        "plan",
                        "nom du workflow",
                        "workflow-name",
                        "name des workflows",
                    ),
                    help=_lt("The exact name of an activity plan for contacts."),
                    example="Customer onboarding",
                    choices="_choices_workflows",
                ),
            )
        ).translated(self.env._)

    @api.model
    def _apply_rows(self, job, rows):
        """Resolve every row's customer, users and plan with one search each,
        then write the assignments and create the activities in batches."""
        partners = self._find_customers(job, {row.values["external_id"] for row in rows})
        emails = {email for row in rows for email in row.values["account_manager_emails"]}
        users = self._find_users(job, emails)
        plans = self._find_plans(job, {row.values["workflow_name"] for row in rows if row.values["workflow_name"]})

        results, assignments, line_of = {}, {}, {}
        for row in rows:
            problems = []
            external_id = row.values["external_id"]
            partner = partners.get(external_id)
            if not partner:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "external_id",
                        external_id,
                        self.env._(
                            "The customer was not found. Check and update the customer's External Id in your file."
                        ),
                    )
                )
            managers = []
            for email in row.values["account_manager_emails"]:
                user = users.get(email)
                if not user:
                    problems.append(
                        self._cell_error(
                            job,
                            row,
                            "account_manager_emails",
                            email,
                            self.env._(
                                "User not found, check the email. It can be a typo, or the user must be "
                                "created in Odoo first (an internal user)."
                            ),
                        )
                    )
                elif user not in managers:
                    managers.append(user)
            plan = False
            if row.values["workflow_name"]:
                plan = plans.get(row.values["workflow_name"])
                if not plan:
                    problems.append(
                        self._cell_error(
                            job,
                            row,
                            "workflow_name",
                            row.values["workflow_name"],
                            self.env._("Workflow not found: use the exact name of an activity plan for contacts."),
                        )
                    )
            if problems:
                results[row.line.id] = Result("error", "\n".join(problems))
                continue
            # A customer named on several rows: the last row wins, as in the file.
            assignments[partner.id] = (partner, managers, plan)
            line_of[partner.id] = row.line.id
            results[row.line.id] = Result(
                "updated",
                self.env._(
                    "%(customer)s: account managers %(managers)s%(plan)s.",
                    customer=partner.display_name,
                    managers=", ".join(user.name for user in managers),
                    plan=self.env._(", workflow %(plan)s started", plan=plan.name) if plan else "",
                ),
                "res.partner",
                partner.id,
            )
        undo = UndoLog()
        for partner_id, (partner, _managers, _plan) in assignments.items():
            undo.watch(line_of[partner_id], partner, ("account_manager_ids", "user_id"))
        activities = self._assign(job, assignments.values())
        for activity in activities:
            undo.created(line_of[activity.res_id], activity)
        return undo.attach(results)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _find_customers(self, job, external_ids):
        """{external id: partner} among the job company's and shared contacts;
        the company's own contact wins over a shared one."""
        partners = self.env["res.partner"].search(
            [
                ("customer_external_id", "in", list(external_ids)),
                ("company_id", "in", [job.company_id.id, False]),
            ]
        )
        found = {}
        for partner in partners.sorted(lambda partner: bool(partner.company_id)):
            found[partner.customer_external_id] = partner
        return found

    @api.model
    def _find_users(self, job, emails):
        """{email: internal user of the job's company}, by email or login."""
        users = self.env["res.users"].search(
            [
                ("share", "=", False),
                ("company_ids", "in", job.company_id.id),
                "|",
                ("email_normalized", "in", list(emails)),
                ("login", "in", list(emails)),
            ]
        )
        found = {}
        for user in users:
            for key in (user.email_normalized, (user.login or "").lower()):
                if key in emails:
                    found.setdefault(key, user)
        return found

    @api.model
    def _find_plans(self, job, names):
        plans = self.env["mail.activity.plan"].search(
            [
                ("res_model", "=", "res.partner"),
                ("name", "in", list(names)),
                ("company_id", "in", [job.company_id.id, False]),
            ]
        )
        return {plan.name: plan for plan in plans}

    @api.model
    def _assign(self, job, assignments):
        """Write the account managers (one write per set of managers), create
        every plan activity in one batch and log one chatter note per customer.

        An import assigning thousands of customers must not send thousands of
        "you have been assigned" emails nor write two messages per customer:
        notifications and field tracking are replaced by that one note, which
        names the import.

        :return: the activities created"""
        quiet = {
            "mail_activity_quick_update": True,
            "mail_auto_subscribe_no_notify": True,
            "tracking_disable": True,
        }
        by_managers = defaultdict(lambda: self.env["res.partner"])
        for partner, managers, _plan in assignments:
            by_managers[tuple(user.id for user in managers)] |= partner
        for manager_ids, partners in by_managers.items():
            partners.with_context(**quiet).write(
                {
                    "account_manager_ids": [Command.set(manager_ids)],
                    "user_id": manager_ids[0],
                }
            )

        model_id = self.env["ir.model"]._get_id("res.partner")
        # One batch per plan step: mail.activity.create subscribes the
        # responsible users and would insert a follower twice for a customer
        # present twice in one batch.
        activity_vals, bodies = defaultdict(list), {}
        deadlines = {}
        for partner, managers, plan in assignments:
            items = [self.env._("Account managers: %(names)s", names=", ".join(user.name for user in managers))]
            for template in plan.template_ids if plan else []:
                responsible = template._determine_responsible(managers[0], partner)["responsible"] or managers[0]
                if template not in deadlines:
                    deadlines[template] = template._get_date_deadline()
                activity_vals[template.id].append(
                    {
                        "res_model_id": model_id,
                        "res_id": partner.id,
                        "activity_type_id": template.activity_type_id.id,
                        "summary": template.summary,
                        "note": template.note,
                        "user_id": responsible.id,
                        "date_deadline": deadlines[template],
                    }
                )
                items.append(
                    self.env._(
                        'Plan "%(plan)s": %(activity)s, assigned to %(name)s, due on %(deadline)s',
                        plan=plan.name,
                        activity=template.summary or template.activity_type_id.name,
                        name=responsible.name,
                        deadline=format_date(self.env, deadlines[template]),
                    )
                )
            bodies[partner.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Customer assignment by import %(job)s", job=job.name),
                Markup().join(Markup("<li>%s</li>") % item for item in items),
            )
        activities = self.env["mail.activity"]
        for vals_list in activity_vals.values():
            activities |= self.env["mail.activity"].with_context(**quiet).create(vals_list)
        if bodies:
            self.env["res.partner"].browse(list(bodies))._message_log_batch(bodies=bodies)
        return activities

    @api.model
    def _choices_account_managers(self, company):
        users = self.env["res.users"].search([("share", "=", False), ("company_ids", "in", company.id)])
        return sorted({user.email_normalized for user in users if user.email_normalized})

    @api.model
    def _choices_workflows(self, company):
        plans = self.env["mail.activity.plan"].search(
            [
                ("res_model", "=", "res.partner"),
                ("company_id", "in", [company.id, False]),
            ]
        )
        return sorted(set(plans.mapped("name")))
