# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_bulk_import.models.crm_bulk_import_type_lead import CrmBulkImportTypeLead

from .common import BulkImportCase, csv_bytes, load_migration, read_csv, run_queue_jobs

LEAD_HEADER = [
    "Partner ID",
    "Agent ID",
    "Lead name",
    "Contact name",
    "Email",
    "Company",
    "Phone",
    "Description",
    "Expected revenue",
]


class LeadCase(BulkImportCase):
    """Registered partners with agents (portal users) and an unregistered one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.reseller = Partner.create({"name": "Reseller One", "is_company": True, "is_registered_partner": True})
        cls.other_reseller = Partner.create({"name": "Reseller Two", "is_company": True, "is_registered_partner": True})
        cls.unregistered = Partner.create({"name": "Not Registered", "is_company": True})
        cls.unregistered.partner_code = "P-UNREG"
        cls.reseller_user = new_test_user(
            cls.env,
            "reseller",
            groups="base.group_portal",
            partner_id=cls.reseller.id,
            email="reseller@example.com",
        )
        cls.agent = Partner.create({"name": "Agent Smith", "parent_id": cls.reseller.id, "email": "smith@example.com"})
        cls.agent_user = new_test_user(cls.env, "agent_smith", groups="base.group_portal", partner_id=cls.agent.id)
        cls.other_agent = Partner.create({"name": "Agent Other", "parent_id": cls.other_reseller.id})
        new_test_user(cls.env, "agent_other", groups="base.group_portal", partner_id=cls.other_agent.id)

    def lead_row(self, partner_code="", agent_code="", name="New lead", email="buyer@acme.example", company="Acme"):
        return [
            partner_code,
            agent_code,
            name,
            "Jane Buyer",
            email,
            company,
            "+1 555 0100",
            "Wants 20 seats",
            "12,500.50",
        ]

    def import_leads(self, rows, user=None, **vals):
        job = self.make_job(
            csv_bytes([LEAD_HEADER] + rows),
            file_name="leads.csv",
            user=user or self.importer,
            import_type="lead",
            **vals,
        )
        job.action_import()
        return job


class TestLeadRegistration(LeadCase):
    def test_codes_are_generated_unique_and_shown(self):
        self.assertTrue(self.reseller.partner_code.startswith("P"))
        self.assertNotEqual(self.reseller.partner_code, self.other_reseller.partner_code)
        self.assertTrue(self.agent.agent_code.startswith("A"))
        self.assertNotEqual(self.agent.agent_code, self.other_agent.agent_code)
        self.assertFalse(self.unregistered.is_registered_partner)
        # A contact without a portal user is not an agent.
        plain = self.env["res.partner"].create({"name": "Plain contact", "parent_id": self.reseller.id})
        self.assertFalse(plain.agent_code)

    def test_backend_import_creates_pending_leads(self):
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code, self.agent.agent_code),
                self.lead_row(self.reseller.partner_code, "", name="Second", email="two@beta.example", company="Beta"),
            ]
        )
        self.assertEqual((job.state, job.policy, job.count_created), ("done", "all_or_nothing", 2))
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)], order="id")
        self.assertEqual(leads.mapped("registration_state"), ["pending", "pending"])
        self.assertEqual(leads.registered_partner_id, self.reseller)
        self.assertEqual(leads[0].registered_agent_id, self.agent)
        self.assertFalse(leads[1].registered_agent_id)
        self.assertEqual(leads[0].type, "lead")
        self.assertEqual(leads[0].contact_name, "Jane Buyer")
        self.assertEqual(leads[0].email_from, "buyer@acme.example")
        self.assertEqual(leads[0].expected_revenue, 12500.5)
        self.assertIn("Wants 20 seats", leads[0].description)

    def test_dry_run_writes_no_lead_then_import_creates_them(self):
        content = csv_bytes(
            [LEAD_HEADER]
            + [
                self.lead_row(self.reseller.partner_code, self.agent.agent_code),
                self.lead_row("P-NOPE", name="Lost", email="lost@nope.example"),
            ]
        )
        job = self.make_job(content, file_name="leads.csv", user=self.importer, import_type="lead")
        before = self.env["crm.lead"].search_count([])
        job.action_dry_run()
        self.assertEqual(self.env["crm.lead"].search_count([]), before)
        self.assertEqual((job.state, job.is_dry_run, job.count_created, job.count_error), ("draft", True, 1, 1))
        # The form says so: counts of what would be created, no Leads button
        # (nothing to open yet), and the lines are only the rows that tell.
        self.assertTrue(job.dry_run_checks_only)
        arch = etree.fromstring(job.get_views([(False, "form")])["views"]["form"]["arch"])
        leads_button = arch.xpath("//button[@name='action_view_leads']")[0]
        self.assertIn("is_dry_run", leads_button.get("invisible"))
        labels = [node.get("string") for node in arch.xpath("//field[@name='count_created']")]
        self.assertIn("Would create", labels)
        # Only the rows with something to say are kept: here the error.
        bad = job.line_ids
        self.assertEqual((bad.row_number, bad.status), (3, "error"))
        self.assertIn('Row 3, column "Partner ID", value "P-NOPE": Partner ID not found', bad.message)
        # The fixed file: a dry run, then the import of the lines it staged.
        fixed = self.make_job(
            csv_bytes([LEAD_HEADER] + [self.lead_row(self.reseller.partner_code, self.agent.agent_code)]),
            file_name="leads.csv",
            user=self.importer,
            import_type="lead",
        )
        fixed.action_dry_run()
        fixed.action_import()
        self.assertEqual((fixed.state, fixed.count_created), ("done", 1))
        lead = self.env["crm.lead"].search([("bulk_import_job_id", "=", fixed.id)])
        self.assertEqual((lead.registered_agent_id, fixed.line_ids.res_id), (self.agent, lead.id))

    def test_all_or_nothing_lists_every_error(self):
        before = self.env["crm.lead"].search_count([])
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code),
                self.lead_row("P-NOPE"),
                self.lead_row(self.unregistered.partner_code),
                self.lead_row(self.reseller.partner_code, self.other_agent.agent_code),
                self.lead_row(self.reseller.partner_code, name=""),
            ]
        )
        self.assertEqual(job.state, "failed")
        self.assertEqual(self.env["crm.lead"].search_count([]), before)
        errors = job.line_ids.filtered(lambda line: line.status == "error").sorted("row_number")
        self.assertEqual(errors.mapped("row_number"), [3, 4, 5, 6])
        self.assertEqual(
            errors[0].message,
            'Row 3, column "Partner ID", value "P-NOPE": Partner ID not found: '
            "it must be the Partner ID of a registered partner.",
        )
        self.assertIn('value "P-UNREG": Partner ID not found', errors[1].message)
        self.assertIn(
            f'column "Agent ID", value "{self.other_agent.agent_code}": Agent ID not found', errors[2].message
        )
        self.assertEqual(errors[3].message, 'Row 6, column "Lead name": a value is required.')
        self.assertEqual(job.line_ids.filtered(lambda line: line.row_number == 2).status, "skipped")
        # The error file holds the whole file: the valid row was not imported either.
        action = job.action_download_errors()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = read_csv(attachment.raw)
        self.assertEqual([row[-1] == "" for row in rows[1:]], [True, False, False, False, False])
        self.assertEqual(len(rows), 6)

    def test_duplicates_warn_without_blocking(self):
        existing = self.env["crm.lead"].create({"name": "Known deal", "email_from": "Buyer@Acme.example"})
        self.env["crm.lead"].create({"name": "Other deal", "partner_name": "beta"})
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code),
                self.lead_row(self.reseller.partner_code, email="new@beta.example", company="Beta"),
            ]
        )
        self.assertEqual((job.state, job.count_created), ("done", 2))
        first, second = job.line_ids.sorted("row_number")
        self.assertEqual(
            first.message,
            'Warning, row 2: a lead with the email "buyer@acme.example" exists already: Known deal.',
        )
        self.assertEqual(second.message, 'Warning, row 3: a lead for the company "Beta" exists already: Other deal.')
        self.assertTrue(existing.exists())

    def test_approve_and_reject_email_the_partner_and_agent(self):
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code, self.agent.agent_code),
                self.lead_row(self.reseller.partner_code, name="Second"),
            ]
        )
        first, second = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)], order="id")
        first.with_user(self.manager).action_approve()
        second.with_user(self.manager).action_reject()
        self.assertEqual((first.registration_state, second.registration_state), ("approved", "rejected"))
        approved = self.env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "=", first.id)])
        self.assertEqual(approved.recipient_ids, self.reseller | self.agent)
        self.assertIn("approved", approved.subject)
        rejected = self.env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "=", second.id)])
        self.assertEqual(rejected.recipient_ids, self.reseller)
        self.assertIn("rejected", rejected.subject)

    def test_the_approval_queue(self):
        """Registered leads as a manager works them: pending first, approve
        or reject from the list, a reason sent to the partner, rejected
        leads out of the pipeline but still in the queue."""
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code, name=f"Deal {index}", email=f"d{index}@x.example")
                for index in range(3)
            ]
        )
        other = self.env["crm.lead"].create({"name": "Plain pipeline lead"})
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_bulk_import.action_crm_lead_registration_pending")
        context = safe_eval(action["context"])
        self.assertEqual((context["search_default_registration_pending"], context["active_test"]), (1, False))
        Lead = self.env["crm.lead"].with_user(self.manager).with_context(active_test=False)
        queue = Lead.search(safe_eval(action["domain"]))
        self.assertNotIn(other, queue)
        pending = Lead.search(safe_eval(action["domain"]) + [("registration_state", "=", "pending")])
        pending = pending.filtered(lambda lead: lead.bulk_import_job_id == job)
        self.assertEqual(len(pending), 3)
        arch = etree.fromstring(Lead.get_views([(action["views"][0][0], "list")])["views"]["list"]["arch"])
        self.assertEqual(
            [button.get("name") for button in arch.xpath("//header/button")],
            ["action_approve", "action_open_registration_reject"],
        )
        self.assertTrue(
            {"registration_state", "registered_partner_id", "registered_agent_id"}
            <= {field.get("name") for field in arch.xpath("//field")}
        )
        first, second, third = pending.sorted("id")
        first.action_approve()
        # Two rejected at once from the list, with a reason.
        wizard_action = (second | third).action_open_registration_reject()
        wizard = Form(
            self.env[wizard_action["res_model"]].with_user(self.manager).with_context(**wizard_action["context"])
        )
        wizard.reason = "Already in talks with them since March."
        wizard.save().action_reject()
        self.assertEqual((second | third).mapped("registration_state"), ["rejected", "rejected"])
        self.assertEqual(second.registration_reject_reason, "Already in talks with them since March.")
        self.assertFalse(second.active or third.active, "out of the pipeline")
        self.assertFalse(self.env["crm.lead"].search([("id", "in", (second | third).ids)]))
        rejected = Lead.search(safe_eval(action["domain"]) + [("registration_state", "=", "rejected")])
        self.assertEqual(rejected.filtered(lambda lead: lead.bulk_import_job_id == job), second | third)
        mail = self.env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "=", second.id)])
        self.assertIn("Reason: Already in talks with them since March.", mail.body_html)
        self.assertEqual(mail.recipient_ids, self.reseller)
        # A reason is asked for; a Bulk Import User rejects nothing.
        with self.assertRaises(AccessError):
            first.with_user(self.importer).action_open_registration_reject()
        self.assertTrue(job.exists())

    def test_job_approve_from_an_automated_action(self):
        job = self.import_leads([self.lead_row(self.reseller.partner_code), self.lead_row(self.reseller.partner_code)])
        # The importer (a Bulk Import User) may not approve; an automated
        # action runs its server action as superuser, as job.sudo() here.
        with self.assertRaises(AccessError):
            job.action_approve()
        job.sudo().action_approve()
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)])
        self.assertEqual(set(leads.mapped("registration_state")), {"approved"})

    def test_example_automation_rule_approves_trusted_partners_leads(self):
        rule = self.env.ref("crm_bulk_import.base_automation_approve_trusted_partner_leads")
        self.assertFalse(rule.active, "the example ships disabled")
        rule.active = True
        self.reseller.category_id = [Command.link(self.env.ref("crm_bulk_import.res_partner_category_trusted").id)]
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code),
                self.lead_row(self.other_reseller.partner_code),
            ]
        )
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)], order="id")
        self.assertEqual(leads.mapped("registration_state"), ["approved", "pending"])

    def test_example_automation_rule_in_a_french_database(self):
        """The rule finds its tag by record: in French the tag is named "De
        confiance" and the rule still matches."""
        self.env["res.lang"]._activate_lang("fr_FR")
        trusted = self.env.ref("crm_bulk_import.res_partner_category_trusted")
        trusted.with_context(lang="fr_FR").name = "De confiance"
        rule = self.env.ref("crm_bulk_import.base_automation_approve_trusted_partner_leads")
        rule.active = True
        self.reseller.category_id = [Command.link(trusted.id)]
        self.importer.lang = "fr_FR"
        job = self.make_job(
            csv_bytes([LEAD_HEADER, self.lead_row(self.reseller.partner_code)]),
            file_name="leads.csv",
            import_type="lead",
        )
        job.with_context(lang="fr_FR").action_import()
        lead = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)])
        self.assertEqual(lead.registration_state, "approved")
        self.assertEqual(rule.with_context(lang="fr_FR").filter_domain.count("Trusted"), 0)

    def test_the_example_rule_of_an_earlier_version_finds_its_tag_by_record(self):
        rule = self.env.ref("crm_bulk_import.base_automation_approve_trusted_partner_leads")
        trusted = self.env.ref("crm_bulk_import.res_partner_category_trusted")
        expected = rule.filter_domain
        migration = load_migration("18.0.1.0.2", "post-migration.py")
        rule.filter_domain = migration.OLD_TRUSTED_DOMAIN
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.1")
        self.env.invalidate_all()
        self.assertEqual(rule.filter_domain, expected)
        self.assertIn(f"[{trusted.id}]", rule.filter_domain)
        # A rule the admin changed is left as it is.
        rule.filter_domain = "[('registration_state', '=', 'pending')]"
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.1")
        self.env.invalidate_all()
        self.assertEqual(rule.filter_domain, "[('registration_state', '=', 'pending')]")

    def test_configured_form_changes_the_required_columns_and_template(self):
        phone = self.env.ref("crm_bulk_import.lead_field_phone")
        phone.required = True
        job = self.import_leads([[self.reseller.partner_code, "", "Lead", "Jane", "j@x.example", "X", "", "", ""]])
        self.assertEqual(job.state, "failed")
        self.assertIn('column "Phone": a value is required', job.line_ids.message)
        headers = self.env["crm.bulk.import.type.lead"]._template_headers()
        self.assertEqual(headers[:2], ["Partner ID*", "Agent ID"])
        self.assertIn("Phone*", headers)
        self.env.ref("crm_bulk_import.lead_field_description").unlink()
        self.assertNotIn("Description", self.env["crm.bulk.import.type.lead"]._template_headers())
        self.assertFalse(
            self.env["crm.bulk.import.field"].search([("import_type", "=", "lead"), ("key", "=", "description")])
        )

    def test_ten_thousand_leads_import(self):
        rows = [
            self.lead_row(
                self.reseller.partner_code,
                name=f"Lead {index}",
                email=f"lead{index}@bulk.example",
                company=f"Bulk {index}",
            )
            for index in range(10000)
        ]
        job = self.import_leads(rows)
        # Beyond the background threshold: checked, then applied, on the job queue.
        self.assertEqual((job.state, job.all_or_nothing_phase), ("queued", "check"))
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_created), ("done", 10000))
        self.assertEqual(self.env["crm.lead"].search_count([("bulk_import_job_id", "=", job.id)]), 10000)
        # The checks write nothing: one queue job checks the 10,000 rows, as
        # the dry run in the request checks them; the leads are written in
        # chunks of 2,000.
        names = job.sudo().queue_job_ids.mapped("name")
        self.assertEqual(sum(name.endswith(": check rows") for name in names), 1, names)
        self.assertGreaterEqual(sum(name.endswith(": import rows") for name in names), 5, names)


