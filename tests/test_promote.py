# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from .common import BulkImportCase, csv_bytes, read_csv, run_queue_jobs

HEADER = ["Email", "First Name", "Last Name", "Team Name", "Plans", "Room Permissions", "Monthly Bill Date"]


class TestPromote(BulkImportCase):
    """Promote leads and contacts to members: the examples of the product it comes from."""

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
        cls.coworking, cls.parking = cls.env["product.product"].create(
            [
                {
                    "name": "Coworking Plan",
                    "list_price": 310.0,
                    "subscribable": True,
                    "subscription_template_id": monthly.id,
                    "taxes_id": False,
                },
                {
                    "name": "Parking Pass",
                    "list_price": 50.0,
                    "subscribable": True,
                    "subscription_template_id": monthly.id,
                    "taxes_id": False,
                },
            ]
        )
        cls.blue, cls.group_a = cls.env["room.permission.group"].create([{"name": "Group Blue"}, {"name": "Group A"}])
        cls.jane_lead = cls.env["crm.lead"].create(
            {
                "name": "Jane wants a desk",
                "contact_name": "Jane Doe",
                "email_from": "jane@example.com",
                "phone": "+1 555 0101",
            }
        )
        cls.john_lead = cls.env["crm.lead"].create({"name": "John", "email_from": "john@example.com"})
        cls.kim_lead = cls.env["crm.lead"].create({"name": "Kim", "email_from": "kim@example.com"})
        cls.contact = cls.env["res.partner"].create({"name": "Carl Contact", "email": "carl@example.com"})
        cls.env.company.default_billing_day = 1

    def promote(self, rows, header=None, **options):
        """Promote as a manager: options go through the wizard, as users tick them."""
        content = csv_bytes([header or HEADER] + rows)
        if options:
            return self.import_through_wizard("promote", content, "promote.csv", self.manager, **options)
        job = self.make_job(content, file_name="promote.csv", user=self.manager, import_type="promote")
        job.action_import()
        return job

    def member(self, email):
        return self.env["res.partner"].search([("email_normalized", "=", email), ("is_company", "=", False)])

    @freeze_time("2025-05-15")
    def test_bill_day_5_first_bills_on_the_next_fifth(self):
        job = self.promote([["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", "5"]])
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        jane = self.member("jane@example.com")
        self.assertTrue(jane.is_member)
        subscription = jane.subscription_ids
        self.assertEqual(subscription.recurring_next_date, date(2025, 6, 5))
        self.assertTrue(subscription.in_progress)
        self.assertEqual(subscription.sale_subscription_line_ids.product_id, self.coworking)

    @freeze_time("2025-04-02")
    def test_bill_day_31_in_a_30_day_month(self):
        job = self.promote([["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", "31"]])
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.member("jane@example.com").subscription_ids.recurring_next_date, date(2025, 4, 30))

    @freeze_time("2025-05-15")
    def test_new_team_created_once_first_row_is_admin(self):
        job = self.promote(
            [
                ["john@example.com", "John", "Roe", "Nova Labs", "Coworking Plan", "", ""],
                ["jane@example.com", "Jane", "Doe", "Nova Labs", "Coworking Plan", "", ""],
                ["kim@example.com", "Kim", "Lee", "Nova Labs", "Parking Pass", "", ""],
            ]
        )
        self.assertEqual(job.count_created, 3)
        team = self.env["res.partner"].search([("name", "=", "Nova Labs"), ("is_company", "=", True)])
        self.assertEqual(len(team), 1)
        self.assertEqual(team.team_admin_id, self.member("john@example.com"))
        self.assertEqual(
            team.child_ids,
            self.member("john@example.com") | self.member("jane@example.com") | self.member("kim@example.com"),
        )
        # No Monthly Bill Date and a new team: the Default Billing Day of next month.
        self.assertEqual(self.member("kim@example.com").subscription_ids.recurring_next_date, date(2025, 6, 1))

    @freeze_time("2025-05-15")
    def test_every_member_of_a_new_team_bills_next_month(self):
        """As the import's help puts it: "If the team doesn't already exist, these plans will be
        set up to bill on [the Default Billing Day] of the next month": every
        row of the new team, not only the one that creates it."""
        self.env.company.default_billing_day = 20
        self.env["res.partner"].create({"name": "Old Team", "is_company": True})
        job = self.promote(
            [
                ["john@example.com", "John", "Roe", "New Team", "Coworking Plan", "", ""],
                ["jane@example.com", "Jane", "Doe", "New Team", "Coworking Plan", "", ""],
                ["kim@example.com", "Kim", "Lee", "Old Team", "Coworking Plan", "", ""],
            ]
        )
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        next_dates = [
            self.member(email).subscription_ids.recurring_next_date
            for email in (
                "john@example.com",
                "jane@example.com",
                "kim@example.com",
            )
        ]
        # The existing team's member: the next 20th, this month.
        self.assertEqual(next_dates, [date(2025, 6, 20), date(2025, 6, 20), date(2025, 5, 20)])

    @freeze_time("2025-05-15")
    def test_existing_team_is_joined_by_exact_name(self):
        acme = self.env["res.partner"].create({"name": "Acme", "is_company": True})
        self.promote([["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", ""]])
        self.assertEqual(self.member("jane@example.com").parent_id, acme)
        self.assertFalse(acme.team_admin_id)

    @freeze_time("2025-05-15")
    def test_empty_team_name_makes_first_last_team(self):
        self.promote([["jane@example.com", "Jane", "Doe", "", "Coworking Plan", "", ""]])
        self.assertEqual(self.member("jane@example.com").parent_id.name, "Jane Doe's team")

    @freeze_time("2025-05-15")
    def test_room_permissions_and_plans_lists(self):
        self.promote(
            [["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan, Parking Pass", "Group Blue, Group A", ""]]
        )
        jane = self.member("jane@example.com")
        self.assertEqual(jane.room_permission_group_ids, self.blue | self.group_a)
        lines = jane.subscription_ids.sale_subscription_line_ids
        self.assertEqual(lines.product_id, self.coworking | self.parking)

    @freeze_time("2025-05-15")
    def test_unknown_plan_or_group_is_a_row_error_naming_it(self):
        job = self.promote(
            [
                ["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan, Gold Desk", "", ""],
                ["john@example.com", "John", "Roe", "Acme", "Coworking Plan", "Group Red", ""],
                ["kim@example.com", "Kim", "Lee", "Acme", "Coworking Plan", "", ""],
            ]
        )
        self.assertEqual(job.state, "error")
        first, second, third = job.line_ids.sorted("row_number")
        self.assertEqual(
            first.message, 'Row 2, column "Plans", value "Coworking Plan, Gold Desk": Plan not found: Gold Desk.'
        )
        self.assertIn(
            'column "Room Permissions", value "Group Red": Room permission group not found: Group Red.', second.message
        )
        self.assertEqual(third.status, "created")
        self.assertFalse(self.member("jane@example.com"))
        self.assertTrue(self.jane_lead.active)

    @freeze_time("2025-05-15")
    def test_unknown_columns_become_custom_fields_dates_never_copied(self):
        header = HEADER + ["Key Fob", "Follow-up Date", "Tour Date", "Promoted Date"]
        self.promote(
            [
                [
                    "jane@example.com",
                    "Jane",
                    "Doe",
                    "Acme",
                    "Coworking Plan",
                    "",
                    "",
                    "KF-0042",
                    "2025-06-01",
                    "2025-05-01",
                    "2025-05-10",
                ]
            ],
            header=header,
        )
        jane = self.member("jane@example.com")
        self.assertEqual(jane.member_properties, {"key_fob": "KF-0042"})
        strings = [definition["string"] for definition in self.env.company.member_properties_definition]
        self.assertEqual(strings, ["Key Fob"])

    @freeze_time("2025-05-15")
    def test_matched_lead_is_won_archived_and_linked_case_insensitively(self):
        self.promote([["JANE@Example.COM", "Jane", "Doe", "Acme", "Coworking Plan", "", ""]])
        jane = self.member("jane@example.com")
        lead = self.jane_lead.with_context(active_test=False)
        self.assertFalse(lead.active)
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)
        self.assertEqual(lead.partner_id, jane)
        self.assertIn("Promoted to member Jane Doe", lead.message_ids[0].body)
        self.assertEqual(jane.phone, "+1 555 0101", "the lead's values fill what the file leaves empty")

    @freeze_time("2025-05-15")
    def test_contact_becomes_member_in_place(self):
        job = self.promote([["carl@example.com", "Carl", "Contact", "Acme", "Parking Pass", "", ""]])
        self.assertEqual(job.line_ids.status, "updated")
        self.assertTrue(self.contact.is_member)
        self.assertEqual(self.contact.parent_id.name, "Acme")

    @freeze_time("2025-05-15")
    def test_an_existing_member_is_said_to_be_one(self):
        """Promoting a member again: skipped with a warning by default,
        never "no open lead"; with Update, the plans are added."""
        self.promote([["carl@example.com", "Carl", "Contact", "Acme", "Parking Pass", "", ""]])
        row = ["CARL@example.com", "Carl", "Contact", "Acme", "Coworking Plan", "", ""]
        job = self.promote([row], allow_same_file=True)
        self.assertEqual(job.line_ids.status, "skipped")
        self.assertIn("Carl Contact is a member already (found by email carl@example.com)", job.line_ids.message)
        self.assertNotIn("No open lead", job.line_ids.message)
        job = self.promote([row], existing_members="error")
        self.assertIn("Carl Contact is a member already", job.line_ids.message)
        self.assertEqual(job.line_ids.status, "error")
        job = self.promote([row], existing_members="update")
        self.assertEqual(job.line_ids.status, "updated")
        products = self.contact.member_subscription_ids.sale_subscription_line_ids.product_id
        self.assertEqual(products, self.parking | self.coworking)
        self.assertEqual(len(self.member("carl@example.com")), 1)

    @freeze_time("2025-05-15")
    def test_unknown_email_is_an_error_unless_asked_to_create(self):
        row = ["new@example.com", "New", "Person", "Acme", "Coworking Plan", "", ""]
        job = self.promote([row])
        self.assertIn("No open lead and no contact", job.line_ids.message)
        job = self.promote([row], promote_create_unknown=True)
        self.assertEqual(job.line_ids.status, "created")
        self.assertTrue(self.member("new@example.com").is_member)

    @freeze_time("2025-05-15")
    def test_billing_start_date_prorated_invoice(self):
        header = HEADER + ["Billing Start Date"]
        job = self.promote(
            [["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", "6", "05/27/2025"]], header=header
        )
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        subscription = self.member("jane@example.com").subscription_ids
        self.assertEqual(subscription.recurring_next_date, date(2025, 6, 6))
        invoice = self.env["account.move"].search([("subscription_id", "=", subscription.id)])
        # May 27 to June 6: 10 days of the May 6 - June 6 period (31 days): 310 × 10 / 31.
        self.assertEqual(invoice.invoice_date, date(2025, 5, 27))
        self.assertAlmostEqual(invoice.amount_untaxed, 100.0)
        self.assertEqual(invoice.state, "draft")

    @freeze_time("2025-05-15")
    def test_an_account_without_an_email_promotes_and_welcomes(self):
        """Neither the account nor the company has an email: the members
        are promoted, the onboarding emails queued, the summary posted."""
        robot = new_test_user(
            self.env,
            "bi_robot_promote",
            groups="base.group_user,crm_bulk_import.group_crm_bulk_import_manager",
            name="Robot",
            email=False,
        )
        self.env.company.email = False
        self.env.company.alias_domain_id = False
        content = csv_bytes([HEADER, ["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", ""]])
        job = self.import_through_wizard("promote", content, "promote.csv", robot, send_onboarding_email=True)
        self.assertEqual((job.state, job.count_created), ("done", 1), job.line_ids.message)
        jane = self.member("jane@example.com")
        self.assertTrue(jane.is_member)
        onboarding = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", jane.id)])
        self.assertEqual(len(onboarding), 1, "the onboarding email is queued")
        self.assertTrue(job.message_ids.filtered(lambda message: "out of 1 rows" in str(message.body)))

    @freeze_time("2025-05-15")
    def test_billing_start_date_must_be_future_and_mm_dd_yyyy(self):
        header = HEADER + ["Billing Start Date"]
        job = self.promote(
            [
                ["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", "", "05/01/2025"],
                ["john@example.com", "John", "Roe", "Acme", "Coworking Plan", "", "", "2025-27-05"],
            ],
            header=header,
        )
        first, second = job.line_ids.sorted("row_number")
        self.assertIn('value "05/01/2025": the Billing Start Date must be in the future.', first.message)
        self.assertIn('value "2025-27-05"', second.message)

    @freeze_time("2025-05-15")
    def test_onboarding_emails_only_when_ticked(self):
        self.promote([["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", ""]])
        jane = self.member("jane@example.com")
        onboarding = [("model", "=", "res.partner"), ("subject", "ilike", "Welcome")]
        self.assertFalse(self.env["mail.mail"].search(onboarding))
        self.promote(
            [["john@example.com", "John", "Roe", "Acme", "Coworking Plan", "", ""]], send_onboarding_email=True
        )
        mail = self.env["mail.mail"].search(onboarding)
        self.assertEqual(mail.recipient_ids, self.member("john@example.com"))
        # Later, from the members list.
        jane.action_send_onboarding_email()
        self.assertEqual(self.env["mail.mail"].search(onboarding).recipient_ids, self.member("john@example.com") | jane)

    @freeze_time("2025-05-15")
    def test_dry_run_predicts_the_import(self):
        rows = [
            ["jane@example.com", "Jane", "Doe", "Nova", "Coworking Plan", "", "5"],
            ["john@example.com", "John", "Roe", "Nova", "Gold Desk", "", ""],
            ["carl@example.com", "Carl", "C", "Nova", "Parking Pass", "", ""],
        ]
        dry = self.make_job(csv_bytes([HEADER] + rows), user=self.manager, import_type="promote")
        dry.action_dry_run()
        self.assertFalse(self.member("jane@example.com"))
        self.assertTrue(self.jane_lead.active)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Nova")]))
        predicted = dry.line_ids.sorted("row_number").mapped("status")
        self.assertEqual(predicted, ["would_create", "error", "would_update"])
        real = self.promote(rows)
        self.assertEqual(real.line_ids.sorted("row_number").mapped("status"), ["created", "error", "updated"])

    @freeze_time("2025-05-15")
    def test_export_for_promotion_round_trip(self):
        action = (self.jane_lead | self.john_lead).action_export_for_promotion()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = read_csv(attachment.raw)
        self.assertEqual(rows[0][:5], ["Email", "First Name", "Last Name", "Team Name", "Phone"])
        self.assertEqual(rows[1][:3], ["jane@example.com", "Jane", "Doe"])
        plans = rows[0].index("Plans")
        for row in rows[1:]:
            row[plans] = "Coworking Plan"
        job = self.make_job(csv_bytes(rows), user=self.manager, import_type="promote")
        job.action_import()
        self.assertEqual((job.state, job.count_created), ("done", 2))
        self.assertFalse(self.jane_lead.active or self.john_lead.active)
        self.assertEqual(self.jane_lead.partner_id.parent_id.name, "Jane Doe's team")

    def test_contacts_export_lists_room_permissions(self):
        self.contact.room_permission_group_ids = [Command.link(self.blue.id)]
        action = self.contact.action_export_for_promotion()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = read_csv(attachment.raw)
        self.assertEqual(rows[1][rows[0].index("Room Permissions")], "Group Blue")
        self.assertEqual(base64.b64decode(attachment.datas).decode("utf-8-sig").count("carl@example.com"), 1)

    @freeze_time("2025-05-15")
    def test_thousand_promotions_in_one_job_and_dry_run_prediction(self):
        self.env["crm.lead"].create(
            [{"name": f"Bulk {index}", "email_from": f"bulk{index}@promote.example"} for index in range(1000)]
        )
        rows = [
            [
                f"bulk{index}@promote.example",
                f"First{index}",
                f"Last{index}",
                f"Team {index % 40}",
                "Coworking Plan" if index != 700 else "Gold Desk",
                "Group Blue" if index % 2 else "",
                str(index % 28 + 1),
            ]
            for index in range(1000)
        ]
        content = csv_bytes([HEADER] + rows)
        dry = self.make_job(content, user=self.manager, import_type="promote")
        dry.action_dry_run()
        # A big file's dry run runs on the job queue, chunk by chunk.
        self.assertEqual((dry.state, dry.all_or_nothing_phase), ("queued", "dry_run"))
        run_queue_jobs(self.env)
        self.assertEqual((dry.state, dry.is_dry_run), ("draft", True))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Team 1")]))
        predicted = dry.line_ids.sorted("row_number").mapped("status")
        real = self.make_job(content, user=self.manager, import_type="promote")
        real.action_import()
        self.assertEqual(real.state, "queued", "a big member file runs in the background")
        run_queue_jobs(self.env)
        self.assertEqual(
            [{"would_create": "created"}.get(status, status) for status in predicted],
            real.line_ids.sorted("row_number").mapped("status"),
        )
        self.assertEqual((real.state, real.count_created, real.count_error), ("error", 999, 1))
        members = self.env["res.partner"].search([("email_normalized", "=like", "bulk%@promote.example")])
        self.assertEqual(len(members.filtered("is_member")), 999)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=like", "Team %"), ("is_company", "=", True)]), 40
        )

    @freeze_time("2025-05-15")
    def test_country_by_name_or_code(self):
        header = HEADER + ["Country"]
        job = self.promote(
            [
                ["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", "", "BE"],
                ["john@example.com", "John", "Roe", "Acme", "Coworking Plan", "", "", "Atlantis"],
            ],
            header=header,
        )
        first, second = job.line_ids.sorted("row_number")
        self.assertEqual(first.status, "created")
        self.assertEqual(self.member("jane@example.com").country_id, self.env.ref("base.be"))
        self.assertEqual(
            second.message, 'Row 3, column "Country", value "Atlantis": Country not found: use its name or ISO code.'
        )

    def test_the_same_email_twice_promotes_one_person(self):
        """The same email on two rows (another case) promoted the person twice:
        two members, two subscriptions."""
        job = self.promote(
            [
                ["jane@example.com", "Jane", "Doe", "Acme", "Coworking Plan", "", ""],
                ["JANE@example.com", "Janet", "Doe", "Acme", "Parking Pass", "", ""],
            ]
        )
        self.assertEqual(len(self.member("jane@example.com")), 1)
        self.assertEqual(len(self.member("jane@example.com").member_subscription_ids), 1)
        second = job.line_ids.filtered(lambda line: line.row_number == 3)
        self.assertEqual(second.status, "skipped")
        self.assertEqual(
            second.message,
            'Row 3 has the same email as row 2 ("jane@example.com"): that person is promoted once, by row 2.',
        )
