# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
from datetime import date
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form
from odoo.tools import SQL

from ..models import bulk_insert
from .common import BulkImportCase, csv_bytes, load_migration, run_queue_jobs

# The Cobot template's French headers.
FR_HEADER = [
    "Nom",
    "Nom du forfait",
    "Date de début",
    "Date de la prochaine facture",
    "E-mail",
    "Entreprise",
    "Payé par",
]


@freeze_time("2025-10-15")
class TestMemberImport(BulkImportCase):
    """Member import from a spreadsheet: the rules of the product it comes from."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        monthly = cls.env["sale.subscription.template"].create(
            {
                "name": "Monthly",
                "recurring_interval": 1,
                "recurring_rule_type": "months",
                "invoicing_mode": "draft",
            }
        )
        cls.desk, cls.office = cls.env["product.product"].create(
            [
                {
                    "name": "Fixed Desk",
                    "list_price": 310.0,
                    "subscribable": True,
                    "subscription_template_id": monthly.id,
                    "taxes_id": False,
                },
                {
                    "name": "Private Office",
                    "list_price": 900.0,
                    "subscribable": True,
                    "subscription_template_id": monthly.id,
                    "taxes_id": False,
                },
            ]
        )

    def import_members(self, rows, header=None, content=None, file_name="membres.csv", **options):
        """Import as a manager: options go through the wizard, as users tick them."""
        content = content or csv_bytes([header or FR_HEADER] + rows)
        if options:
            return self.import_through_wizard("member", content, file_name, self.manager, **options)
        job = self.make_job(content, file_name=file_name, user=self.manager, import_type="member")
        job.action_import()
        return job

    def partner(self, name):
        return self.env["res.partner"].search([("name", "=", name)])

    def test_french_headers_create_members_with_subscriptions(self):
        job = self.import_members(
            [
                ["Alice Martin", "Fixed Desk", "2024-01-01", "2025-11-01", "alice.m@example.com", "Atelier Nord", ""],
            ]
        )
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        alice = self.partner("Alice Martin")
        self.assertTrue(alice.is_member)
        subscription = alice.subscription_ids
        self.assertEqual(subscription.date_start, date(2024, 1, 1), "a Start Date in the past is a migration")
        self.assertEqual(subscription.recurring_next_date, date(2025, 11, 1))
        self.assertEqual(subscription.sale_subscription_line_ids.product_id, self.desk)
        self.assertEqual(alice.parent_id.name, "Atelier Nord")
        self.assertEqual(alice.email, "alice.m@example.com")

    def test_plan_exact_match_and_did_you_mean(self):
        job = self.import_members(
            [
                ["Bert", "Fixed Desks", "2025-10-01", "2025-11-01", "", "", ""],
                ["Carla", "fixed desk", "2025-10-01", "2025-11-01", "", "", ""],
                ["Dan", "Hot Seat", "2025-10-01", "2025-11-01", "", "", ""],
            ]
        )
        bob, carla, dan = job.line_ids.sorted("row_number")
        self.assertEqual(
            bob.message,
            'Row 2, column "Nom du forfait", value "Fixed Desks": Plan not found: the name '
            'must match exactly. Did you mean "Fixed Desk"?',
        )
        self.assertIn('Did you mean "Fixed Desk"?', carla.message)
        self.assertNotIn("Did you mean", dan.message)
        self.assertEqual(job.state, "error")

    def test_next_invoice_date_may_not_be_past(self):
        job = self.import_members([["Bert", "Fixed Desk", "2025-01-01", "2025-10-01", "", "", ""]])
        self.assertIn('value "2025-10-01": the Next Invoice Date cannot be in the past.', job.line_ids.message)

    def test_same_company_text_same_company_and_near_spellings_warn(self):
        job = self.import_members(
            [
                ["Alma", "Fixed Desk", "2025-10-01", "2025-11-01", "", "Atelier Nord", ""],
                ["Bert", "Fixed Desk", "2025-10-01", "2025-11-01", "", "Atelier Nord", ""],
                ["Carla", "Fixed Desk", "2025-10-01", "2025-11-01", "", "Atelier nord.", ""],
            ]
        )
        self.assertEqual(job.state, "done")
        self.assertEqual(self.partner("Alma").parent_id, self.partner("Bert").parent_id)
        self.assertNotEqual(self.partner("Carla").parent_id, self.partner("Alma").parent_id)
        self.assertEqual(
            len(self.env["res.partner"].search([("name", "=", "Atelier Nord"), ("is_company", "=", True)])), 1
        )
        carla = job.line_ids.filtered(lambda line: line.row_number == 4)
        self.assertIn('the company "Atelier nord." looks like "Atelier Nord"', carla.message)

    def test_paid_by_in_any_order_or_existing_member(self):
        self.import_members([["Existing Payer", "Private Office", "2025-01-01", "2025-11-01", "", "", ""]])
        job = self.import_members(
            [
                ["Junior", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", "Boss"],
                ["Boss", "Private Office", "2025-10-01", "2025-11-01", "", "", ""],
                ["Intern", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", "Existing Payer"],
                ["Ghost", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", "Nobody"],
            ]
        )
        boss, junior, intern = self.partner("Boss"), self.partner("Junior"), self.partner("Intern")
        self.assertEqual(len(boss), 1, "the payer named before its row is one member")
        # Junior keeps a membership and a plan of his own; Boss is invoiced.
        paid = junior.member_subscription_ids
        self.assertEqual(paid.sale_subscription_line_ids.product_id, self.desk)
        self.assertEqual(paid.partner_id, boss, "the payer is the subscription's customer")
        self.assertTrue(junior.is_member, "a member paid by another is a member")
        self.assertEqual(junior.membership_count, 1)
        self.assertEqual(junior.subscription_ids, self.env["sale.subscription"], "Junior is not invoiced")
        self.assertEqual(boss.member_subscription_ids.sale_subscription_line_ids.product_id, self.office)
        self.assertEqual(boss.subscription_ids, paid | boss.member_subscription_ids, "Boss pays for both")
        self.assertEqual(
            self.env["res.partner"].search([("is_member", "=", True), ("name", "in", ["Junior", "Intern"])]),
            junior | intern,
        )
        self.assertEqual(intern.member_subscription_ids.partner_id, self.partner("Existing Payer"))
        # The invoices go to the payer.
        paid.recurring_next_date = fields.Date.today()
        paid.generate_invoice()
        self.assertEqual(paid.invoice_ids.partner_id, boss)
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", junior.id)]))
        ghost = job.line_ids.filtered(lambda line: line.row_number == 5)
        self.assertIn('column "Payé par", value "Nobody": Paid By must name a member', ghost.message)

    def test_existing_members_are_matched_by_email(self):
        """The same people imported again: matched by their first email in
        any case, never created twice; the job's choice says what happens,
        and the dry run says it first, naming the member."""
        rows = [
            ["Ann", "Fixed Desk", "2025-10-01", "2025-11-01", "ann@member.example", "", ""],
            ["Bob", "Fixed Desk", "2025-10-01", "2025-11-01", "bob@member.example", "", ""],
        ]
        self.import_members(rows)
        ann, bob = self.partner("Ann"), self.partner("Bob")
        ann.email = "Ann@Member.example, ann.private@example.com"
        again = [["Ann", "Fixed Desk", "2025-10-01", "2025-11-01", "ANN@member.example", "", ""], rows[1]]
        content = csv_bytes([FR_HEADER] + again)

        def wizard_job(existing_members, dry_run=False):
            wizard = self.env["crm.bulk.import.wizard.member"].with_user(self.manager)
            form = Form(wizard.with_context(default_file_name="membres.csv"))
            form.file = base64.b64encode(content)
            form.allow_same_file = True
            form.existing_members = existing_members
            wizard = form.save()
            if dry_run:
                wizard.action_dry_run()
                return wizard.dry_run_job_id
            return self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])

        # Skipped, with a warning that names the member (the default).
        dry = wizard_job("skip", dry_run=True)
        self.assertEqual(dry.line_ids.mapped("status"), ["skipped", "skipped"])
        self.assertIn("Ann is a member already (found by email ann@member.example)", dry.line_ids[0].message)
        job = wizard_job("skip")
        self.assertEqual((job.count_skipped, job.count_created), (2, 0))
        self.assertEqual(self.partner("Ann"), ann, "not created twice")
        self.assertEqual(len(ann.member_subscription_ids), 1)
        # Refused, naming the member.
        job = wizard_job("error")
        self.assertEqual(job.count_error, 2)
        self.assertIn('column "E-mail", value "ann@member.example": Ann is a member already', job.line_ids[0].message)
        # Updated: the plan added, unless it runs already.
        content = content.replace(b"ANN@member.example", b"ann@MEMBER.example").replace(
            b"Bob,Fixed Desk", b"Bob,Private Office"
        )
        content = content.replace(b"Ann,Fixed Desk", b"Ann,Private Office")
        dry = wizard_job("update", dry_run=True)
        self.assertEqual(dry.line_ids.mapped("status"), ["would_update", "would_update"])
        self.assertIn(
            "Ann (existing contact, found by email ann@member.example): Private Office", dry.line_ids[0].message
        )
        self.assertEqual(len(ann.member_subscription_ids), 1, "a dry run writes nothing")
        job = wizard_job("update")
        self.assertEqual(job.count_updated, 2)
        self.assertEqual(ann.member_subscription_ids.sale_subscription_line_ids.product_id, self.desk | self.office)
        self.assertEqual(self.partner("Bob"), bob)
        self.assertEqual(len(self.partner("Bob").member_subscription_ids), 2)
        job = wizard_job("update")
        self.assertEqual(job.count_skipped, 2)
        self.assertIn("has the plan Private Office running already: nothing added", job.line_ids[0].message)

    def test_contacts_are_found_by_email_through_an_index(self):
        """The search that matches a chunk's emails to contacts reads an
        index, not every contact of the database."""
        # This database is too small for PostgreSQL to prefer an index.
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.addCleanup(self.env.cr.execute, "RESET enable_seqscan")
        query = self.env["res.partner"]._search([("email_normalized", "in", ["ann@member.example", "bob@x.example"])])
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("res_partner__email_normalized_index", plan)

    def test_contacts_found_page_by_page_are_the_same(self):
        """The emails of a big chunk are looked up a page at a time: the
        contacts found are the same, oldest first, whatever the page."""
        Partner = self.env["res.partner"]
        people = Partner.create(
            [{"name": f"Page {index}", "email": f"Page.{index}@Member.example"} for index in range(5)]
        )
        Partner.create({"name": "Page Company", "email": "page.0@member.example", "is_company": True})
        Partner.create({"name": "Elsewhere", "email": "page.1@member.example", "company_id": self.company_b.id})
        job = self.make_job(csv_bytes([FR_HEADER]), file_name="membres.csv", user=self.manager, import_type="member")
        emails = {f"page.{index}@member.example" for index in range(5)} | {"nobody@member.example"}
        Member = self.env["crm.bulk.import.type.member"]
        whole, _members = Member._contacts_by_email(job, emails)
        with patch.object(bulk_insert, "LOOKUP_PAGE", 2):
            paged, _members = Member._contacts_by_email(job, emails)
        self.assertEqual(whole, people)
        self.assertEqual(paged.ids, people.ids)

    def test_a_big_dry_run_runs_in_the_background_then_the_import_uses_it(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.background_threshold", 5)
        rows = [[f"Big {index}", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", ""] for index in range(8)]
        wizard = self.env["crm.bulk.import.wizard.member"].with_user(self.manager)
        form = Form(wizard.with_context(default_file_name="membres.csv"))
        form.file = base64.b64encode(csv_bytes([FR_HEADER] + rows))
        wizard = form.save()
        wizard.action_dry_run()
        self.assertIn("The dry run of 8 rows runs in the background", wizard.dry_run_html)
        job = wizard.dry_run_job_id
        self.assertEqual(job.state, "queued")
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_created), ("draft", 8))
        self.assertEqual(set(job.line_ids.mapped("status")), {"would_create"})
        self.assertFalse(self.partner("Big 0"), "a dry run writes nothing")
        self.assertTrue(job.message_ids.filtered(lambda message: "8 would be created" in str(message.body)))
        # Import uses the dry run's job, in the background too.
        self.assertEqual(wizard.action_import()["res_id"], job.id)
        run_queue_jobs(self.env)
        self.assertEqual((job.state, job.count_created), ("done", 8))
        self.assertEqual(len(self.partner("Big 7")), 1)

    def test_a_contact_who_is_not_a_member_is_made_the_member(self):
        contact = self.env["res.partner"].create({"name": "Cleo Contact", "email": "cleo@member.example"})
        job = self.import_members([["Cleo", "Fixed Desk", "2025-10-01", "2025-11-01", "CLEO@member.example", "", ""]])
        self.assertEqual(job.line_ids.status, "updated")
        self.assertIn("Cleo Contact (existing contact, found by email cleo@member.example)", job.line_ids.message)
        self.assertTrue(contact.is_member)
        self.assertEqual(contact.name, "Cleo Contact", "the contact keeps its name")
        self.assertFalse(self.partner("Cleo"))
        # A revert takes the membership back and leaves the contact.
        job.action_revert()
        self.assertTrue(contact.exists())
        self.assertFalse(contact.is_member)

    def test_a_retry_imports_the_fixed_rows_once(self):
        rows = [
            ["Dan", "Fixed Desk", "2025-10-01", "2025-11-01", "dan@member.example", "", ""],
            ["Eva", "Hot Desk", "2025-10-01", "2025-11-01", "eva@member.example", "", ""],
        ]
        job = self.import_members(rows)
        self.assertEqual((job.count_created, job.count_error), (1, 1))
        self.env["product.product"].create(
            {
                "name": "Hot Desk",
                "subscribable": True,
                "subscription_template_id": self.desk.subscription_template_id.id,
            }
        )
        job.action_retry_failed()
        self.assertEqual((job.count_created, job.count_error), (2, 0))
        for name in ("Dan", "Eva"):
            self.assertEqual(len(self.partner(name)), 1)
            self.assertEqual(len(self.partner(name).member_subscription_ids), 1)

    def test_subscriptions_of_the_earlier_layout_get_their_member(self):
        """Before subscriptions knew their member, a member paid by another
        was only named in the payer's subscription: the migration gives that
        subscription its member back, from the import's own log."""
        self.import_members(
            [
                ["Pierre", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", "Marie"],
                ["Marie", "Private Office", "2025-10-01", "2025-11-01", "", "", ""],
            ]
        )
        pierre, marie = self.partner("Pierre"), self.partner("Marie")
        paid = pierre.member_subscription_ids
        # The earlier layout: the payer's subscription, the member nowhere.
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_subscription SET member_id = partner_id WHERE id = %s", [paid.id])
        self.env.invalidate_all()
        self.assertFalse(pierre.is_member)
        load_migration("18.0.1.0.2", "post-migration.py").migrate(self.env.cr, "18.0.1.0.1")
        self.env.invalidate_all()
        self.assertEqual(paid.member_id, pierre)
        self.assertEqual(paid.partner_id, marie)
        self.assertTrue(pierre.is_member)
        self.assertEqual(marie.member_subscription_ids.sale_subscription_line_ids.product_id, self.office)

    def test_no_active_pricelist_is_created(self):
        """With the Pricelists feature off, an import leaves the pricelists as
        Odoo keeps them: none active (the settings would warn that saving
        archives it); the subscriptions use the company's default pricelist,
        archived, as Odoo keeps it while the feature is off."""
        Pricelist = self.env["product.pricelist"].with_context(active_test=False)
        Pricelist.search([]).action_archive()
        before = Pricelist.search([])
        self.import_members([["Ann", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", ""]])
        self.import_members([["Bea", "Fixed Desk", "2025-10-01", "2025-11-01", "", "", ""]])
        self.assertFalse(self.env["product.pricelist"].search([]), "no active pricelist")
        pricelists = (self.partner("Ann") | self.partner("Bea")).member_subscription_ids.pricelist_id
        self.assertEqual(len(pricelists), 1, "one pricelist for both imports")
        self.assertEqual(pricelists.currency_id, self.env.company.currency_id)
        self.assertLessEqual(len(Pricelist.search([]) - before), 1)
        settings = self.env["res.config.settings"].new({"group_product_pricelist": False})
        self.assertFalse(settings._onchange_group_sale_pricelist(), "no warning in the settings")

    def test_prorated_invoice_at_start_option(self):
        self.import_members([["Ann", "Fixed Desk", "2025-10-21", "2025-11-01", "", "", ""]], prorate_at_start=True)
        invoice = self.env["account.move"].search([("partner_id", "=", self.partner("Ann").id)])
        # October 21 to November 1: 11 days of the October 1 - November 1 period (31 days).
        self.assertEqual(invoice.invoice_date, date(2025, 10, 21))
        self.assertAlmostEqual(invoice.amount_untaxed, 110.0)
        self.import_members([["Ben", "Fixed Desk", "2025-10-21", "2025-11-01", "", "", ""]])
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", self.partner("Ben").id)]))

    def test_no_email_unless_invitations_are_asked(self):
        mails_before = self.env["mail.mail"].search([])
        job = self.import_members([["Ann", "Fixed Desk", "2025-10-01", "2025-11-01", "ann@member.example", "", ""]])
        new_mails = self.env["mail.mail"].search([]) - mails_before
        # Nothing reaches the members: the only email is the summary to the uploader.
        self.assertEqual(new_mails.recipient_ids, self.manager.partner_id)
        self.assertEqual((new_mails.model, new_mails.res_id), (job._name, job.id))
        self.assertFalse(self.partner("Ann").user_ids)
        self.import_members(
            [["Bert", "Fixed Desk", "2025-10-01", "2025-11-01", "bert@member.example", "", ""]],
            send_portal_invitations=True,
        )
        bert = self.partner("Bert")
        self.assertTrue(bert.user_ids.has_group("base.group_portal"))
        invitation = self.env["mail.mail"].search([("email_to", "ilike", "bert@member.example")])
        self.assertEqual(len(invitation), 1, "Odoo's portal invitation, queued")
        self.assertEqual(invitation.state, "outgoing")
        # Later, from the members list.
        self.partner("Ann").action_send_portal_invitation()
        self.assertTrue(self.partner("Ann").user_ids)
        self.assertTrue(self.env["mail.mail"].search([("email_to", "ilike", "ann@member.example")]))

    def test_custom_fields_and_xlsx_with_date_cells(self):
        book = openpyxl.Workbook()
        book.active.append(["Name", "Plan Name", "Start Date", "Next Invoice Date", "Licence plate", "Locker"])
        book.active.append(["Eve", "Fixed Desk", date(2024, 3, 1), date(2025, 11, 1), "AB-123-CD", None])
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.import_members([], content=buffer.getvalue(), file_name="members.xlsx")
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        eve = self.partner("Eve")
        self.assertEqual(eve.member_properties, {"licence_plate": "AB-123-CD"})
        # An empty column makes no custom field of the company.
        strings = [definition["string"] for definition in self.env.company.member_properties_definition]
        self.assertIn("Licence plate", strings)
        self.assertNotIn("Locker", strings)
        self.assertEqual(eve.subscription_ids.date_start, date(2024, 3, 1))

    def test_a_column_marked_dont_import_makes_no_custom_field(self):
        """In the wizard, a column mapped to no field becomes a custom field
        unless the user marks it Don't import; the remembered mapping keeps
        that choice for the next file."""
        content = csv_bytes(
            [
                ["Name", "Plan Name", "Start Date", "Next Invoice Date", "Licence plate", "Internal notes"],
                ["Gus", "Fixed Desk", "2025-10-01", "2025-11-01", "GU-555-ZZ", "owes 20 EUR"],
            ]
        )
        Wizard = self.env["crm.bulk.import.wizard.member"].with_user(self.manager)
        form = Form(Wizard.with_context(default_file_name="members.csv"))
        form.file = base64.b64encode(content)
        wizard = form.save()
        wizard.action_read_file()
        self.assertEqual(wizard.mapping_ids.mapped("discard"), [False] * 6, "unmapped columns are custom fields")
        with Form(wizard) as form:
            with form.mapping_ids.edit(5) as line:
                line.discard = True
            form.remember_mapping = True
        job = self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.partner("Gus").member_properties, {"licence_plate": "GU-555-ZZ"})
        strings = [definition["string"] for definition in self.env.company.member_properties_definition]
        self.assertNotIn("Internal notes", strings)
        Saved = self.env["crm.bulk.import.saved.mapping"].with_user(self.manager)
        saved = Saved.search([("import_type", "=", "member")])
        self.assertIn("Internal notes → (not imported)", saved.summary)
        self.assertIn("Licence plate → (custom field)", saved.summary)
        # The next file with these headers: Don't import is proposed again.
        form = Form(Wizard.with_context(default_file_name="members-2.csv"))
        form.file = base64.b64encode(content.replace(b"Gus", b"Hal"))
        again = form.save()
        again.action_read_file()
        self.assertEqual(again.saved_mapping_id, saved)
        self.assertEqual(again.mapping_ids.mapped("discard"), [False] * 5 + [True])

    def test_xlsx_template(self):
        content = self.env["crm.bulk.import.type.member"]._template_xlsx(self.env.company)
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book.worksheets[0]
        yellow = [cell.value for cell in sheet[1] if (cell.fill.fgColor.rgb or "").endswith("FFFF00")]
        self.assertEqual(yellow, ["Name*", "Plan Name*", "Start Date*", "Next Invoice Date*"])
        self.assertIn("Fixed Desk", [cell.value for cell in book["Lists"]["A"]])
        notes = " ".join(cell.value for cell in book["Notes"]["A"])
        self.assertIn("past invoices, payment methods and bookings", notes)

    def test_thousand_members_and_dry_run_prediction(self):
        rows = [
            [
                f"Member {index}",
                "Fixed Desk",
                "2025-01-01",
                "2025-11-01",
                f"m{index}@bulk.example",
                f"Company {index % 50}",
                "Member 0" if index % 10 == 1 else "",
            ]
            for index in range(1000)
        ]
        rows[500][1] = "Unknown Plan"
        content = csv_bytes([FR_HEADER] + rows)
        dry = self.make_job(content, user=self.manager, import_type="member")
        dry.action_dry_run()
        # A big file's dry run runs on the job queue, chunk by chunk.
        self.assertEqual((dry.state, dry.all_or_nothing_phase), ("queued", "dry_run"))
        run_queue_jobs(self.env)
        self.assertEqual((dry.state, dry.is_dry_run), ("draft", True))
        self.assertFalse(self.partner("Member 1"))
        predicted = dry.line_ids.sorted("row_number").mapped("status")
        real = self.import_members([], content=content)
        self.assertEqual(real.state, "queued", "a big member file runs in the background")
        run_queue_jobs(self.env)
        self.assertEqual(
            [{"would_create": "created"}.get(status, status) for status in predicted],
            real.line_ids.sorted("row_number").mapped("status"),
        )
        self.assertEqual((real.count_created, real.count_error), (999, 1))
        self.assertEqual(self.env["sale.subscription"].search_count([("partner_id.name", "=like", "Member %")]), 999)
