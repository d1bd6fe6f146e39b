# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One measurement in its own process, so that its peak memory is its own.

    python bench/worker.py CONF DB SCENARIO FILE [--profile OUT]
    python bench/worker.py CONF DB lead-server FILE --server-pid PID --workers N

Prints one JSON object: rows, seconds, rows_per_s, peak and baseline RSS (MB)
and ``checks`` (what was verified in the database after the run). For the
module's scenarios, the peak is the import's (staging and running the rows)
and ``upload_peak_rss_mb`` the upload's, which holds the file whole.

The ``-server`` scenarios and ``lead-base_import_async`` start the import
here, as the web client's request does, and a production server (run.py
starts it: ``--server-pid``) performs its queue jobs; the measure runs from
the click until the import is done, and the peak is that of the server's
worker processes."""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used

import argparse
import base64
import cProfile
import csv
import gc
import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from generate import (  # noqa: E402
    ACCOUNT_MANAGERS,
    LEAD_HEADERS,
    PARTNER_CODES,
    PLANS,
    PROGRAM_GROUPS,
    PROGRAM_TAGS,
    WORKFLOW,
    WORKFLOW_ACTIVITY,
)


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

    config.parse_config(
        ["-c", conf, "-d", db, "--log-level=" + os.environ.get("BENCH_LOG", "warn"), "--max-cron-threads=0"]
    )
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
    # Customer assignment: the account managers (internal users) and the
    # workflow (an activity plan for contacts) the files name.
    for number, email in enumerate(ACCOUNT_MANAGERS, 1):
        if not env["res.users"].with_context(active_test=False).search([("login", "=", email)]):
            env["res.users"].create({"name": f"Bench Manager {number}", "login": email, "email": email})
    if not env["mail.activity.plan"].search([("name", "=", WORKFLOW), ("res_model", "=", "res.partner")]):
        env["mail.activity.plan"].create(
            {
                "name": WORKFLOW,
                "res_model": "res.partner",
                "template_ids": [
                    (
                        0,
                        0,
                        {
                            "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
                            "summary": WORKFLOW_ACTIVITY,
                            "responsible_type": "on_demand",
                        },
                    )
                ],
            }
        )
    # Prospect import: its groups (imports never create groups), the first
    # one accepting at once.
    for index, name in enumerate(PROGRAM_GROUPS):
        if not env["prospect.group"].search([("name", "=", name), ("company_id", "=", env.company.id)]):
            workflow = env["prospect.workflow"].create({"name": f"{name} onboarding", "auto_accept": index == 0})
            env["prospect.group"].create({"name": name, "workflow_id": workflow.id})
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
HOT_TABLES = (
    "res_partner",
    "sale_subscription",
    "sale_subscription_line",
    "crm_lead",
    "crm_bulk_import_job_line",
    "queue_job",
)
VACUUM_SECONDS = [0.0]
# Vacuum while a production server imports: not left out of the measure
# (the server goes on meanwhile, as it would beside autovacuum).
CONCURRENT_VACUUM_SECONDS = [0.0]
VACUUM_EVERY = 120  # seconds, while a server imports


def connect(env):
    """A connection of its own to the benchmark's database, autocommit."""
    import psycopg2  # noqa: PLC0415

    from odoo.tools import config  # noqa: PLC0415

    connection = psycopg2.connect(
        dbname=env.cr.dbname,
        host=config["db_host"] or None,
        port=config["db_port"] or None,
        user=config["db_user"] or None,
        password=config["db_password"] or None,
    )
    connection.autocommit = True
    return connection


def vacuum(env, concurrent=False):
    """What autovacuum does on a production server, for a PostgreSQL that
    runs without it (as this project's machines do): the rows an import
    updates leave dead versions that slow every later query. Autovacuum runs
    in its own processes: the time spent here is left out of the measure and
    reported apart (``concurrent``: while a server imports, counted apart)."""
    start = time.perf_counter()
    connection = connect(env)
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "off":
            for table in HOT_TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()
    (CONCURRENT_VACUUM_SECONDS if concurrent else VACUUM_SECONDS)[0] += time.perf_counter() - start


