# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import parse_qs, urlparse

from odoo.tests import HttpCase, tagged

from .common import BulkImportCase, csv_bytes

HEADER = ["Name", "Email", "Company", "Group", "Website", "Country", "Tags"]


class ProspectCase(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Workflow = cls.env["prospect.workflow"]
        cls.auto = Workflow.create({"name": "Auto-accept creators", "auto_accept": True})
        cls.manual = Workflow.create({"name": "Manual review"})
        cls.creators = cls.env["prospect.group"].create({"name": "Creators", "workflow_id": cls.auto.id})
        cls.resellers = cls.env["prospect.group"].create({"name": "Resellers", "workflow_id": cls.manual.id})
        cls.migrated = cls.env["res.partner"].create({"name": "Old Platform Partner", "email": "old@platform.example"})

    def import_prospects(self, rows, dry_run=False, **options):
        """Import as a manager: options go through the wizard, as users tick them."""
        content = csv_bytes([HEADER] + rows)
        if options:
            return self.import_through_wizard("prospect", content, "prospects.csv", self.manager, **options)
        job = self.make_job(content, file_name="prospects.csv", user=self.manager, import_type="prospect")
        job.action_dry_run() if dry_run else job.action_import()
        return job

    def invitations(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("subject", "ilike", "invites you")]
        )


