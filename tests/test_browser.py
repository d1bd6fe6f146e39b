# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import websocket  # noqa: F401 - without it Odoo would silently skip the browser tests

from odoo.tests import HttpCase, tagged

from .common import BulkImportCase, csv_bytes


@tagged("post_install", "-at_install")
class TestBrowser(BulkImportCase, HttpCase):
    def test_assignment_wizard_in_chromium(self):
        """Open the wizard, upload a file, see the mapping and the result."""
        self.start_tour(
            "/odoo/action-crm_bulk_import.action_crm_bulk_import_wizard_assignment",
            "crm_bulk_import_assignment_tour",
            login="bi_user",
        )
        self.assertEqual(self.customer("CUST-001").user_id, self.alice)
        self.assertEqual(self.customer("CUST-002").user_id, self.bob)
        job = self.env["crm.bulk.import.job"].search([("user_id", "=", self.importer.id)])
        self.assertEqual((job.state, job.count_updated, job.count_error), ("error", 2, 1))

    def test_fix_retry_and_revert_in_chromium(self):
        """A job in error: fix the row in the job's form, retry it, revert."""
        rows = [
            self.HEADER,
            ["CUST-001", "alice@example.com", ""],
            ["CUST-002", "bob@example.com", ""],
            ["CUST-404", "alice@example.com", ""],
        ]
        job = self.make_job(csv_bytes(rows))
        job.action_import()
        self.assertEqual(job.state, "error")
        self.start_tour(
            f"/odoo/action-crm_bulk_import.action_crm_bulk_import_job/{job.id}",
            "crm_bulk_import_fix_revert_tour",
            login="bi_manager",
        )
        self.assertEqual((job.state, job.count_reverted, job.reverted_by_id), ("reverted", 3, self.manager))
        self.assertFalse((self.customers[:3]).user_id, "the three customers are back without a salesperson")
        self.assertTrue(job.line_ids.filtered(lambda line: line.row_number == 4).edited)
