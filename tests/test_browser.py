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
        self.make_plan("Tour Desk", 200)
        job, errors = self.run_wizard_tour("member")
        self.assertEqual((job.state, job.count_created, job.count_error), ("error", 2, 1))
        self.assertEqual(job.mapping["Adresse de messagerie"], "email", "the column mapped by hand")
        ada = self.env["res.partner"].search([("email", "=", "ada@tour.example")])
        self.assertTrue(ada.is_member)
        self.assertEqual(ada.parent_id.name, "Tour Co")
        self.assertEqual(errors[0][-1], "Error")
        self.assertEqual([row[0] for row in errors[1:]], ["Cy Tour"])
        self.assertIn('Did you mean "Tour Desk"?', errors[1][-1])

    def run_wizard_tour(self, import_type):
        self.start_tour(
            f"/odoo/action-crm_bulk_import.action_crm_bulk_import_wizard_{import_type}",
            f"crm_bulk_import_{import_type}_tour",
            login="bi_manager",
        )
        jobs = self.env["crm.bulk.import.job"].search([("import_type", "=", import_type)])
        self.assertEqual(len(jobs), 1, "the dry run's job became the import")
        # The file the manager downloaded: theirs only, tied to no record
        errors = self.env["ir.attachment"].search(
            [
                ("create_uid.login", "=", "bi_manager"),
                ("res_model", "=", False),
                ("name", "=", jobs.file_name.rsplit(".", 1)[0] + "-errors.csv"),
            ]
        )
        self.assertEqual(len(errors), 1, "one download")
        return jobs, read_csv(errors.raw)

    def test_promote_wizard_in_chromium(self):
        self.make_plan("Tour Desk", 200)
        lead = self.env["crm.lead"].create({"name": "Tina wants a desk", "email_from": "tina@tour.example"})
        job, errors = self.run_wizard_tour("promote")
        self.assertEqual((job.state, job.count_created, job.count_error), ("error", 1, 1))
        self.assertEqual(job.mapping["Mail pro"], "email")
        tina = self.env["res.partner"].search([("email", "=", "tina@tour.example")])
        self.assertTrue(tina.is_member)
        self.assertFalse(lead.active, "the promoted lead left the pipeline")
        self.assertEqual([row[0] for row in errors[1:]], ["zed@nowhere.example"])

    def test_prospect_wizard_in_chromium(self):
        workflow = self.env["prospect.workflow"].create({"name": "Tour workflow"})
        group = self.env["prospect.group"].create({"name": "Tour Group", "workflow_id": workflow.id})
        job, errors = self.run_wizard_tour("prospect")
        self.assertEqual((job.state, job.count_created, job.count_error), ("error", 1, 1))
        pia = self.env["res.partner"].search([("email", "=", "pia@tour.example")])
        self.assertEqual((pia.prospect_group_id, pia.website), (group, "https://pia.example"))
        self.assertEqual([row[0] for row in errors[1:]], ["Quinn Tour"])

    def test_lead_wizard_in_chromium(self):
        self.reseller.sudo().partner_code = "P-TOUR"
        job, errors = self.run_wizard_tour("lead")
        self.assertEqual((job.state, job.count_error, job.count_skipped), ("failed", 1, 1))
        self.assertFalse(self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)]), "all or nothing")
        self.assertEqual(job.mapping["Organisation"], "partner_name")
        # Every row of an all-or-nothing refusal, to fix and upload whole.
        self.assertEqual([row[0] for row in errors[1:]], ["P-TOUR", "P-NOPE"])