class TestProspectImport(ProspectCase):
    def test_import_creates_prospects_and_invites_them(self):
        job = self.import_prospects(
            [
                [
                    "Nina Creator",
                    "nina@creators.example",
                    "Nina Studio",
                    "Creators",
                    "https://nina.example",
                    "FR",
                    "Video, Travel",
                ],
            ]
        )
        self.assertEqual((job.state, job.count_created), ("done", 1))
        nina = self.env["res.partner"].search([("email", "=", "nina@creators.example")])
        self.assertEqual((nina.program_state, nina.prospect_group_id), ("invited", self.creators))
        self.assertEqual(nina.company_name, "Nina Studio")
        self.assertEqual(nina.country_id, self.env.ref("base.fr"))
        self.assertEqual(sorted(nina.category_id.mapped("name")), ["Travel", "Video"])
        invitation = self.invitations(nina)
        self.assertEqual(len(invitation), 1)
        # The token carries its expiry time: compare whom it opens, not its text.
        link = invitation.body_html.split('href="')[1].split('"')[0].replace("&amp;", "&")
        token = parse_qs(urlparse(link).query)["token"][0]
        partner = self.env["res.partner"].sudo()._signup_retrieve_partner(token, check_validity=True)
        self.assertEqual(partner, nina, "the sign-up link is bound to this prospect")

    def test_each_prospect_of_a_file_gets_its_own_invitation(self):
        """The prospects of a file are created and invited together: each
        email goes to its prospect, with a sign-up link that opens it."""
        rows = [
            [f"Creator {index}", f"creator.{index}@creators.example", "", "Creators", "", "BE", ""]
            for index in range(25)
        ]
        job = self.import_prospects(rows)
        self.assertEqual((job.state, job.count_created), ("done", 25))
        prospects = self.env["res.partner"].search(
            [("email", "like", "@creators.example"), ("name", "like", "Creator ")]
        )
        self.assertEqual(len(prospects), 25)
        for prospect in prospects:
            invitation = self.invitations(prospect)
            self.assertEqual(len(invitation), 1, prospect.name)
            self.assertEqual(invitation.recipient_ids, prospect)
            link = invitation.body_html.split('href="')[1].split('"')[0].replace("&amp;", "&")
            token = parse_qs(urlparse(link).query)["token"][0]
            opened = self.env["res.partner"].sudo()._signup_retrieve_partner(token, check_validity=True)
            self.assertEqual(opened, prospect, "the sign-up link is bound to this prospect")
            self.assertEqual(prospect.program_state, "invited")
            self.assertNotIn(self.env.user.partner_id, prospect.message_partner_ids, "no follower per prospect")

    def test_a_creator_without_a_company(self):
        """Creators and influencers are people: Company may stay empty."""
        job = self.import_prospects([["Lou Creator", "lou@creators.example", "", "Creators", "", "", ""]])
        self.assertEqual((job.state, job.count_created), ("done", 1), job.line_ids.message)
        lou = self.env["res.partner"].search([("email", "=", "lou@creators.example")])
        self.assertEqual((lou.name, lou.company_name, lou.prospect_group_id), ("Lou Creator", False, self.creators))
        self.assertFalse(lou.is_company)

    def test_unknown_group_is_a_row_error_and_never_created(self):
        groups = self.env["prospect.group"].search_count([])
        job = self.import_prospects([["Al", "al@x.example", "Al Co", "Influencers", "", "", ""]])
        self.assertEqual(
            job.line_ids.message,
            'Row 2, column "Group", value "Influencers": Prospect group not '
            "found: imports never create groups; create it first.",
        )
        self.assertEqual(self.env["prospect.group"].search_count([]), groups)

    def test_existing_partner_is_assigned_and_auto_accepted(self):
        count = self.env["res.partner"].search_count([])
        job = self.import_prospects([["Old", "OLD@platform.example", "Old Co", "Creators", "", "", ""]])
        self.assertEqual(job.line_ids.status, "updated")
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual((self.migrated.program_state, self.migrated.prospect_group_id), ("active", self.creators))
        onboarding = self.env["mail.mail"].search([("res_id", "=", self.migrated.id), ("subject", "ilike", "Welcome")])
        self.assertEqual(len(onboarding), 1)
        self.assertFalse(self.invitations(self.migrated))

    def test_existing_partner_in_a_manual_group_waits(self):
        self.import_prospects([["Old", "old@platform.example", "Old Co", "Resellers", "", "", ""]])
        self.assertEqual(self.migrated.program_state, "prospect")

    def test_dry_run_shows_each_row_and_writes_nothing(self):
        partners, mails = self.env["res.partner"].search_count([]), self.env["mail.mail"].search_count([])
        job = self.import_prospects(
            [
                ["New One", "new@one.example", "One", "Resellers", "", "", ""],
                ["Old", "old@platform.example", "Old Co", "Creators", "", "", ""],
                ["Bad", "bad@x.example", "Bad Co", "Nope", "", "", ""],
            ],
            dry_run=True,
        )
        first, second, third = job.line_ids.sorted("row_number")
        self.assertEqual(first.status, "would_create")
        self.assertEqual(second.status, "would_update")
        self.assertIn("Existing partner Old Platform Partner (old@platform.example)", second.message)
        self.assertEqual(second.res_id, self.migrated.id)
        self.assertEqual(third.status, "error")
        self.assertEqual((job.count_created, job.count_updated, job.count_error), (1, 1, 1))
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertFalse(self.migrated.program_state)

    def test_summary_email_lists_the_rows_to_fix(self):
        job = self.import_prospects(
            [
                ["New One", "new@one.example", "One", "Resellers", "", "", ""],
                ["Bad", "bad@x.example", "Bad Co", "Nope", "", "", ""],
            ]
        )
        summary = self.env["mail.mail"].search([("model", "=", job._name), ("res_id", "=", job.id)])
        self.assertEqual(summary.recipient_ids, self.manager.partner_id)
        self.assertIn("Errors: 1", summary.body_html)
        self.assertIn("Prospect group not found", summary.body_html)

    def test_invitations_are_optional(self):
        self.import_prospects([["Quiet", "quiet@x.example", "Q", "Resellers", "", "", ""]], send_invitations=False)
        quiet = self.env["res.partner"].search([("email", "=", "quiet@x.example")])
        self.assertEqual(quiet.program_state, "prospect")
        self.assertFalse(self.invitations(quiet))

    def test_manager_accepts_or_rejects_applications(self):
        first, second = self.env["res.partner"].create(
            [
                {
                    "name": "App One",
                    "email": "one@app.example",
                    "program_state": "applied",
                    "prospect_group_id": self.resellers.id,
                },
                {
                    "name": "App Two",
                    "email": "two@app.example",
                    "program_state": "applied",
                    "prospect_group_id": self.resellers.id,
                },
            ]
        )
        first.with_user(self.manager).action_prospect_accept()
        second.with_user(self.manager).action_prospect_reject()
        self.assertEqual((first.program_state, second.program_state), ("active", "rejected"))
        self.assertTrue(self.env["mail.mail"].search([("res_id", "=", first.id), ("subject", "ilike", "Welcome")]))


