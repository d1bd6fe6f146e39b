# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The module's portal pages beside Odoo's partner portal: Odoo's Resellers
module (website_crm_partner_assign) serves /my/leads, the leads assigned to
a partner. Both installed on a database of their own, an odoo-bin server on
it, and a portal user of a registered partner, to whom a lead is assigned
too: each module answers its own pages, and the portal home links to both.
Had the two modules served the same URL (or with a method of the same name:
Odoo merges the portal controllers of every module), one of the pages would
show the other's content."""

import csv
import io
import re
import time
import xmlrpc.client

import requests

from .own_database import OwnDatabaseCase

LOGIN = PASSWORD = "coexistence-reseller"
ASSIGNED = "Lead assigned by the Resellers module"
REGISTERED = "Lead registered from a file"

SETUP = """
reseller = env["res.partner"].create({{
    "name": "Coexistence Reseller",
    "is_company": True,
    "is_registered_partner": True,
    "email": "reseller@coexistence.example",
}})
env["res.users"].with_context(no_reset_password=True).create({{
    "name": "Coexistence Reseller",
    "login": {login!r},
    "password": {password!r},
    "partner_id": reseller.id,
    "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
}})
# What Odoo's Resellers module shows its partners: a lead assigned to them.
env["crm.lead"].create({{
    "name": {assigned!r},
    "type": "lead",
    "partner_assigned_id": reseller.id,
    "contact_name": "Assigned Contact",
    "email_from": "assigned@buyer.example",
    "phone": "+1 555 0199",
}})
env.cr.commit()
print("READY")
"""