# The measured time: from the start of the scenario, unless it restarts the
# clock after its set-up (a server scenario: after the upload), until its
# end or until it stops the clock.
CLOCK = {"start": 0.0, "stop": None}


def restart_clock():
    CLOCK["start"] = time.perf_counter()
    VACUUM_SECONDS[0] = 0.0


def stop_clock():
    CLOCK["stop"] = time.perf_counter()


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


# What the web client sends when the Import button is clicked (base_import's
# import_model.js): these options, ``tracking_disable`` in the context, and
# the file in batches of ``limit`` rows, one request each, until the server
# gives no ``nextrow``.
WEB_CLIENT_OPTIONS = {
    "import_skip_records": [],
    "import_set_empty_fields": [],
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "encoding": "utf-8",
    "separator": ",",
    "quoting": '"',
    "date_format": "",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": True,
    "has_headers": True,
    "keep_matches": False,
    "limit": 2000,
    "sheets": [],
    "sheet": "",
    "skip": 0,
    "tracking_disable": True,
}


def base_import_wizard(env, content):
    """The import record, with the file, as the web client creates it."""
    return env["base_import.import"].create(
        {"res_model": "crm.lead", "file": content, "file_name": "bench-leads.csv", "file_type": "text/csv"}
    )


def web_client_execute(wizard, options):
    """One ``execute_import`` request of the web client: the same columns
    mapped (Partner ID and Agent ID have no crm.lead field to map to)."""
    return wizard.with_context(tracking_disable=options["tracking_disable"]).execute_import(
        [BASE_IMPORT_FIELDS.get(header, False) for header in LEAD_HEADERS],
        [header.strip().lower() for header in LEAD_HEADERS],
        dict(options),  # execute_import pops some of them
    )


def import_errors(result):
    messages = result.get("messages", []) if isinstance(result, dict) else []
    return [message for message in messages if message.get("type") == "error"]


def web_client_options(args, **extra):
    """The web client's options; ``--track-history``: with "Track history
    during import" ticked (unticked by default)."""
    return {**WEB_CLIENT_OPTIONS, "tracking_disable": not args.track_history, **extra}


def lead_base_import(env, content, args):
    """What the Import button runs, on the same file, as the web client
    sends it: a request per batch of rows, each committed."""
    wizard = base_import_wizard(env, content)
    options = web_client_options(args)
    ids, errors = [], []
    while True:
        result = web_client_execute(wizard, options)
        env.cr.commit()
        ids += result.get("ids") or []
        errors += import_errors(result)
        if errors or not result.get("nextrow"):
            break
        options["skip"] = result["nextrow"]
    return data_rows(content), {
        "ids": [ids[0], ids[-1]] if ids else [],
        "count": len(ids),
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


def file_rows(content):
    """The file's rows (header first), read as a CSV reader does."""
    return list(csv.reader(io.StringIO(content.decode())))


def sampled(rows):
    """The rows checked field by field: the first, the middle, the last."""
    return (1, len(rows) // 2, len(rows) - 1)


# ----------------------------------------------------------------------
# Customer assignment and prospect import (one queue_job worker)
# ----------------------------------------------------------------------


def assignment_prepare(env, content, _args):
    """The customers an assignment file names, created first (not
    measured)."""
    external_ids = [row[0] for row in file_rows(content)[1:]]
    Partner = env["res.partner"].with_context(tracking_disable=True)
    existing = set(Partner.search([("customer_external_id", "in", external_ids)]).mapped("customer_external_id"))
    missing = [external_id for external_id in external_ids if external_id not in existing]
    for start in range(0, len(missing), 1000):
        Partner.create(
            [
                {"name": f"Bench Customer {external_id}", "customer_external_id": external_id}
                for external_id in missing[start : start + 1000]
            ]
        )
        env.cr.commit()
        env.invalidate_all()
    return len(external_ids), {"external_ids": [external_ids[0], external_ids[-1]]}


def assignment_prepare_check(env, content, _result, checks):
    external_ids = [row[0] for row in file_rows(content)[1:]]
    found = env["res.partner"].search_count([("customer_external_id", "in", external_ids)])
    check(checks, "customers", len(external_ids), found)


def assignment_module(env, content, _args):
    return import_file(env, content, "assignment", "bench-assignment.csv")


def assignment_check(env, content, result, checks):
    """Every row updated: the account managers set (the first one the
    salesperson), the workflow's activity for its first manager."""
    job = env["crm.bulk.import.job"].browse(result["job"])
    rows = file_rows(content)
    check(checks, "job state", "done", job.state)
    check(checks, "rows updated", len(rows) - 1, job.count_updated)
    check(checks, "errors", 0, job.count_error)
    for index in sampled(rows):
        external_id, managers, workflow = rows[index]
        emails = [email.strip() for email in managers.split(",")]
        customer = env["res.partner"].search([("customer_external_id", "=", external_id)])
        check(checks, f"row {index}: one customer", 1, len(customer))
        check(
            checks,
            f"row {index}: account managers",
            sorted(emails),
            sorted(customer.account_manager_ids.mapped("login")),
        )
        check(checks, f"row {index}: salesperson", emails[0], customer.user_id.login)
        # This import's (a customer assigned again gets the workflow again).
        activities = env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id), ("create_date", ">=", job.create_date)]
        )
        check(
            checks,
            f"row {index}: workflow activity",
            [(WORKFLOW_ACTIVITY, emails[0])] if workflow else [],
            [(activity.summary, activity.user_id.login) for activity in activities],
        )
    env.cr.execute(
        """SELECT count(*) FROM mail_activity a
             JOIN res_partner p ON p.id = a.res_id AND a.res_model = 'res.partner'
            WHERE p.customer_external_id = ANY(%s) AND a.summary = %s AND a.create_date >= %s""",
        [[row[0] for row in rows[1:]], WORKFLOW_ACTIVITY, job.create_date],
    )
    check(checks, "workflow activities", sum(1 for row in rows[1:] if row[2]), env.cr.fetchone()[0])


