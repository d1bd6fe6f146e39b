# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import csv
import importlib.util
import io
from pathlib import Path

from odoo import Command
from odoo.tests import Form, TransactionCase, new_test_user

DATA = Path(__file__).parent / "data"


def csv_bytes(rows, delimiter=","):
    """A CSV file as a spreadsheet would save it (UTF-8, CRLF)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_csv(content, delimiter=","):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def load_migration(version, name):
    """A migration script of the module, loaded as Odoo loads it."""
    path = Path(__file__).parents[1] / "migrations" / version / name
    spec = importlib.util.spec_from_file_location(f"migration_{version}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_queue_jobs(env):
    """Perform the module's pending queue jobs as queue_job's runner would,
    and those they queue, in this transaction; the number performed. A job
    allowed to commit runs on a cursor of its own: the registry's test mode
    makes that cursor this transaction's, as Odoo's HTTP tests do."""
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415 - queue_job is loaded with the module

    registry = env.registry
    own_test_mode = registry.test_cr is None
    if own_test_mode:
        registry.enter_test_mode(env.cr)
    try:
        performed = 0
        while True:
            pending = (
                env["queue.job"]
                .sudo()
                .search([("channel", "=", "root.crm_bulk_import"), ("state", "=", "pending")], order="id", limit=1)
            )
            if not pending:
                return performed
            job = Job.load(env, pending.uuid)
            job.set_started()
            job.store()
            env.flush_all()  # what the test wrote reaches the job's cursor
            job.perform()
            job.set_done()
            job.store()
            env.invalidate_all()
            performed += 1
    finally:
        if own_test_mode:
            registry.leave_test_mode()


def downloaded(env, action):
    """The attachment a download action points to."""
    return env["ir.attachment"].browse(int(action["url"].split("/web/content/")[1].split("?")[0]))


def attachment_content(env, action):
    """The bytes of the file a download action points to."""
    return downloaded(env, action).raw


class BulkImportCase(TransactionCase):
    """Shared data: two companies, the import groups, customers with external
    ids, account managers and an activity plan for contacts."""

    HEADER = ["External Id", "Account manager email", "Workflow name"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager = new_test_user(
            cls.env,
            "bi_manager",
            groups="base.group_user,crm_bulk_import.group_crm_bulk_import_manager",
            email="manager@example.com",
            name="Import Manager",
        )
        cls.importer = new_test_user(
            cls.env,
            "bi_user",
            groups="base.group_user,crm_bulk_import.group_crm_bulk_import_user",
            email="importer@example.com",
            name="Importer",
        )
        cls.importer_b = new_test_user(
            cls.env,
            "bi_user_b",
            groups="base.group_user,crm_bulk_import.group_crm_bulk_import_user",
            email="importer.b@example.com",
            name="Importer B",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            "bi_manager_b",
            groups="base.group_user,crm_bulk_import.group_crm_bulk_import_manager",
            name="Manager B",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.plain = new_test_user(cls.env, "plain_internal", groups="base.group_user", name="Plain")
        cls.alice = new_test_user(cls.env, "alice", groups="base.group_user", email="alice@example.com", name="Alice")
        cls.bob = new_test_user(cls.env, "bob", groups="base.group_user", email="Bob@Example.com", name="Bob")
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Customer {index}", "customer_external_id": f"CUST-00{index}", "is_company": True}
                for index in range(1, 6)
            ]
        )
        cls.plan = cls.env["mail.activity.plan"].create(
            {
                "name": "Onboarding",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
                            "summary": "Welcome call",
                            "responsible_type": "on_demand",
                            "delay_count": 2,
                            "delay_from": "after_plan_date",
                        }
                    ),
                ],
            }
        )

    def make_job(self, content, file_name="assignment.csv", user=None, **vals):
        user = user or self.importer
        Job = self.env["crm.bulk.import.job"].with_user(user)
        if "partner_id" in vals:
            Job = Job.sudo()  # a portal partner's job, created as the portal controller does
        return Job.create(
            {
                "import_type": "assignment",
                "file": base64.b64encode(content),
                "file_name": file_name,
                **vals,
            }
        )

    def import_through_wizard(self, import_type, content, file_name, user, **choices):
        """Import as a user fills the wizard: the file, the choices ticked
        (a choice the wizard does not show for the type fails here), the
        proposed mapping, Import."""
        # The type's own wizard, as its menu opens it.
        wizard = (
            self.env[f"crm.bulk.import.wizard.{import_type}"].with_user(user).with_context(default_file_name=file_name)
        )
        form = Form(wizard)
        form.file = base64.b64encode(content)
        for name, value in choices.items():
            setattr(form, name, value)
        action = form.save().action_import()
        return self.env["crm.bulk.import.job"].browse(action["res_id"])

    def customer(self, external_id):
        return self.customers.filtered(lambda partner: partner.customer_external_id == external_id)

    def snapshot(self):
        """What an assignment import changes, to prove that nothing changed."""
        self.env.invalidate_all()
        return {
            "partners": [
                (partner.id, partner.user_id.id, tuple(partner.account_manager_ids.ids))
                for partner in self.env["res.partner"].search([("customer_external_id", "!=", False)])
            ],
            "activities": self.env["mail.activity"].search_count([("res_model", "=", "res.partner")]),
        }

    def make_plan(self, name, price):
        """A monthly plan (a subscribable product) invoiced as drafts."""
        monthly = self.env["sale.subscription.template"].create(
            {"name": "Monthly", "recurring_rule_type": "months", "invoicing_mode": "draft"}
        )
        return self.env["product.product"].create(
            {"name": name, "list_price": price, "subscribable": True, "subscription_template_id": monthly.id}
        )

    def make_member(self, name, email):
        """A contact with a running subscription (a member)."""
        member = self.env["res.partner"].create({"name": name, "email": email})
        plan = BulkImportCase.make_plan(self, "Desk", 100)  # also called with the class, from setUpClass
        pricelist = self.env["product.pricelist"].search([], limit=1) or self.env["product.pricelist"].create(
            {"name": "Default"}
        )
        self.env["sale.subscription"].create(
            {
                "partner_id": member.id,
                "template_id": plan.subscription_template_id.id,
                "pricelist_id": pricelist.id,
                "sale_subscription_line_ids": [Command.create({"product_id": plan.id})],
            }
        ).action_start_subscription()
        return member
