# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One measurement in its own process, so that its peak memory is its own.

    python bench/worker.py CONF DB SCENARIO FILE [--profile OUT]

Prints one JSON object: rows, seconds, rows_per_s, peak and baseline RSS (MB)
and ``checks`` (what was verified in the database after the run). For the
module's scenarios, the peak is the import's (staging and running the rows)
and ``upload_peak_rss_mb`` the upload's, which holds the file whole."""

import argparse
import base64
import cProfile
import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from generate import LEAD_HEADERS, PARTNER_CODES, PLANS  # noqa: E402


def rss_mb(field):
    """VmRSS (now) or VmHWM (peak) of this process, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def odoo_env(conf, db):
    import odoo  # noqa: PLC0415 - Odoo is configured first
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", conf, "-d", db, "--log-level=warn", "--max-cron-threads=0"])
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    admin = env.ref("base.user_admin")
    return odoo.api.Environment(cr, admin.id, {"lang": "en_US", "tz": "UTC"})


class Failed(Exception):
    """The benchmark's check of the imported records failed."""


def check(checks, name, expected, actual):
    checks[name] = {"expected": expected, "actual": actual}
    if expected != actual:
        raise Failed(f"{name}: expected {expected!r}, found {actual!r}")


# ----------------------------------------------------------------------
# Set-up: registered partners and plans the files name
# ----------------------------------------------------------------------


def setup(env, _content, _args):
    # Jobs an interrupted benchmark left behind would run inside the next
    # measurement (the runner works through every queued job).
    env["crm.bulk.import.job"].search([("state", "in", ("queued", "running"))]).action_cancel()
    Partner = env["res.partner"]
    for code in PARTNER_CODES:
        if not Partner.search([("partner_code", "=", code)]):
            partner = Partner.create({"name": f"Bench Reseller {code}", "is_company": True})
            partner.write({"is_registered_partner": True, "partner_code": code})
    template = env["sale.subscription.template"].search([("name", "=", "Bench Monthly")], limit=1)
    if not template:
        template = template.create({"name": "Bench Monthly", "recurring_interval": 1, "recurring_rule_type": "months"})
    for name in PLANS:
        if not env["product.product"].search([("name", "=", name)]):
            env["product.product"].create(
                {
                    "name": name,
                    "list_price": 300.0,
                    "subscribable": True,
                    "subscription_template_id": template.id,
                    "taxes_id": False,
                }
            )
    env.cr.commit()
    return 0, {}


# ----------------------------------------------------------------------
# Scenarios: run, then check the records in the database
# ----------------------------------------------------------------------


def new_job(env, content, import_type, name, **vals):
    """Upload the file, as the web client does (base64 in the request).
    The upload holds the file whole, as any Odoo upload does, in the request
    that receives it: its peak memory is noted apart, and the peak of the
    import is measured from here on."""
    job = env["crm.bulk.import.job"].create(
        {"import_type": import_type, "file": base64.b64encode(content), "file_name": name, **vals}
    )
    env.cr.commit()
    job.invalidate_recordset()
    upload_done()
    return job


UPLOAD_PEAK = [0.0]


def upload_done():
    gc.collect()
    UPLOAD_PEAK[0] = rss_mb("VmHWM")
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)


def run_queue_jobs(env):
    """Run the module's pending queue jobs one after the other, as one
    queue_job worker would (each committed); the number run."""
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415 - loaded with the module

    performed = 0
    while True:
        pending = env["queue.job"].search(
            [("channel", "=", "root.crm_bulk_import"), ("state", "=", "pending")], order="id", limit=1
        )
        if not pending:
            return performed
        job = Job.load(env, pending.uuid)
        job.set_started()
        job.store()
        env.cr.commit()
        job.perform()
        job.set_done()
        job.store()
        env.cr.commit()
        performed += 1
        if performed % 20 == 0:
            vacuum(env)


def run_background(env, job):
    """What one queue_job worker does while rows remain: a chunk per queue
    job, each committed."""
    run_queue_jobs(env)
    job.invalidate_recordset()


# Tables an import updates row by row, vacuumed as autovacuum would.
HOT_TABLES = ("res_partner", "sale_subscription", "sale_subscription_line", "crm_lead", "crm_bulk_import_job_line")
VACUUM_SECONDS = [0.0]


