# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Real concurrency and real crashes.

Two imports race on two database connections in two threads; a cron worker
is a separate process killed with SIGKILL. What they share must be
committed, so these tests commit their data on their own cursors and remove
it afterwards (everything they create carries ``MARK``).
"""

import base64
import subprocess
import sys
import threading
from pathlib import Path

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase
from odoo.tools import config

from .common import csv_bytes, run_queue_jobs

MARK = "race.example"
CRASH_ROWS = 600
CHUNK = 100


class CommittedCase(TransactionCase):
    """Data on committed cursors, removed at the end of each test."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.remove_committed)

    def committed(self):
        """A new cursor on the database (committed when the block ends) and
        an environment of the administrator, who uploads the files."""
        return _Committed(self.registry)

    def remove_committed(self):
        with self.committed() as committed_env:
            env = committed_env(context=dict(committed_env.context, active_test=False))
            jobs = env["crm.bulk.import.job"].search([("file_name", "like", MARK)])
            jobs.sudo().queue_job_ids.unlink()
            jobs.unlink()
            env["crm.lead"].search([("email_from", "ilike", MARK)]).unlink()
            partners = env["res.partner"].search(["|", ("email", "ilike", MARK), ("name", "ilike", MARK)])
            env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "in", partners.ids)]).unlink()
            env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]).unlink()
            env["res.users"].search([("login", "ilike", MARK)]).unlink()
            env["sale.subscription"].search([("partner_id", "in", partners.ids)]).unlink()
            env["prospect.group"].search([("name", "ilike", MARK)]).unlink()
            env["prospect.workflow"].search([("name", "ilike", MARK)]).unlink()
            env["mail.activity.plan"].search([("name", "ilike", MARK)]).unlink()
            products = env["product.product"].search([("name", "ilike", MARK)])
            templates = products.subscription_template_id
            products.product_tmpl_id.unlink()
            templates.unlink()
            partners.filtered("parent_id").unlink()
            partners.exists().unlink()
            for key in ("background_threshold", "chunk_size"):
                env["ir.config_parameter"].search([("key", "=", f"crm_bulk_import.{key}")]).unlink()


class _Committed:
    def __init__(self, registry):
        self.registry = registry

    def __enter__(self):
        self.cr = self.registry.cursor()
        self.cr.__enter__()
        admin = api.Environment(self.cr, SUPERUSER_ID, {}).ref("base.user_admin")
        return api.Environment(self.cr, admin.id, {"tracking_disable": True, "lang": "en_US"})

    def __exit__(self, *exc):
        return self.cr.__exit__(*exc)


