# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An Odoo cron worker that dies, for tests/test_concurrency.py.

    python crash_worker.py CONFIG DB MODE N

Runs the bulk import cron as Odoo's cron thread would, and kills its own
process with SIGKILL (no cleanup, no rollback: PostgreSQL aborts the open
transaction when the connection drops), at one of two points:

- ``inside``: in the N-th chunk, after its rows were applied and before
  its commit;
- ``between``: right after the N-th commit on the database (the job
  marked running counts as the first).
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
    from odoo.sql_db import Cursor  # noqa: PLC0415

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
        commit = Cursor.commit

        def dying_commit(self):
            result = commit(self)
            if self.dbname == db_name:  # not the bus's notifications, on database "postgres"
                calls["commit"] += 1
                if calls["commit"] == number:
                    die()
            return result

        Cursor.commit = dying_commit
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["crm.bulk.import.job"]._cron_run_jobs()
    print("finished without dying")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
