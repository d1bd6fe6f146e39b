# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The files of demo/files/ against the demo data (make test installs the
module with its demo data, as make run does): each sample imports cleanly,
each file of mistakes gets its row messages."""

import base64
from pathlib import Path

from odoo.tests import TransactionCase

FILES = Path(__file__).parents[1] / "demo" / "files"


class TestDemoFiles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.manager = cls.env.ref("base.user_admin")

    def job(self, import_type, name):
        return (
            self.env["crm.bulk.import.job"]
            .with_user(self.manager)
            .create(
                {
                    "import_type": import_type,
                    "file": base64.b64encode((FILES / name).read_bytes()),
                    "file_name": name,
                }
            )
        )

    def import_clean(self, import_type, name, rows):
        """Dry run then import: no error, every row applied."""
        job = self.job(import_type, name)
        job.action_dry_run()
        self.assertEqual((job.count_total, job.count_error), (rows, 0), job.line_ids.mapped("message"))
        job.action_import()
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(job.count_created + job.count_updated, rows)
        return job

    def import_mistakes(self, import_type, name, expected):
        """{row number: what its message says}: those rows fail, with that."""
        job = self.job(import_type, name)
        job.action_import()
        errors = {line.row_number: line.message for line in job.line_ids if line.status == "error"}
        self.assertEqual(sorted(errors), sorted(expected), errors)
        for row, fragment in expected.items():
            self.assertIn(fragment, errors[row])
        return job

    def test_customer_assignment(self):
        self.import_clean("assignment", "customer_assignment.csv", 4)
        customer = self.env.ref("base.res_partner_2")
        self.assertEqual(customer.account_manager_ids.mapped("login"), ["demo", "admin"])
        self.import_mistakes(
            "assignment",
            "customer_assignment_mistakes.csv",
            {
                2: "The customer was not found",
                3: "User not found",
                4: "Workflow not found",
                5: "a value is required",
                6: "not a valid email address",
            },
        )

    def test_lead_registration_xlsx(self):
        northwind = self.env.ref("crm_bulk_import.demo_reseller_northwind")
        sam = self.env.ref("crm_bulk_import.demo_agent_sam")
        self.assertEqual((northwind.partner_code, sam.agent_code), ("P00001", "A00001"), "the codes the files use")
        job = self.import_clean("lead", "lead_registration.xlsx", 3)
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)])
        self.assertEqual(set(leads.mapped("registration_state")), {"pending"})
        self.assertEqual(len(leads.filtered(lambda lead: lead.registered_agent_id == sam)), 2)
        job = self.import_mistakes(
            "lead",
            "lead_registration_mistakes.csv",
            {
                2: "Partner ID not found",
                3: "Agent ID not found",
                4: '"Lead name": a value is required',
                5: "not a valid email address",
                6: '"Company": a value is required',
            },
        )
        self.assertEqual(job.state, "failed", "all or nothing: no lead")

    def test_promote_members(self):
        self.import_clean("promote", "promote_members.csv", 3)
        jane = self.env["res.partner"].search([("email", "=", "jane.doe@acme-studio.example")])
        self.assertTrue(jane.is_member)
        self.assertEqual(jane.parent_id.name, "Acme Studio")
        self.assertEqual(sorted(jane.room_permission_group_ids.mapped("name")), ["Ground Floor", "Rooftop"])
        ines = self.env["res.partner"].search([("email", "=", "ines.martin@lumen.example")])
        self.assertEqual(ines.parent_id.name, "Inès Martin's team")
        self.assertFalse(self.env.ref("crm_bulk_import.demo_lead_promote_jane").active, "the lead left the pipeline")

    def test_promote_mistakes(self):
        self.import_mistakes(
            "promote",
            "promote_members_mistakes.csv",
            {
                2: "No open lead and no contact",
                3: "Group Z",
                4: "Gold Plan",
                5: "32",
                6: '"Email": a value is required',
            },
        )

    def test_member_import_french(self):
        job = self.import_clean("member", "membres.csv", 3)
        self.assertEqual(job.mapping["Nom du forfait"], "plan_name", "French headers of the original template")
        camille = self.env["res.partner"].search([("email", "=", "camille.laurent@atelier-nord.example")])
        hugo = self.env["res.partner"].search([("name", "=", "Hugo Bernard")])
        self.assertEqual(hugo.member_subscription_ids.partner_id, camille, "Payé par: Camille is invoiced")
        self.assertTrue(hugo.is_member, "Hugo keeps his own membership")
        self.import_mistakes(
            "member",
            "membres_erreurs.csv",
            {
                2: 'Did you mean "Dedicated Desk"?',
                3: "Next Invoice Date",
                4: "31/04/2025",
                5: "Jean Inconnu",
                6: '"Nom": a value is required',
            },
        )

    def test_prospects_german(self):
        job = self.import_clean("prospect", "interessenten.csv", 3)
        self.assertEqual(job.mapping["Gruppe"], "group", "German headers of the original template")
        nina = self.env["res.partner"].search([("email", "=", "nina@berger-videos.example")])
        self.assertEqual(nina.prospect_group_id, self.env.ref("crm_bulk_import.demo_prospect_group_creators"))
        self.import_mistakes(
            "prospect",
            "interessenten_fehler.csv",
            {
                2: "Influencer",
                3: "not a valid email address",
                4: '"E-Mail": a value is required',
                5: "Atlantis",
            },
        )
