# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import BulkImportCase, csv_bytes


class TestAccess(BulkImportCase):
    def test_users_see_only_their_company_jobs(self):
        job_a = self.make_job(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", ""]]))
        job_b = self.make_job(
            csv_bytes([self.HEADER, ["X", "alice@example.com", ""]]),
            user=self.importer_b,
        )
        self.assertEqual(job_b.company_id, self.company_b)
        Job = self.env["crm.bulk.import.job"]
        self.assertEqual(Job.with_user(self.importer).search([("id", "in", (job_a | job_b).ids)]), job_a)
        self.assertEqual(Job.with_user(self.importer_b).search([("id", "in", (job_a | job_b).ids)]), job_b)
        with self.assertRaises(AccessError):
            job_b.with_user(self.importer).read(["name"])
        # Managers see every import of their companies.
        self.assertEqual(Job.with_user(self.manager).search([("id", "in", (job_a | job_b).ids)]), job_a)
        self.manager.company_ids |= self.company_b
        self.assertEqual(
            Job.with_user(self.manager)
            .with_context(allowed_company_ids=[self.company.id, self.company_b.id])
            .search([("id", "in", (job_a | job_b).ids)]),
            job_a | job_b,
        )

    def test_user_without_the_group_cannot_open_the_wizards(self):
        plain = new_test_user(self.env, "plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["crm.bulk.import.wizard"].with_user(plain).create({"import_type": "assignment"})
        with self.assertRaises(AccessError):
            self.env["crm.bulk.import.job"].with_user(plain).search([])
        menu = self.env.ref("crm_bulk_import.menu_crm_bulk_import_root")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(plain)._visible_menu_ids())
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.importer)._visible_menu_ids())
