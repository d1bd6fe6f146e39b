# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import openpyxl

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user

from .common import BulkImportCase, csv_bytes, read_csv, run_queue_jobs


class TestAssignment(BulkImportCase):
    """Customer assignment."""

    def test_assigns_managers_and_launches_the_workflow(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", "Onboarding"],
                    ["CUST-002", "bob@example.com, alice@example.com", ""],
                ]
            )
        )
        job.action_import()
        self.assertEqual(job.state, "done")
        self.assertEqual((job.count_total, job.count_updated, job.count_error), (2, 2, 0))
        first, second = self.customer("CUST-001"), self.customer("CUST-002")
        self.assertEqual(first.account_manager_ids, self.alice)
        self.assertEqual(first.user_id, self.alice)
        # Several managers: all kept, the first one is the salesperson.
        self.assertEqual(second.account_manager_ids, self.bob | self.alice)
        self.assertEqual(second.user_id, self.bob)
        # The plan's activity, with the account manager responsible.
        activity = first.activity_ids
        self.assertEqual(activity.summary, "Welcome call")
        self.assertEqual(activity.user_id, self.alice)
        self.assertFalse(second.activity_ids)
        self.assertIn('Plan "Onboarding": Welcome call, assigned to Alice, due on', first.message_ids[0].body)
        # Two days from the importing user's today (in their time zone: none
        # here, so UTC), whatever the time zone of the test's own user.
        today = fields.Date.context_today(activity.with_user(job.create_uid))
        self.assertEqual(activity.date_deadline, fields.Date.add(today, days=2))
        line = job.line_ids.filtered(lambda line: line.row_number == 2)
        self.assertEqual((line.status, line.res_model, line.res_id), ("updated", "res.partner", first.id))

    def test_an_account_without_an_email_imports(self):
        """An integration account has no email: the import is still made,
        its summary posted and mailed from the company's address, or from
        Odoo's default sender when the company has none either."""
        robot = new_test_user(
            self.env,
            "bi_robot",
            groups="base.group_user,crm_bulk_import.group_crm_bulk_import_user",
            name="Robot",
            email=False,
        )
        self.assertFalse(robot.email)
        domain = self.env["mail.alias.domain"].create({"name": "company.example", "default_from": "notifications"})
        for company_email, default_from, row in (
            ("office@company.example", "notifications@company.example", "CUST-001"),
            (False, "notifications@company.example", "CUST-002"),
            (False, False, "CUST-003"),
        ):
            with self.subTest(company_email=company_email, default_from=default_from):
                self.env.company.email = company_email
                self.env.company.alias_domain_id = domain if default_from else False
                self.env.flush_all()
                self.env.invalidate_all()
                job = self.make_job(csv_bytes([self.HEADER, [row, "alice@example.com", ""]]), user=robot)
                job.action_import()
                self.assertEqual((job.state, job.count_updated), ("done", 1))
                self.assertEqual(self.customer(row).user_id, self.alice)
                summary = job.message_ids.filtered(lambda message: "out of 1 rows" in str(message.body))
                self.assertEqual(summary.author_id, robot.partner_id)
                # The company's address, else its alias domain's (Odoo's fallback).
                self.assertIn(company_email or ("@company.example" if default_from else ""), summary.email_from or "")
                mail = self.env["mail.mail"].search([("model", "=", job._name), ("res_id", "=", job.id)])
                self.assertTrue(mail, "the summary email is queued")

    def test_partial_policy_reports_each_bad_row(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", "Onboarding"],
                    ["CUST-404", "alice@example.com", ""],
                    ["CUST-002", "bob@example.com", ""],
                    ["CUST-003", "nobody@example.com", ""],
                    ["CUST-004", "alice@example.com", ""],
                ]
            )
        )
        job.action_import()
        self.assertEqual(job.state, "error")
        self.assertEqual((job.count_updated, job.count_error), (3, 2))
        errors = job.line_ids.filtered(lambda line: line.status == "error").sorted("row_number")
        self.assertEqual(errors.mapped("row_number"), [3, 5])
        self.assertEqual(
            errors[0].message,
            'Row 3, column "External Id", value "CUST-404": The customer was not found. '
            "Check and update the customer's External Id in your file.",
        )
        self.assertIn(
            'Row 5, column "Account manager email", value "nobody@example.com": User not found, check the email',
            errors[1].message,
        )
        self.assertEqual(self.customer("CUST-004").user_id, self.alice)
        self.assertFalse(self.customer("CUST-003").user_id)

    def test_unknown_workflow_and_bad_email_are_row_errors(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", "Onboardin"],
                    ["CUST-002", "not-an-email", ""],
                ]
            )
        )
        job.action_import()
        messages = job.line_ids.sorted("row_number").mapped("message")
        self.assertIn('column "Workflow name", value "Onboardin": Workflow not found', messages[0])
        self.assertIn('column "Account manager email", value "not-an-email": this is not a valid email', messages[1])
        self.assertFalse(self.customer("CUST-001").user_id)

    def test_dry_run_predicts_the_import_and_writes_nothing(self):
        content = csv_bytes(
            [
                self.HEADER,
                ["CUST-001", "alice@example.com", "Onboarding"],
                ["CUST-404", "alice@example.com", ""],
                ["CUST-002", "bob@example.com", "Onboarding"],
            ]
        )
        before = self.snapshot()
        dry = self.make_job(content)
        dry.action_dry_run()
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(dry.state, "draft")
        self.assertTrue(dry.is_dry_run)
        predicted = [(line.row_number, line.status, line.message, line.res_id) for line in dry.line_ids]
        self.assertEqual([status for _row, status, _msg, _id in predicted], ["would_update", "error", "would_update"])

        real = self.make_job(content)
        real.action_import()
        done = [(line.row_number, line.status, line.message, line.res_id) for line in real.line_ids]
        as_real = {"would_update": "updated", "would_create": "created"}
        self.assertEqual(
            [(row, as_real.get(status, status), msg, res_id) for row, status, msg, res_id in predicted], done
        )
        self.assertNotEqual(self.snapshot(), before)

    def test_dry_run_then_import_the_same_job(self):
        job = self.make_job(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", ""]]))
        job.action_dry_run()
        job.action_import()
        self.assertEqual((job.state, job.count_updated, job.is_dry_run), ("done", 1, False))
        self.assertEqual(job.line_ids.status, "updated")

    def test_all_or_nothing_policy_applies_nothing_on_one_error(self):
        before = self.snapshot()
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", "Onboarding"],
                    ["CUST-404", "alice@example.com", ""],
                ]
            ),
            policy="all_or_nothing",
        )
        job.action_import()
        self.assertEqual(job.state, "failed")
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(job.line_ids.sorted("row_number").mapped("status"), ["skipped", "error"])

    def test_end_of_job_message_email_and_notification(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", ""],
                    ["CUST-404", "alice@example.com", ""],
                ]
            )
        )
        job.action_import()
        self.assertTrue(any("1 updated, 0 skipped, 1 with errors" in body for body in job.message_ids.mapped("body")))
        mail = self.env["mail.mail"].search([("model", "=", job._name), ("res_id", "=", job.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.importer.partner_id)
        self.assertIn("CUST-404", mail.body_html)
        self.assertIn(f"/mail/view?model=crm.bulk.import.job&amp;res_id={job.id}", mail.body_html)
        self.env.cr.precommit.run()  # the bus sends its notifications at commit
        # Run in the request, the import opened its form: no notification.
        notified = [("message", "ilike", "simple_notification")]
        self.assertFalse(self.env["bus.bus"].search([("message", "ilike", job.name), *notified]))
        # Run in the background, it tells the uploader when it is done.
        self.env["ir.config_parameter"].set_param("crm_bulk_import.background_threshold", 1)
        queued = self.make_job(
            csv_bytes([self.HEADER, ["CUST-002", "bob@example.com", ""], ["CUST-003", "bob@example.com", ""]])
        )
        queued.action_import()
        self.assertEqual(queued.state, "queued")
        run_queue_jobs(self.env)
        self.env.cr.precommit.run()
        notification = self.env["bus.bus"].search([("message", "ilike", queued.name), *notified], limit=1)
        self.assertTrue(notification, "the uploader gets a backend notification")
        self.assertIn("simple_notification", notification.message)

    def test_error_file_round_trip(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", ""],
                    ["CUST-4O4", "alice@example.com", ""],
                    ["CUST-003", "bobb@example.com", '=HYPERLINK("x")'],
                ],
                delimiter=";",
            )
        )
        job.action_import()
        action = job.action_download_errors()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = read_csv(attachment.raw, delimiter=";")
        self.assertEqual(rows[0], self.HEADER + ["Error"])
        self.assertEqual([row[0] for row in rows[1:]], ["CUST-4O4", "CUST-003"])
        self.assertIn("The customer was not found", rows[1][3])
        # The formula-looking cell is escaped for spreadsheets.
        self.assertTrue(rows[2][2].startswith("'="))
        # The user fixes the two rows in their spreadsheet and uploads them again.
        fixed = [rows[0][:3], ["CUST-002", "alice@example.com", ""], ["CUST-003", "bob@example.com", ""]]
        again = self.make_job(csv_bytes(fixed))
        again.action_import()
        self.assertEqual((again.state, again.count_updated), ("done", 2))
        self.assertEqual((self.customer("CUST-002") | self.customer("CUST-003")).user_id, self.alice | self.bob)

    def test_error_file_keeps_the_xlsx_format(self):
        book = openpyxl.Workbook()
        book.active.append(self.HEADER)
        book.active.append(["CUST-404", "alice@example.com", ""])
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.make_job(buffer.getvalue(), file_name="assign.xlsx")
        job.action_import()
        action = job.action_download_errors()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual(attachment.name, "assign-errors.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        values = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(values[0]), self.HEADER + ["Error"])
        self.assertEqual(values[1][0], "CUST-404")

    def test_templates(self):
        wizard = self.env["crm.bulk.import.wizard"].with_user(self.importer).create({"import_type": "assignment"})
        action = wizard.action_download_template_csv()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual(
            read_csv(attachment.raw),
            [
                ["External Id*", "Account manager email*", "Workflow name"],
                ["CUST-0001", "manager@example.com", "Customer onboarding"],
            ],
            "the header, then the example row",
        )
        action = wizard.action_download_template_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        sheet = book.worksheets[0]
        self.assertEqual(sheet["A1"].fill.fgColor.rgb[-6:], "FFFF00")
        self.assertNotEqual((sheet["C1"].fill.fgColor.rgb or "")[-6:], "FFFF00")
        lists = book["Lists"]
        offered = {cell for row in lists.iter_rows(values_only=True) for cell in row if cell}
        self.assertIn("Onboarding", offered)
        self.assertIn("alice@example.com", offered)
        self.assertTrue(sheet.data_validations.dataValidation)
        self.assertEqual(sheet["A2"].value, "CUST-0001")
        self.assertIn("Row 2 is an example", book["Notes"]["A1"].value)
        # The template, filled in under its example row, imports as is: the
        # example row is skipped and says so.
        sheet.append(["CUST-005", "alice@example.com", "Onboarding"])
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.make_job(buffer.getvalue(), file_name="filled.xlsx")
        job.action_import()
        self.assertEqual((job.state, job.count_updated, job.count_skipped, job.count_error), ("done", 1, 1, 0))
        example = job.line_ids.filtered(lambda line: line.row_number == 2)
        self.assertEqual(example.status, "skipped")
        self.assertIn("the template's example row: not imported", example.message)
        self.assertFalse(self.env["res.partner"].search([("customer_external_id", "=", "CUST-0001")]))
        # Changed in one cell, the row is the user's own and is imported.
        self.assertFalse(
            self.env["crm.bulk.import.type.assignment"]._is_template_example(
                [(column, column.label) for column in self.env["crm.bulk.import.type.assignment"]._schema().columns],
                {"External Id": "CUST-0001", "Account manager email": "alice@example.com"},
            )
        )

    def test_external_id_unique_per_company(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create({"name": "Twin", "customer_external_id": "CUST-001"})
        other = self.env["res.partner"].create(
            {
                "name": "Other company's",
                "customer_external_id": "CUST-001",
                "company_id": self.company_b.id,
            }
        )
        self.assertEqual(other.customer_external_id, "CUST-001")

    def test_customer_of_another_company_is_not_found(self):
        self.env["res.partner"].create(
            {
                "name": "B's customer",
                "customer_external_id": "B-001",
                "company_id": self.company_b.id,
            }
        )
        job = self.make_job(csv_bytes([self.HEADER, ["B-001", "alice@example.com", ""]]))
        job.action_import()
        self.assertIn("The customer was not found", job.line_ids.message)