def prospect_module(env, content, _args):
    return import_file(env, content, "prospect", "bench-prospects.csv")


def prospect_check(env, content, result, checks):
    """Every row a new prospect in its group, invited (the wizard's
    default)."""
    job = env["crm.bulk.import.job"].browse(result["job"])
    rows = file_rows(content)
    check(checks, "job state", "done", job.state)
    check(checks, "rows created", len(rows) - 1, job.count_created)
    check(checks, "errors", 0, job.count_error)
    Partner = env["res.partner"].with_context(active_test=False)
    check(checks, "prospects", len(rows) - 1, Partner.search_count([("bulk_import_job_id", "=", job.id)]))
    for index in sampled(rows):
        name, email, company, group, website, phone, country, tags = rows[index]
        prospect = Partner.search([("email", "=", email), ("bulk_import_job_id", "=", job.id)])
        check(checks, f"row {index}: one prospect", 1, len(prospect))
        check(checks, f"row {index}: name", name, prospect.name)
        check(checks, f"row {index}: company", company or False, prospect.company_name)
        check(checks, f"row {index}: group", group, prospect.prospect_group_id.name)
        check(checks, f"row {index}: website", website or False, prospect.website)
        check(checks, f"row {index}: phone", phone, prospect.phone)
        check(checks, f"row {index}: country", True, country in (prospect.country_id.name, prospect.country_id.code))
        check(
            checks,
            f"row {index}: tags",
            sorted(tag.strip() for tag in tags.split(",") if tag.strip()),
            sorted(prospect.category_id.mapped("name")),
        )
        check(checks, f"row {index}: invited", "invited", prospect.program_state)
    check(checks, "tags known", True, set(PROGRAM_TAGS) <= set(env["res.partner.category"].search([]).mapped("name")))


# ----------------------------------------------------------------------
# Dry run of a member import: its memory
# ----------------------------------------------------------------------


def member_dry_run(env, content, _args):
    """The dry run of a big member file: on the job queue (beyond the
    background threshold), each chunk rolled back, as one queue_job worker
    performs it."""
    job = new_job(env, content, "member", "bench-members-dry-run.csv")
    job.action_dry_run()
    env.cr.commit()
    run_queue_jobs(env)
    job.invalidate_recordset()
    return data_rows(content), {"job": job.id}


