# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import contextlib
import gc
import io
import json
import logging
import threading

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, mute_logger, split_every

from ..readers import MAX_UNZIPPED, MB, ReadError, open_table
from ..writers import write_csv, write_xlsx
from . import bulk_insert
from .crm_bulk_import_type import Result, StagedLine, undo_signer

_logger = logging.getLogger(__name__)

# Chunks applied side by side in threads pause the collector together: it
# is the process's (collector_paused).
_collector = {"lock": threading.Lock(), "pauses": 0, "was_enabled": False}


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused while a chunk is applied: the tens of
    thousands of objects a chunk keeps in the ORM's cache would be walked
    again and again for the few cycles it leaves, which the next collection
    finds afterwards. The last chunk to finish resumes it, as it was."""
    with _collector["lock"]:
        if not _collector["pauses"]:
            _collector["was_enabled"] = gc.isenabled()
            gc.disable()
        _collector["pauses"] += 1
    try:
        yield
    finally:
        with _collector["lock"]:
            _collector["pauses"] -= 1
            if not _collector["pauses"] and _collector["was_enabled"]:
                gc.enable()


# Statuses a line can have; "would_*" only after a dry run.
LINE_STATUSES = [
    ("pending", "Pending"),
    ("created", "Created"),
    ("updated", "Updated"),
    ("skipped", "Skipped"),
    ("error", "Error"),
    ("would_create", "Would create"),
    ("would_update", "Would update"),
]
DRY_RUN_STATUS = {"created": "would_create", "updated": "would_update"}

# Defaults of the system parameters that tune the background runs.
DEFAULT_BACKGROUND_THRESHOLD = 1000
# How a file is read, as the wizard offers it and the job keeps it.
CSV_ENCODING_HELP = (
    "How the CSV file's characters are written. Detected tells UTF-8, UTF-16, Windows-1252 and Mac Roman apart; "
    "choose it when names read wrong in the preview (Jürgen read as JŸrgen)."
)
CSV_DELIMITER_HELP = (
    "What separates the CSV file's columns. Detected reads it from the first lines (or Excel's sep= line)."
)
XLSX_SHEET_HELP = "The sheet of an XLSX workbook to read, by its name. Empty: the first visible sheet."
# The values an option of each field type takes (see _check_options).
OPTION_KINDS = {"boolean": (bool,), "integer": (int,), "float": (int, float), "char": (str,)}
# What a user sets on an import: the wizard's choices, while it is a draft.
USER_DRAFT_FIELDS = {
    "allow_same_file",
    "date_format",
    "csv_encoding",
    "csv_delimiter",
    "xlsx_sheet",
    "policy",
    "mapping",
    "options",
}
USER_CREATE_FIELDS = USER_DRAFT_FIELDS | {"import_type", "file", "file_name", "company_id", "user_id", "name"}
# Limits of an uploaded file (Settings > CRM > Bulk Import; 0 = no limit).
DEFAULT_MAX_ROWS = 500000
DEFAULT_MAX_FILE_MB = 50
DEFAULT_PORTAL_MAX_FILE_MB = 5
# A portal upload runs in the partner's request: its rows are capped, and so
# are the rows a partner registers in 24 hours.
DEFAULT_PORTAL_MAX_ROWS = 1000
DEFAULT_PORTAL_DAILY_ROWS = 5000
# An XLSX file may expand to this many times the maximum file size; on the
# portal, to this many bytes per row it may have (a lead's cells, generously).
UNZIPPED_FACTOR = 10
PORTAL_UNZIPPED_PER_ROW = 4096
DEFAULT_CHUNK_SIZE = 200
# Rows written to the lines table per COPY / UPDATE statement.
SQL_BATCH = 5000
# Rows a dry run checks at once (one query per check and chunk).
DRY_RUN_CHUNK = 10000
# The queue_job channel of the background runs: its capacity (Odoo's
# configuration, [queue_job] channels) is how many chunks run at once.
CHANNEL = "root.crm_bulk_import"
# Queue jobs that work through one job's pending rows side by side (types
# whose rows depend on each other run one: see crm.bulk.import.type).
DEFAULT_PARALLEL_CHUNKS = 2


MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A download is an attachment of its user's own, tied to no record (Odoo
# lets only its creator read such an attachment): nothing piles up on the
# record, and the autovacuum deletes it after DOWNLOAD_LIFETIME_HOURS.
DOWNLOAD_MARK = "crm_bulk_import download"
DOWNLOAD_LIFETIME_HOURS = 1


def download_action(record, name, content, file_format):
    """Serve bytes as a download to the current user (see DOWNLOAD_MARK)."""
    attachment = record.env["ir.attachment"].create(
        {
            "name": name,
            "raw": content,
            "mimetype": MIMETYPES.get(file_format, "text/csv"),
            "description": DOWNLOAD_MARK,
            "res_model": False,
            "res_id": 0,
        }
    )
    return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}


def file_value(name, content, file_format):
    """A file as the external API returns it: its name, its type and its
    content, base64-encoded (XML-RPC and JSON-RPC carry text)."""
    return {
        "name": name,
        "mimetype": MIMETYPES.get(file_format, "text/csv"),
        "content": base64.b64encode(content).decode(),
    }


class SimulatedCrash(BaseException):
    """Raised by tests in place of a dying worker; not an ``Exception`` so that
    the row-isolation fallback cannot swallow it."""


class CrmBulkImportJob(models.Model):
    _name = "crm.bulk.import.job"
    _inherit = ["mail.thread"]
    _description = "Bulk Import Job"
    _sql_constraints = [("file_lock_unique", "UNIQUE(file_lock)", "The same file is already being imported.")]
    _order = "id desc"

    # Identity and ownership
    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    import_type = fields.Selection(selection="_selection_import_type", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users",
        string="Uploaded by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Portal partner",
        readonly=True,
        help="The partner whose portal user submitted the file.",
    )

    # The file and how to read it
    file = fields.Binary(required=True, attachment=True, readonly=True)
    file_name = fields.Char(readonly=True)
    file_format = fields.Selection([("csv", "CSV"), ("xlsx", "XLSX")], readonly=True)
    file_headers = fields.Json(readonly=True, copy=False)
    file_delimiter = fields.Char(readonly=True, copy=False)
    file_lock = fields.Char(
        readonly=True,
        copy=False,
        help="Import type, company and checksum of the file while this job holds it: the same file is not "
        "imported twice (see _claim_file).",
    )
    allow_same_file = fields.Boolean(
        "Import this file again",
        copy=False,
        help="Import the file even if the same file (same type, same company) was imported before. Without it, a "
        "second import of the same file is refused, so that nothing is created twice.",
    )
    mapping = fields.Json(readonly=True, help="File column -> field key of the import type, as confirmed.")
    date_format = fields.Selection(
        [
            ("auto", "ISO (YYYY-MM-DD) or the language's format"),
            ("%m/%d/%Y", "MM/DD/YYYY"),
            ("%d/%m/%Y", "DD/MM/YYYY"),
            ("%Y-%m-%d", "YYYY-MM-DD"),
            ("%d.%m.%Y", "DD.MM.YYYY"),
        ],
        default="auto",
        required=True,
        readonly=True,
    )
    csv_encoding = fields.Selection(
        [
            ("auto", "Detected"),
            ("utf-8", "UTF-8"),
            ("cp1252", "Windows-1252 (Excel for Windows)"),
            ("mac_roman", "Mac Roman (Excel for Mac)"),
            ("utf-16", "UTF-16"),
            ("latin-1", "Latin-1 (ISO-8859-1)"),
        ],
        "Encoding",
        default="auto",
        required=True,
        readonly=True,
        help=CSV_ENCODING_HELP,
    )
    csv_delimiter = fields.Selection(
        [("auto", "Detected"), (",", "Comma"), (";", "Semicolon"), ("\t", "Tab"), ("|", "Pipe")],
        "Separator",
        default="auto",
        required=True,
        readonly=True,
        help=CSV_DELIMITER_HELP,
    )
    xlsx_sheet = fields.Char(
        "Sheet",
        readonly=True,
        help=XLSX_SHEET_HELP,
    )
    policy = fields.Selection(
        [
            ("partial", "Partial: apply the valid rows, report the others"),
            ("all_or_nothing", "All or nothing: one error and nothing is imported"),
        ],
        default="partial",
        required=True,
        readonly=True,
    )

    # The options of the import's type, as its wizard sets them ({option:
    # value}); the type declares them as fields of its wizard.
    options = fields.Json("Option values", readonly=True, copy=False)
    options_html = fields.Html("Options", compute="_compute_options_html", sanitize=False)

    # Progress and result
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("error", "Error"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
            ("reverting", "Reverting"),
            ("reverted", "Reverted"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    is_dry_run = fields.Boolean(
        "Lines show a dry run",
        readonly=True,
        copy=False,
        help="The lines below predict the import: nothing has been written yet.",
    )
    dry_run_checks_only = fields.Boolean(
        compute="_compute_dry_run_checks_only",
        help="The type's dry run only checks the rows and keeps the lines with an error or a warning.",
    )
    line_ids = fields.One2many("crm.bulk.import.job.line", "job_id", readonly=True, copy=False)
    count_total = fields.Integer("Rows", readonly=True, copy=False)
    count_done = fields.Integer("Rows processed", readonly=True, copy=False)
    queue_job_ids = fields.Many2many(
        "queue.job",
        string="Queue jobs",
        readonly=True,
        copy=False,
        groups="queue_job.group_queue_job_manager",
        help="The queue jobs that ran this import in the background, chunk by chunk (queue_job's Jobs menu).",
    )
    count_created = fields.Integer("Created", readonly=True, copy=False)
    count_updated = fields.Integer("Updated", readonly=True, copy=False)
    count_skipped = fields.Integer("Skipped", readonly=True, copy=False)
    count_error = fields.Integer("Errors", readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    failure_message = fields.Text(readonly=True, copy=False)
    # An all-or-nothing import too big for the request: every row is checked
    # first, then a file without errors is applied in committed chunks; an
    # unexpected failure while applying undoes what was applied.
    all_or_nothing_phase = fields.Selection(
        [
            ("check", "Checking every row"),
            ("apply", "Applying"),
            ("undo", "Undoing after a failure"),
            ("dry_run", "Dry run"),
        ],
        readonly=True,
        copy=False,
    )
    rows_fixed = fields.Boolean(
        "Rows corrected since the last run",
        readonly=True,
        copy=False,
        help="Rows in error were corrected (Fix) since the import last ran them.",
    )
    date_start = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)

    @api.depends("import_type")
    def _compute_dry_run_checks_only(self):
        for job in self:
            job.dry_run_checks_only = bool(job.import_type) and job._applier()._dry_run_checks_only

    @api.depends("count_total", "count_done")
    def _compute_progress(self):
        for job in self:
            job.progress = 100.0 * job.count_done / job.count_total if job.count_total else 0.0

    # ------------------------------------------------------------
    # IMPORT TYPES AND THEIR OPTIONS
    # ------------------------------------------------------------

    @api.model
    def _selection_import_type(self):
        """Every import type the registry holds (see crm.bulk.import.type):
        a module that adds one adds it to the lists, the menus' wizards and
        the revert."""
        types = [
            self.env[name]
            for name in self.env.registry
            if name.startswith("crm.bulk.import.type.") and getattr(self.env[name], "_import_type", None)
        ]
        types.sort(key=lambda applier: (applier._import_type_sequence, applier._import_type))
        return [(applier._import_type, self.env._(applier._import_type_label)) for applier in types]

    def _type_wizard(self):
        """The import type's wizard model, whose extra fields are its options."""
        return self.env[f"crm.bulk.import.wizard.{self.import_type}"]

    def _option(self, name):
        """The value of an option of the job's type: the job's, else the
        default its wizard gives."""
        self.ensure_one()
        options = self.options or {}
        if name in options:
            return options[name]
        wizard = self._type_wizard()
        field = wizard._fields[name]
        return field.default(wizard) if field.default else False

    @api.constrains("options", "import_type")
    def _check_options(self):
        """Only the type's options, with values its wizard could give: written
        over RPC, anything else would reach the type's code."""
        for job in self:
            if not job.options:
                continue
            if not isinstance(job.options, dict):
                raise ValidationError(self.env._("The options of an import are a dictionary {option: value}."))
            wizard = job._type_wizard()
            known = wizard._option_fields()
            for name, value in job.options.items():
                field = wizard._fields.get(name) if name in known else None
                if field is None:
                    raise ValidationError(
                        self.env._(
                            "%(option)s is not an option of this import type (its options: %(options)s).",
                            option=name,
                            options=", ".join(known) or "-",
                        )
                    )
                if field.type == "selection":
                    valid = value in dict(field._description_selection(self.env))
                else:
                    kinds = OPTION_KINDS.get(field.type, ())
                    valid = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
                if not valid:
                    raise ValidationError(
                        self.env._("%(value)r is not a value of the option %(option)s.", value=value, option=name)
                    )

    @api.depends("options", "import_type")
    def _compute_options_html(self):
        for job in self:
            if not job.import_type:
                job.options_html = False
                continue
            wizard = job._type_wizard()
            items = []
            for name in wizard._option_fields():
                field = wizard._fields[name]
                value = job._option(name)
                if field.type == "selection":
                    shown = dict(field._description_selection(self.env)).get(value, value)
                else:
                    shown = self.env._("Yes") if value else self.env._("No")
                items.append(Markup("<li>%s: %s</li>") % (field._description_string(self.env), shown))
            job.options_html = Markup("<ul class='mb-0'>%s</ul>") % Markup().join(items) if items else False

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_user_vals(vals, create=True)
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if vals.get("import_type") and not vals.get("policy"):
                vals["policy"] = self.env[f"crm.bulk.import.type.{vals['import_type']}"]._default_policy
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("crm.bulk.import.job") or "/"
        # The uploaded file is not worth Odoo's full-text index of text
        # attachments (a copy of a big CSV in the database, and its memory).
        jobs = super(CrmBulkImportJob, self.with_context(crm_bulk_import_no_index=True)).create(vals_list)
        return jobs.with_env(self.env)

    def write(self, vals):
        self._check_user_vals(vals)
        if vals.get("state") in ("failed", "cancelled", "reverted"):
            vals = dict(vals, file_lock=False)  # nothing (more) will be imported: the file may come again
        return super().write(vals)

    def message_post(self, **kwargs):
        self._check_internal_chatter()
        if kwargs.get("author_id") is None and not kwargs.get("email_from") and not self.env.user.email:
            # An account without an email (an integration): the message is
            # still the user's, sent from the company's address or Odoo's
            # default sender. Without either, Odoo itself posts it without a
            # sender (as it does in superuser mode), never refusing it.
            kwargs["author_id"] = self.env.user.partner_id.id
            kwargs["email_from"] = (
                self.env.company.email_formatted or self.env["ir.mail_server"]._get_default_from_address()
            )
            if not kwargs["email_from"]:
                kwargs.pop("email_from")
                return super(CrmBulkImportJob, self.sudo()).message_post(**kwargs).with_env(self.env)
        return super().message_post(**kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        self._check_internal_chatter()
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _check_internal_chatter(self):
        """A portal uploader reads their job's outcome on the portal and gets
        its summary by email; its chatter is for the team. Posting on it would
        let them write to any partner from this database."""
        if not self.env.su and self.env.user.share:
            raise AccessError(self.env._("Portal users cannot post on or follow an import."))

    def _write_engine(self, vals):
        """The import's own writes: state, counts, dates, what it read of
        the file. sudo: users may not write these fields (see write); the
        public method that got here has checked their right to the job."""
        return self.sudo().write(vals)

    @api.model
    def _check_user_vals(self, vals, create=False):
        """A user sets only the choices of a draft import (what the wizard
        offers); the rest is the import's: its state, counts, owner, portal
        partner and file, written over RPC, would hand a job to another
        user or partner, or fake its outcome."""
        if self.env.su:
            return
        allowed = USER_CREATE_FIELDS if create else USER_DRAFT_FIELDS
        thread_fields = self.env["mail.thread"]._fields
        refused = sorted(name for name in vals if name not in allowed and name not in thread_fields)
        if create and vals.get("user_id", self.env.uid) != self.env.uid:
            refused.append("user_id")
        if create and vals.get("name", "/") != "/":
            refused.append("name")
        if not create and set(vals) & USER_DRAFT_FIELDS and any(job.state != "draft" for job in self):
            refused += sorted(set(vals) & USER_DRAFT_FIELDS)
        if refused:
            raise AccessError(
                self.env._(
                    "These fields of an import are set by the import itself, not by users: %(fields)s.",
                    fields=", ".join(sorted(set(refused))),
                )
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_dry_run(self):
        """Run the import inside a savepoint that is rolled back, and keep its
        outcome on the lines (would create, would update, errors, matched
        records). Nothing else is written. Raises UserError for file-level
        problems.

        A type whose checks need no writes (``_dry_run_checks_only``) checks
        the file chunk by chunk as it reads it, and stores only the lines with
        errors or warnings: a big file is neither held whole in memory nor
        written to the database; the import reads it again."""
        self.check_access("write")
        for job in self:
            if job.state != "draft":
                raise UserError(self.env._("Only a draft import can be dry-run (%(job)s).", job=job.name))
            applier = job._applier().with_context(crm_bulk_import_dry_run=True)
            if applier._dry_run_checks_only and not job.count_total:
                job._stage_lines(check=lambda staged, job=job, applier=applier: job._apply_lines(staged, applier))
                job._write_engine({"is_dry_run": True})
            else:
                job._stage_lines()
                if job._in_background(job.count_total):
                    job._queue_dry_run()
                    continue
                job._dry_run_lines(job._pending_lines(), applier)
                job._write_engine({"is_dry_run": True})
                job._update_counts()
        return True  # the job's form, where these buttons are, reloads

    def action_import(self):
        """Import the file: at once when it is small or all-or-nothing, else
        queue it for the background cron (chunks committed one by one)."""
        self.check_access("write")
        for job in self:
            if job.state != "draft":
                raise UserError(self.env._("%(job)s has already been started.", job=job.name))
            job._claim_file()
            job._stage_lines()
            if job.partner_id:
                job._check_portal_quota()
            job._write_engine({"date_start": fields.Datetime.now(), "is_dry_run": False})
            if job.policy == "all_or_nothing" and job._in_background(job.count_total):
                job._queue_all_or_nothing()
            elif job.policy == "all_or_nothing":
                job._run_all_or_nothing()
            elif job._run_or_queue(job.count_total - job.count_done):
                job.message_post(
                    body=self.env._(
                        "%(count)s rows queued for a background import.",
                        count=job.count_total,
                    )
                )
        return True  # the job's form, where these buttons are, reloads

    def action_cancel(self):
        """Stop a draft, queued or running job; rows not processed yet are
        marked skipped. Rows already applied stay applied."""
        self.check_access("write")
        for job in self:
            if job.state not in ("draft", "queued", "running"):
                raise UserError(self.env._("%(job)s is finished and cannot be cancelled.", job=job.name))
            pending = self.env["crm.bulk.import.job.line"].search(
                [("job_id", "=", job.id), ("status", "in", ("pending", "would_create", "would_update"))]
            )
            # sudo: lines are written by the import only (see their write).
            pending.sudo().write(
                {"status": "skipped", "message": self.env._("Not imported: the import was cancelled.")}
            )
            job._update_counts()
            job._write_engine({"state": "cancelled", "date_done": fields.Datetime.now()})
            job.message_post(body=self.env._("Import cancelled."))
        return True

    def action_retry_failed(self):
        """Run the rows in error again, as part of this job, with the values
        as they are now (corrected in place, see crm.bulk.import.line.fix):
        the counts and the state follow, the rows already imported are not
        touched. An all-or-nothing import that failed runs its whole file
        again, all or nothing."""
        self.check_access("write")
        for job in self:
            if job.state not in ("error", "failed"):
                raise UserError(
                    self.env._(
                        "Only an import that ended with errors can retry its failed rows (%(job)s).", job=job.name
                    )
                )
            whole_file = job.state == "failed"
            if whole_file:
                job._claim_file()  # its file was released when it failed
            self.env.flush_all()
            self.env.cr.execute(
                """UPDATE crm_bulk_import_job_line
                      SET status = 'pending', message = NULL, res_model = NULL, res_id = 0,
                          write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                    WHERE job_id = %s AND status = ANY(%s)""",
                [self.env.uid, job.id, ["error", "skipped"] if whole_file else ["error"]],
            )
            count = self.env.cr.rowcount
            if not count:
                raise UserError(
                    self.env._(
                        "%(job)s failed before reading its rows (%(reason)s): upload the file again.",
                        job=job.name,
                        reason=job.failure_message or self.env._("no row to retry"),
                    )
                )
            self.env["crm.bulk.import.job.line"].invalidate_model(["status", "message", "res_model", "res_id"])
            job._clear_revert_outcomes()  # a revert dry run made before no longer tells the truth
            job._update_counts()
            message = self.env._("Retrying %(count)s failed rows.", count=count)
            if not job.rows_fixed:
                message += " " + self.env._(
                    "None was corrected since the last run: they run as they were (what they name may exist "
                    "in Odoo now)."
                )
            job.message_post(body=message)
            job._write_engine({"rows_fixed": False, "date_done": False})
            if whole_file and job._in_background(count):
                job._queue_all_or_nothing()
            elif whole_file:
                job._run_all_or_nothing()
            else:
                job._run_or_queue(count)
        return True  # the job's form, where these buttons are, reloads

    def action_approve(self):
        """Approve what the job imported that waits for approval (the Pending
        leads of a lead registration). Callable from automated actions."""
        self.check_access("write")
        leads = self.env["crm.lead"].search(
            [("bulk_import_job_id", "in", self.ids), ("registration_state", "=", "pending")]
        )
        leads.action_approve()
        for job in self:
            count = len(leads.filtered(lambda lead, job=job: lead.bulk_import_job_id == job))
            job.message_post(body=self.env._("%(count)s pending leads approved.", count=count))
        return True

    def action_view_leads(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leads of %(job)s", job=self.name),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [("bulk_import_job_id", "=", self.id), ("active", "in", (True, False))],
        }

    def action_download_errors(self):
        """The failing rows, in the uploaded format, with an Error column.

        After an all-or-nothing refusal the file holds every row (those without
        error were not imported either): fix it and upload it whole again."""
        self.ensure_one()
        name, content = self._errors_file()
        return download_action(self, name, content, self.file_format)

    def errors_file(self):
        """The file of ``action_download_errors`` for API clients: a dict
        with its ``name``, ``mimetype`` and base64 ``content``."""
        self.ensure_one()
        self.check_access("read")
        name, content = self._errors_file()
        return file_value(name, content, self.file_format)

    @api.model
    def template_file(self, import_type, file_format="csv"):
        """The template of an import type (``file_format`` csv or xlsx), as
        ``errors_file`` gives a file; the wizard's Template buttons."""
        self.check_access("create")
        if import_type not in dict(self._selection_import_type()) or file_format not in MIMETYPES:
            raise UserError(self.env._("Unknown import type or file format."))
        applier = self.env[f"crm.bulk.import.type.{import_type}"]
        content = applier._template_xlsx(self.env.company) if file_format == "xlsx" else applier._template_csv()
        return file_value(f"{import_type}_template.{file_format}", content, file_format)

    def _errors_file(self):
        """(file name, content) of the failing rows (see action_download_errors)."""
        keep = ("error", "skipped") if self.policy == "all_or_nothing" and self.state == "failed" else ("error",)
        lines = self.env["crm.bulk.import.job.line"].search(
            [("job_id", "=", self.id), ("status", "in", keep)], order="row_number"
        )
        if not lines.filtered(lambda line: line.status == "error"):
            raise UserError(self.env._("This import has no lines with errors."))
        headers = list(self.file_headers or [])
        error_header = self.env._("Error")
        rows = [
            [str(line.values.get(header, "")) for header in headers] + [line.message if line.status == "error" else ""]
            for line in lines
        ]
        stem = (self.file_name or self.name).rsplit(".", 1)[0]
        if self.file_format == "xlsx":
            content = write_xlsx(headers + [error_header], rows)
        else:
            content = write_csv(headers + [error_header], rows, delimiter=self.file_delimiter or ",")
        return f"{stem}-errors.{self.file_format or 'csv'}", content

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lines of %(job)s", job=self.name),
            "res_model": "crm.bulk.import.job.line",
            "view_mode": "list,form",
            "domain": [("job_id", "=", self.id)],
            "context": {"search_default_filter_error": bool(self.count_error)},
        }

    # ------------------------------------------------------------
    # BUSINESS: reading and staging
    # ------------------------------------------------------------

    def _applier(self):
        """The model that holds the schema and the business rules of the type."""
        return self.env[f"crm.bulk.import.type.{self.import_type}"].with_context(
            crm_bulk_import_portal=bool(self.partner_id)
        )

    def _in_background(self, count):
        """Whether ``count`` rows run on the job queue rather than in the
        request. A portal upload always runs in the partner's request (its
        rows are capped), which shows its outcome at once."""
        if self.partner_id:
            return False
        threshold = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_bulk_import.background_threshold", DEFAULT_BACKGROUND_THRESHOLD)
        )
        return count > min(threshold, self._applier()._background_threshold or threshold)

    def _run_or_queue(self, count):
        """Run the ``count`` pending rows now, or queue them on the job queue
        when they are many.

        :return: whether they were queued"""
        self.ensure_one()
        if self._in_background(count):
            self._write_engine({"state": "queued"})
            self._enqueue_lanes("_queue_run_chunk", self.env._("%(job)s: import rows", job=self.name), count)
            return True
        self._write_engine({"state": "running"})
        self._run_pending()
        self._finalize()
        return False

    def _claim_file(self):
        """Refuse a second import of the same file (same type, company and
        content) unless the user asked for it: the job takes a unique key.
        Two imports of one file at the same moment: the second one's UPDATE
        waits on the first's uncommitted key, and fails once the first
        commits (or goes on if it rolled back)."""
        self.ensure_one()
        checksum = self._file_attachment().checksum  # the filestore's SHA-1 of the content
        if self.allow_same_file or not checksum:
            return
        # A partner's portal uploads are checked against their own: another
        # partner's file, or the team's, is none of theirs to hear about.
        owner = f"p{self.partner_id.commercial_partner_id.id}:" if self.partner_id else ""
        key = f"{self.import_type}:{self.company_id.id}:{owner}{checksum}"
        self.env.flush_all()
        # A file imported before is refused from a look-up; the unique key
        # settles only two imports racing (logged by PostgreSQL's driver as a
        # failed query otherwise, which alarms log monitoring for nothing).
        self.env.cr.execute("SELECT 1 FROM crm_bulk_import_job WHERE file_lock = %s AND id != %s", [key, self.id])
        if self.env.cr.fetchone():
            raise UserError(self._same_file_message(key))
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute("UPDATE crm_bulk_import_job SET file_lock = %s WHERE id = %s", [key, self.id])
        except psycopg2.errors.UniqueViolation:
            raise UserError(self._same_file_message(key)) from None
        self.invalidate_recordset(["file_lock"])

    def _check_portal_quota(self):
        """A partner registers at most the daily number of rows (a setting)
        through the portal in 24 hours, this file included."""
        self.ensure_one()
        quota = self._limits(portal=True)["daily_rows"]
        if not quota:
            return
        commercial = self.partner_id.commercial_partner_id
        since = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        self.env.cr.execute(
            """SELECT coalesce(sum(job.count_created), 0)
                 FROM crm_bulk_import_job job
                 JOIN res_partner partner ON partner.id = job.partner_id
                WHERE partner.commercial_partner_id = %s AND job.create_date >= %s AND job.id != %s""",
            [commercial.id, since, self.id],
        )
        registered = self.env.cr.fetchone()[0]
        if registered + self.count_total > quota:
            raise UserError(
                self.env._(
                    "You can register up to %(quota)s leads in 24 hours; %(registered)s are registered already "
                    "and this file has %(rows)s. Upload the rest tomorrow, or contact us.",
                    quota=quota,
                    registered=registered,
                    rows=self.count_total,
                )
            )

    def _same_file_message(self, key):
        query = """SELECT job.name, job.state, job.create_date, partner.name
                     FROM crm_bulk_import_job job
                     JOIN res_users users ON users.id = job.user_id
                     JOIN res_partner partner ON partner.id = users.partner_id
                    WHERE job.file_lock = %s"""
        self.env.cr.execute(query, [key])
        holder = self.env.cr.fetchone()
        if not holder:
            # The job that holds the key committed after this transaction's
            # snapshot was taken: a new cursor sees it.
            with self.env.registry.cursor() as cr:
                cr.execute(query, [key])
                holder = cr.fetchone()
        if not holder:
            return self.env._("The same file is being imported by another job: try again in a moment.")
        name, state, create_date, user = holder
        values = {"job": name, "user": user, "date": fields.Datetime.to_string(create_date)[:16]}
        if self.partner_id:
            return self.env._(
                "You uploaded the same file on %(date)s (%(job)s): its leads are registered already, see My "
                "Leads. To register other leads, upload a file with those leads only.",
                date=values["date"],
                job=name,
            )
        if state in ("queued", "running"):
            message = self.env._(
                "The same file is being imported by %(job)s (uploaded by %(user)s on %(date)s).", **values
            )
        else:
            message = self.env._(
                "The same file was already imported by %(job)s (uploaded by %(user)s on %(date)s).", **values
            )
        return (
            message
            + " "
            + self.env._(
                'Importing it again would create its records twice. To import it anyway, tick "Import this file again".'
            )
        )

    def _read_table(self):
        self.ensure_one()
        return self._open_table(
            self._open_file(),
            self.file_name,
            portal=bool(self.partner_id),
            import_type=self.import_type,
            csv_choices=(self.csv_encoding, self.csv_delimiter),
            sheet_name=self.xlsx_sheet,
        )

    @api.model
    def _open_table(
        self, data, file_name, portal=False, *, import_type=None, csv_choices=("auto", "auto"), sheet_name=None
    ):
        """open_table with the limits in force (a portal upload's own); file
        problems as UserError in the user's language. ``data``: bytes or a
        binary stream. ``import_type``: its columns find the header row under
        title rows. ``csv_choices``: the encoding and separator the user
        chose ("auto": detected)."""
        encoding, delimiter = (choice if choice != "auto" else None for choice in csv_choices)
        limits = self._limits(portal=portal)
        header_names = None
        if import_type:
            header_names = {name for column in self._type_schema(import_type).columns for name in column.names}
        try:
            return open_table(
                data,
                file_name or "",
                max_rows=limits["max_rows"],
                max_unzipped=limits["max_unzipped"],
                header_names=header_names,
                sheet_name=(sheet_name or "").strip() or None,
                encoding=encoding,
                delimiter=delimiter,
            )
        except ReadError as error:
            raise UserError(error.translated(self.env.lang)) from None

    @api.model
    def _type_schema(self, import_type):
        return self.env[f"crm.bulk.import.type.{import_type}"]._schema()

    @api.model
    def _limits(self, portal=False):
        """The file limits in force: max_rows, max_bytes, max_unzipped, and
        daily_rows for the portal (None: no limit). A portal upload has its
        own, smaller ones, its unzipped size included."""
        param = self.env["ir.config_parameter"].sudo().get_param
        prefix = "crm_bulk_import.portal_" if portal else "crm_bulk_import."
        max_rows = int(param(f"{prefix}max_rows", DEFAULT_PORTAL_MAX_ROWS if portal else DEFAULT_MAX_ROWS) or 0)
        max_mb = int(param(f"{prefix}max_file_mb", DEFAULT_PORTAL_MAX_FILE_MB if portal else DEFAULT_MAX_FILE_MB) or 0)
        daily = int(param("crm_bulk_import.portal_daily_rows", DEFAULT_PORTAL_DAILY_ROWS) or 0) if portal else 0
        max_unzipped = max_mb * MB * UNZIPPED_FACTOR or MAX_UNZIPPED
        if portal and max_rows:
            # Reading an XLSX costs time with its unzipped size (about a
            # second per MB of shared strings), and the portal reads it in
            # the partner's request: what its rows can need, no more.
            max_unzipped = min(max_unzipped, max(MB, max_rows * PORTAL_UNZIPPED_PER_ROW))
        return {
            "max_rows": max_rows or None,
            "max_bytes": max_mb * MB or None,
            "max_unzipped": max_unzipped,
            "daily_rows": daily or None,
        }

    @api.model
    def _check_file_size(self, size, file_name, portal=False):
        """A UserError when a file of ``size`` bytes is over the limit."""
        limit = self._limits(portal=portal)["max_bytes"]
        if limit and size > limit:
            raise UserError(
                self.env._(
                    "%(file)s is %(size)s MB, more than the %(max)s MB a file may have: split it into smaller files "
                    "and import them one after the other.",
                    file=file_name or self.env._("The file"),
                    size=f"{size / MB:,.1f}",
                    max=f"{limit / MB:,.0f}",
                )
            )

    def _file_attachment(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_field", "=", "file"), ("res_id", "=", self.id)], limit=1)
        )

    def _open_file(self):
        """The uploaded file as a binary stream: opened from the filestore,
        not loaded whole (as base64, then bytes) the way reading ``file`` is."""
        attachment = self._file_attachment()
        if not attachment.file_size:
            raise UserError(self.env._("The file is empty.") if self.file_name else self.env._("Upload a file first."))
        self._check_file_size(attachment.file_size, self.file_name, portal=bool(self.partner_id))
        if attachment.store_fname:
            try:
                return open(attachment._full_path(attachment.store_fname), "rb")  # noqa: SIM115 - the reader closes it
            except OSError:
                _logger.warning("%s: file %s missing from the filestore", self.name, attachment.store_fname)
                raise UserError(
                    self.env._(
                        "The file of %(job)s is missing from the server's file store: upload it again.", job=self.name
                    )
                ) from None
        return io.BytesIO(attachment.raw or b"")

    def _stage_lines(self, check=None):
        """Read the file once and store one pending line per data row, with its
        raw values keyed by the file's own column names. File-level problems
        raise a UserError and leave the job untouched. The file is read and
        written in chunks: a big file is never held whole as Python rows.

        :param check: for a dry run, a function of a list of StagedLine (their
            id is their row number) returning {row number: Result}. Only the
            lines with something to say (errors, warnings) are then stored;
            the counts are the job's. The import that follows reads the file
            again."""
        self.ensure_one()
        if self.is_dry_run:
            self.env.cr.execute("SELECT count(*) FROM crm_bulk_import_job_line WHERE job_id = %s", [self.id])
            if self.env.cr.fetchone()[0] == self.count_total:
                # A dry run staged every line already: run them again for real.
                self.env.cr.execute(
                    """UPDATE crm_bulk_import_job_line
                          SET status = 'pending', message = NULL, res_model = NULL, res_id = 0
                        WHERE job_id = %s""",
                    [self.id],
                )
                self.env["crm.bulk.import.job.line"].invalidate_model(["status", "message", "res_model", "res_id"])
                self._update_counts()
                return
            self.env.cr.execute("DELETE FROM crm_bulk_import_job_line WHERE job_id = %s", [self.id])
            self.env["crm.bulk.import.job.line"].invalidate_model()
            self._write_engine({"count_total": 0})
        if self.count_total:
            return
        table = self._read_table()
        applier = self._applier()
        mapping = self.mapping or applier._schema().propose_mapping(table.headers)
        unknown = set(mapping) - set(table.headers)
        if unknown:
            raise UserError(
                self.env._(
                    "The mapping names columns the file does not have: %(columns)s.",
                    columns=", ".join(sorted(unknown)),
                )
            )
        missing = applier._schema().missing_required(mapping)
        if missing:
            raise UserError(
                self.env._(
                    "The file has no column for the required field(s) %(fields)s. "
                    "Add the column or map an existing one to it. Columns found: %(headers)s.",
                    fields=", ".join(f'"{column.label}"' for column in missing),
                    headers=", ".join(f'"{header}"' for header in table.headers),
                )
            )
        applier._check_mapping(self, mapping, table.headers)
        self._write_engine(
            {
                "mapping": mapping,
                "file_format": table.file_format,
                "file_headers": table.headers,
                "file_delimiter": table.delimiter or False,
            }
        )
        headers, width = table.headers, len(table.headers)
        staged = (
            StagedLine(
                row_number,
                row_number,
                dict(zip(headers, values, strict=False)),
                [value for value in values[width:] if value] or False,
            )
            for row_number, values in table.rows
        )
        total, tally = 0, {}
        try:
            for chunk in split_every(DRY_RUN_CHUNK if check else SQL_BATCH, staged, list):
                total += len(chunk)
                if check:
                    results = check(chunk)
                    for result in results.values():
                        tally[result.status] = tally.get(result.status, 0) + 1
                    telling = [line for line in chunk if results[line.id].status == "error" or results[line.id].message]
                    self._insert_lines(telling, results)
                else:
                    self._insert_lines(chunk, {})
        except ReadError as error:
            raise UserError(error.translated(self.env.lang)) from None
        self._write_engine({"count_total": total})
        self.invalidate_recordset(["line_ids"])
        if check:
            self._write_engine(
                {
                    "count_created": tally.get("created", 0),
                    "count_updated": tally.get("updated", 0),
                    "count_skipped": tally.get("skipped", 0),
                    "count_error": tally.get("error", 0),
                    "count_done": total,
                }
            )
        else:
            self._update_counts()

    def _insert_lines(self, staged, results):
        """Write a chunk of StagedLine to the lines table (COPY, by batches);
        ``results`` by row number (dry-run outcomes) set their status and
        message at once."""
        self.env.flush_all()
        now = fields.Datetime.now()
        rows = []
        for line in staged:
            result = results.get(line.id)
            status = DRY_RUN_STATUS.get(result.status, result.status) if result else "pending"
            rows.append(
                (
                    line.row_number,
                    json.dumps(line.values),
                    json.dumps(line.extra_values) if line.extra_values else None,
                    status,
                    (result.message or None) if result else None,
                    (result.res_model or None) if result else None,
                    (result.res_id or 0) if result else 0,
                )
            )
        columns = (
            *("job_id", "company_id", "create_uid", "write_uid", "create_date", "write_date"),
            *("row_number", "values", "extra_values", "status", "message", "res_model", "res_id"),
        )
        common = (self.id, self.company_id.id, self.env.uid, self.env.uid, now, now)
        for batch in split_every(SQL_BATCH, rows, list):
            bulk_insert.copy_rows(self.env.cr, "crm_bulk_import_job_line", columns, batch, common)

    # ------------------------------------------------------------
    # BUSINESS: running
    # ------------------------------------------------------------

    def _apply_lines(self, lines, applier=None):
        """Parse and apply ``lines`` (StagedLine tuples) with the type's
        applier.

        :return: {line id: Result}; parse errors are results too.
        """
        applier = self._applier() if applier is None else applier
        rows, results = applier._parse_lines(self, lines)
        if rows:
            results.update(applier._apply_rows(self, rows))
        return results

    def _pending_lines(self, limit=None, lock=False):
        """The job's pending lines as StagedLine tuples, in file order; with
        ``lock``, claimed with row locks that other workers skip."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id, row_number, values, extra_values FROM crm_bulk_import_job_line
                    WHERE job_id = %s AND status = 'pending' ORDER BY row_number %s %s""",
                self.id,
                SQL("LIMIT %s", int(limit)) if limit else SQL(),
                SQL("FOR UPDATE SKIP LOCKED") if lock else SQL(),
            )
        )
        return [StagedLine(*row) for row in self.env.cr.fetchall()]

    def _run_chunk(self, lines):
        """Apply one chunk: its effects and its lines' results are written in one
        savepoint, so a crash loses the chunk whole and the next run redoes it.
        A row that makes the whole chunk fail is isolated by re-running the chunk
        row by row, so one bad row never blocks the others."""
        try:
            with self.env.cr.savepoint(), collector_paused():
                self._write_results(self._apply_lines(lines))
        except Exception:  # noqa: BLE001 - reported on the row, see below
            _logger.info("%s: chunk failed, re-running it row by row", self.name, exc_info=True)
            self.env.invalidate_all()
            for line in lines:
                try:
                    with self.env.cr.savepoint():
                        self._write_results(self._apply_lines([line]))
                except Exception as error:  # noqa: BLE001
                    self.env.invalidate_all()
                    message = self.env._(
                        "Row %(row)s could not be imported: %(error)s", row=line.row_number, error=error
                    )
                    self._write_results({line.id: Result("error", message)})

    def _run_pending(self):
        """Run the pending lines chunk by chunk, in this transaction (a run in
        the request; the background runs one chunk per queue job)."""
        self.ensure_one()
        chunk_size = self._chunk_size()
        while True:
            lines = self._pending_lines(limit=chunk_size, lock=True)
            if not lines:
                break
            self._run_chunk(lines)
            self._update_counts()

    def _run_all_or_nothing(self):
        """All-or-nothing: every row in one savepoint; one error and the
        savepoint is rolled back, every error listed, the others skipped."""
        self.ensure_one()
        self._write_engine({"state": "running"})
        lines = self._pending_lines()
        savepoint = self.env.cr.savepoint()
        try:
            results = self._apply_lines(lines)
        except Exception:
            savepoint.close(rollback=True)
            raise
        failed = any(result.status == "error" for result in results.values())
        savepoint.close(rollback=failed)
        if failed:
            self.env.invalidate_all()
            skipped = self.env._("Not imported: the file has errors and this import is all-or-nothing.")
            for line_id, result in results.items():
                if result.status != "error":
                    results[line_id] = result._replace(
                        status="skipped", message=skipped, res_model="", res_id=0, undo=None
                    )
        self._write_results(results)
        self._finalize()

    def _write_results(self, results, dry_run=False):
        """{line id: Result} onto the lines, one UPDATE per batch of lines."""
        if not results:
            return
        self.env.flush_all()
        now = fields.Datetime.now()
        sign = undo_signer(self.env)
        rows = []
        for line_id, result in results.items():
            undo = result.undo if result.undo and not dry_run else None
            rows.append(
                (
                    line_id,
                    DRY_RUN_STATUS.get(result.status, result.status) if dry_run else result.status,
                    result.message or None,
                    result.res_model or None,
                    result.res_id or 0,
                    json.dumps(undo) if undo else None,
                    sign(line_id, self.id, undo) if undo else None,
                    self.env.uid,
                    now,
                )
            )
        for batch in split_every(SQL_BATCH, rows, list):
            self.env.cr.execute(
                SQL(
                    """UPDATE crm_bulk_import_job_line AS line
                          SET status = v.status, message = v.message, res_model = v.res_model, res_id = v.res_id,
                              undo = v.undo, undo_signature = v.signature, write_uid = v.write_uid,
                              write_date = v.write_date
                         FROM (VALUES %s) AS v(id, status, message, res_model, res_id, undo, signature, write_uid,
                                              write_date)
                        WHERE line.id = v.id""",
                    bulk_insert.values_list(batch, (None,) * 5 + ("jsonb", None, None, "timestamp")),
                )
            )
        self.env["crm.bulk.import.job.line"].invalidate_model(
            ["status", "message", "res_model", "res_id", "undo", "undo_signature"]
        )

    def _update_counts(self, running=False):
        """The counts from the lines; with ``running``, a queued job shows as
        running."""
        self.env.flush_all()
        for job in self:
            self.env.cr.execute(
                "SELECT status, count(*) FROM crm_bulk_import_job_line WHERE job_id = %s GROUP BY status",
                [job.id],
            )
            counts = dict(self.env.cr.fetchall())
            job._write_engine(
                {
                    "count_created": counts.get("created", 0) + counts.get("would_create", 0),
                    "count_updated": counts.get("updated", 0) + counts.get("would_update", 0),
                    "count_skipped": counts.get("skipped", 0),
                    "count_error": counts.get("error", 0),
                    "count_done": sum(counts.values()) - counts.get("pending", 0),
                }
            )
        if running:
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE crm_bulk_import_job SET state = 'running' WHERE id = ANY(%s) AND state = 'queued'", [self.ids]
            )
            self.invalidate_recordset(["state"])

    def _finalize(self, background=False):
        """Close a job whose rows are all processed: state, chatter, email to the
        uploader, backend notification. Safe when several workers race to it:
        the job row is locked and only a running job is closed."""
        for job in self:
            self.env.flush_all()
            self.env.cr.execute("SELECT state FROM crm_bulk_import_job WHERE id = %s FOR UPDATE", [job.id])
            if self.env.cr.fetchone()[0] not in ("queued", "running"):
                continue
            self.env.cr.execute(
                "SELECT 1 FROM crm_bulk_import_job_line WHERE job_id = %s AND status = 'pending' LIMIT 1",
                [job.id],
            )
            if self.env.cr.fetchone():
                continue
            job.invalidate_recordset()
            job._update_counts()
            if job.policy == "all_or_nothing" and job.count_error:
                state = "failed"  # nothing was applied
            else:
                state = "error" if job.count_error else "done"
            vals = {"state": state, "date_done": fields.Datetime.now(), "all_or_nothing_phase": False}
            if not (job.count_created or job.count_updated):
                vals["file_lock"] = False  # nothing was imported: the same file may come again
            job._write_engine(vals)
            job._notify_done(background)

    def _notify_done(self, background=False):
        """Chatter, email to the uploader and, for a background run, a
        notification in the backend (an import run in the request opens its
        job's form: a notification would pile up over it)."""
        self.ensure_one()
        summary = self._summary()
        self.message_post(body=summary, partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_note")
        template = self.env.ref("crm_bulk_import.mail_template_crm_bulk_import_job_done")
        template.send_mail(self.id, force_send=False)
        if not background:
            return
        self._notify_user(self.env._("Import %(job)s finished", job=self.name), summary, sticky=bool(self.count_error))

    def _notify_user(self, title, summary, sticky=False):
        """A notification in the uploader's backend."""
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "warning" if self.count_error else "success",
                "title": title,
                "message": str(summary),
                "sticky": sticky,
            },
        )

    def _summary(self):
        self.ensure_one()
        return self.env._(
            "%(job)s: %(created)s created, %(updated)s updated, %(skipped)s skipped, "
            "%(errors)s with errors, out of %(total)s rows.",
            job=self.name,
            created=self.count_created,
            updated=self.count_updated,
            skipped=self.count_skipped,
            errors=self.count_error,
            total=self.count_total,
        )

    def _first_errors(self, limit=10):
        """For the summary email: the first error lines."""
        self.ensure_one()
        return self.env["crm.bulk.import.job.line"].search(
            [("job_id", "=", self.id), ("status", "=", "error")], order="row_number", limit=limit
        )

    def _url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/mail/view?model={self._name}&res_id={self.id}"

    # ------------------------------------------------------------
    # BUSINESS: the job queue
    # ------------------------------------------------------------

    def _chunk_size(self, checks=False):
        """Rows per chunk: the system parameter, else the type's default. For
        ``checks`` on the queue (an all-or-nothing import's, a dry run's) of
        a type whose checks write nothing, as many as a dry run in the
        request checks at once."""
        size = self.env["ir.config_parameter"].sudo().get_param("crm_bulk_import.chunk_size")
        if size:
            return int(size)
        if not self.import_type:
            return DEFAULT_CHUNK_SIZE
        applier = self._applier()
        return DRY_RUN_CHUNK if checks and applier._dry_run_checks_only else applier._default_chunk_size

    def _parallel_chunks(self):
        return max(
            1,
            int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("crm_bulk_import.parallel_chunks", DEFAULT_PARALLEL_CHUNKS)
            ),
        )

    def _enqueue(self, method, description):
        """A queue job of the module's channel that runs ``method`` on this
        job, linked to it (the form lists its queue jobs)."""
        self.ensure_one()
        # Run as the uploader, with the rights the import had in the request.
        delayed = getattr(self.with_user(self.user_id).with_delay(channel=CHANNEL, description=description), method)()
        queue_job = delayed.db_record()
        # The link only, in its table: a write on the import would update
        # its row, which the chunk running side by side updates too (its
        # counts), and one of the two would fail to serialize.
        field = self._fields["queue_job_ids"]
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s, %s) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                self.id,
                queue_job.id,
            )
        )
        self.invalidate_recordset(["queue_job_ids"])
        return queue_job

    def _dry_run_lines(self, lines, applier):
        """Apply ``lines`` in a savepoint rolled back; their outcomes (would
        create, would update, errors) stay on the lines."""
        savepoint = self.env.cr.savepoint()
        try:
            results = self._apply_lines(lines, applier)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        self._write_results(results, dry_run=True)

    def _enqueue_lanes(self, method, description, count, chunk_size=None):
        """Queue jobs to work through ``count`` pending rows, ``chunk_size``
        (else the chunk size) at a time: side by side, unless the type's rows
        depend on each other."""
        lanes = 1 if self._applier()._sequential_chunks else self._parallel_chunks()
        for _lane in range(min(lanes, -(-count // (chunk_size or self._chunk_size())))):
            self._enqueue(method, description)

    def _enqueue_next(self, lines, method, description):
        """The queue job of the next chunk, when rows other than ``lines``
        (claimed by this one) are pending; in this chunk's transaction, so a
        chunk and its successor are committed together."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT 1 FROM crm_bulk_import_job_line
                WHERE job_id = %s AND status = 'pending' AND id != ALL(%s) LIMIT 1""",
            [self.id, [line.id for line in lines]],
        )
        if self.env.cr.fetchone():
            self._enqueue(method, description)

    def _queue_run_chunk(self):
        """A queue job: apply the next chunk of pending rows, then queue the
        next chunk. Its rows are claimed with row locks that other queue jobs
        of the same import skip, so several run side by side; a row's effects
        and its result are committed together, so a worker killed mid-chunk
        leaves its rows pending, for queue_job to run the job again, and no
        row is ever applied twice."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute("SELECT state FROM crm_bulk_import_job WHERE id = %s", [self.id])
        if (self.env.cr.fetchone() or [None])[0] not in ("queued", "running"):
            return "stopped"  # cancelled, or deleted, meanwhile
        lines = self._pending_lines(limit=self._chunk_size(), lock=True)
        if lines:
            self._run_chunk(lines)
            failed = self._first_error(lines) if self.all_or_nothing_phase == "apply" else None
            if failed:
                self._all_or_nothing_failed(failed)
                return "failed"
            self._enqueue_next(lines, "_queue_run_chunk", self.env._("%(job)s: import rows", job=self.name))
        self._commit_then_tally()
        self._update_counts(running=True)
        self._finalize(background=True)
        return f"{len(lines)} rows"

    def _queue_all_or_nothing(self):
        """Queue an all-or-nothing import: its rows are checked chunk by chunk
        first (as a dry run), side by side."""
        self._queue_checks(
            "check",
            self.env._("%(job)s: check rows", job=self.name),
            self.env._(
                "%(count)s rows queued for a background import, all or nothing: every row is checked first, "
                "then applied if none has an error.",
                count=self.count_total,
            ),
        )

    def _queue_dry_run(self):
        """Queue the dry run of a big file: the job is a draft again once
        every row has its outcome."""
        self._write_engine({"is_dry_run": True})
        self._queue_checks(
            "dry_run",
            self.env._("%(job)s: dry run", job=self.name),
            self.env._(
                "%(count)s rows queued for a background dry run: nothing is written, each row gets its outcome.",
                count=self.count_total,
            ),
        )

    def _queue_checks(self, phase, description, message):
        """Queue the rows' checks, chunk by chunk on the job queue (each chunk
        rolled back), for ``phase``; ``message`` tells the chatter."""
        self.ensure_one()
        self._write_engine({"state": "queued", "all_or_nothing_phase": phase})
        self._enqueue_lanes("_queue_check_chunk", description, self.count_total, self._chunk_size(checks=True))
        self.message_post(body=message)

    def _queue_check_chunk(self):
        """A queue job of an all-or-nothing import: check the next chunk of
        rows as a dry run does (rolled back), then the next chunk; the last
        one decides."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute("SELECT state, all_or_nothing_phase FROM crm_bulk_import_job WHERE id = %s", [self.id])
        state, phase = self.env.cr.fetchone() or (None, None)
        if state not in ("queued", "running") or phase not in ("check", "dry_run"):
            return "stopped"  # cancelled, or deleted, meanwhile
        lines = self._pending_lines(limit=self._chunk_size(checks=True), lock=True)
        if lines:
            self._dry_run_lines(lines, self._applier().with_context(crm_bulk_import_dry_run=True))
            self._enqueue_next(lines, "_queue_check_chunk", self.env._("%(job)s: check rows", job=self.name))
        self._commit_then_tally()
        self._update_counts(running=True)
        self._all_or_nothing_checked()
        return f"{len(lines)} rows checked"

    def _all_or_nothing_checked(self):
        """Once every row is checked: a file with errors is imported not at
        all (the job fails, every error listed); a file without is applied,
        in committed chunks."""
        self.env.flush_all()
        self.env.cr.execute("SELECT all_or_nothing_phase FROM crm_bulk_import_job WHERE id = %s FOR UPDATE", [self.id])
        phase = self.env.cr.fetchone()[0]
        if phase not in ("check", "dry_run"):
            return
        self.env.cr.execute(
            "SELECT status, count(*) FROM crm_bulk_import_job_line WHERE job_id = %s GROUP BY status", [self.id]
        )
        counts = dict(self.env.cr.fetchall())
        if counts.get("pending"):
            return
        if phase == "dry_run":
            self._write_engine({"state": "draft", "all_or_nothing_phase": False})
            self._update_counts()
            self._notify_dry_run_done()
            return
        if counts.get("error"):
            self.env.cr.execute(
                """UPDATE crm_bulk_import_job_line SET status = 'skipped', message = %s
                    WHERE job_id = %s AND status IN ('would_create', 'would_update')""",
                [self.env._("Not imported: the file has errors and this import is all-or-nothing."), self.id],
            )
            self.env["crm.bulk.import.job.line"].invalidate_model(["status", "message"])
            self._update_counts()
            self._finalize(background=True)  # Failed, and out of its phase
            return
        self.env.cr.execute(
            """UPDATE crm_bulk_import_job_line SET status = 'pending', message = NULL
                WHERE job_id = %s AND status IN ('would_create', 'would_update')""",
            [self.id],
        )
        self.env["crm.bulk.import.job.line"].invalidate_model(["status", "message"])
        self._write_engine({"all_or_nothing_phase": "apply"})
        self._update_counts()
        pending = counts.get("would_create", 0) + counts.get("would_update", 0)
        self._enqueue_lanes("_queue_run_chunk", self.env._("%(job)s: import rows", job=self.name), pending)

    def _dry_run_counts(self):
        """What a dry run found, in a sentence."""
        self.ensure_one()
        return self.env._(
            "Dry run of %(total)s rows: %(created)s would be created, %(updated)s updated, %(errors)s with errors. "
            "Nothing was written.",
            total=self.count_total,
            created=self.count_created,
            updated=self.count_updated,
            errors=self.count_error,
        )

    def _notify_dry_run_done(self):
        summary = self._dry_run_counts()
        self.message_post(body=summary, partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_note")
        self._notify_user(self.env._("Dry run of %(job)s finished", job=self.name), summary)

    def _all_or_nothing_failed(self, failed):
        """The row ``failed`` of an all-or-nothing import failed while
        applying although every row had passed its check (what it names
        changed meanwhile): nothing more is applied, and what was applied is
        undone."""
        self.env.flush_all()
        self.env.cr.execute("SELECT all_or_nothing_phase FROM crm_bulk_import_job WHERE id = %s FOR UPDATE", [self.id])
        if self.env.cr.fetchone()[0] != "apply":
            return
        reason = self.env._(
            "Row %(row)s failed while the file was applied: %(error)s. What was applied is undone.",
            row=failed.row_number,
            error=failed.message,
        )
        self.env.cr.execute(
            """UPDATE crm_bulk_import_job_line SET status = 'skipped', message = %s
                WHERE job_id = %s AND status = 'pending'""",
            [self.env._("Not imported: the import failed and is all-or-nothing."), self.id],
        )
        self.env["crm.bulk.import.job.line"].invalidate_model(["status", "message"])
        self._write_engine(
            {"all_or_nothing_phase": "undo", "failure_message": reason, "revert_mode": "revert", "state": "reverting"}
        )
        self._update_counts()
        self._enqueue("_queue_run_revert", self.env._("%(job)s: undo rows", job=self.name))

    def _queue_run_revert(self):
        """A queue job: revert (or dry-run the revert of) one chunk of rows,
        from the last to the first, then queue the next chunk."""
        self.ensure_one()
        if not self.revert_mode:
            return "stopped"
        handled = self._run_revert(chunks=1)
        if self.revert_mode:
            self._enqueue("_queue_run_revert", self.env._("%(job)s: revert rows", job=self.name))
        return f"{handled} rows"

    def _first_error(self, lines):
        """The first of ``lines`` (StagedLine tuples) in error, or None."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT id FROM crm_bulk_import_job_line
                WHERE id = ANY(%s) AND status = 'error' ORDER BY row_number LIMIT 1""",
            [[line.id for line in lines]],
        )
        row = self.env.cr.fetchone()
        return self.env["crm.bulk.import.job.line"].browse(row[0]) if row else None

    def _commit_then_tally(self):
        """Commit the chunk (its records and its rows' results), then go on in
        a READ COMMITTED transaction: the queue jobs of one import all update
        the import's counts, and under Odoo's REPEATABLE READ the second would
        fail on the first's update instead of waiting for it. Not in tests,
        which must not commit."""
        if getattr(threading.current_thread(), "testing", False):
            return
        self.env.flush_all()
        # Each chunk is a queue job of its own that must stand once done (a
        # crash in the next one re-runs that one only): queue_job commits its
        # jobs the same way.
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        self.env.invalidate_all()

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _action_open(self):
        if len(self) != 1:
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