class TestSameFileAtOnce(CommittedCase):
    """The same file submitted twice at the same moment, by two requests."""

    def race(self, import_type, content, file_name):
        """Two jobs with ``content`` (uploaded one after the other: Odoo's
        filestore refuses two identical uploads written at the same instant),
        imported at the same moment by two threads, each in its own
        transaction."""
        with self.committed() as env:
            vals = {"import_type": import_type, "file": base64.b64encode(content), "file_name": file_name}
            job_ids = env["crm.bulk.import.job"].create([vals, vals]).ids
        barrier = threading.Barrier(2, timeout=60)
        outcomes = [None, None]

        def submit(index):
            with self.committed() as env:
                job = env["crm.bulk.import.job"].browse(job_ids[index])
                barrier.wait()
                try:
                    job.action_import()
                    env.cr.commit()
                    outcomes[index] = ("imported", job.name, job.state)
                except UserError as error:
                    env.cr.rollback()
                    outcomes[index] = ("refused", job.name, str(error))

        threads = [threading.Thread(target=submit, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertTrue(all(outcomes), f"a thread died: {outcomes}")
        imported = [outcome for outcome in outcomes if outcome[0] == "imported"]
        refused = [outcome for outcome in outcomes if outcome[0] == "refused"]
        self.assertEqual((len(imported), len(refused)), (1, 1), outcomes)
        self.assertEqual(imported[0][2], "done")
        # The second job says why: the first one has the same file.
        self.assertIn(f"The same file was already imported by {imported[0][1]}", refused[0][2])
        self.assertIn('tick "Import this file again"', refused[0][2])

    def test_lead_registration(self):
        with self.committed() as env:
            reseller = env["res.partner"].create(
                {"name": f"Reseller {MARK}", "is_company": True, "is_registered_partner": True}
            )
            code = reseller.partner_code
        header = ["Partner ID", "Lead name", "Contact name", "Email", "Company"]
        rows = [[code, f"Lead {index}", "Jane Buyer", f"buyer{index}@{MARK}", "Acme"] for index in range(5)]
        self.race("lead", csv_bytes([header] + rows), f"leads-{MARK}.csv")
        with self.committed() as env:
            leads = env["crm.lead"].search([("email_from", "ilike", MARK)])
            self.assertEqual(len(leads), 5, "no lead twice")

    def test_member_import(self):
        with self.committed() as env:
            template = env["sale.subscription.template"].create(
                {"name": f"Monthly {MARK}", "recurring_rule_type": "months", "invoicing_mode": "draft"}
            )
            env["product.product"].create(
                {
                    "name": f"Desk {MARK}",
                    "list_price": 100.0,
                    "subscribable": True,
                    "subscription_template_id": template.id,
                    "taxes_id": False,
                }
            )
        header = ["Name", "Plan Name", "Start Date", "Next Invoice Date", "Email", "Company"]
        rows = [
            [f"Member {index} {MARK}", f"Desk {MARK}", "2025-01-01", "2030-01-01", f"m{index}@{MARK}", f"Team {MARK}"]
            for index in range(4)
        ]
        self.race("member", csv_bytes([header] + rows), f"members-{MARK}.csv")
        with self.committed() as env:
            members = env["res.partner"].search([("email", "ilike", MARK), ("is_company", "=", False)])
            self.assertEqual(len(members), 4, "no member twice")
            self.assertEqual(len(members.subscription_ids), 4, "no subscription twice")
            self.assertEqual(len(env["res.partner"].search([("name", "=", f"Team {MARK}")])), 1, "one team")

    def test_prospect_import(self):
        with self.committed() as env:
            workflow = env["prospect.workflow"].create({"name": f"Workflow {MARK}"})
            env["prospect.group"].create({"name": f"Group {MARK}", "workflow_id": workflow.id})
        header = ["Name", "Email", "Company", "Group"]
        rows = [[f"Prospect {index}", f"p{index}@{MARK}", "Studio", f"Group {MARK}"] for index in range(3)]
        self.race("prospect", csv_bytes([header] + rows), f"prospects-{MARK}.csv")
        with self.committed() as env:
            prospects = env["res.partner"].search([("email", "ilike", MARK)])
            self.assertEqual(len(prospects), 3, "no prospect twice")
            invitations = env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "in", prospects.ids)])
            self.assertEqual(len(invitations), 3, "one invitation each")

    def test_the_same_file_later_needs_the_users_word(self):
        """Not at once: the second import is refused, then done when the user
        ticks "Import this file again"."""
        with self.committed() as env:
            reseller = env["res.partner"].create(
                {"name": f"Reseller {MARK}", "is_company": True, "is_registered_partner": True}
            )
            content = csv_bytes(
                [
                    ["Partner ID", "Lead name", "Contact name", "Email", "Company"],
                    [reseller.partner_code, "Lead", "Jane", f"again@{MARK}", "Acme"],
                ]
            )
            Job = env["crm.bulk.import.job"]
            vals = {"import_type": "lead", "file": base64.b64encode(content), "file_name": f"again-{MARK}.csv"}
            first = Job.create(vals)
            first.action_import()
            second = Job.create(vals)
            with self.assertRaises(UserError) as caught:
                second.action_import()
            self.assertIn(f"The same file was already imported by {first.name}", str(caught.exception))
            third = Job.create(dict(vals, allow_same_file=True))
            third.action_import()
            self.assertEqual(third.state, "done")
            self.assertEqual(len(env["crm.lead"].search([("email_from", "=", f"again@{MARK}")])), 2)