@tagged("post_install", "-at_install")
class TestProspectSignup(ProspectCase, HttpCase):
    """Sign-up through the invitation, on the real /web/signup route."""

    def invite(self, name, email, group):
        self.import_prospects([[name, email, f"{name} Co", group.name, "", "", ""]])
        partner = self.env["res.partner"].search([("email", "=", email)])
        link = self.invitations(partner).body_html.split('href="')[1].split('"')[0].replace("&amp;", "&")
        return partner, parse_qs(urlparse(link).query)["token"][0]

    def sign_up(self, token, login, name="Someone"):
        response = self.post_sign_up(token, login, name)
        self.assertNotIn("alert-danger", response.text)
        self.env.invalidate_all()  # the request changed the records
        return response

    def post_sign_up(self, token, login, name):
        """The sign-up form of the invitation link, filled and sent."""
        page = self.url_open(f"/web/signup?token={token}")
        self.assertEqual(page.status_code, 200)
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open(
            "/web/signup",
            data={
                "csrf_token": csrf,
                "token": token,
                "login": login,
                "name": name,
                "password": "a-long-password-1",
                "confirm_password": "a-long-password-1",
            },
        )

    def test_auto_accept_group_activates_and_onboards(self):
        nina, token = self.invite("Nina", "nina@creators.example", self.creators)
        self.sign_up(token, "nina@creators.example", "Nina")
        self.assertEqual(nina.program_state, "active")
        self.assertTrue(nina.user_ids, "the application is linked to its prospect")
        self.assertTrue(self.env["mail.mail"].search([("res_id", "=", nina.id), ("subject", "ilike", "Welcome")]))

    def test_manual_group_waits_in_applied(self):
        rita, token = self.invite("Rita", "rita@resellers.example", self.resellers)
        self.sign_up(token, "rita@resellers.example", "Rita")
        self.assertEqual(rita.program_state, "applied")
        self.assertTrue(rita.user_ids)

    def test_shared_invitation_makes_a_separate_application(self):
        """The stated limitation: where anyone may sign up, someone else
        using a forwarded invitation applies separately, not as the imported
        prospect."""
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        nina, token = self.invite("Nina", "nina@creators.example", self.creators)
        self.sign_up(token, "friend@elsewhere.example", "Friend")
        self.assertEqual(nina.program_state, "invited")
        self.assertFalse(nina.user_ids)
        friend = self.env["res.users"].search([("login", "=", "friend@elsewhere.example")])
        self.assertTrue(friend)
        self.assertNotEqual(friend.partner_id, nina)
        self.assertEqual(friend.partner_id.program_state, "applied")
        self.assertFalse(friend.partner_id.prospect_group_id)

    def test_forwarded_invitation_creates_no_account_when_sign_up_is_by_invitation(self):
        """Sign-up by invitation only: an invitation is for the person it
        was sent to. Three other emails through one token: no account."""
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2b")
        nina, token = self.invite("Nina", "nina@creators.example", self.creators)
        users_before = self.env["res.users"].with_context(active_test=False).search_count([])
        for index in range(3):
            response = self.post_sign_up(token, f"other{index}@elsewhere.example", f"Other {index}")
            self.assertIn("This invitation was sent to another email address", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.env["res.users"].with_context(active_test=False).search_count([]), users_before)
        self.assertFalse(self.env["res.users"].search([("login", "like", "@elsewhere.example")]))
        # The invited prospect can still sign up with their own address.
        self.sign_up(token, "nina@creators.example", "Nina")
        self.assertEqual(nina.program_state, "active")
