# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Revert a finished import: what it created and nothing used since is
deleted, what it overwrote is restored, what it archived comes back; what was
used since is kept and listed. Dry-runnable, for managers, within a window."""

import base64
import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import hmac as odoo_hmac

from .common import BulkImportCase, csv_bytes, read_csv, run_queue_jobs
from .test_lead import LeadCase
from .test_prospect import HEADER as PROSPECT_HEADER
from .test_prospect import ProspectCase

PROMOTE_HEADER = ["Email", "First Name", "Last Name", "Team Name", "Plans", "Phone"]
MEMBER_HEADER = ["Name", "Plan Name", "Start Date", "Next Invoice Date", "Email", "Company", "Paid By"]


def revert_lines(job):
    return {line.row_number: (line.revert_status, line.revert_message) for line in job.line_ids}


class TestRevertAssignment(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first, cls.second = cls.customer("CUST-001"), cls.customer("CUST-002")
        (cls.first | cls.second).write({"account_manager_ids": [Command.set(cls.alice.ids)], "user_id": cls.alice.id})

    @classmethod
    def customer(cls, external_id):
        return cls.customers.filtered(lambda partner: partner.customer_external_id == external_id)

    def assign(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "bob@example.com", "Onboarding"],
                    ["CUST-002", "bob@example.com", "Onboarding"],
                    ["CUST-404", "bob@example.com", ""],
                ]
            )
        )
        job.action_import()
        self.assertEqual((job.state, job.count_updated, job.count_error), ("error", 2, 1))
        return job.with_user(self.manager)

    def activities(self, partner):
        return self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])

    def test_dry_run_changes_nothing_and_predicts(self):
        job = self.assign()
        before = self.snapshot()
        job.action_revert_dry_run()
        self.assertEqual(self.snapshot(), before, "a revert dry run changes nothing")
        self.assertTrue(job.is_revert_dry_run)
        self.assertEqual(job.state, "error")
        lines = revert_lines(job)
        self.assertEqual(lines[2][0], "would_revert")
        self.assertIn("would restore Customer 1 (Salesperson, Account managers)", lines[2][1])
        self.assertEqual(lines[4], (False, False), "a row in error did nothing to undo")
        self.assertEqual(job.count_reverted, 2)

    def test_revert_restores_the_managers_and_removes_open_activities(self):
        job = self.assign()
        self.assertEqual(self.first.user_id, self.bob)
        self.assertEqual(len(self.activities(self.first)), 1)
        # Since the import, someone gave the second customer another salesperson.
        self.second.user_id = self.manager
        job.action_revert()
        self.env.invalidate_all()
        self.assertEqual(job.state, "reverted")
        self.assertEqual((self.first.user_id, self.first.account_manager_ids), (self.alice, self.alice))
        self.assertFalse(self.activities(self.first), "the workflow's open activity is removed")
        # The second customer: the managers restored, the salesperson left as set since.
        self.assertEqual((self.second.user_id, self.second.account_manager_ids), (self.manager, self.alice))
        lines = revert_lines(job)
        self.assertEqual(lines[2][0], "reverted")
        self.assertEqual(lines[3][0], "partial")
        self.assertIn("Customer 2: Salesperson changed since the import, left as is", lines[3][1])
        self.assertEqual((job.count_reverted, job.count_revert_partial, job.count_revert_kept), (1, 1, 0))
        report = job.message_ids[0].body
        self.assertIn("1 rows undone, 1 partly, 0 kept", report)
        self.assertIn("Salesperson changed since the import", report)
        with self.assertRaises(UserError):
            job.action_revert()  # once

    def test_report_file_lists_every_row(self):
        job = self.assign()
        job.action_revert()
        action = job.action_download_revert_report()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = read_csv(attachment.raw)
        self.assertEqual(rows[0], ["Row", "Record", "Outcome", "Details"])
        self.assertEqual(
            [row[:3] for row in rows[1:]], [["2", "Customer 1", "Reverted"], ["3", "Customer 2", "Reverted"]]
        )

    def test_only_managers_within_the_window(self):
        job = self.assign()
        with self.assertRaises(AccessError):
            job.with_user(self.importer).action_revert()
        job.sudo().date_done = fields.Datetime.now() - timedelta(days=31)
        self.assertFalse(job.can_revert)
        with self.assertRaises(UserError) as caught:
            job.action_revert_dry_run()
        self.assertIn("within 30 days", str(caught.exception))
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.revert_days", 60)
        job.invalidate_recordset(["can_revert"])
        self.assertTrue(job.can_revert)
        job.action_revert()
        self.assertEqual(job.state, "reverted")

    def test_a_big_revert_runs_in_the_background(self):
        job = self.assign()
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.background_threshold", 1)
        job.action_revert()
        self.assertEqual((job.state, job.revert_mode), ("reverting", "revert"))
        self.assertEqual(self.first.user_id, self.bob, "nothing undone yet")
        # Meanwhile the buttons are hidden and a second revert is refused.
        self.assertFalse(job.can_revert)
        with self.assertRaises(UserError):
            job.action_revert()
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.revert_mode, job.count_reverted), ("reverted", False, 2))
        self.assertEqual((self.first.user_id, self.second.user_id), (self.alice, self.alice))

    def test_the_same_file_can_come_again_after_a_revert(self):
        job = self.assign()
        job.action_revert()
        again = self.make_job(base64.b64decode(job.file))
        again.action_import()  # no "already imported" refusal
        self.assertEqual(again.count_updated, 2)


class TestRevertLeads(LeadCase):
    def test_leads_are_deleted_but_a_worked_lead_is_kept(self):
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code, name="Lead A", email="a@acme.example"),
                self.lead_row(self.reseller.partner_code, name="Lead B", email="b@acme.example"),
            ]
        )
        self.assertEqual(job.count_created, 2)
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)], order="id")
        worked = leads[1]
        worked.activity_schedule("mail.mail_activity_data_call", summary="Call the buyer", user_id=self.manager.id)
        job.with_user(self.manager).action_revert()
        self.assertFalse(leads[0].exists(), "the untouched lead is deleted")
        self.assertTrue(worked.exists(), "the lead with an activity is kept")
        lines = revert_lines(job)
        self.assertEqual(lines[2][0], "reverted")
        self.assertEqual(lines[3][0], "kept")
        self.assertIn("Lead B has activities: Call the buyer", lines[3][1])


class TestRevertProspects(ProspectCase):
    def test_new_prospects_deleted_assigned_partner_restored(self):
        job = self.make_job(
            csv_bytes(
                [
                    PROSPECT_HEADER,
                    ["Nina Creator", "nina@creators.example", "Nina Studio", "Creators", "", "FR", ""],
                    ["Old", "old@platform.example", "Old Co", "Resellers", "https://old.example", "", ""],
                ]
            ),
            file_name="prospects.csv",
            user=self.manager,
            import_type="prospect",
        )
        job.action_import()
        self.assertEqual((job.count_created, job.count_updated), (1, 1), job.line_ids.mapped("message"))
        nina = self.env["res.partner"].search([("email", "=", "nina@creators.example")])
        self.assertEqual((self.migrated.prospect_group_id, self.migrated.program_state), (self.resellers, "prospect"))
        job.action_revert()
        self.assertFalse(nina.exists())
        self.assertTrue(self.migrated.exists(), "a partner that existed before is never deleted")
        self.assertEqual(
            (self.migrated.prospect_group_id, self.migrated.program_state, self.migrated.website),
            (self.env["prospect.group"], False, False),
        )
        self.assertIn("Emails the import sent cannot be recalled.", job.message_ids[0].body)


class MemberRevertCase(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        monthly = cls.env["sale.subscription.template"].create(
            {"name": "Monthly", "recurring_interval": 1, "recurring_rule_type": "months", "invoicing_mode": "draft"}
        )
        cls.desk = cls.env["product.product"].create(
            {
                "name": "Fixed Desk",
                "list_price": 310.0,
                "subscribable": True,
                "subscription_template_id": monthly.id,
                "taxes_id": False,
            }
        )
        cls.env.company.default_billing_day = 1

    def run_import(self, import_type, header, rows, **options):
        job = self.make_job(
            csv_bytes([header] + rows),
            file_name=f"{import_type}.csv",
            user=self.manager,
            import_type=import_type,
            options=options,
        )
        job.action_import()
        self.assertIn(job.state, ("done", "error"), job.line_ids.mapped("message"))
        return job

    def partner(self, name):
        return self.env["res.partner"].with_context(active_test=False).search([("name", "=", name)])


@freeze_time("2025-10-15")
class TestRevertMembers(MemberRevertCase):
    def test_member_with_an_invoice_is_kept(self):
        job = self.run_import(
            "member",
            MEMBER_HEADER,
            [
                ["Alice Martin", "Fixed Desk", "2025-10-01", "2025-11-01", "alice.m@example.com", "Atelier Nord", ""],
                ["Bruno Petit", "Fixed Desk", "2025-10-10", "2025-11-01", "bruno@example.com", "", ""],
                ["Chloé Roy", "Fixed Desk", "2025-10-10", "2025-11-01", "chloe@example.com", "", "Bruno Petit"],
            ],
            prorate_at_start=True,
        )
        self.assertEqual(job.count_created, 3)
        alice, bruno, chloe = self.partner("Alice Martin"), self.partner("Bruno Petit"), self.partner("Chloé Roy")
        team = self.partner("Atelier Nord")
        prorated = self.env["account.move"].search([("partner_id", "=", alice.id)])
        self.assertEqual(prorated.state, "draft", "the import's own prorated invoice")
        # Since the import, Bruno was invoiced (and the invoice posted).
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": bruno.id,
                "invoice_line_ids": [Command.create({"product_id": self.desk.id, "price_unit": 310.0})],
            }
        )
        invoice.action_post()

        job.action_revert_dry_run()
        self.assertTrue(alice.exists(), "a dry run deletes nothing")
        self.assertEqual(revert_lines(job)[2][0], "would_revert")

        job.action_revert()
        self.assertFalse((alice | team).exists(), "Alice and her new team are gone")
        self.assertFalse(prorated.exists(), "with the import's draft invoice")
        self.assertFalse(self.env["sale.subscription"].search([("partner_id", "=", alice.id)]))
        self.assertTrue(bruno.exists())
        lines = revert_lines(job)
        self.assertEqual(lines[2][0], "reverted")
        self.assertIn("Alice Martin", lines[2][1])
        self.assertEqual(lines[3][0], "kept")
        self.assertIn(f"Bruno Petit has invoices: {invoice.name}", lines[3][1])
        # Chloé is reverted: her subscription (paid by Bruno) goes with her.
        self.assertEqual(lines[4][0], "reverted")
        self.assertFalse(chloe.exists())
        self.assertEqual(self.env["sale.subscription"].search_count([("partner_id", "=", bruno.id)]), 1)
        self.assertIn(f"Bruno Petit has invoices: {invoice.name}", job.message_ids[0].body)

    def test_portal_users_it_invited_go_unless_they_signed_in(self):
        job = self.run_import(
            "member",
            MEMBER_HEADER,
            [
                ["Dora Lee", "Fixed Desk", "2025-10-01", "2025-11-01", "dora@example.com", "", ""],
                ["Eli Moss", "Fixed Desk", "2025-10-01", "2025-11-01", "eli@example.com", "", ""],
            ],
            send_portal_invitations=True,
        )
        dora, eli = self.partner("Dora Lee"), self.partner("Eli Moss")
        self.assertTrue(dora.user_ids and eli.user_ids, "both were invited to the portal")
        eli_user = eli.user_ids
        eli_user.with_user(eli_user)._update_last_login()  # Eli signed in
        job.action_revert()
        self.assertFalse(dora.exists(), "Dora never signed in: her user and she are deleted")
        self.assertTrue(eli.exists() and eli_user.exists())
        self.assertIn("eli@example.com signed in on", revert_lines(job)[3][1])

    def test_a_job_without_undo_log_says_so(self):
        job = self.run_import(
            "member", MEMBER_HEADER, [["Dora Lee", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", ""]]
        )
        job.line_ids.sudo().undo = False  # as a job imported before reverts were recorded
        with self.assertRaises(UserError) as caught:
            job.action_revert()
        self.assertIn("it cannot be reverted", str(caught.exception))

    def test_a_log_signed_by_an_earlier_version_still_reverts(self):
        """The undo logs of imports made before an upgrade were signed with
        Odoo's hmac helper: they still match, and the revert replays them."""
        job = self.run_import(
            "member", MEMBER_HEADER, [["Dora Lee", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", ""]]
        )
        line = job.line_ids
        message = f"{line.id}:{job.id}:{json.dumps(line.undo, sort_keys=True, separators=(',', ':'))}"
        line.sudo().undo_signature = odoo_hmac(self.env(su=True), "crm_bulk_import.undo", message)
        member = self.env["res.partner"].search([("name", "=", "Dora Lee")])
        self.assertTrue(member)
        job.action_revert()
        self.assertEqual(line.revert_status, "reverted", line.revert_message)
        self.assertFalse(member.exists())


@freeze_time("2025-05-15")
class TestRevertPromotion(MemberRevertCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jane_lead = cls.env["crm.lead"].create(
            {"name": "Jane wants a desk", "contact_name": "Jane Doe", "email_from": "jane@example.com"}
        )
        cls.carl = cls.env["res.partner"].create({"name": "Carl Contact", "email": "carl@example.com", "phone": "111"})

    def test_leads_come_back_and_contacts_get_their_values(self):
        stage = self.jane_lead.stage_id
        job = self.run_import(
            "promote",
            PROMOTE_HEADER,
            [
                ["jane@example.com", "Jane", "Doe", "Acme", "Fixed Desk", ""],
                ["carl@example.com", "Carl", "Contact", "Acme", "Fixed Desk", "222"],
            ],
        )
        self.assertEqual((job.count_created, job.count_updated), (1, 1))
        jane = self.env["res.partner"].search([("email", "=", "jane@example.com")])
        acme = self.partner("Acme")
        self.assertFalse(self.jane_lead.active)
        self.assertEqual((self.carl.phone, self.carl.parent_id), ("222", acme))
        self.assertTrue(self.carl.is_member)

        job.action_revert()
        self.assertEqual(job.state, "reverted")
        self.assertTrue(self.jane_lead.active, "the promoted lead is back in the pipeline")
        self.assertEqual((self.jane_lead.stage_id, self.jane_lead.partner_id), (stage, self.env["res.partner"]))
        self.assertFalse((jane | acme).exists(), "the new member and the new team are deleted")
        self.assertEqual((self.carl.phone, self.carl.parent_id), ("111", self.env["res.partner"]))
        self.assertTrue(self.carl.exists(), "the contact promoted in place stays a contact")
        self.assertFalse(self.carl.is_member, "without the subscription the import gave")
        self.assertEqual(job.count_reverted, 2)

    def test_a_dry_run_by_chunks_predicts_what_the_revert_does(self):
        """Row 2 creates the team, row 3 joins it: by chunks of one row, the
        dry run must still see that the team's only other member goes."""
        self.env["crm.lead"].create({"name": "Kim", "email_from": "kim@example.com"})
        job = self.run_import(
            "promote",
            PROMOTE_HEADER,
            [
                ["jane@example.com", "Jane", "Doe", "Nova", "Fixed Desk", ""],
                ["kim@example.com", "Kim", "Lee", "Nova", "Fixed Desk", ""],
            ],
        )
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.background_threshold", 1)
        job.action_revert_dry_run()
        self.assertEqual(job.revert_mode, "dry_run")
        while job.revert_mode:  # one chunk per worker: what the first saw is read back from the lines
            job._run_revert(chunk_size=1, chunks=1)
        self.assertTrue(job.is_revert_dry_run)
        self.assertEqual([status for status, _message in revert_lines(job).values()], ["would_revert"] * 2)
        self.assertTrue(self.partner("Nova"), "a dry run deletes nothing")
        job.action_revert()
        while job.revert_mode:
            job._run_revert(chunk_size=1)
        self.assertEqual((job.state, job.count_reverted), ("reverted", 2))
        self.assertFalse(self.partner("Nova"))