class TestLeadRegistrationInTheBackground(LeadCase):
    """An all-or-nothing registration too big for the request: every row is
    checked first on the job queue, then the file is applied in committed
    chunks, or not at all."""

    ROWS = 120

    def setUp(self):
        super().setUp()
        parameters = self.env["ir.config_parameter"].sudo()
        parameters.set_param("crm_bulk_import.background_threshold", 50)
        parameters.set_param("crm_bulk_import.chunk_size", 25)

    def rows(self):
        return [
            self.lead_row(self.reseller.partner_code, name=f"Lead {index}", email=f"buyer{index}@bulk.example")
            for index in range(self.ROWS)
        ]

    def queued(self, rows):
        job = self.make_job(csv_bytes([LEAD_HEADER] + rows), file_name="leads.csv", import_type="lead")
        job.action_import()
        self.assertEqual((job.state, job.all_or_nothing_phase), ("queued", "check"))
        self.assertFalse(self.leads(job), "nothing is applied in the request")
        return job

    def leads(self, job):
        return self.env["crm.lead"].with_context(active_test=False).search([("bulk_import_job_id", "=", job.id)])

    def test_a_file_without_errors_is_checked_then_applied_in_chunks(self):
        job = self.queued(self.rows())
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_created, job.count_error), ("done", self.ROWS, 0))
        self.assertEqual(len(self.leads(job)), self.ROWS)
        self.assertEqual(set(self.leads(job).mapped("registration_state")), {"pending"})
        names = job.sudo().queue_job_ids.mapped("name")
        self.assertGreaterEqual(len(names), 2 * self.ROWS // 25, "a queue job per chunk, to check then to apply")

    def test_one_error_and_nothing_is_applied(self):
        rows = self.rows()
        rows[100][4] = "not-an-email"
        job = self.queued(rows)
        run_queue_jobs(self.env)
        self.assertEqual(job.state, "failed")
        self.assertFalse(self.leads(job))
        self.assertEqual((job.count_error, job.count_skipped, job.count_created), (1, self.ROWS - 1, 0))
        error = job.line_ids.filtered(lambda line: line.status == "error")
        self.assertEqual(error.row_number, 102)
        self.assertIn('column "Email", value "not-an-email"', error.message)
        self.assertIn("all-or-nothing", job.line_ids.filtered(lambda line: line.row_number == 2).message)
        # Fixed in place, the whole file runs again, all or nothing.
        error.sudo().write({"values": {**error.values, "Email": "fixed@bulk.example"}})
        job.action_retry_failed()
        self.assertEqual(job.all_or_nothing_phase, "check")
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_created), ("done", self.ROWS))
        self.assertEqual(len(self.leads(job)), self.ROWS)

    def test_a_failure_while_applying_undoes_what_was_applied(self):
        """Every row passed its check, then one fails while the file is
        applied (what it names changed meanwhile): what was applied is
        undone, the job fails with the reason."""
        job = self.queued(self.rows())
        original = CrmBulkImportTypeLead._apply_rows

        def fail_in_the_third_chunk(self_, job_, rows):
            applying = not self_.env.context.get("crm_bulk_import_dry_run")
            if applying and any(row.row_number == 70 for row in rows):
                # A failure made up by the test: no user reads it.
                raise ValidationError("the registered partner was archived meanwhile")  # pylint: disable=translation-required
            return original(self_, job_, rows)

        with patch.object(CrmBulkImportTypeLead, "_apply_rows", fail_in_the_third_chunk):
            run_queue_jobs(self.env)
        self.assertEqual(job.state, "failed")
        self.assertIn("Row 70 failed while the file was applied", job.failure_message)
        self.assertIn("What was applied is undone", job.failure_message)
        self.assertFalse(self.leads(job), "the leads of the chunks applied before are deleted")
        self.assertTrue(job.message_ids.filtered(lambda message: "out of 120 rows" in str(message.body)))