class TestCrashRecovery(CommittedCase):
    """A background import whose worker process is killed (SIGKILL) inside a
    chunk or between two chunks: the next run applies every row exactly once."""

    def setUp(self):
        super().setUp()
        with self.committed() as env:
            env["ir.config_parameter"].set_param("crm_bulk_import.background_threshold", 50)
            env["ir.config_parameter"].set_param("crm_bulk_import.chunk_size", CHUNK)
            self.customers = (
                env["res.partner"]
                .create(
                    [
                        {"name": f"Customer {index} {MARK}", "customer_external_id": f"RACE-{index:04d}"}
                        for index in range(CRASH_ROWS)
                    ]
                )
                .ids
            )
            self.plan = (
                env["mail.activity.plan"]
                .create(
                    {
                        "name": f"Plan {MARK}",
                        "res_model": "res.partner",
                        "template_ids": [
                            Command.create(
                                {
                                    "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
                                    "summary": "Welcome",
                                    "responsible_type": "on_demand",
                                }
                            )
                        ],
                    }
                )
                .name
            )
            self.manager_email = f"manager@{MARK}"
            env["res.users"].create({"name": "Race Manager", "login": self.manager_email, "email": self.manager_email})
            content = csv_bytes(
                [["External Id", "Account manager email", "Workflow name"]]
                + [[f"RACE-{index:04d}", self.manager_email, self.plan] for index in range(CRASH_ROWS)]
            )
            job = env["crm.bulk.import.job"].create(
                {"import_type": "assignment", "file": base64.b64encode(content), "file_name": f"crash-{MARK}.csv"}
            )
            job.action_import()
            self.assertEqual(job.state, "queued")
            self.job_id = job.id

    def run_worker(self, mode, number):
        worker = Path(__file__).with_name("crash_worker.py")
        return subprocess.run(
            [sys.executable, str(worker), config.rcfile, self.env.cr.dbname, mode, str(number)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def state(self):
        with self.committed() as env:
            job = env["crm.bulk.import.job"].browse(self.job_id)
            activities = env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "in", self.customers)]
            )
            statuses = {}
            for line in job.line_ids:
                statuses[line.status] = statuses.get(line.status, 0) + 1
            return job.state, job.count_done, statuses, len(activities), len(set(activities.mapped("res_id")))

    def assert_killed_then_resumed(self, mode, number, done_when_killed, counted_when_killed):
        outcome = self.run_worker(mode, number)
        self.assertEqual(outcome.returncode, -9, f"the worker was to die by SIGKILL:\n{outcome.stderr[-3000:]}")
        self.assertNotIn("finished without dying", outcome.stdout)
        state, count_done, statuses, activities, customers = self.state()
        self.assertEqual(state, "running")
        self.assertEqual(count_done, counted_when_killed, outcome.stderr[-5000:])
        self.assertEqual(statuses, {"updated": done_when_killed, "pending": CRASH_ROWS - done_when_killed})
        self.assertEqual((activities, customers), (done_when_killed, done_when_killed), "what died was rolled back")

        # queue_job's runner finds the queue job whose worker died and queues
        # it again; a healthy worker runs what is left: every row once.
        with self.committed() as env:
            dead = env["queue.job"].search([("channel", "=", "root.crm_bulk_import"), ("state", "=", "started")])
            self.assertEqual(len(dead), 1)
            dead.state = "pending"
            run_queue_jobs(env)
        state, count_done, statuses, activities, customers = self.state()
        self.assertEqual((state, count_done, statuses), ("done", CRASH_ROWS, {"updated": CRASH_ROWS}))
        self.assertEqual((activities, customers), (CRASH_ROWS, CRASH_ROWS), "one activity per customer")

    def test_killed_inside_a_chunk(self):
        # Dies in the third chunk, its rows applied but not committed.
        self.assert_killed_then_resumed("inside", 3, 2 * CHUNK, 2 * CHUNK)

    def test_killed_between_chunks(self):
        # Dies right after the second chunk's commit: its rows are applied,
        # the counts not updated yet, its queue job not marked done.
        self.assert_killed_then_resumed("between", 2, 2 * CHUNK, CHUNK)
