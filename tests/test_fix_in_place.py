# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fix failing rows in place: on a job that ended with errors, the failing
rows' values are corrected on the job, and "Retry failed rows" runs only
those rows again, as part of the same job, with the counts updated."""

from odoo.exceptions import UserError

from .common import BulkImportCase, csv_bytes, run_queue_jobs
from .test_lead import LEAD_HEADER, LeadCase


class TestFixInPlace(BulkImportCase):
    def import_with_errors(self, **vals):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", "Onboarding"],
                    ["CUST-002", "alice(at)example.com", ""],
                    ["CUST-003", "bob@example.com", "Onbording"],
                ]
            ),
            **vals,
        )
        job.action_import()
        self.assertEqual((job.state, job.count_updated, job.count_error), ("error", 1, 2))
        return job

    def fix(self, line, **values):
        """Open the row's Fix dialog as the web client does, change cells, save."""
        action = line.action_fix()
        wizard = self.env[action["res_model"]].with_user(self.importer).browse(action["res_id"])
        for cell in wizard.cell_ids:
            if cell.column_name in values:
                cell.value = values[cell.column_name]
        wizard.action_save()
        return wizard

    def activities(self):
        return self.env["mail.activity"].search_count([("res_model", "=", "res.partner")])

    def test_fix_the_values_then_retry_only_the_failed_rows(self):
        job = self.import_with_errors()
        first_activities = self.activities()
        bad_email, bad_plan = job.error_line_ids.sorted("row_number")

        action = bad_email.action_fix()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.message, bad_email.message)
        in_error = wizard.cell_ids.filtered("in_error")
        self.assertEqual(in_error.column_name, "Account manager email", "the column the error names is flagged")
        self.assertEqual(wizard.cell_ids[0], in_error, "and shown first")

        self.fix(bad_email, **{"Account manager email": "alice@example.com"})
        self.fix(bad_plan, **{"Workflow name": "Onboarding"})
        self.assertEqual(bad_email.values["Account manager email"], "alice@example.com")
        self.assertTrue(bad_email.edited)
        self.assertEqual(bad_email.status, "error", "the row keeps its error until it is retried")

        job.action_retry_failed()
        self.assertEqual(job.state, "done")
        self.assertEqual((job.count_total, job.count_updated, job.count_error), (3, 3, 0))
        self.assertEqual(self.customer("CUST-002").account_manager_ids, self.alice)
        self.assertEqual(self.customer("CUST-003").account_manager_ids, self.bob)
        # Only the two retried rows ran: one plan activity more (row 4), none
        # again for row 2, which was imported the first time.
        self.assertEqual(self.activities(), first_activities + 1)
        self.assertIn("<p>Retrying 2 failed rows.</p>", job.message_ids.mapped("body"))

    def test_a_row_still_wrong_stays_in_error(self):
        job = self.import_with_errors()
        job.with_user(self.manager).action_revert_dry_run()
        self.assertTrue(job.is_revert_dry_run)
        bad_email, _bad_plan = job.error_line_ids.sorted("row_number")
        self.fix(bad_email, **{"Account manager email": "nobody@example.com"})
        job.action_retry_failed()
        self.assertEqual((job.state, job.count_updated, job.count_error), ("error", 1, 2))
        self.assertFalse(job.is_revert_dry_run, "a retry drops the revert dry run made before it")
        self.assertFalse(job.line_ids.filtered("revert_status"))
        self.assertIn('value "nobody@example.com": User not found', bad_email.message)
        self.assertTrue(job.action_download_errors(), "the error file still works after a retry")

    def test_a_retry_of_many_rows_runs_in_the_background(self):
        job = self.import_with_errors()
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.background_threshold", 1)
        for line in job.error_line_ids:
            self.fix(line, **{"Account manager email": "bob@example.com", "Workflow name": ""})
        job.action_retry_failed()
        self.assertEqual(job.state, "queued")
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_updated, job.count_error), ("done", 3, 0))

    def test_extra_cells_can_be_removed(self):
        job = self.make_job(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", "", "stray"]]))
        job.action_import()
        self.assertEqual(job.state, "error")
        line = job.error_line_ids
        action = line.action_fix()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.extra_values, "stray")
        wizard.drop_extra_values = True
        wizard.action_save()
        job.action_retry_failed()
        self.assertEqual((job.state, job.count_updated), ("done", 1))

    def test_only_rows_in_error_of_a_job_in_error(self):
        job = self.make_job(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", ""]]))
        job.action_import()
        self.assertEqual(job.state, "done")
        with self.assertRaises(UserError):
            job.line_ids.action_fix()
        with self.assertRaises(UserError):
            job.action_retry_failed()
        job = self.import_with_errors()
        with self.assertRaises(UserError):
            job.line_ids.filtered(lambda line: line.status == "updated").action_fix()

    def test_a_retry_of_uncorrected_rows_says_so(self):
        job = self.import_with_errors()
        self.assertFalse(job.rows_fixed)
        self.env["mail.activity.plan"].create({"name": "Onbording", "res_model": "res.partner"})
        job.action_retry_failed()
        self.assertIn(
            "<p>Retrying 2 failed rows. None was corrected since the last run: they run as they were (what they "
            "name may exist in Odoo now).</p>",
            job.message_ids.mapped("body"),
        )
        # The workflow now exists: row 4 goes through; row 3 keeps its error.
        self.assertEqual((job.state, job.count_updated, job.count_error), ("error", 2, 1))
        self.fix(job.error_line_ids, **{"Account manager email": "alice@example.com"})
        self.assertTrue(job.rows_fixed)
        job.action_retry_failed()
        self.assertEqual((job.state, job.count_error, job.rows_fixed), ("done", 0, False))


class TestFixFailedAllOrNothing(LeadCase):
    """An all-or-nothing import that failed: its rows in error are fixed in
    place, and the retry runs the whole file again, all or nothing."""

    def test_fix_then_retry_imports_the_whole_file(self):
        rows = [
            self.lead_row(self.reseller.partner_code, name="Good one", email="good@buyer.example"),
            self.lead_row("P-NOPE", name="Wrong partner", email="wrong@buyer.example"),
            self.lead_row(self.reseller.partner_code, name="Good two", email="two@buyer.example"),
        ]
        job = self.import_leads(rows)
        self.assertEqual((job.state, job.count_error, job.count_skipped), ("failed", 1, 2))
        self.assertFalse(self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)]))
        bad = job.error_line_ids
        self.assertEqual(bad.row_number, 3)
        action = bad.action_fix()
        fix = self.env[action["res_model"]].with_user(self.importer).browse(action["res_id"])
        fix.cell_ids.filtered(lambda cell: cell.column_name == "Partner ID").value = self.reseller.partner_code
        fix.action_save()
        job.with_user(self.importer).action_retry_failed()
        self.assertEqual((job.state, job.count_created, job.count_error, job.count_skipped), ("done", 3, 0, 0))
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)])
        self.assertEqual(sorted(leads.mapped("name")), ["Good one", "Good two", "Wrong partner"])
        self.assertEqual(set(leads.mapped("registration_state")), {"pending"})
        # The file is the job's again: the same file is refused elsewhere.
        again = self.make_job(job._file_attachment().raw, file_name="leads.csv", import_type="lead")
        with self.assertRaises(UserError):
            again.action_import()

    def test_a_failure_before_any_row_is_read_says_upload_again(self):
        job = self.make_job(csv_bytes([LEAD_HEADER]), file_name="empty.csv", import_type="lead")
        with self.assertRaises(UserError):
            job.action_import()
        job.sudo().write({"state": "failed", "failure_message": "The file has a header row but no data rows."})
        with self.assertRaises(UserError) as caught:
            job.action_retry_failed()
        self.assertIn(
            "failed before reading its rows (The file has a header row but no data rows.)", str(caught.exception)
        )
