# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import websocket  # noqa: F401 - without it Odoo would silently skip the browser tests

from odoo.tests import HttpCase, tagged

from .common import csv_bytes, read_csv
from .test_lead import LeadCase


@tagged("post_install", "-at_install")
class TestBrowser(LeadCase, HttpCase):
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

    def test_approval_queue_in_chromium(self):
        """Registered leads: approve one, reject one with a reason, from the list."""
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code, name=f"Tour deal {index}", email=f"t{index}@x.example")
                for index in (1, 2, 3)
            ]
        )
        self.start_tour(
            "/odoo/action-crm_bulk_import.action_crm_lead_registration_pending",
            "crm_bulk_import_approval_tour",
            login="bi_manager",
        )
        leads = self.env["crm.lead"].with_context(active_test=False).search([("bulk_import_job_id", "=", job.id)])
        states = {lead.name: (lead.registration_state, lead.active) for lead in leads}
        self.assertEqual(
            states,
            {
                "Tour deal 1": ("approved", True),
                "Tour deal 2": ("rejected", False),
                "Tour deal 3": ("pending", True),
            },
        )
        rejected = leads.filtered(lambda lead: lead.name == "Tour deal 2")
        self.assertEqual(rejected.registration_reject_reason, "We already work this account with another partner.")
        mail = self.env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "=", rejected.id)])
        self.assertIn("We already work this account with another partner.", mail.body_html)

    def test_member_wizard_in_chromium(self):
        """Upload, preview, map a column by hand, dry run in the wizard,
        import, open the line in error, download the rows in error."""
        monthly = self.env["sale.subscription.template"].create(
            {"name": "Monthly", "recurring_rule_type": "months", "invoicing_mode": "draft"}
        )
        self.env["product.product"].create(
            {"name": "Tour Desk", "list_price": 200, "subscribable": True, "subscription_template_id": monthly.id}
        )
        self.start_tour(
            "/odoo/action-crm_bulk_import.action_crm_bulk_import_wizard_member",
            "crm_bulk_import_member_tour",
            login="bi_manager",
        )
        job = self.env["crm.bulk.import.job"].search([("import_type", "=", "member")], order="id desc", limit=1)
        self.assertEqual((job.state, job.count_created, job.count_error), ("error", 2, 1))
        self.assertEqual(job.mapping["Adresse de messagerie"], "email", "the column mapped by hand")
        ada = self.env["res.partner"].search([("email", "=", "ada@tour.example")])
        self.assertTrue(ada.is_member)
        self.assertEqual(ada.parent_id.name, "Tour Co")
        self.assertFalse(
            self.env["crm.bulk.import.job"].search([("import_type", "=", "member"), ("id", "!=", job.id)]),
            "the dry run's job became the import",
        )
        errors = self.env["ir.attachment"].search(
            [("res_model", "=", job._name), ("res_id", "=", job.id), ("name", "=", "membres-errors.csv")]
        )
        rows = read_csv(errors.raw)
        self.assertEqual(rows[0][-1], "Error")
        self.assertEqual([row[0] for row in rows[1:]], ["Cy Tour"])
        self.assertIn('Did you mean "Tour Desk"?', rows[1][-1])
