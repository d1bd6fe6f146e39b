# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile users with a login: what they send over HTTP (JSON-RPC and the
portal routes) gets them nothing the access matrix does not give. Each test
logs in as the role over /web/session/authenticate and calls
/web/dataset/call_kw, as an attacker's script would."""

import base64
import io
import json
import socket
import time
import zipfile

from odoo.tests import HttpCase, new_test_user, tagged

from ..models.crm_bulk_import_type import undo_signer
from ..writers import write_xlsx
from .common import csv_bytes
from .test_lead import LEAD_HEADER, LeadCase
from .test_portal import PORTAL_HEADER


class RpcError(Exception):
    """An error answered over JSON-RPC: (exception name, message)."""


def xlsx_declaring_shared_strings(size):
    """An XLSX whose shared strings expand to ``size`` bytes (a few hundred
    KB on disk): a decompression bomb in the part openpyxl reads whole."""
    unit = "<si><t>x</t></si>"
    body = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + unit * (size // len(unit))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", body + "</sst>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestHostileUsers(LeadCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An assignment import of the importer's: its lines keep undo logs.
        cls.job = cls.make_job(cls, csv_bytes([cls.HEADER, ["CUST-001", "alice@example.com", ""]]))
        cls.job.action_import()
        assert cls.job.state == "done" and cls.job.line_ids.undo

    def call(self, login, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` over JSON-RPC as ``login``."""
        self.authenticate(login, login)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        self.env.invalidate_all()  # the request changed the records
        if "error" in body:
            raise RpcError(body["error"]["data"]["name"], body["error"]["data"]["message"])
        return body["result"]

    def refused(self, login, model, method, *args, **kwargs):
        """The message of a call that must fail with an access error."""
        with self.assertRaises(RpcError) as caught:
            self.call(login, model, method, *args, **kwargs)
        name, message = caught.exception.args
        self.assertEqual(name, "odoo.exceptions.AccessError", message)
        return message

    # ------------------------------------------------------------
    # Revert: only what the import recorded, checked
    # ------------------------------------------------------------

    def test_undo_logs_cannot_be_written_or_planted(self):
        line = self.job.line_ids
        forged = {"written": [["res.users", self.env.ref("base.user_admin").id, {"login": ["x", "admin"]}]]}
        for login in ("bi_manager", "bi_user"):
            self.refused(login, "crm.bulk.import.job.line", "write", line.ids, {"undo": forged})
            self.refused(login, "crm.bulk.import.job.line", "write", line.ids, {"status": "created"})
            self.refused(
                login,
                "crm.bulk.import.job.line",
                "create",
                [{"job_id": self.job.id, "row_number": 99, "status": "created", "undo": forged}],
            )
        self.assertEqual(self.job.line_ids, line)
        self.assertNotIn("res.users", str(line.undo))

    def test_revert_replays_no_altered_log(self):
        """A log changed behind the import's back (its signature no longer
        matches) is not replayed: the admin's login, the manager's groups,
        a record rule and another company's partner stay as they are."""
        admin = self.env.ref("base.user_admin")
        rule = self.env.ref("crm_bulk_import.rule_crm_bulk_import_job_user")
        foreign = self.env["res.partner"].create({"name": "Company B customer", "company_id": self.company_b.id})
        groups_before = self.manager.groups_id
        line = self.job.line_ids
        forged = {
            "written": [
                ["res.users", admin.id, {"login": ["pwned", admin.login]}],
                ["res.users", self.manager.id, {"groups_id": [self.env.ref("base.group_system").ids, []]}],
            ],
            "created": [["ir.rule", rule.id], ["res.partner", foreign.id]],
        }
        # Written below the ORM, as data of an earlier version or a database
        # edit would be: the ORM refuses it (test above).
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_bulk_import_job_line SET undo = %s::jsonb WHERE id = %s",
            [json.dumps(forged), line.id],
        )
        self.env.invalidate_all()
        self.call("bi_manager", "crm.bulk.import.job", "action_revert", self.job.ids)
        self.env.invalidate_all()
        self.assertEqual(admin.login, "admin")
        self.assertEqual(self.manager.groups_id, groups_before)
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.assertTrue(rule.exists())
        self.assertTrue(foreign.exists())
        self.assertEqual(line.revert_status, "kept")
        self.assertIn("its record of what the import did was altered", line.revert_message)
        # The customer the row really changed keeps its account manager.
        self.assertEqual(self.customer("CUST-001").user_id, self.alice)

    def plant(self, line_id, job, undo):
        """An undo log as the import would have signed it: what only a flaw
        elsewhere could produce, to show that the revert checks it anyway."""
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE crm_bulk_import_job_line
                  SET undo = %s::jsonb, undo_signature = %s, revert_status = NULL, revert_message = NULL
                WHERE id = %s""",
            [json.dumps(undo), undo_signer(self.env)(line_id, job.id, undo), line_id],
        )
        self.env.invalidate_all()

    def test_revert_replays_only_what_the_import_type_does(self):
        """Second line of defence: even a signed log is replayed only for the
        models and fields the import type touches, on records of the job's
        company, and as created only records younger than the job."""
        line = self.job.line_ids
        foreign = self.env["res.partner"].create({"name": "Company B customer", "company_id": self.company_b.id})
        cases = [
            ({"written": [["res.users", self.manager.id, {"groups_id": [[], []]}]]}, "does not create or change"),
            ({"written": [["res.partner", self.customer("CUST-002").id, {"name": ["a", "b"]}]]}, "does not create"),
            ({"created": [["res.partner", foreign.id]]}, "does not create or change"),
            ({"written": [["res.partner", foreign.id, {"user_id": [False, self.alice.id]}]]}, "another company"),
        ]
        for undo, message in cases:
            with self.subTest(undo=undo):
                self.plant(line.id, self.job, undo)
                self.job.with_user(self.manager).action_revert()
                self.assertEqual(line.revert_status, "kept")
                self.assertIn(message, line.revert_message)
                self.assertTrue(foreign.exists())
                self.assertEqual(foreign.name, "Company B customer")
                self.job.sudo().write({"state": "done"})
        # A prospect import creates partners: one older than the job, named
        # as created, is not the job's to delete.
        old_partner = self.env["res.partner"].create({"name": "Older customer", "email": "old@example.com"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = create_date - interval '1 day' WHERE id = %s", [old_partner.id]
        )
        job = self.make_job(b"x", file_name="p.csv", import_type="prospect")
        job.sudo().write({"state": "done", "count_created": 1, "date_done": job.create_date})
        self.env.cr.execute(
            """INSERT INTO crm_bulk_import_job_line (job_id, company_id, row_number, status)
               VALUES (%s, %s, 2, 'created') RETURNING id""",
            [job.id, self.company.id],
        )
        [line_id] = self.env.cr.fetchone()
        self.plant(line_id, job, {"created": [["res.partner", old_partner.id]], "written": []})
        job.with_user(self.manager).action_revert()
        planted = self.env["crm.bulk.import.job.line"].browse(line_id)
        self.assertEqual(planted.revert_status, "kept")
        self.assertIn("existed before the import", planted.revert_message)
        self.assertTrue(old_partner.exists())

    def test_another_company_cannot_revert_or_read(self):
        self.refused("bi_manager_b", "crm.bulk.import.job", "action_revert", self.job.ids)
        self.refused("bi_user", "crm.bulk.import.job", "action_revert", self.job.ids)
        self.assertEqual(self.job.state, "done")

    # ------------------------------------------------------------
    # Fields shown read-only, written over RPC
    # ------------------------------------------------------------

    def test_job_fields_the_import_sets_are_refused(self):
        other_partner = self.other_reseller
        for vals in (
            {"partner_id": other_partner.id},
            {"user_id": self.manager.id},
            {"state": "draft"},
            {"date_done": "2020-01-01 00:00:00"},
            {"count_created": 0},
            {"file_lock": False},
        ):
            with self.subTest(vals=vals):
                message = self.refused("bi_manager", "crm.bulk.import.job", "write", self.job.ids, vals)
                self.assertIn("set by the import itself", message)
        self.assertEqual(
            (self.job.partner_id, self.job.user_id, self.job.state), (self.env["res.partner"], self.importer, "done")
        )
        content = base64.b64encode(csv_bytes([self.HEADER, ["CUST-002", "alice@example.com", ""]])).decode()
        for vals in ({"partner_id": self.reseller.id}, {"user_id": self.manager.id}, {"state": "done"}):
            with self.subTest(create=vals):
                self.refused(
                    "bi_user",
                    "crm.bulk.import.job",
                    "create",
                    [{"import_type": "assignment", "file": content, "file_name": "a.csv", **vals}],
                )
        # The wizard's choices stay the user's own, on a draft.
        [job_id] = self.call(
            "bi_user",
            "crm.bulk.import.job",
            "create",
            [{"import_type": "assignment", "file": content, "file_name": "a.csv"}],
        )
        self.call("bi_user", "crm.bulk.import.job", "write", [job_id], {"allow_same_file": True})
        self.assertTrue(self.env["crm.bulk.import.job"].browse(job_id).allow_same_file)

    def test_portal_partner_cannot_reach_another_job_through_its_partner(self):
        """The job's portal partner decides which portal user reads its lines:
        nobody moves a job to a partner."""
        self.refused("bi_manager", "crm.bulk.import.job", "write", self.job.ids, {"partner_id": self.reseller.id})
        self.authenticate("reseller", "reseller")
        with self.assertRaises(RpcError):
            self.call("reseller", "crm.bulk.import.job.line", "read", self.job.line_ids.ids, ["values"])

    def test_saved_mapping_owner_and_sharing_are_refused(self):
        [own_id] = self.call(
            "bi_user",
            "crm.bulk.import.saved.mapping",
            "create",
            [{"name": "Mine", "import_type": "assignment", "layout_key": "k", "mapping": {"Customer": "external_id"}}],
        )
        own = self.env["crm.bulk.import.saved.mapping"].browse(own_id)
        self.assertEqual((own.user_id, own.shared), (self.importer, False))
        # Shared with the company, or handed to another user, it would be
        # proposed to them.
        self.refused("bi_user", "crm.bulk.import.saved.mapping", "write", [own_id], {"shared": True})
        self.refused("bi_user", "crm.bulk.import.saved.mapping", "write", [own_id], {"user_id": self.manager.id})
        self.refused("bi_manager", "crm.bulk.import.saved.mapping", "write", [own_id], {"user_id": self.manager.id})
        self.refused(
            "bi_user",
            "crm.bulk.import.saved.mapping",
            "create",
            [{"name": "Planted", "import_type": "assignment", "layout_key": "k", "user_id": self.manager.id}],
        )
        self.refused(
            "bi_user",
            "crm.bulk.import.saved.mapping",
            "create",
            [{"name": "Shared", "import_type": "assignment", "layout_key": "k", "shared": True}],
        )
        self.assertEqual((own.user_id, own.shared), (self.importer, False))
        # The owner still renames it; a manager shares it.
        self.call("bi_user", "crm.bulk.import.saved.mapping", "write", [own_id], {"name": "Billing export"})
        self.call("bi_manager", "crm.bulk.import.saved.mapping", "write", [own_id], {"shared": True})
        self.assertEqual((own.name, own.shared), ("Billing export", True))

    def test_registration_fields_of_leads_are_refused(self):
        job = self.import_leads([self.lead_row(self.reseller.partner_code, name="Pending deal")])
        lead = job.line_ids.record_ref
        self.assertEqual(lead.registration_state, "pending")
        for vals in (
            {"registration_state": "approved"},
            {"registered_partner_id": self.other_reseller.id},
            {"registered_agent_id": self.other_agent.id},
        ):
            with self.subTest(vals=vals):
                message = self.refused("bi_user", "crm.lead", "write", lead.ids, vals)
                self.assertIn("Only a Bulk Import Manager changes the registration of a lead", message)
        self.refused(
            "bi_user",
            "crm.lead",
            "create",
            [{"name": "Sneaked", "registered_partner_id": self.other_reseller.id, "registration_state": "approved"}],
        )
        self.assertEqual((lead.registration_state, lead.registered_partner_id), ("pending", self.reseller))
        self.refused("bi_user", "crm.lead", "action_approve", lead.ids)
        self.call("bi_manager", "crm.lead", "action_approve", lead.ids)
        self.assertEqual(lead.registration_state, "approved")

    def test_contact_fields_that_give_access_are_refused(self):
        contact = self.env["res.partner"].create({"name": "Some company", "is_company": True})
        self.refused("bi_user", "res.partner", "write", self.reseller.ids, {"is_registered_partner": False})
        self.refused("bi_user", "res.partner", "write", self.agent.ids, {"agent_code": False})
        self.assertTrue(self.reseller.is_registered_partner and self.agent.agent_code)
        for vals in (
            {"is_registered_partner": True},
            {"agent_code": "A99999"},
            {"partner_code": "P99999"},
            {"program_state": "active"},
        ):
            with self.subTest(vals=vals):
                self.refused("bi_user", "res.partner", "write", contact.ids, vals)
        self.assertFalse(contact.is_registered_partner or contact.partner_code or contact.program_state)
        self.call("bi_manager", "res.partner", "write", contact.ids, {"is_registered_partner": True})
        self.assertTrue(contact.partner_code)

    # ------------------------------------------------------------
    # Public methods of contacts
    # ------------------------------------------------------------

    def test_portal_invitation_only_by_managers(self):
        member = self.make_member("Member Ann", "ann@members.example")
        for login in ("plain_internal", "bi_user", "reseller"):
            with self.subTest(login=login):
                self.refused(login, "res.partner", "action_send_portal_invitation", member.ids)
        # A portal user on a colleague of their own company.
        self.refused("reseller", "res.partner", "action_send_portal_invitation", self.agent.ids)
        self.assertFalse(member.user_ids)
        self.call("bi_manager", "res.partner", "action_send_portal_invitation", member.ids)
        self.env.invalidate_all()
        self.assertTrue(member.user_ids.share)
        # Not a member: a manager is told so, nobody is invited.
        with self.assertRaises(RpcError) as caught:
            self.call("bi_manager", "res.partner", "action_send_portal_invitation", self.customer("CUST-003").ids)
        self.assertIn("Only members are invited to the portal", str(caught.exception))

    def test_prospect_decisions_only_by_managers(self):
        workflow = self.env["prospect.workflow"].create({"name": "Review"})
        group = self.env["prospect.group"].create({"name": "Resellers", "workflow_id": workflow.id})
        applicant = self.env["res.partner"].create(
            {"name": "Applicant", "email": "app@example.com", "prospect_group_id": group.id, "program_state": "applied"}
        )
        for method in ("action_prospect_accept", "action_prospect_reject"):
            for login in ("bi_user", "plain_internal"):
                with self.subTest(method=method, login=login):
                    self.refused(login, "res.partner", method, applicant.ids)
        self.assertEqual(applicant.program_state, "applied")
        self.refused("plain_internal", "res.partner", "action_prospect_invite", applicant.ids)
        self.call("bi_manager", "res.partner", "action_prospect_accept", applicant.ids)
        self.assertEqual(applicant.program_state, "active")

    # ------------------------------------------------------------
    # The portal
    # ------------------------------------------------------------

    def upload(self, login, content, name="leads.csv", mimetype="text/csv"):
        self.authenticate(login, login)
        page = self.url_open("/my/registered-leads/import")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open(
            "/my/registered-leads/import", data={"csrf_token": token}, files={"file": (name, content, mimetype)}
        )

    def portal_rows(self, count, prefix="Lead"):
        return csv_bytes(
            [PORTAL_HEADER]
            + [
                ["", f"{prefix} {index}", "Jane", f"{prefix.lower()}{index}@buyer.example", f"{prefix} Co {index}"]
                + ["", "", ""]
                for index in range(count)
            ]
        )

    def test_portal_xlsx_bomb_is_refused_from_the_portal_limit(self):
        """The portal's own limit (4 KB a row it may have), not the
        backend's ten times 50 MB."""
        bomb = xlsx_declaring_shared_strings(60 * 1024 * 1024)
        self.assertLess(len(bomb), 1024 * 1024)
        started = time.monotonic()
        response = self.upload("reseller", bomb, "bomb.xlsx", "application/octet-stream")
        self.assertIn("expands to", response.text)
        self.assertLess(time.monotonic() - started, 20, "refused from the sizes it declares, not read")
        self.assertFalse(self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)]))

    def test_portal_takes_a_full_xlsx_within_its_limits(self):
        """The portal's limits leave room for a real file of as many rows as
        it allows, with long cells."""
        rows = [
            ["", f"Lead {index}", "Jane Buyer", f"lead{index}@buyer.example", f"Buyer {index} GmbH", "+49 30 1234567"]
            + [f"Needs {index} seats. " + "Details of the project, budget and timing. " * 6, "12500"]
            for index in range(1000)
        ]
        content = write_xlsx(PORTAL_HEADER, rows)
        response = self.upload("reseller", content, "full.xlsx", "application/octet-stream")
        self.assertIn("1000 leads registered", response.text)

    def test_portal_rows_are_capped_per_file_and_per_day(self):
        response = self.upload("reseller", self.portal_rows(1001))
        self.assertIn("The file has more than 1000 rows: split it into files of at most 1000 rows", response.text)
        self.assertFalse(self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)]))
        self.env["ir.config_parameter"].set_param("crm_bulk_import.portal_daily_rows", 5)
        response = self.upload("reseller", self.portal_rows(3))
        self.assertIn("3 leads registered", response.text)
        # The agent is one of the same partner: the quota is the partner's.
        response = self.upload("agent_smith", self.portal_rows(3, prefix="More"))
        self.assertIn("You can register up to 5 leads in 24 hours; 3 are registered already", response.text)
        leads = self.env["crm.lead"].search([("registered_partner_id", "=", self.reseller.id)])
        self.assertEqual(len(leads), 3)

    def test_portal_body_over_the_limit_is_not_read(self):
        """The upload's size is checked from its Content-Length before the
        body is read: a client announcing 100 MB and sending 64 KB gets its
        answer at once."""
        self.authenticate("reseller", "reseller")
        host, port = "127.0.0.1", int(self.base_url().rsplit(":", 1)[1])
        boundary = "xYzBoundary"
        head = (
            f"POST /my/registered-leads/import HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Cookie: session_id={self.session.sid}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {100 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
        ).encode()
        with socket.create_connection((host, port), timeout=20) as client:
            client.sendall(head + f"--{boundary}\r\n".encode() + b"x" * 65536)
            started = time.monotonic()
            answer = client.recv(4096).decode("latin-1")
        self.assertLess(time.monotonic() - started, 15)
        self.assertTrue(answer.startswith("HTTP/1.1 303"), answer[:200])
        self.assertIn("/my/registered-leads/import?too_large=1", answer)
        page = self.url_open("/my/registered-leads/import?too_large=1")
        self.assertIn("The file is larger than the 5 MB a portal upload may have", page.text)

    def test_portal_duplicate_warnings_name_only_the_partners_own_leads(self):
        # Another partner's lead, a lead of the team's pipeline, and one of
        # another company, all with the emails of the file.
        self.import_leads([self.lead_row(self.other_reseller.partner_code, name="Rival deal", email="a@x.example")])
        self.env["crm.lead"].create({"name": "Pipeline secret", "email_from": "b@x.example"})
        self.env["crm.lead"].create(
            {"name": "Company B deal", "email_from": "c@x.example", "company_id": self.company_b.id}
        )
        mine = self.upload(
            "reseller",
            csv_bytes([PORTAL_HEADER, ["", "My first", "Jane", "d@x.example", "Mine Co", "", "", ""]]),
            name="first.csv",
        )
        self.assertIn("1 leads registered", mine.text)
        rows = [
            ["", f"Lead {email}", "Jane", email, f"Co {email}", "", "", ""]
            for email in ("a@x.example", "b@x.example", "c@x.example", "d@x.example")
        ]
        response = self.upload("reseller", csv_bytes([PORTAL_HEADER, *rows]))
        self.assertIn("4 leads registered", response.text)
        self.assertNotIn("Rival deal", response.text)
        self.assertNotIn("Pipeline secret", response.text)
        self.assertNotIn("c@x.example&#34; is already known", response.text)
        self.assertIn("a lead with the email &#34;a@x.example&#34; is already known to us", response.text)
        self.assertIn("a lead with the email &#34;d@x.example&#34; exists already: My first", response.text)
        # A backend user of the company is told the names (not Company B's).
        job = self.import_leads(
            [
                self.lead_row(self.reseller.partner_code, name="Again", email=email)
                for email in ("a@x.example", "c@x.example")
            ]
        )
        messages = "\n".join(job.line_ids.mapped("message"))
        self.assertIn("Rival deal", messages)
        self.assertNotIn("Company B deal", messages)

    def test_portal_same_file_message_tells_nothing_of_others(self):
        content = self.portal_rows(2)
        self.assertIn("2 leads registered", self.upload("reseller", content).text)
        # Another partner with the same file is not refused for it.
        other = new_test_user(self.env, "other_reseller", groups="base.group_portal", partner_id=self.other_reseller.id)
        self.assertTrue(other)
        self.assertIn("2 leads registered", self.upload("other_reseller", content).text)
        again = self.upload("reseller", content)
        self.assertIn("You uploaded the same file on", again.text)
        self.assertNotIn("uploaded by", again.text)
        self.assertNotIn("Import this file again", again.text)

    def test_portal_uploader_cannot_post_or_follow(self):
        self.assertIn("1 leads registered", self.upload("reseller", self.portal_rows(1)).text)
        job = self.env["crm.bulk.import.job"].search([("partner_id", "=", self.reseller.id)])
        self.assertNotIn(self.reseller, job.message_partner_ids)
        victim = self.env["res.partner"].create({"name": "Victim", "email": "victim@example.com"})
        message = self.refused(
            "reseller", "crm.bulk.import.job", "message_post", job.ids, body="Hello", partner_ids=victim.ids
        )
        self.assertIn("Portal users cannot post on or follow an import", message)
        self.refused("reseller", "crm.bulk.import.job", "message_subscribe", job.ids, partner_ids=self.reseller.ids)
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", victim.ids)]))

    def test_portal_uploader_runs_no_job_method_over_rpc(self):
        """Their own job is readable; none of its actions is theirs."""
        self.assertIn("1 leads registered", self.upload("reseller", self.portal_rows(1)).text)
        job = self.env["crm.bulk.import.job"].search([("partner_id", "=", self.reseller.id)])
        self.assertEqual(self.call("reseller", "crm.bulk.import.job", "read", job.ids, ["state"])[0]["state"], "done")
        for method in (
            "action_import",
            "action_dry_run",
            "action_retry_failed",
            "action_cancel",
            "action_approve",
            "action_revert",
            "action_revert_dry_run",
        ):
            with self.subTest(method=method):
                self.refused("reseller", "crm.bulk.import.job", method, job.ids)
        self.assertEqual((job.state, job.count_created), ("done", 1))
        self.assertEqual(
            self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)]).registration_state, "pending"
        )

    def test_portal_reads_only_what_its_page_shows(self):
        job = self.import_leads([self.lead_row(self.reseller.partner_code, name="Big deal")])
        lead = job.line_ids.record_ref
        lead.write({"user_id": self.alice.id, "probability": 80, "description": "<p>Internal: push hard</p>"})
        [values] = self.call(
            "reseller", "crm.lead", "read", lead.ids, ["name", "user_id", "probability", "description"]
        )
        self.assertEqual(values["name"], "Big deal")
        self.assertFalse({"user_id", "probability", "description"} & set(values))
        records = self.call("reseller", "crm.lead", "search_read", [], ["name", "expected_revenue", "user_id"])
        self.assertEqual([record["name"] for record in records], ["Big deal"])
        self.assertFalse({"expected_revenue", "user_id"} & set(records[0]))
        everything = self.call("reseller", "crm.lead", "read", lead.ids)
        self.assertNotIn("description", everything[0])
        self.refused("reseller", "crm.lead", "read", lead.ids, ["description"])
        self.refused("reseller", "crm.lead", "search_read", [("probability", ">", 50)], ["name"])
        # The portal page still lists the lead.
        self.authenticate("reseller", "reseller")
        self.assertIn("Big deal", self.url_open("/my/registered-leads").text)
        # Backend users read the lead whole.
        [internal] = self.call("bi_manager", "crm.lead", "read", lead.ids, ["user_id", "description"])
        self.assertEqual(internal["user_id"][0], self.alice.id)

    def test_portal_file_naming_its_own_partner_registers(self):
        """A Partner ID column naming the uploader's own partner is fine (a
        backend template reused); another partner's is "not found"
        (test_portal)."""
        response = self.upload(
            "reseller", csv_bytes([LEAD_HEADER] + [self.lead_row(self.reseller.partner_code, name="Ok")]), "with_id.csv"
        )
        self.assertIn("1 leads registered", response.text)
