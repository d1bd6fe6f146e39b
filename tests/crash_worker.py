# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An Odoo worker running the import's queue jobs that dies, for
tests/test_concurrency.py.

    python crash_worker.py CONFIG DB MODE N

Runs the module's pending queue jobs one after the other as queue_job's
runner has a worker run them (the job marked started and committed, then
performed, then marked done and committed), and kills its own process with
SIGKILL (no cleanup, no rollback: PostgreSQL aborts the open transaction when
the connection drops), at one of two points:

- ``inside``: in the N-th chunk, after its rows were applied and before
  its commit;
- ``between``: right after the N-th chunk's commit, before its queue job is
  marked done.
"""

import os
import signal
import sys


def die():
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main(config_file, db_name, mode, number):
    import odoo  # noqa: PLC0415 - configured first
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", config_file, "-d", db_name, "--log-level=warn", "--max-cron-threads=0"])
    registry = odoo.modules.registry.Registry(db_name)
    calls = {"apply": 0, "commit": 0}
    if mode == "inside":
        apply_rows = registry["crm.bulk.import.type.assignment"]._apply_rows

        def dying_apply_rows(self, job, rows):
            results = apply_rows(self, job, rows)
            calls["apply"] += 1
            if calls["apply"] == number:
                self.env.flush_all()  # the chunk's writes reach PostgreSQL, uncommitted
                die()
            return results

        registry["crm.bulk.import.type.assignment"]._apply_rows = dying_apply_rows
    else:
        commit_then_tally = registry["crm.bulk.import.job"]._commit_then_tally

        def dying_commit_then_tally(self):
            result = commit_then_tally(self)
            calls["commit"] += 1
            if calls["commit"] == number:
                die()
            return result

        registry["crm.bulk.import.job"]._commit_then_tally = dying_commit_then_tally
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415

    while True:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            pending = env["queue.job"].search(
                [("channel", "=", "root.crm_bulk_import"), ("state", "=", "pending")], order="id", limit=1
            )
            if not pending:
                break
            job = Job.load(env, pending.uuid)
            job.set_started()
            job.store()
            # A worker process of its own: what it did must stand when it is
            # killed, as in queue_job's runner.
            cr.commit()  # pylint: disable=invalid-commit
            job.perform()
            job.set_done()
            job.store()
    # The parent test reads this line on the standard output.
    print("finished without dying")  # pylint: disable=print-used


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
