# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who can do what: every model and route of the module, for each kind of
user. The expected table is ``EXPECTED``; the test checks
each cell for real (as that user, through the ORM or over HTTP) and that the
README shows the same table."""

import base64
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import csv_bytes
from .test_lead import LEAD_HEADER, LeadCase

ROLES = (
    "Public",
    "Portal partner",
    "Portal agent",
    "Internal user",
    "Bulk Import User",
    "Bulk Import Manager",
    "Other company's manager",
)
Y, N = "yes", "no"
# What each role can do; "own" where the answer is "only their own".
EXPECTED = {
    "Read the import history of the company": (N, N, N, N, Y, Y, N),
    "Read the lines of an import of the company": (N, N, N, N, Y, Y, N),
    "Start an import in the company (wizard, job)": (N, N, N, N, Y, Y, N),
    "Read a portal partner's import": (N, "own", "own", N, Y, Y, N),
    "Read registered leads": (N, "own", "own", N, Y, Y, N),
    "Approve a registered lead": (N, N, N, N, N, Y, N),
    "Approve the leads of an import (job)": (N, N, N, N, N, Y, N),
    "Fix and retry the failed rows of an import of the company": (N, N, N, N, Y, Y, N),
    "Revert an import of the company": (N, N, N, N, N, Y, N),
    "Read a column mapping shared in the company": (N, N, N, N, Y, Y, N),
    "Share a column mapping with the company": (N, N, N, N, N, Y, N),
    "Read the lead registration form": (N, N, N, N, Y, Y, Y),
    "Change the lead registration form": (N, N, N, N, N, Y, Y),
    "Read the company's room groups, prospect groups and workflows": (N, N, N, Y, Y, Y, N),
    "Change them": (N, N, N, N, N, Y, N),
    "Change a registered lead's state, partner or agent": (N, N, N, N, N, Y, N),
    "Invite a prospect": (N, N, N, N, Y, Y, N),
    "Accept or reject a prospect": (N, N, N, N, N, Y, N),
    "Invite a member to the portal": (N, N, N, N, N, Y, N),
    "Post on an import's chatter": (N, N, N, N, Y, Y, N),
    "Write an import's state, owner, portal partner or lines": (N, N, N, N, N, N, N),
    "Open /my/registered-leads (list of registered leads)": (N, Y, Y, N, N, N, N),
    "Upload leads at /my/registered-leads/import": (N, Y, Y, N, N, N, N),
    "Download the template at /my/registered-leads/template.csv": (N, Y, Y, N, N, N, N),
}


def markdown_table():
    lines = ["| | " + " | ".join(ROLES) + " |", "| --- |" + " :---: |" * len(ROLES)]
    lines += [f"| {what} | " + " | ".join(cells) + " |" for what, cells in EXPECTED.items()]
    return "\n".join(lines)


def allowed(function):
    """Whether ``function`` runs without an access error."""
    try:
        function()
    except (AccessError, UserError) as error:
        if isinstance(error, UserError) and not isinstance(error, AccessError):
            raise
        return False
    return True


@tagged("post_install", "-at_install")
class TestAccessMatrix(LeadCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "Public": cls.env.ref("base.public_user"),
            "Portal partner": cls.reseller_user,
            "Portal agent": cls.agent_user,
            "Internal user": cls.plain,
            "Bulk Import User": cls.importer,
            "Bulk Import Manager": cls.manager,
            "Other company's manager": cls.manager_b,
        }
        cls.logins = {
            "Portal partner": "reseller",
            "Portal agent": "agent_smith",
            "Internal user": "plain_internal",
            "Bulk Import User": "bi_user",
            "Bulk Import Manager": "bi_manager",
            "Other company's manager": "bi_manager_b",
        }
        cls.company_job = cls.make_job(cls, csv_bytes([cls.HEADER, ["CUST-001", "alice@example.com", ""]]))
        cls.company_job.action_import()
        cls.error_job = cls.make_job(
            cls, csv_bytes([cls.HEADER, ["CUST-002", "alice@example.com", ""], ["CUST-404", "alice@example.com", ""]])
        )
        cls.error_job.action_import()
        assert cls.error_job.state == "error"
        # A portal import by the partner, one by the agent: each is "own".
        cls.partner_job = cls.portal_import(cls, cls.reseller, "Partner's lead")
        cls.agent_job = cls.portal_import(cls, cls.agent, "Agent's lead")
        cls.other_job = cls.portal_import(cls, cls.other_reseller, "Other's lead")
        Lead = cls.env["crm.lead"]
        cls.partner_lead = Lead.search([("bulk_import_job_id", "=", cls.partner_job.id)])
        cls.agent_lead = Lead.search([("bulk_import_job_id", "=", cls.agent_job.id)])
        cls.other_lead = Lead.search([("bulk_import_job_id", "=", cls.other_job.id)])
        assert cls.partner_lead and cls.agent_lead and cls.other_lead
        workflow = cls.env["prospect.workflow"].create({"name": "Welcome"})
        cls.config = (
            cls.env["room.permission.group"].create({"name": "Floor 1"}),
            cls.env["prospect.group"].create({"name": "Creators", "workflow_id": workflow.id}),
            workflow,
        )
        cls.applicant = cls.env["res.partner"].create(
            {
                "name": "Applicant",
                "email": "applicant@example.com",
                "prospect_group_id": cls.config[1].id,
                "program_state": "invited",
                "company_id": cls.company.id,
            }
        )
        cls.member = cls.make_member(cls, "Member Ann", "ann@members.example")
        cls.member.company_id = cls.company
        cls.lead_field = cls.env["crm.bulk.import.lead.field"].search([], limit=1)
        cls.shared_mapping = cls.env["crm.bulk.import.saved.mapping"].create(
            {"name": "Billing export", "import_type": "assignment", "layout_key": "customer", "shared": True}
        )

    def portal_import(self, uploader, name):
        row = self.lead_row("", name=name, email=f"{name.split()[0].lower()}@buyer.example")[1:]
        job = (
            self.env["crm.bulk.import.job"]
            .sudo()
            .create(
                {
                    "import_type": "lead",
                    "file": base64.b64encode(csv_bytes([LEAD_HEADER[1:], row])),
                    "file_name": f"{name}.csv",
                    "partner_id": uploader.id,
                    "company_id": self.company.id,
                }
            )
        )
        job.action_import()
        return job

    # ------------------------------------------------------------
    # One function per row of the table: the role's answer
    # ------------------------------------------------------------

    def can_read(self, records, user):
        return allowed(lambda: records.with_user(user).read(["display_name"]))

    def answer_read_history(self, user, _role):
        return Y if self.can_read(self.company_job, user) else N

    def answer_read_lines(self, user, _role):
        return Y if self.can_read(self.company_job.line_ids, user) else N

    def answer_start_import(self, user, _role):
        def start():
            self.env["crm.bulk.import.wizard"].with_user(user).create({"import_type": "assignment"})
            job = (
                self.env["crm.bulk.import.job"]
                .with_user(user)
                .create(
                    {
                        "import_type": "assignment",
                        "file": base64.b64encode(csv_bytes([self.HEADER, ["CUST-002", "", ""]])),
                        "file_name": "start.csv",
                        "company_id": self.company.id,
                    }
                )
            )
            job.action_import()

        return self.attempt(start)

    def own_or_all(self, everything, user, mine):
        """ "own" when the user reads exactly their records (``mine``), "yes"
        when every one, "no" when none."""
        readable = [record for record in everything if self.can_read(record, user)]
        if len(readable) == len(everything):
            return Y
        if not readable:
            return N
        self.assertEqual(set(readable), set(mine), f"{user.login} reads records of others")
        return "own"

    def answer_read_portal_import(self, user, role):
        # A partner reads its agents' imports; an agent only their own.
        mine = {"Portal partner": [self.partner_job, self.agent_job], "Portal agent": [self.agent_job]}
        return self.own_or_all([self.partner_job, self.agent_job, self.other_job], user, mine.get(role, []))

    def answer_read_registered_leads(self, user, role):
        mine = {"Portal partner": [self.partner_lead, self.agent_lead], "Portal agent": [self.agent_lead]}
        return self.own_or_all([self.partner_lead, self.agent_lead, self.other_lead], user, mine.get(role, []))

    def attempt(self, function):
        """Whether ``function`` is allowed; what it did is undone."""
        with self.env.cr.savepoint() as savepoint:
            result = allowed(function)
            self.env.flush_all()
            savepoint.rollback()
        self.env.invalidate_all()
        return Y if result else N

    def answer_approve_lead(self, user, _role):
        return self.attempt(lambda: self.partner_lead.with_user(user).action_approve())

    def answer_approve_job(self, user, _role):
        return self.attempt(lambda: self.partner_job.with_user(user).action_approve())

    def answer_fix_retry(self, user, _role):
        def fix_and_retry():
            job = self.error_job.with_user(user)
            action = job.error_line_ids.action_fix()
            fix = self.env[action["res_model"]].with_user(user).browse(action["res_id"])
            fix.cell_ids.filtered(lambda cell: cell.column_name == "External Id").value = "CUST-003"
            fix.action_save()
            job.action_retry_failed()

        return self.attempt(fix_and_retry)

    def answer_revert(self, user, _role):
        return self.attempt(lambda: self.company_job.with_user(user).action_revert())

    def answer_read_shared_mapping(self, user, _role):
        return Y if self.can_read(self.shared_mapping, user) else N

    def answer_share_mapping(self, user, _role):
        def share():
            mappings = self.env["crm.bulk.import.saved.mapping"].with_user(user).with_company(self.company)
            mappings._remember("assignment", ["Customer"], {"Customer": "external_id"}, "export.csv", share=True)

        return self.attempt(share)

    def answer_read_form(self, user, _role):
        return Y if self.can_read(self.lead_field, user) else N

    def answer_change_form(self, user, _role):
        return self.attempt(lambda: self.lead_field.with_user(user).write({"required": not self.lead_field.required}))

    def answer_read_config(self, user, _role):
        answers = {self.can_read(record, user) for record in self.config}
        self.assertEqual(len(answers), 1, "the three behave alike")
        return Y if answers.pop() else N

    def answer_change_config(self, user, _role):
        answers = {
            self.attempt(lambda record=record: record.with_user(user).write({"name": record.name + " (renamed)"}))
            for record in self.config
        }
        self.assertEqual(len(answers), 1, "the three behave alike")
        return answers.pop()

    def answer_change_registration(self, user, _role):
        return self.attempt(lambda: self.partner_lead.with_user(user).write({"registered_agent_id": self.agent.id}))

    def answer_invite_prospect(self, user, _role):
        return self.attempt(lambda: self.applicant.with_user(user).action_prospect_invite())

    def answer_decide_prospect(self, user, _role):
        accept = self.attempt(lambda: self.applicant.with_user(user).action_prospect_accept())
        reject = self.attempt(lambda: self.applicant.with_user(user).action_prospect_reject())
        self.assertEqual(accept, reject, "accept and reject go together")
        return accept

    def answer_invite_member(self, user, _role):
        return self.attempt(lambda: self.member.with_user(user).action_send_portal_invitation())

    def answer_post_on_job(self, user, role):
        # Portal users on their own import; the others on the company's.
        job = {"Portal partner": self.partner_job, "Portal agent": self.agent_job}.get(role, self.company_job)
        return self.attempt(lambda: job.with_user(user).message_post(body="Hello"))

    def answer_write_job(self, user, _role):
        job = self.company_job
        answers = {
            self.attempt(lambda: job.with_user(user).write({"state": "draft"})),
            self.attempt(lambda: job.with_user(user).write({"user_id": user.id})),
            self.attempt(lambda: job.with_user(user).write({"partner_id": self.reseller.id})),
            self.attempt(lambda: job.line_ids.with_user(user).write({"status": "error"})),
        }
        return Y if Y in answers else N

    def route(self, role, url):
        if role == "Public":
            self.authenticate(None, None)
        else:
            self.authenticate(self.logins[role], self.logins[role])
        response = self.url_open(url, allow_redirects=False)
        if response.status_code == 200:
            return Y
        # Public: redirected to the login page; others: not found.
        expected = (303, 302) if role == "Public" else (404,)
        self.assertIn(response.status_code, expected, f"{role} {url}")
        return N

    def answer_route_list(self, _user, role):
        return self.route(role, "/my/registered-leads")

    def answer_route_import(self, _user, role):
        return self.route(role, "/my/registered-leads/import")

    def answer_route_template(self, _user, role):
        return self.route(role, "/my/registered-leads/template.csv")

    ANSWERS = {
        "Read the import history of the company": "answer_read_history",
        "Read the lines of an import of the company": "answer_read_lines",
        "Start an import in the company (wizard, job)": "answer_start_import",
        "Read a portal partner's import": "answer_read_portal_import",
        "Read registered leads": "answer_read_registered_leads",
        "Approve a registered lead": "answer_approve_lead",
        "Approve the leads of an import (job)": "answer_approve_job",
        "Fix and retry the failed rows of an import of the company": "answer_fix_retry",
        "Revert an import of the company": "answer_revert",
        "Read a column mapping shared in the company": "answer_read_shared_mapping",
        "Share a column mapping with the company": "answer_share_mapping",
        "Read the lead registration form": "answer_read_form",
        "Change the lead registration form": "answer_change_form",
        "Read the company's room groups, prospect groups and workflows": "answer_read_config",
        "Change them": "answer_change_config",
        "Change a registered lead's state, partner or agent": "answer_change_registration",
        "Invite a prospect": "answer_invite_prospect",
        "Accept or reject a prospect": "answer_decide_prospect",
        "Invite a member to the portal": "answer_invite_member",
        "Post on an import's chatter": "answer_post_on_job",
        "Write an import's state, owner, portal partner or lines": "answer_write_job",
        "Open /my/registered-leads (list of registered leads)": "answer_route_list",
        "Upload leads at /my/registered-leads/import": "answer_route_import",
        "Download the template at /my/registered-leads/template.csv": "answer_route_template",
    }

    def test_access_matrix(self):
        self.assertEqual(set(self.ANSWERS), set(EXPECTED))
        actual = {}
        for what, method in self.ANSWERS.items():
            actual[what] = tuple(getattr(self, method)(self.users[role], role) for role in ROLES)
        mismatches = [
            f"{what} / {role}: expected {expected}, found {found}"
            for what in EXPECTED
            for role, expected, found in zip(ROLES, EXPECTED[what], actual[what], strict=True)
            if expected != found
        ]
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_readme_shows_the_table(self):
        readme = (Path(__file__).parents[1] / "README.md").read_text()
        self.assertIn(markdown_table(), readme, "README's access table is not the one the test checks")
