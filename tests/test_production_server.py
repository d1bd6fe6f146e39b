# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A background import on a production-mode server: Odoo's prefork server
(--workers=2) with queue_job's runner, time limits so short that one worker
could do a tenth of the file within them, and a worker killed (SIGKILL) while
it runs a chunk. The import finishes, every row applied exactly once."""

import os
import signal
import time

from .own_database import OwnDatabaseCase

ROWS = 20000
CHUNK = 100
# One request of a worker, at most (CPU and real seconds): the whole file
# takes more than ten times the CPU limit. The real-time limit leaves room
# for a new worker's first request, which loads the registry (a few seconds
# on a busy 2-core machine).
LIMIT_CPU, LIMIT_REAL = 2, 10

SETUP = """
import base64, csv, io
env["ir.config_parameter"].set_param("crm_bulk_import.chunk_size", {chunk})
manager = env["res.users"].create({{"name": "Account Manager", "login": "am@prod.example", "email": "am@prod.example"}})
plan = env["mail.activity.plan"].create({{
    "name": "Welcome call",
    "res_model": "res.partner",
    "template_ids": [(0, 0, {{
        "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
        "summary": "Welcome",
        "responsible_type": "on_demand",
    }})],
}})
env["res.partner"].create([
    {{"name": f"Customer {{index}}", "customer_external_id": f"PROD-{{index:05d}}"}} for index in range({rows})
])
buffer = io.StringIO()
writer = csv.writer(buffer)
writer.writerow(["External Id", "Account manager email", "Workflow name"])
for index in range({rows}):
    writer.writerow([f"PROD-{{index:05d}}", "am@prod.example", "Welcome call"])
job = env["crm.bulk.import.job"].create({{
    "import_type": "assignment",
    "file": base64.b64encode(buffer.getvalue().encode()),
    "file_name": "customers.csv",
}})
job.action_import()
assert job.state == "queued", job.state
env.cr.commit()
print("JOB", job.id)
"""


class TestProductionServer(OwnDatabaseCase):
    def environ(self):
        # The runner's channels: two chunks of the module at once.
        return dict(os.environ, ODOO_QUEUE_JOB_CHANNELS="root:2,root.crm_bulk_import:2")

    def test_workers_time_limits_and_a_killed_worker(self):
        self.odoo("server", "-i", "crm_bulk_import", "--without-demo=all", "--stop-after-init", "--log-level=warn")
        output = self.odoo("shell", "--log-level=warn", "--no-http", stdin=SETUP.format(rows=ROWS, chunk=CHUNK))
        job_id = int(output.split("JOB")[1].split()[0])

        _server, _port, log = self.start_server(
            "--workers=2",
            "--max-cron-threads=0",
            f"--limit-time-cpu={LIMIT_CPU}",
            f"--limit-time-real={LIMIT_REAL}",
            "--load=base,web,queue_job",
            "--log-level=info",
        )
        started = time.monotonic()
        killed = None
        state = None
        while time.monotonic() - started < 240:
            time.sleep(0.5)
            ((state, done),) = self.query("SELECT state, count_done FROM crm_bulk_import_job WHERE id = %s", [job_id])
            if state not in ("queued", "running"):
                break
            if killed is None and (done or 0) >= ROWS // 5:
                # A worker in the middle of a chunk: killed, no cleanup.
                busy = self.query(
                    """SELECT worker_pid, uuid FROM queue_job
                        WHERE state = 'started' AND channel = 'root.crm_bulk_import'"""
                )
                if busy and busy[0][0]:
                    killed, uuid = busy[0]
                    os.kill(killed, signal.SIGKILL)
                    time.sleep(0.3)
                    # A chunk takes a tenth of a second: the worker may have
                    # finished it between the query and the kill. Then the
                    # kill missed the chunk, and another one is tried.
                    ((chunk_state,),) = self.query("SELECT state FROM queue_job WHERE uuid = %s", [uuid])
                    if chunk_state == "done":
                        killed = None
        server_log = log.read_text() if log.exists() else ""
        self.assertEqual(state, "done", server_log[-5000:])
        self.assertTrue(killed, "a worker was killed while it ran a chunk")
        ((work,),) = self.query("SELECT sum(exec_time) FROM queue_job WHERE channel = 'root.crm_bulk_import'")
        self.assertGreater(work, 10 * LIMIT_CPU, "the file is more than ten times the CPU one request may take")

        # Every row applied exactly once.
        statuses = dict(
            self.query(
                "SELECT status, count(*) FROM crm_bulk_import_job_line WHERE job_id = %s GROUP BY status", [job_id]
            )
        )
        self.assertEqual(statuses, {"updated": ROWS})
        activities = self.query(
            """SELECT count(*), count(DISTINCT res_id) FROM mail_activity a
                 JOIN res_partner p ON p.id = a.res_id AND a.res_model = 'res.partner'
                WHERE p.customer_external_id LIKE 'PROD-%%'"""
        )
        self.assertEqual(activities, [(ROWS, ROWS)], "one activity per customer: no row applied twice")
        (counted,) = self.query(
            "SELECT count_done, count_updated, count_error FROM crm_bulk_import_job WHERE id = %s", [job_id]
        )
        self.assertEqual(counted, (ROWS, ROWS, 0))
        # The queue jobs: one per chunk (and the killed one run again, which
        # may end after the import, with nothing left to do), none failed; no
        # worker went over its time limits.
        for _wait in range(60):
            if not self.query(
                """SELECT 1 FROM queue_job WHERE channel = 'root.crm_bulk_import'
                      AND state IN ('pending', 'enqueued', 'started')"""
            ):
                break
            time.sleep(0.5)
        server_log = log.read_text()
        states = dict(
            self.query("SELECT state, count(*) FROM queue_job WHERE channel = 'root.crm_bulk_import' GROUP BY state")
        )
        self.assertEqual(set(states), {"done"}, states)
        self.assertGreaterEqual(states["done"], ROWS // CHUNK)
        self.assertIn("Re-queued dead job", server_log)
        # No HTTP worker running a chunk went over its limits (the master
        # kills it and logs it).
        killed_for_time = [
            line for line in server_log.splitlines() if "timeout after" in line or "CPU time limit" in line
        ]
        self.assertEqual(killed_for_time, [])