def member_dry_run_check(env, content, result, checks):
    job = env["crm.bulk.import.job"].browse(result["job"])
    rows = file_rows(content)
    check(checks, "job state", "draft", job.state)
    check(checks, "lines show a dry run", True, job.is_dry_run)
    check(checks, "rows", len(rows) - 1, job.count_total)
    check(checks, "rows that would be created", len(rows) - 1, job.count_created)
    check(checks, "errors", 0, job.count_error)
    Partner = env["res.partner"].with_context(active_test=False)
    check(checks, "members and teams written", 0, Partner.search_count([("bulk_import_job_id", "=", job.id)]))
    emails = [row[4] for row in rows[1:]]
    check(checks, "contacts with the file's emails", 0, Partner.search_count([("email", "in", emails)]))
    check(
        checks,
        "subscriptions written",
        0,
        env["sale.subscription"].search_count([("partner_id.email", "in", emails[:1000])]),
    )


# ----------------------------------------------------------------------
# Production server: its job workers perform the queue jobs
# ----------------------------------------------------------------------

POLL_SECONDS = 0.2
SERVER_TIMEOUT = 3 * 3600  # seconds an import on a server may take


def process_mb(pid, field):
    """VmRSS or VmHWM of process ``pid``, in MB; None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def server_children(server_pid):
    """{pid: command line} of the server's child processes: its HTTP
    workers and queue_job's runner (forked, the same command line) and the
    gevent server (``odoo-bin gevent``)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            if parent == server_pid:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    found[int(entry)] = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
    return found


class ServerMemory:
    """The memory of a server's worker processes, sampled while it imports
    (a worker the server replaces takes its VmHWM along): their RSS at the
    start (the registry, loaded by the server before it forks them) and
    their peaks."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.baseline, self.peaks = {}, {}
        self.sample()

    def sample(self):
        for pid, cmdline in server_children(self.server_pid).items():
            if " gevent" in cmdline:
                continue
            peak = process_mb(pid, "VmHWM")
            if peak is None:
                continue
            self.baseline.setdefault(pid, process_mb(pid, "VmRSS") or peak)
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)

    def result(self, worker_pids):
        """The figures of the workers that performed queue jobs (queue_job
        notes the pid of each)."""
        pids = [pid for pid in self.peaks if pid in worker_pids] or list(self.peaks)
        return {
            "server_worker_pids": sorted(worker_pids),
            "server_peak_rss_mb": round(max((self.peaks[pid] for pid in pids), default=0.0), 1),
            "server_peaks_mb": {str(pid): round(self.peaks[pid], 1) for pid in pids},
            "server_baseline_rss_mb": round(max((self.baseline[pid] for pid in pids), default=0.0), 1),
        }


def server_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def wait_for(env, args, memory, query, params, *, done, what):
    """Poll the database until ``done(row)`` for the first row of ``query``,
    sampling the server's memory and vacuuming as autovacuum would."""
    connection = connect(env)
    started = last_vacuum = time.monotonic()
    try:
        with connection.cursor() as cursor:
            while True:
                memory.sample()
                cursor.execute(query, params)
                row = cursor.fetchone()
                if done(row):
                    return row
                if not server_alive(args.server_pid):
                    raise Failed(f"the server stopped before {what}")
                if time.monotonic() - started > SERVER_TIMEOUT:
                    raise Failed(f"{what}: not after {SERVER_TIMEOUT} s ({row})")
                if time.monotonic() - last_vacuum > VACUUM_EVERY:
                    vacuum(env, concurrent=True)
                    last_vacuum = time.monotonic()
                time.sleep(POLL_SECONDS)
    finally:
        connection.close()


def set_parallel_chunks(env, value):
    """The queue jobs of one import side by side; told to the server's
    workers through the registry's signaling (their caches)."""
    Param = env["ir.config_parameter"].sudo()
    previous = Param.get_param("crm_bulk_import.parallel_chunks")
    Param.set_param("crm_bulk_import.parallel_chunks", value)
    env.cr.commit()
    env.registry.signal_changes()
    return previous


