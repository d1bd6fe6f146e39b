# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Columns mapped to no field become custom fields of the members: an import
may create only so many, a company may have only so many, and a file that
would pass either limit is refused before anything is written. A saved
mapping remembers a file of any width."""

import base64
import hashlib

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form

from ..models.crm_bulk_import_member_mixin import MAX_CUSTOM_FIELDS, MAX_NEW_CUSTOM_FIELDS
from ..models.crm_bulk_import_type import Row
from .common import BulkImportCase, csv_bytes

MEMBER_HEADER = ["Name", "Plan Name", "Start Date", "Next Invoice Date"]
MEMBER_ROW = ["Ann Extra", "Fixed Desk", "2025-10-01", "2025-11-01"]
PROMOTE_HEADER = ["Email", "First Name", "Last Name", "Team Name", "Plans"]


def extra_columns(count, prefix="Survey answer"):
    return [f"{prefix} {index:04d}" for index in range(1, count + 1)]


def definitions(count):
    return [{"name": f"field_{index}", "string": f"Field {index}", "type": "char"} for index in range(count)]


@freeze_time("2025-10-15")
class TestCustomFieldLimits(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        monthly = cls.env["sale.subscription.template"].create(
            {"name": "Monthly", "recurring_interval": 1, "recurring_rule_type": "months", "invoicing_mode": "draft"}
        )
        cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "list_price": 310.0,
                    "subscribable": True,
                    "subscription_template_id": monthly.id,
                    "taxes_id": False,
                }
                for name in ("Fixed Desk", "Coworking Plan")
            ]
        )
        cls.env["crm.lead"].create({"name": "Jane wants a desk", "email_from": "jane@example.com"})

    def member_job(self, extra, values=None, import_type="member"):
        """A job of one member with the ``extra`` columns, each with a value."""
        header, row = (
            (MEMBER_HEADER, MEMBER_ROW)
            if import_type == "member"
            else (PROMOTE_HEADER, ["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan"])
        )
        values = values or [f"value {index}" for index in range(len(extra))]
        return self.make_job(
            csv_bytes([header + extra, row + values]),
            file_name=f"{import_type}.csv",
            user=self.manager,
            import_type=import_type,
        )

    def refusal(self, action):
        """The message of the UserError ``action`` raises, caught without the
        savepoint assertRaises rolls back: what it wrote before raising stays
        visible to the test."""
        try:
            action()
        except UserError as error:
            return str(error)
        self.fail("the file was not refused")

    def company_fields(self):
        self.env.invalidate_all()
        return list(self.env.company.member_properties_definition or [])

    def assert_untouched(self, job, fields_before):
        self.assertEqual(self.company_fields(), fields_before, "no custom field created")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ann Extra")]), "no member created")
        self.assertFalse(job.file_headers, "the file not staged")
        self.assertFalse(job.line_ids, "no line staged")
        self.assertEqual((job.state, job.count_total), ("draft", 0))

    def test_too_many_new_columns_refused_at_dry_run_and_import(self):
        self.assertEqual(MAX_NEW_CUSTOM_FIELDS, 50)
        before = self.company_fields()
        job = self.member_job(extra_columns(60))
        for action in (job.action_dry_run, job.action_import):
            message = self.refusal(action)
            self.assertIn("60 columns of the file are mapped to no field", message)
            self.assertIn("an import may create at most 50", message)
            self.assertIn("Map these columns to a field, or remove them from the file", message)
            self.assertIn('"Survey answer 0001", "Survey answer 0002"', message)
            self.assertIn('"Survey answer 0010" and 50 more.', message)
            self.assertNotIn("Survey answer 0011", message, "the first few columns only")
            self.assert_untouched(job, before)

    def test_promotion_with_too_many_new_columns_refused(self):
        before = self.company_fields()
        job = self.member_job(extra_columns(51, "Key"), import_type="promote")
        message = self.refusal(job.action_dry_run)
        self.assertIn("51 columns of the file are mapped to no field", message)
        self.assertEqual(self.company_fields(), before)
        self.assertFalse(job.line_ids)

    def test_custom_columns_never_creates_more_than_allowed(self):
        """Whatever calls it, the method that creates the custom fields keeps
        to the limit as well."""
        job = self.member_job(extra_columns(60))
        keys = dict(zip(MEMBER_HEADER, ("name", "plan_name", "start_date", "next_invoice_date"), strict=True))
        job.mapping = {column: keys.get(column, False) for column in MEMBER_HEADER + extra_columns(60)}
        before = self.company_fields()
        row = Row(None, 2, {}, dict.fromkeys(extra_columns(60), "x"))
        with self.assertRaisesRegex(UserError, "an import may create at most 50"):
            self.env["crm.bulk.import.type.member"]._custom_columns(job, [row])
        self.assertEqual(self.company_fields(), before)

    def test_a_few_new_columns_become_custom_fields(self):
        job = self.member_job(["Licence plate", "Locker"], ["AB-123-CD", "12"])
        job.action_import()
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        ann = self.env["res.partner"].search([("name", "=", "Ann Extra")])
        self.assertEqual(ann.member_properties, {"licence_plate": "AB-123-CD", "locker": 12.0})
        self.assertEqual([field["string"] for field in self.company_fields()], ["Licence plate", "Locker"])

    def test_columns_that_already_are_custom_fields_do_not_count(self):
        """Columns that are custom fields already create nothing: only the
        new ones count towards the limit of an import."""
        known = extra_columns(MAX_NEW_CUSTOM_FIELDS + 10)
        self.env.company.member_properties_definition = [
            {"name": f"survey_{index}", "string": column, "type": "char"} for index, column in enumerate(known)
        ]
        job = self.member_job(known + ["Locker"])
        job.action_import()
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(len(self.company_fields()), MAX_NEW_CUSTOM_FIELDS + 11)

    def test_the_company_may_have_only_so_many_custom_fields(self):
        self.assertEqual(MAX_CUSTOM_FIELDS, 200)
        self.env.company.member_properties_definition = definitions(195)
        before = self.company_fields()
        job = self.member_job(extra_columns(6))
        message = self.refusal(job.action_dry_run)
        self.assertIn("6 columns of the file are mapped to no field", message)
        self.assertIn("the company already has 195 and may have at most 200", message)
        self.assertIn('"Survey answer 0006".', message)
        self.assert_untouched(job, before)

        job = self.member_job(extra_columns(5))
        job.action_import()
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(len(self.company_fields()), 200, "up to the limit")

        # At the limit, a file whose columns are all custom fields already
        # still imports.
        job = self.make_job(
            csv_bytes([MEMBER_HEADER + ["Field 3"], ["Bea Extra", "Fixed Desk", "2025-10-01", "2025-11-01", "x"]]),
            file_name="again.csv",
            user=self.manager,
            import_type="member",
        )
        job.action_import()
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(len(self.company_fields()), 200)

    # ------------------------------------------------------------
    # Through the wizard, the mapping remembered
    # ------------------------------------------------------------

    def open_wizard(self, rows, import_type, user, file_name="wide.csv"):
        wizard = (
            self.env["crm.bulk.import.wizard"]
            .with_user(user)
            .with_context(default_import_type=import_type, default_file_name=file_name)
        )
        form = Form(wizard)
        form.file = base64.b64encode(csv_bytes(rows))
        record = form.save()
        record.action_read_file()
        return record

    def test_wizard_with_thousands_of_columns_gets_the_limit_not_a_server_error(self):
        extra = extra_columns(1996)
        wizard = self.open_wizard(
            [MEMBER_HEADER + extra, MEMBER_ROW + ["x"] * len(extra)], "member", self.manager, "export.csv"
        )
        wizard.remember_mapping = True
        with self.assertRaisesRegex(UserError, "1996 columns of the file are mapped to no field"):
            wizard.action_dry_run()
        with self.assertRaisesRegex(UserError, "1996 columns of the file are mapped to no field"):
            wizard.action_import()

    def test_a_mapping_of_hundreds_of_columns_is_remembered(self):
        """Columns mapped to nothing in an import that does not keep them
        ("don't import"): the mapping of a 600-column file saves, and is
        proposed again for the same headers in another order."""
        # Headers that do not repeat one another: joined, they would not
        # compress to the size of an index row.
        header = self.HEADER + [f"Unused {hashlib.sha1(str(index).encode()).hexdigest()[:12]}" for index in range(597)]
        row = ["CUST-001", "bob@example.com", ""] + ["x"] * 597
        wizard = self.open_wizard([header, row], "assignment", self.importer)
        wizard.remember_mapping = True
        expected = {"External Id": "external_id", "Account manager email": "account_manager_emails"}
        expected |= {"Workflow name": "workflow_name"} | dict.fromkeys(header[3:], False)
        self.assertEqual(wizard._mapping(), expected)
        job = self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        saved = self.env["crm.bulk.import.saved.mapping"].search([("user_id", "=", self.importer.id)])
        self.assertEqual(len(saved), 1)
        self.assertEqual(len(saved.layout_key), 64, "a digest, whatever the number of headers")

        wizard = self.open_wizard(
            [list(reversed(header)), list(reversed(row))], "assignment", self.importer, "next-month.csv"
        )
        self.assertEqual(wizard.saved_mapping_id, saved)
        self.assertEqual(wizard._mapping(), expected)
        wizard.allow_same_file = True
        wizard.action_import()
        self.assertEqual(
            self.env["crm.bulk.import.saved.mapping"].search([("user_id", "=", self.importer.id)]),
            saved,
            "the same layout updates the same saved mapping",
        )