def vacuum(env):
    """What autovacuum does on a production server, for a PostgreSQL that
    runs without it (as this project's machines do): the rows an import
    updates leave dead versions that slow every later query. Autovacuum runs
    in its own processes: the time spent here is left out of the measure and
    reported apart."""
    import psycopg2  # noqa: PLC0415

    from odoo.tools import config  # noqa: PLC0415

    start = time.perf_counter()
    connection = psycopg2.connect(
        dbname=env.cr.dbname,
        host=config["db_host"] or None,
        port=config["db_port"] or None,
        user=config["db_user"] or None,
        password=config["db_password"] or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "off":
            for table in HOT_TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()
    VACUUM_SECONDS[0] += time.perf_counter() - start


def data_rows(content):
    # Counted on the bytes: decoding a 15 MB file here would add to the peak.
    return content.count(b"\n") - 1


def import_file(env, content, import_type, name):
    """Upload and import, as a user does, until the job is finished (the
    background runner included)."""
    job = new_job(env, content, import_type, name)
    job.action_import()
    env.cr.commit()
    run_background(env, job)
    return data_rows(content), {"job": job.id}


def check_job_done(env, content, result, checks):
    job = env["crm.bulk.import.job"].browse(result["job"])
    check(checks, "job state", "done", job.state)
    check(checks, "rows created", data_rows(content), job.count_created)
    return job


def lead_module(env, content, _args):
    return import_file(env, content, "lead", "bench-leads.csv")


def lead_module_check(env, content, result, checks):
    job = check_job_done(env, content, result, checks)
    rows = data_rows(content)
    check(checks, "leads created", rows, env["crm.lead"].search_count([("bulk_import_job_id", "=", job.id)]))
    sample_leads(env, content, [("bulk_import_job_id", "=", job.id)], checks, pending=True)


def sample_leads(env, content, domain, checks, pending):
    """Rows 1, the middle and the last, field by field."""
    lines = content.decode().splitlines()
    for index in (1, len(lines) // 2, len(lines) - 1):
        cells = lines[index].split(",")
        values = dict(zip(LEAD_HEADERS, cells, strict=True))
        lead = env["crm.lead"].search(domain + [("name", "=", values["Lead name"])])
        check(checks, f"row {index}: one lead", 1, len(lead))
        check(checks, f"row {index}: email", values["Email"], lead.email_from)
        check(checks, f"row {index}: company", values["Company"], lead.partner_name)
        check(checks, f"row {index}: contact", values["Contact name"], lead.contact_name)
        check(checks, f"row {index}: revenue", float(values["Expected revenue"]), lead.expected_revenue)
        if pending:
            check(checks, f"row {index}: partner", values["Partner ID"], lead.registered_partner_id.partner_code)
            check(checks, f"row {index}: state", "pending", lead.registration_state)


BASE_IMPORT_FIELDS = {
    "Lead name": "name",
    "Contact name": "contact_name",
    "Email": "email_from",
    "Company": "partner_name",
    "Phone": "phone",
    "Description": "description",
    "Expected revenue": "expected_revenue",
}


def lead_base_import(env, content, _args):
    """What the Import button runs, on the same file, the same columns
    mapped (Partner ID and Agent ID have no crm.lead field to map to)."""
    wizard = env["base_import.import"].create(
        {"res_model": "crm.lead", "file": content, "file_name": "bench-leads.csv", "file_type": "text/csv"}
    )
    options = {
        "has_headers": True,
        "quoting": '"',
        "separator": ",",
        "encoding": "utf-8",
        "float_thousand_separator": ",",
        "float_decimal_separator": ".",
        "date_format": "",
        "datetime_format": "",
    }
    result = wizard.execute_import(
        [BASE_IMPORT_FIELDS.get(header, False) for header in LEAD_HEADERS], LEAD_HEADERS, options
    )
    env.cr.commit()
    errors = [message for message in result.get("messages", []) if message.get("type") == "error"]
    return data_rows(content), {
        "ids": [result["ids"][0], result["ids"][-1]] if result.get("ids") else [],
        "count": len(result.get("ids") or []),
        "errors": errors[:3],
    }


def lead_base_import_check(env, content, result, checks):
    check(checks, "errors", [], result["errors"])
    rows = data_rows(content)
    check(checks, "leads created", rows, result["count"])
    first, last = result["ids"]
    domain = [("id", ">=", first), ("id", "<=", last)]
    check(checks, "leads in the id range", rows, env["crm.lead"].search_count(domain))
    sample_leads(env, content, domain, checks, pending=False)


def dry_run_module(env, content, _args):
    job = new_job(env, content, "lead", "bench-leads-dry-run.csv")
    job.action_dry_run()
    env.cr.commit()
    return data_rows(content), {"job": job.id}


def dry_run_module_check(env, content, result, checks):
    job = env["crm.bulk.import.job"].browse(result["job"])
    rows = data_rows(content)
    check(checks, "job state", "draft", job.state)
    check(checks, "rows that would be created", rows, job.count_created)
    check(checks, "errors", 0, job.count_error)
    check(checks, "leads written", 0, env["crm.lead"].search_count([("bulk_import_job_id", "=", job.id)]))


def member_module(env, content, _args):
    return import_file(env, content, "member", "bench-members.csv")


def member_module_check(env, content, result, checks):
    job = check_job_done(env, content, result, checks)
    rows = data_rows(content)
    lines = content.decode().splitlines()
    for index in (1, len(lines) // 2, len(lines) - 1):
        name, plan, start, next_invoice, email = lines[index].split(",")[:5]
        member = env["res.partner"].search([("name", "=", name), ("bulk_import_job_id", "=", job.id)])
        check(checks, f"row {index}: one member", 1, len(member))
        check(checks, f"row {index}: email", email, member.email)
        subscription = env["sale.subscription"].search([("partner_id", "=", member.id)])
        check(checks, f"row {index}: one subscription", 1, len(subscription))
        check(checks, f"row {index}: plan", plan, subscription.sale_subscription_line_ids.product_id.name)
        check(checks, f"row {index}: next invoice", next_invoice, str(subscription.recurring_next_date))
        check(checks, f"row {index}: start", start, str(subscription.date_start))
        check(checks, f"row {index}: running", "in_progress", subscription.stage_id.type)
    check(
        checks,
        "subscriptions",
        rows,
        env["sale.subscription"].search_count([("partner_id.bulk_import_job_id", "=", job.id)]),
    )


def member_revert(env, _content, _args):
    """Revert the member import measured just before, as a manager clicks
    Revert (with the background runner for a big job)."""
    job = env["crm.bulk.import.job"].search(
        [("import_type", "=", "member"), ("state", "=", "done")], order="id desc", limit=1
    )
    subscriptions = env["sale.subscription"].search_count([])
    upload_done()  # nothing is uploaded: the peak is the revert's
    UPLOAD_PEAK[0] = 0.0
    job.action_revert()
    env.cr.commit()
    run_queue_jobs(env)
    job.invalidate_recordset()
    return job.count_total, {"job": job.id, "subscriptions": subscriptions}


def member_revert_check(env, _content, result, checks):
    job = env["crm.bulk.import.job"].browse(result["job"])
    check(checks, "job state", "reverted", job.state)
    check(checks, "rows reverted", job.count_total, job.count_reverted)
    members = env["res.partner"].with_context(active_test=False).search_count([("bulk_import_job_id", "=", job.id)])
    check(checks, "members and teams left", 0, members)
    check(
        checks,
        "subscriptions left",
        result["subscriptions"] - job.count_total,
        env["sale.subscription"].search_count([]),
    )


def promote_prepare(env, content, _args):
    """The leads a promotion file names, registered first (not measured)."""
    return import_file(env, content, "lead", "bench-promote-leads.csv")


def promote_module(env, content, _args):
    return import_file(env, content, "promote", "bench-promote.csv")


def promote_module_check(env, content, result, checks):
    check_job_done(env, content, result, checks)
    lines = content.decode().splitlines()
    for index in (1, len(lines) // 2, len(lines) - 1):
        email, first, last, team, _phone, _city, plan, day = lines[index].split(",")
        member = env["res.partner"].search([("email", "=", email), ("is_member", "=", True)])
        check(checks, f"row {index}: one member", 1, len(member))
        check(checks, f"row {index}: name", f"{first} {last}", member.name)
        check(checks, f"row {index}: team", team, member.parent_id.name)
        subscription = env["sale.subscription"].search([("partner_id", "=", member.id)])
        check(checks, f"row {index}: plan", plan, subscription.sale_subscription_line_ids.product_id.name)
        check(checks, f"row {index}: bill day", int(day), subscription.recurring_next_date.day)
        lead = env["crm.lead"].with_context(active_test=False).search([("email_from", "=", email)])
        check(checks, f"row {index}: lead won and archived", (True, False), (lead.stage_id.is_won, lead.active))
        check(checks, f"row {index}: lead linked", member.id, lead.partner_id.id)


SCENARIOS = {
    "setup": (setup, None),
    "lead-module": (lead_module, lead_module_check),
    "lead-base_import": (lead_base_import, lead_base_import_check),
    "dry-run-module": (dry_run_module, dry_run_module_check),
    "member-module": (member_module, member_module_check),
    "member-revert": (member_revert, member_revert_check),
    "promote-prepare": (promote_prepare, lead_module_check),
    "promote-module": (promote_module, promote_module_check),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("conf")
    parser.add_argument("db")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("file", nargs="?")
    parser.add_argument("--profile", help="write a cProfile of the measured part here")
    args = parser.parse_args()
    content = open(args.file, "rb").read() if args.file else b""
    env = odoo_env(args.conf, args.db)
    run, verify = SCENARIOS[args.scenario]
    vacuum(env)  # what the earlier runs left behind
    VACUUM_SECONDS[0] = 0.0
    baseline = rss_mb("VmRSS")
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    rows, result = run(env, content, args)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    seconds = time.perf_counter() - start - VACUUM_SECONDS[0]
    peak = rss_mb("VmHWM")
    checks = {}
    error = None
    if verify:
        env.invalidate_all()
        try:
            verify(env, content, result, checks)
        except Failed as failure:
            error = str(failure)
    env.cr.close()
    print(
        json.dumps(
            {
                "scenario": args.scenario,
                "rows": rows,
                "seconds": round(seconds, 3),
                "rows_per_s": round(rows / seconds, 1) if seconds else None,
                "baseline_rss_mb": round(baseline, 1),
                "peak_rss_mb": round(peak, 1),
                "upload_peak_rss_mb": round(UPLOAD_PEAK[0], 1) if UPLOAD_PEAK[0] else None,
                "vacuum_seconds": round(VACUUM_SECONDS[0], 1),
                "checks": len(checks),
                "error": error,
            }
        )
    )
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