def server_import(env, content, args, import_type, name):
    """Upload, then import as the wizard does (``action_import`` in the
    request, committed): the server's runner performs the chunks, ``workers``
    at once. Measured from the click until the import is done."""
    previous = set_parallel_chunks(env, str(args.workers))
    try:
        job = new_job(env, content, import_type, name)
        memory = ServerMemory(args.server_pid)
        restart_clock()
        job.action_import()
        env.cr.commit()
        wait_for(
            env,
            args,
            memory,
            "SELECT state FROM crm_bulk_import_job WHERE id = %s",
            [job.id],
            done=lambda row: row[0] not in ("queued", "running"),
            what="the import was done",
        )
        stop_clock()
        # The other chunks' last queue jobs, which find no row left.
        job.invalidate_recordset()
        queue_jobs = job.sudo().queue_job_ids
        wait_for(
            env,
            args,
            memory,
            "SELECT count(*) FROM queue_job WHERE id = ANY(%s) AND state NOT IN ('done', 'failed', 'cancelled')",
            [queue_jobs.ids],
            done=lambda row: not row[0],
            what="every queue job of the import was done",
        )
    finally:
        env.cr.rollback()
        set_parallel_chunks(env, previous or False)  # False: the default again
    worker_pids, retries = queue_job_figures(env, queue_jobs.ids)
    return data_rows(content), {
        "job": job.id,
        "workers": args.workers,
        "queue_jobs": queue_jobs.ids,
        "queue_job_retries": retries,
        **memory.result(worker_pids),
    }


def queue_job_figures(env, ids):
    """The pids of the workers that performed the queue jobs ``ids``, and
    how many times they were run again (queue_job retries a job that failed
    on a concurrent update, a few seconds later; ``retry`` counts every run)."""
    env.cr.execute("SELECT worker_pid, greatest(retry - 1, 0) FROM queue_job WHERE id = ANY(%s)", [ids])
    rows = env.cr.fetchall()
    return {pid for pid, _retry in rows if pid}, sum(retry or 0 for _pid, retry in rows)


def check_server_queue_jobs(env, result, checks):
    """The queue jobs done, none failed, by as many workers as the server
    has (the chunks ran side by side)."""
    env.cr.execute("SELECT state, count(*) FROM queue_job WHERE id = ANY(%s) GROUP BY state", [result["queue_jobs"]])
    check(checks, "queue job states", ["done"], sorted(dict(env.cr.fetchall())))
    check(
        checks,
        "job workers that ran chunks",
        result["workers"],
        min(len(result["server_worker_pids"]), result["workers"]),
    )


def lead_server(env, content, args):
    return server_import(env, content, args, "lead", "bench-leads-server.csv")


def lead_server_check(env, content, result, checks):
    lead_module_check(env, content, result, checks)
    check_server_queue_jobs(env, result, checks)


def assignment_server(env, content, args):
    return server_import(env, content, args, "assignment", "bench-assignment-server.csv")


def assignment_server_check(env, content, result, checks):
    assignment_check(env, content, result, checks)
    check_server_queue_jobs(env, result, checks)


def lead_base_import_async(env, content, args):
    """OCA base_import_async: the Import button with "Import in the
    background" ticked (``use_queue``), the same options otherwise. One
    request queues a job that splits the file into jobs of 100 rows (its
    default chunk size; the web client sets none), in queue_job's root
    channel, which the server's runner gives as many workers. Measured from
    the click until its last job is done."""
    wizard = base_import_wizard(env, content)
    env.cr.commit()
    upload_done()
    env.cr.execute("SELECT coalesce(max(id), 0) FROM queue_job")
    (after,) = env.cr.fetchone()
    memory = ServerMemory(args.server_pid)
    restart_clock()
    result = web_client_execute(wizard, web_client_options(args, use_queue=True))
    env.cr.commit()
    errors = import_errors(result)
    if not errors:
        wait_for(
            env,
            args,
            memory,
            """SELECT count(*) FILTER (WHERE state NOT IN ('done', 'failed', 'cancelled')),
                      count(*) FILTER (WHERE state = 'failed'),
                      count(*) FILTER (WHERE method_name = '_split_file' AND state = 'done')
                 FROM queue_job WHERE id > %s AND model_name = 'base_import.import'""",
            [after],
            done=lambda row: row[1] or (row[2] and not row[0]),
            what="base_import_async's jobs were done",
        )
    stop_clock()
    env.cr.execute("SELECT id FROM queue_job WHERE id > %s AND model_name = 'base_import.import'", [after])
    queue_jobs = [job_id for (job_id,) in env.cr.fetchall()]
    worker_pids, retries = queue_job_figures(env, queue_jobs)
    return data_rows(content), {
        "errors": errors[:3],
        "workers": args.workers,
        "queue_jobs": queue_jobs,
        "queue_job_retries": retries,
        **memory.result(worker_pids),
    }


