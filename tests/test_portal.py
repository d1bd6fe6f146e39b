# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

import websocket  # noqa: F401 - without it Odoo would silently skip the browser test

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import csv_bytes, read_csv
from .test_lead import LEAD_HEADER, LeadCase

PORTAL_HEADER = LEAD_HEADER[1:]  # no Partner ID: the uploader's partner is implied


@tagged("post_install", "-at_install")
class TestPortal(LeadCase, HttpCase):
    def portal_row(self, agent_code="", name="Portal lead", email="p@portal.example", company="Portal Co"):
        return self.lead_row("", agent_code, name=name, email=email, company=company)[1:]

    def upload(self, rows, header=None, name="leads.csv"):
        page = self.url_open("/my/registered-leads/import")
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open(
            "/my/registered-leads/import",
            data={"csrf_token": token},
            files={"file": (name, csv_bytes([header or PORTAL_HEADER] + rows), "text/csv")},
        )

    def test_partner_uploads_sees_errors_then_imports(self):
        self.authenticate("reseller", "reseller")
        response = self.upload(
            [
                self.portal_row(),
                self.portal_row(name=""),
                self.portal_row(email="not-an-email"),
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Nothing was imported: 2 row(s) have errors.", response.text)
        self.assertIn("Row 3, column &#34;Lead name&#34;: a value is required.", response.text)
        self.assertIn("Row 4, column &#34;Email&#34;, value &#34;not-an-email&#34;", response.text)
        self.assertFalse(self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)]))

        response = self.upload([self.portal_row(), self.portal_row(self.agent.agent_code, name="For Smith")])
        self.assertIn("2 leads registered. They are pending until our team approves them.", response.text)
        leads = self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)], order="id")
        self.assertEqual(leads.mapped("registration_state"), ["pending", "pending"])
        self.assertEqual(leads.registered_agent_id, self.agent)
        job = leads.bulk_import_job_id
        self.assertEqual((job.partner_id, job.user_id), (self.reseller, self.reseller_user))

        listing = self.url_open("/my/registered-leads")
        self.assertIn("For Smith", listing.text)
        self.assertIn("Pending", listing.text)

    def test_the_partner_downloads_the_rows_in_error(self):
        self.authenticate("reseller", "reseller")
        response = self.upload([self.portal_row(), self.portal_row(email="not-an-email")], name="mine.csv")
        link = re.search(r'href="(/my/registered-leads/import/\d+/errors)"', response.text).group(1)
        errors = self.url_open(link)
        self.assertEqual(errors.status_code, 200)
        self.assertIn("mine-errors.csv", errors.headers["Content-Disposition"])
        rows = read_csv(errors.content)
        self.assertEqual(rows[0], PORTAL_HEADER + ["Error"])
        # Every row of an all-or-nothing refusal, the error on the bad one.
        self.assertEqual([row[-1] != "" for row in rows[1:]], [False, True])
        self.assertIn("not-an-email", rows[2][-1])
        # Another partner's import: not found.
        self.authenticate("agent_other", "agent_other")
        self.assertEqual(self.url_open(link).status_code, 404)

    def test_my_leads_rows_keep_their_columns_and_say_why_rejected(self):
        self.import_leads([self.lead_row(self.reseller.partner_code, name="No agent", email="n@x.example")])
        lead = self.env["crm.lead"].search([("name", "=", "No agent")])
        lead.write({"contact_name": False})
        wizard_action = lead.with_user(self.manager).action_open_registration_reject()
        self.env[wizard_action["res_model"]].with_user(self.manager).with_context(**wizard_action["context"]).create(
            {"reason": "Out of our territory."}
        ).action_reject()
        self.authenticate("reseller", "reseller")
        page = self.url_open("/my/registered-leads").text
        row = page.split('class="o_crm_bulk_import_portal_lead"')[1].split("</tr>")[0]
        self.assertEqual(row.count("<td"), 7, "one cell per column, an empty one included")
        self.assertIn("Rejected", row)
        self.assertIn("Out of our territory.", row)

    def test_codes_of_other_partners_are_not_found(self):
        self.authenticate("reseller", "reseller")
        response = self.upload(
            [self.lead_row(self.other_reseller.partner_code), self.lead_row("", self.other_agent.agent_code)],
            header=LEAD_HEADER,
        )
        self.assertIn(f"value &#34;{self.other_reseller.partner_code}&#34;: Partner ID not found", response.text)
        self.assertIn(f"value &#34;{self.other_agent.agent_code}&#34;: Agent ID not found", response.text)
        self.assertFalse(self.env["crm.lead"].search([("registered_partner_id", "=", self.other_reseller.id)]))

    def test_agent_leads_are_their_own(self):
        self.authenticate("agent_smith", "agent_smith")
        response = self.upload([self.portal_row(name="Smith's lead")])
        self.assertIn("1 leads registered", response.text)
        lead = self.env["crm.lead"].search([("name", "=", "Smith's lead")])
        self.assertEqual((lead.registered_partner_id, lead.registered_agent_id), (self.reseller, self.agent))
        # The partner registers one without agent: the agent does not see it.
        self.import_leads([self.lead_row(self.reseller.partner_code, name="Partner's own")])
        Lead = self.env["crm.lead"]
        own = Lead.with_user(self.agent_user).search([("registration_state", "!=", False)])
        self.assertEqual(own.mapped("name"), ["Smith's lead"])
        everything = Lead.with_user(self.reseller_user).search([("registration_state", "!=", False)])
        self.assertEqual(set(everything.mapped("name")), {"Smith's lead", "Partner's own"})
        other_user = self.env["res.users"].search([("login", "=", "agent_other")])
        self.assertFalse(Lead.with_user(other_user).search([("registration_state", "!=", False)]))

    def test_portal_users_reach_no_backend_wizard_and_only_their_jobs(self):
        with self.assertRaises(AccessError):
            self.env["crm.bulk.import.wizard"].with_user(self.reseller_user).create({"import_type": "lead"})
        with self.assertRaises(AccessError):
            self.env["crm.bulk.import.job"].with_user(self.reseller_user).create({"import_type": "lead"})
        mine = self.import_leads([self.lead_row(self.reseller.partner_code)], partner_id=self.reseller.id)
        theirs = self.import_leads([self.lead_row(self.other_reseller.partner_code)])
        Job = self.env["crm.bulk.import.job"]
        self.assertEqual(Job.with_user(self.reseller_user).search([("id", "in", (mine | theirs).ids)]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.reseller_user).read(["name"])

    def test_upload_over_the_portal_limit_is_refused(self):
        self.env["ir.config_parameter"].set_param("crm_bulk_import.portal_max_file_mb", 1)
        self.authenticate("reseller", "reseller")
        page = self.url_open("/my/registered-leads/import")
        self.assertIn("File (CSV or XLSX, 1 MB at most, 1000 leads at most)", page.text)
        rows = [self.portal_row(name=f"Lead {index}", email=f"l{index}@portal.example") for index in range(12000)]
        response = self.upload(rows, name="huge.csv")
        self.assertIn("The file is larger than the 1 MB a portal upload may have", response.text)
        self.assertFalse(self.env["crm.bulk.import.job"].search([("file_name", "=", "huge.csv")]))
        self.assertFalse(self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)]))

    def test_template_and_pages_need_a_registered_partner(self):
        self.authenticate("reseller", "reseller")
        template = self.url_open("/my/registered-leads/template.csv")
        self.assertEqual(template.status_code, 200)
        header = template.content.decode("utf-8-sig").splitlines()[0]
        self.assertEqual(header, "Agent ID,Lead name*,Contact name*,Email*,Company*,Phone,Description,Expected revenue")
        self.assertEqual(self.url_open("/my/registered-leads/template.xlsx").status_code, 200)
        account = self.url_open("/my/account")
        self.assertIn(f"Partner ID: <strong>{self.reseller.partner_code}</strong>", account.text)
        self.authenticate("agent_other", "agent_other")
        self.assertEqual(self.url_open("/my/registered-leads").status_code, 200)
        plain = self.env["res.partner"].create({"name": "Unregistered customer"})
        self.env["res.users"].create(
            {
                "name": "Customer",
                "login": "customer_portal",
                "password": "customer_portal",
                "partner_id": plain.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("customer_portal", "customer_portal")
        self.assertEqual(self.url_open("/my/registered-leads").status_code, 404)
        self.assertEqual(self.url_open("/my/registered-leads/import").status_code, 404)

    def test_portal_tour_in_chromium(self):
        """The partner downloads the template, uploads a file with two errors,
        sees both, uploads the fixed file and finds the leads Pending; a
        manager approves and the partner's email is queued."""
        self.start_tour("/my/registered-leads", "crm_bulk_import_portal_tour", login="reseller")
        leads = self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)])
        self.assertEqual(sorted(leads.mapped("name")), ["Fleet renewal", "Office move", "Printer fleet"])
        self.assertEqual(set(leads.mapped("registration_state")), {"pending"})
        leads.with_user(self.manager).action_approve()
        mails = self.env["mail.mail"].search([("model", "=", "crm.lead"), ("res_id", "in", leads.ids)])
        self.assertEqual(len(mails), 3)
        self.assertEqual(mails.recipient_ids, self.reseller)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
