# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import gc
from unittest.mock import patch

from odoo.tests import Form, TransactionCase

from odoo.addons.crm_bulk_import.models.crm_bulk_import_job import SimulatedCrash, collector_paused
from odoo.addons.crm_bulk_import.models.crm_bulk_import_type import Result
from odoo.addons.crm_bulk_import.models.crm_bulk_import_type_assignment import CrmBulkImportTypeAssignment

from .common import BulkImportCase, csv_bytes, run_queue_jobs

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
        job = self.make_job(self.content)
        job.action_import()
        # Too big to run at once: queued on the job queue, two queue jobs
        # working side by side through its chunks, linked to the import.
        self.assertEqual(job.state, "queued")
        self.assertEqual(job.count_total, ROWS)
        queue_jobs = job.sudo().queue_job_ids
        self.assertEqual(len(queue_jobs), 2)
        self.assertEqual(set(queue_jobs.mapped("channel")), {"root.crm_bulk_import"})
        self.assertEqual(set(queue_jobs.mapped("state")), {"pending"})
        self.assertEqual(queue_jobs.user_id, self.importer, "run with the uploader's rights")

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
                run_queue_jobs(self.env)
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        self.assertEqual(job.state, "running")
        self.assertEqual(job.count_done, 500)
        self.assertEqual(job.progress, 10.0)
        self.assertEqual(len(self.many.filtered("user_id")), 500)

        # queue_job's runner queues the job of the dead worker again; every
        # row is applied once, none twice.
        crashed_job = job.sudo().queue_job_ids.filtered(lambda queue_job: queue_job.state == "started")
        self.assertEqual(len(crashed_job), 1)
        crashed_job.state = "pending"
        run_queue_jobs(self.env)
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
        # One queue job per chunk, each a few seconds at most.
        self.assertGreaterEqual(len(job.sudo().queue_job_ids), ROWS // 500)
        self.assertEqual(set(job.sudo().queue_job_ids.mapped("state")), {"done"})

    def test_linking_a_queue_job_leaves_the_import_row_alone(self):
        """A chunk queues the next one while the chunk beside it updates the
        import's counts: linking the queue job must not write the import's
        row, or one of the two chunks fails to serialize."""
        job = self.make_job(self.content)
        job.action_import()
        # Written by an earlier transaction, as the import is when a chunk
        # runs: a write in this one would change it.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_bulk_import_job SET write_date = write_date - interval '1 minute' WHERE id = %s", [job.id]
        )
        job.invalidate_recordset()

        def row_updates():
            # the row's updates in this transaction, counted by PostgreSQL
            self.env.cr.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'crm_bulk_import_job'")
            return self.env.cr.fetchone()[0]

        before = row_updates()
        queue_job = job._enqueue("_queue_run_chunk", "next chunk")
        self.env.flush_all()
        self.assertEqual(row_updates(), before, "the import's row was written")
        self.assertIn(queue_job, job.sudo().queue_job_ids, "the form lists the queue job")

    def test_chunks_side_by_side_is_a_setting(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.crm_bulk_import_parallel_chunks, 2)
        settings.crm_bulk_import_parallel_chunks = 3
        settings.save().execute()
        job = self.make_job(self.content)
        job.action_import()
        self.assertEqual(len(job.sudo().queue_job_ids), 3, "three queue jobs work through the import side by side")
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_updated), ("done", ROWS))

    def test_cancel_a_queued_job(self):
        job = self.make_job(self.content)
        job.action_import()
        job.action_cancel()
        self.assertEqual(job.state, "cancelled")
        self.assertEqual(job.count_skipped, ROWS)
        run_queue_jobs(self.env)
        self.assertFalse(self.many.filtered("user_id"))


class TestCollectorPaused(TransactionCase):
    """Chunks applied side by side pause Python's cycle collector together;
    the last one to finish resumes it, and only if it ran before."""

    def test_the_last_chunk_resumes_the_collector(self):
        self.addCleanup(gc.enable if gc.isenabled() else gc.disable)
        gc.enable()
        first, second = collector_paused(), collector_paused()
        first.__enter__()
        self.assertFalse(gc.isenabled())
        second.__enter__()
        first.__exit__(None, None, None)
        self.assertFalse(gc.isenabled(), "the other chunk still runs")
        second.__exit__(None, None, None)
        self.assertTrue(gc.isenabled())

    def test_a_collector_turned_off_stays_off(self):
        self.addCleanup(gc.enable if gc.isenabled() else gc.disable)
        gc.disable()
        with collector_paused():
            self.assertFalse(gc.isenabled())
        self.assertFalse(gc.isenabled())


class TestStagedLines(BulkImportCase):
    """A file's rows are written to its lines with PostgreSQL's COPY, whose
    text format escapes tabs, line breaks and backslashes: every line holds
    its cells as the file has them."""

    ODD = [
        "tab\there",
        "two\nlines",
        "back\\slash, \\N and \\.",
        "Zoë 😀 “quoted”",
        'a "quoted" cell',
        "\\",
    ]

    def test_cells_are_stored_as_the_file_has_them(self):
        rows = [[f"ODD-{index}", cell, "Onboarding", f"extra\t{index}\\"] for index, cell in enumerate(self.ODD)]
        job = self.make_job(csv_bytes([self.HEADER, *rows]))
        job._stage_lines()
        self.env.invalidate_all()
        lines = job.line_ids.sorted("row_number")
        self.assertEqual(lines.mapped("row_number"), list(range(2, 2 + len(self.ODD))))
        self.assertEqual([line.values for line in lines], [dict(zip(self.HEADER, row, strict=False)) for row in rows])
        self.assertEqual([line.extra_values for line in lines], [[row[3]] for row in rows])
        self.assertEqual(set(lines.mapped("status")), {"pending"})
        self.assertEqual((lines.job_id, lines.company_id, lines.create_uid), (job, job.company_id, self.importer))

    def test_a_dry_run_stores_its_outcomes_with_the_lines(self):
        rows = [[f"ODD-{index}", cell, "Onboarding"] for index, cell in enumerate(self.ODD)]
        job = self.make_job(csv_bytes([self.HEADER, *rows]))
        results = {}

        def check(staged):
            for line in staged:
                results[line.id] = Result("error", f"row {line.row_number}:\t{line.values['Account manager email']}")
            return {line.id: results[line.id] for line in staged}

        job._stage_lines(check=check)
        self.env.invalidate_all()
        lines = job.line_ids.sorted("row_number")
        self.assertEqual(lines.mapped("status"), ["error"] * len(self.ODD))
        self.assertEqual(lines.mapped("message"), [f"row {index + 2}:\t{cell}" for index, cell in enumerate(self.ODD)])