def lead_base_import_async_check(env, content, result, checks):
    check(checks, "errors", [], result["errors"])
    check_server_queue_jobs(env, result, checks)
    rows = data_rows(content)
    env.cr.execute(
        "SELECT count(*) FROM queue_job WHERE id = ANY(%s) AND method_name = '_import_one_chunk'",
        [result["queue_jobs"]],
    )
    check(checks, "chunk jobs", -(-rows // 100), env.cr.fetchone()[0])
    names = [row[LEAD_HEADERS.index("Lead name")] for row in file_rows(content)[1:]]
    check(checks, "leads created", rows, env["crm.lead"].search_count([("name", "in", names)]))
    sample_leads(env, content, [], checks, pending=False)


SCENARIOS = {
    "setup": (setup, None),
    "lead-module": (lead_module, lead_module_check),
    "lead-base_import": (lead_base_import, lead_base_import_check),
    "dry-run-module": (dry_run_module, dry_run_module_check),
    "member-module": (member_module, member_module_check),
    "member-revert": (member_revert, member_revert_check),
    "promote-prepare": (promote_prepare, lead_module_check),
    "promote-module": (promote_module, promote_module_check),
    "assignment-prepare": (assignment_prepare, assignment_prepare_check),
    "assignment-module": (assignment_module, assignment_check),
    "prospect-module": (prospect_module, prospect_check),
    "member-dry-run": (member_dry_run, member_dry_run_check),
    "lead-server": (lead_server, lead_server_check),
    "assignment-server": (assignment_server, assignment_server_check),
    "lead-base_import_async": (lead_base_import_async, lead_base_import_async_check),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("conf")
    parser.add_argument("db")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("file", nargs="?")
    parser.add_argument("--profile", help="write a cProfile of the measured part here")
    parser.add_argument("--server-pid", type=int, help="the production server that performs the queue jobs")
    parser.add_argument("--workers", type=int, default=1, help="the server's HTTP workers")
    parser.add_argument(
        "--track-history", action="store_true", help='base_import with "Track history during import" ticked'
    )
    args = parser.parse_args()
    content = open(args.file, "rb").read() if args.file else b""
    env = odoo_env(args.conf, args.db)
    run, verify = SCENARIOS[args.scenario]
    vacuum(env)  # what the earlier runs left behind
    VACUUM_SECONDS[0] = 0.0
    baseline = rss_mb("VmRSS")
    profiler = cProfile.Profile() if args.profile else None
    CLOCK["start"] = time.perf_counter()
    if profiler:
        profiler.enable()
    error = None
    try:
        rows, result = run(env, content, args)
    except Failed as failure:
        rows, result, error = data_rows(content) if content else 0, {}, str(failure)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    seconds = (CLOCK["stop"] or time.perf_counter()) - CLOCK["start"] - VACUUM_SECONDS[0]
    peak = rss_mb("VmHWM")
    if "server_peak_rss_mb" in result:
        # The server's workers did the work: their memory, not this process's.
        peak, baseline = result["server_peak_rss_mb"], result["server_baseline_rss_mb"]
    checks = {}
    if verify and not error:
        env.invalidate_all()
        try:
            verify(env, content, result, checks)
        except Failed as failure:
            error = str(failure)
    env.cr.close()
    server_keys = ("workers", "queue_job_retries", "server_peaks_mb", "server_worker_pids")
    server = {key: result[key] for key in server_keys if key in result}
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
                "vacuum_seconds": round(VACUUM_SECONDS[0] + CONCURRENT_VACUUM_SECONDS[0], 1),
                "checks": len(checks),
                "error": error,
                **server,
            }
        )
    )
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
