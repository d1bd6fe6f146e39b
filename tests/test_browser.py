# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import websocket  # noqa: F401 - without it Odoo would silently skip the browser tests

from odoo.tests import HttpCase, tagged

from .common import BulkImportCase


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