class TestPortalCoexistence(OwnDatabaseCase):
    def odoo(self, command, *args, stdin=None):
        return super().odoo(command, *args, "--log-level=warn", stdin=stdin, errors_allowed=False)

    def start_portal_server(self):
        server, port, log = self.start_server(
            "--workers=0",
            "--max-cron-threads=0",
            # No queue_job runner: the portal imports small files at once.
            "--load=base,web",
            "--log-level=warn",
        )
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        while time.monotonic() - started < 120:
            self.assertIsNone(server.poll(), log.read_text() if log.exists() else "the server stopped")
            try:
                health = requests.get(f"{url}/web/health", timeout=5).status_code
            except requests.ConnectionError:
                health = None  # not listening yet
            if health == 200:
                return url, log
            time.sleep(0.3)
        self.fail("the server did not answer within 2 minutes")

    def login(self, url):
        session = requests.Session()
        page = session.get(f"{url}/web/login", timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = session.post(
            f"{url}/web/login",
            data={"login": LOGIN, "password": PASSWORD, "csrf_token": token, "redirect": "/my"},
            timeout=60,
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn(f"{url}/my", answer.url, "logged in, on the portal")
        return session

    def check_rpc(self, url, assigned_id):
        """Over RPC, the partner reads the lead assigned to them whole, as
        Odoo's Resellers module means it, and of the lead they registered
        still only what its portal page shows: the team's work on it stays
        out of their reads and searches."""
        ((registered_id,),) = self.query("SELECT id FROM crm_lead WHERE name = %s", [REGISTERED])
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        objects = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        admin = common.authenticate(self.db, "admin", "admin", {})
        objects.execute_kw(
            self.db,
            admin,
            "admin",
            "crm.lead",
            "write",
            [[registered_id], {"probability": 80, "description": "<p>Internal: push hard</p>"}],
        )
        uid = common.authenticate(self.db, LOGIN, PASSWORD, {})
        self.assertTrue(uid)

        def call(method, *args, **kwargs):
            return objects.execute_kw(self.db, uid, PASSWORD, "crm.lead", method, list(args), kwargs)

        [assigned] = call("read", [assigned_id], ["name", "phone", "description"])
        self.assertEqual((assigned["name"], assigned["phone"]), (ASSIGNED, "+1 555 0199"))
        [registered] = call("read", [registered_id], ["name", "probability", "description"])
        self.assertEqual(registered["name"], REGISTERED)
        self.assertFalse({"probability", "description"} & set(registered))
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            call("read", [registered_id], ["description"])
        self.assertIn("A partner reads only the name", refused.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault):
            call("search_read", [("id", "=", registered_id)], ["description"])
        everything = {lead["name"]: lead for lead in call("search_read", [], ["name", "description"])}
        self.assertEqual(set(everything), {ASSIGNED, REGISTERED})
        self.assertNotIn("description", everything[REGISTERED])
        self.assertEqual(call("search_count", [("description", "ilike", "push hard")]), 0)
        self.assertEqual(call("search_count", [("probability", ">", 50), ("id", "=", registered_id)]), 0)
        groups = call("read_group", [("id", "=", registered_id)], ["probability:max"], [])
        self.assertFalse(groups[0].get("probability"), groups)

    def test_both_portals_answer_their_own_pages(self):
        self.odoo(
            "server",
            "-i",
            "crm_bulk_import,website_crm_partner_assign",
            "--without-demo=all",
            "--no-http",
            "--stop-after-init",
        )
        installed = self.query(
            """SELECT name FROM ir_module_module
                WHERE name IN ('crm_bulk_import', 'website_crm_partner_assign') AND state = 'installed'"""
        )
        self.assertEqual(len(installed), 2, installed)
        output = self.odoo("shell", "--no-http", stdin=SETUP.format(login=LOGIN, password=PASSWORD, assigned=ASSIGNED))
        self.assertIn("READY", output)
        url, log = self.start_portal_server()
        session = self.login(url)

        # Odoo's /my/leads: website_crm_partner_assign's page, its lead.
        ((assigned_id,),) = self.query("SELECT id FROM crm_lead WHERE name = %s", [ASSIGNED])
        odoo_leads = session.get(f"{url}/my/leads", timeout=60)
        self.assertEqual(odoo_leads.status_code, 200, odoo_leads.text[-3000:])
        self.assertIn(ASSIGNED, odoo_leads.text)
        self.assertIn(f'href="/my/lead/{assigned_id}"', odoo_leads.text)
        self.assertIn("Contact Name", odoo_leads.text)
        self.assertNotIn("o_crm_bulk_import_portal_upload", odoo_leads.text)
        lead_page = session.get(f"{url}/my/lead/{assigned_id}", timeout=60)
        self.assertEqual(lead_page.status_code, 200, lead_page.text[-3000:])
        self.assertIn("+1 555 0199", lead_page.text)
        self.assertEqual(session.get(f"{url}/my/opportunities", timeout=60).status_code, 200)

        # This module's pages: the import form, the template, an upload, the
        # list of the partner's registered leads.
        form = session.get(f"{url}/my/registered-leads/import", timeout=60)
        self.assertEqual(form.status_code, 200)
        self.assertIn("Register leads from a file", form.text)
        self.assertIn('href="/my/registered-leads/template.csv"', form.text)
        template = session.get(f"{url}/my/registered-leads/template.csv", timeout=60)
        self.assertEqual(template.status_code, 200)
        self.assertIn("lead_registration_template.csv", template.headers["Content-Disposition"])
        header = template.content.decode("utf-8-sig").splitlines()[0]
        self.assertTrue(header.startswith("Agent ID,Lead name*,Contact name*,Email*,Company*"), header)
        xlsx = session.get(f"{url}/my/registered-leads/template.xlsx", timeout=60)
        self.assertEqual((xlsx.status_code, xlsx.content[:2]), (200, b"PK"))

        buffer = io.StringIO()
        csv.writer(buffer).writerows(
            [
                ["Agent ID", "Lead name", "Contact name", "Email", "Company"],
                ["", REGISTERED, "Jane Buyer", "jane@buyer.example", "Buyer Co"],
            ]
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        upload = session.post(
            f"{url}/my/registered-leads/import",
            data={"csrf_token": token},
            files={"file": ("leads.csv", buffer.getvalue().encode(), "text/csv")},
            timeout=120,
        )
        self.assertEqual(upload.status_code, 200)
        self.assertIn("1 leads registered. They are pending until our team approves them.", upload.text)

        registered = session.get(f"{url}/my/registered-leads", timeout=60)
        self.assertEqual(registered.status_code, 200)
        self.assertIn("o_crm_bulk_import_portal_upload", registered.text)
        self.assertIn(REGISTERED, registered.text)
        self.assertNotIn(ASSIGNED, registered.text)
        self.assertEqual(session.get(f"{url}/my/registered-leads/page/1", timeout=60).status_code, 200)
        # And Odoo's page still shows only its own lead.
        self.assertNotIn(REGISTERED, session.get(f"{url}/my/leads", timeout=60).text)

        # The portal home: an entry for each, each with its own counter.
        home = session.get(f"{url}/my", timeout=60)
        self.assertEqual(home.status_code, 200)
        self.assertIn("Follow and convert your leads", home.text)
        self.assertIn("Register leads in bulk and follow their approval", home.text)
        for href, counter in (("/my/leads", "lead_count"), ("/my/registered-leads", "crm_bulk_import_lead_count")):
            entry = re.search(rf'<a href="{href}"[^>]*>.*?data-placeholder_count="(\w+)"', home.text, re.DOTALL)
            self.assertTrue(entry, f"a portal home entry links to {href}")
            self.assertEqual(entry.group(1), counter)
        counters = session.post(
            f"{url}/my/counters",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"counters": ["lead_count", "crm_bulk_import_lead_count"]},
            },
            timeout=60,
        ).json()
        self.assertEqual(counters.get("result"), {"lead_count": 1, "crm_bulk_import_lead_count": 1}, counters)

        self.check_rpc(url, assigned_id)

        errors = [line for line in log.read_text().splitlines() if " ERROR " in line or "Traceback" in line]
        self.assertEqual(errors, [])
