# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.addons.crm_bulk_import.models.crm_bulk_import_job import SimulatedCrash
from odoo.addons.crm_bulk_import.models.crm_bulk_import_type_assignment import CrmBulkImportTypeAssignment

from .common import BulkImportCase, csv_bytes

ROWS = 5000


class TestBackground(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.many = cls.env["res.partner"].create(
            [{"name": f"Bulk customer {index}", "customer_external_id": f"BULK-{index:05d}"} for index in range(ROWS)]
        )
        cls.content = csv_bytes(
            [cls.HEADER] + [[f"BULK-{index:05d}", "alice@example.com", "Onboarding"] for index in range(ROWS)]
        )
        cls.env["ir.config_parameter"].set_param("crm_bulk_import.chunk_size", 500)

    def test_big_file_runs_in_chunks_and_resumes_after_a_crash(self):
        cron = self.env.ref("crm_bulk_import.ir_cron_crm_bulk_import_run")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        job = self.make_job(self.content)
        job.action_import()
        # Too big to run at once: queued, and the cron triggered (not polled).
        self.assertEqual(job.state, "queued")
        self.assertEqual(job.count_total, ROWS)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before + 1)

        # The worker dies inside the second chunk: the first chunk is applied
        # with its lines, the second one is rolled back whole.
        original = CrmBulkImportTypeAssignment._apply_rows
        calls = []

        def crash_on_second_chunk(self_, job_, rows):
            calls.append(len(rows))
            if len(calls) == 2:
                original(self_, job_, rows)  # the work is done, then the worker dies
                raise SimulatedCrash()
            return original(self_, job_, rows)

        # Not self.assertRaises: Odoo's rolls back what happened inside it.
        crashed = False
        with patch.object(CrmBulkImportTypeAssignment, "_apply_rows", crash_on_second_chunk):
            try:
                self.env["crm.bulk.import.job"]._cron_run_jobs()
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        self.assertEqual(job.state, "running")
        self.assertEqual(job.count_done, 500)
        self.assertEqual(job.progress, 10.0)
        self.assertEqual(len(self.many.filtered("user_id")), 500)

        # The cron runs again: every row applied once, none twice.
        self.env["crm.bulk.import.job"]._cron_run_jobs()
        self.env.invalidate_all()
        self.assertEqual(job.state, "done")
        self.assertEqual((job.count_updated, job.count_error), (ROWS, 0))
        self.assertEqual(self.many.user_id, self.alice)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.many.ids)]
        )
        self.assertEqual(len(activities), ROWS, "one plan activity per customer: no row applied twice")
        self.assertEqual(set(activities.mapped("res_id")), set(self.many.ids))
        # Lines were processed in several chunks (500 rows each).
        self.assertEqual(job.line_ids.mapped("status"), ["updated"] * ROWS)
        self.assertTrue(self.env["mail.mail"].search([("model", "=", job._name), ("res_id", "=", job.id)]))

    def test_cancel_a_queued_job(self):
        job = self.make_job(self.content)
        job.action_import()
        job.action_cancel()
        self.assertEqual(job.state, "cancelled")
        self.assertEqual(job.count_skipped, ROWS)
        self.env["crm.bulk.import.job"]._cron_run_jobs()
        self.assertFalse(self.many.filtered("user_id"))
