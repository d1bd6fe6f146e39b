# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Revert a finished import.

Each applied line keeps an undo log (``crm.bulk.import.job.line.undo``, see
UndoLog): the records the row created, and the old and new values of the
fields it changed on records that existed before. A revert walks the lines
from the last row to the first; for each row it either undoes everything
(deletes what the row created, restores the old values) or, when something
has used the row's records since (an invoice, an activity, a sign-in...),
keeps the row whole and says why. A value changed by someone since the
import is left as it is, and listed."""

import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, split_every

from ..writers import write_csv
from . import bulk_insert
from .crm_bulk_import_job import SQL_BATCH, download_action, file_value
from .crm_bulk_import_type import check_undo_signature, undo_signer, undo_value

_logger = logging.getLogger(__name__)

DEFAULT_REVERT_DAYS = 30
REVERTABLE_STATES = ("done", "error", "cancelled")
# Deleted in this order: what refers to a record goes before it.
DELETE_ORDER = ("account.move", "mail.activity", "sale.subscription", "crm.lead", "res.users", "res.partner")
DRY_RUN_REVERT = {"reverted": "would_revert", "partial": "would_partial", "kept": "would_keep"}
# The lines a revert has still to handle (SQL, on crm_bulk_import_job_line).
TO_REVERT = SQL("status IN ('created', 'updated') AND undo IS NOT NULL AND revert_status IS NULL")
# Lines a background revert handles per committed chunk.
REVERT_CHUNK = 500
# Rows the chatter report lists (the lines list them all).
REPORTED = 20
# Names listed in a message before "..."
LISTED = 3


class CrmBulkImportJob(models.Model):
    _inherit = "crm.bulk.import.job"

    is_revert_dry_run = fields.Boolean(
        "Lines show a revert dry run",
        readonly=True,
        copy=False,
        help="The Revert column of the lines predicts a revert: nothing has been undone yet.",
    )
    count_reverted = fields.Integer("Rows reverted", readonly=True, copy=False)
    count_revert_partial = fields.Integer("Rows partly reverted", readonly=True, copy=False)
    count_revert_kept = fields.Integer("Rows kept", readonly=True, copy=False)
    revert_mode = fields.Selection(
        [("dry_run", "Revert dry run"), ("revert", "Revert")],
        readonly=True,
        copy=False,
        help="A revert (or its dry run) under way in the background.",
    )
    date_reverted = fields.Datetime("Reverted on", readonly=True, copy=False)
    reverted_by_id = fields.Many2one("res.users", "Reverted by", readonly=True, copy=False)
    revert_deadline = fields.Datetime(
        "Can be reverted until",
        compute="_compute_revert_deadline",
        help="Imports can be reverted within the window set in Settings > CRM > Bulk Import.",
    )
    can_revert = fields.Boolean(compute="_compute_revert_deadline")
    # Fix in place: the rows to correct before "Retry failed rows".
    error_line_ids = fields.One2many(
        "crm.bulk.import.job.line", "job_id", string="Rows to fix", domain=[("status", "=", "error")], readonly=True
    )

    @api.depends("state", "date_done", "count_created", "count_updated", "revert_mode")
    def _compute_revert_deadline(self):
        days = self._revert_days()
        now = fields.Datetime.now()
        for job in self:
            job.revert_deadline = job.date_done + timedelta(days=days) if job.date_done and days else False
            job.can_revert = (
                not job.revert_mode
                and job.state in REVERTABLE_STATES
                and bool(job.count_created or job.count_updated)
                and not (job.revert_deadline and job.revert_deadline < now)
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_revert_dry_run(self):
        """What a revert would undo and keep, on the lines; nothing changes."""
        self._revert(dry_run=True)
        return True  # the job's form, where these buttons are, reloads

    def action_revert(self):
        """Undo what the import did (see the module docstring)."""
        self._revert(dry_run=False)
        return True  # the job's form, where these buttons are, reloads

    def action_download_revert_report(self):
        """The revert's outcome row by row, as a CSV file."""
        self.ensure_one()
        return download_action(self, *self._revert_report_file(), "csv")

    def revert_report_file(self):
        """The file of ``action_download_revert_report`` for API clients (see
        ``errors_file``)."""
        self.ensure_one()
        self.check_access("read")
        return file_value(*self._revert_report_file(), "csv")

    def _revert_report_file(self):
        """(file name, content) of the revert report."""
        lines = self.env["crm.bulk.import.job.line"].search(
            [("job_id", "=", self.id), ("revert_status", "!=", False)], order="row_number"
        )
        if not lines:
            raise UserError(self.env._("%(job)s has not been reverted (nor dry-run).", job=self.name))
        statuses = dict(lines._fields["revert_status"]._description_selection(self.env))
        headers = [self.env._("Row"), self.env._("Record"), self.env._("Outcome"), self.env._("Details")]
        rows = [
            [line.row_number, line.record_ref.display_name if line.record_ref else "", statuses[line.revert_status]]
            + [line.revert_message or ""]
            for line in lines
        ]
        stem = (self.file_name or self.name).rsplit(".", 1)[0]
        return f"{stem}-revert.csv", write_csv(headers, rows)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _revert_days(self):
        """The revert window in days (0: no limit)."""
        param = self.env["ir.config_parameter"].sudo().get_param("crm_bulk_import.revert_days", DEFAULT_REVERT_DAYS)
        return int(param or 0)

    def _check_revertable(self):
        if not (self.env.su or self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager")):
            raise AccessError(self.env._("Only a Bulk Import Manager can revert an import."))
        self.check_access("write")
        days = self._revert_days()
        for job in self:
            if job.revert_mode:
                raise UserError(self.env._("A revert of %(job)s is already under way.", job=job.name))
            if job.state not in REVERTABLE_STATES:
                raise UserError(
                    self.env._(
                        "Only a finished import can be reverted; %(job)s is %(state)s.",
                        job=job.name,
                        state=dict(job._fields["state"]._description_selection(self.env))[job.state],
                    )
                )
            if days and job.date_done and job.date_done < fields.Datetime.now() - timedelta(days=days):
                raise UserError(
                    self.env._(
                        "%(job)s finished on %(date)s, more than %(days)s days ago: imports can be reverted "
                        "within %(days)s days (Settings > CRM > Bulk Import).",
                        job=job.name,
                        date=fields.Datetime.to_string(job.date_done)[:10],
                        days=days,
                    )
                )

    def _revert(self, dry_run):
        """Revert (or dry-run) at once, or queue it for the background cron
        when the job has more rows than a request should handle."""
        self._check_revertable()
        for job in self:
            job._clear_revert_outcomes()
            count = job._revert_todo_count()
            if not count and (job.count_created or job.count_updated):
                raise UserError(
                    self.env._(
                        "%(job)s kept no record of what it did (it ran before reverts were recorded): "
                        "it cannot be reverted.",
                        job=job.name,
                    )
                )
            if not count:
                raise UserError(
                    self.env._("%(job)s created and changed nothing: there is nothing to revert.", job=job.name)
                )
            mode = "dry_run" if dry_run else "revert"
            if not dry_run:
                job._write_engine({"reverted_by_id": self.env.uid})
            if job._in_background(count):
                job._write_engine({"revert_mode": mode, "state": job.state if dry_run else "reverting"})
                job.message_post(
                    body=self.env._("%(count)s rows queued for a background revert.", count=count)
                    if not dry_run
                    else self.env._("%(count)s rows queued for a background revert dry run.", count=count)
                )
                job._enqueue("_queue_run_revert", self.env._("%(job)s: revert rows", job=job.name))
            else:
                job._write_engine({"revert_mode": mode})
                job._run_revert(chunk_size=count)

    def _clear_revert_outcomes(self):
        """Forget the outcomes of an earlier revert dry run."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_bulk_import_job_line SET revert_status = NULL, revert_message = NULL WHERE job_id = %s",
            [self.id],
        )
        self.env["crm.bulk.import.job.line"].invalidate_model(["revert_status", "revert_message"])
        self._write_engine({"is_revert_dry_run": False})

    def _revert_todo_count(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM crm_bulk_import_job_line WHERE job_id = %s AND %s", self.id, TO_REVERT)
        )
        return self.env.cr.fetchone()[0]

    def _run_revert(self, chunk_size=REVERT_CHUNK, chunks=None):
        """Revert the job's lines from the last row to the first, a chunk at a
        time; each chunk's changes and outcomes are written together (and
        committed by each queue job in the background), so a restart goes on
        where it stopped.
        A dry run rolls each chunk back and keeps only the outcomes.

        :param chunks: at most this many chunks (a worker that stops there)
        :return: the number of lines handled"""
        self.ensure_one()
        dry_run = self.revert_mode == "dry_run"
        handled = 0
        # A dry run deletes nothing: what the rows of its earlier chunks would
        # delete does not count as a use in the next ones (a team whose members
        # came further down the file).
        gone = self._revert_dry_run_gone() if dry_run else set()
        while chunks != 0:
            chunks = chunks - 1 if chunks else chunks
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """SELECT id, row_number, undo, undo_signature FROM crm_bulk_import_job_line
                        WHERE job_id = %s AND %s
                        ORDER BY row_number DESC LIMIT %s FOR UPDATE SKIP LOCKED""",
                    self.id,
                    TO_REVERT,
                    chunk_size,
                )
            )
            lines = self.env.cr.fetchall()
            if not lines:
                self._finish_revert()
                break
            lines, outcomes = self._revert_trusted(lines)
            savepoint = self.env.cr.savepoint() if dry_run else None
            try:
                if lines:
                    outcomes.update(self._revert_lines(lines, gone))
            finally:
                if savepoint:
                    savepoint.close(rollback=True)
                    self.env.invalidate_all()
            self._write_revert_outcomes(outcomes, dry_run)
            handled += len(outcomes)
        return handled

    def _finish_revert(self):
        """Counts, state and report, once every line has its outcome."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT revert_status, count(*) FROM crm_bulk_import_job_line
                WHERE job_id = %s AND revert_status IS NOT NULL GROUP BY revert_status""",
            [self.id],
        )
        counts = dict(self.env.cr.fetchall())
        dry_run = self.revert_mode == "dry_run"
        vals = {
            "count_reverted": counts.get("reverted", 0) + counts.get("would_revert", 0),
            "count_revert_partial": counts.get("partial", 0) + counts.get("would_partial", 0),
            "count_revert_kept": counts.get("kept", 0) + counts.get("would_keep", 0),
            "is_revert_dry_run": dry_run,
            "revert_mode": False,
        }
        if self.all_or_nothing_phase == "undo":
            # An all-or-nothing import that failed while applying: undone, it
            # imported nothing.
            vals.update(state="failed", all_or_nothing_phase=False, date_done=fields.Datetime.now(), file_lock=False)
            self._write_engine(vals)
            self._update_counts()
            self._notify_done(background=True)
            return
        if not dry_run:
            vals.update(state="reverted", date_reverted=fields.Datetime.now())
        self._write_engine(vals)
        if not dry_run:
            self.message_post(
                body=self._revert_report(),
                partner_ids=(self.user_id | self.reverted_by_id).partner_id.ids,
            )

    @api.model
    def _revert_trusted(self, lines):
        """Split the lines (id, row number, undo, signature) into those whose
        undo log a revert may replay, as (id, row number, undo), and the
        outcomes of the others, kept whole. A log is replayed only if the
        import wrote it (its signature), if it names only the models and
        fields this import type creates and changes, records of the job's
        company, and, as created, records no older than the job. The revert
        runs as superuser: nothing else reaches it."""
        applier = self._applier()
        trusted, refused = [], {}
        records = defaultdict(set)
        sign = undo_signer(self.env)
        for line_id, row_number, undo, signature in lines:
            if not signature:
                refused[line_id] = (
                    row_number,
                    self.env._("it was imported before what an import does was recorded safely; undo it by hand"),
                )
                continue
            if not check_undo_signature(sign, line_id, self.id, undo, signature):
                refused[line_id] = (row_number, self.env._("its record of what the import did was altered"))
                continue
            created, written = undo.get("created") or [], undo.get("written") or []
            problem = next((record for record in created if record[0] not in applier._revert_creates), None)
            problem = problem or next(
                (
                    (model, res_id)
                    for model, res_id, changes in written
                    if not set(changes) <= set(applier._revert_writes.get(model, ()))
                ),
                None,
            )
            if problem:
                refused[line_id] = (
                    row_number,
                    self.env._(
                        "its record of what the import did names %(model)s #%(id)s, which this kind of import "
                        "does not create or change",
                        model=problem[0],
                        id=problem[1],
                    ),
                )
                continue
            for model, res_id, *_changes in created + written:
                records[model].add(res_id)
            trusted.append((line_id, row_number, undo))
        foreign = self._revert_foreign_records(records)
        checked = []
        for line_id, row_number, undo in trusted:
            created = {tuple(record) for record in undo.get("created") or []}
            named = created | {(model, res_id) for model, res_id, _changes in undo.get("written") or []}
            bad = sorted(
                record
                for record in named
                if foreign.get(record) == "company" or (record in created and foreign.get(record) == "older")
            )
            if bad:
                refused[line_id] = (
                    row_number,
                    self.env._(
                        "its record of what the import did names %(model)s #%(id)s, which belongs to another "
                        "company or existed before the import",
                        model=bad[0][0],
                        id=bad[0][1],
                    ),
                )
            else:
                checked.append((line_id, row_number, undo))
        outcomes = {}
        for line_id, (row_number, reason) in refused.items():
            _logger.warning("%s: row %s not reverted, %s", self.name, row_number, reason)
            outcomes[line_id] = (
                "kept",
                self.env._("Row %(row)s kept: %(reasons)s; nothing was undone.", row=row_number, reasons=reason),
            )
        return checked, outcomes

    def _revert_foreign_records(self, records):
        """{(model, id): "company" | "older"} for the records of another
        company than the job's, and those created before the job. A user's
        company is only the one it starts in: its partner, created by the
        same row, is the one checked."""
        foreign = {}
        for model, ids in records.items():
            Model = self.env[model].sudo().with_context(active_test=False)
            checks_company = "company_id" in Model._fields and model != "res.users"
            names = ["create_date"] + (["company_id"] if checks_company else [])
            for values in Model.browse(list(ids)).exists().read(names):
                company = values.get("company_id")
                if company and company[0] != self.company_id.id:
                    foreign[(model, values["id"])] = "company"
                elif values["create_date"] < self.create_date:
                    foreign[(model, values["id"])] = "older"
        return foreign

    def _revert_dry_run_gone(self):
        """What the rows a revert dry run has already handled would delete."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT undo FROM crm_bulk_import_job_line
                WHERE job_id = %s AND revert_status IN ('would_revert', 'would_partial')""",
            [self.id],
        )
        return {tuple(record) for (undo,) in self.env.cr.fetchall() for record in undo.get("created", [])}

    def _revert_lines(self, lines, gone=None):
        """Revert a chunk of lines, (id, row number, undo) from the last row
        to the first, all at once; if that fails, line by line, so that one
        row that cannot be undone keeps only itself.

        :return: {line id: (reverted / partial / kept, message)}"""
        gone = set() if gone is None else gone
        try:
            with self.env.cr.savepoint():
                outcomes, deleted = self._revert_batch(lines, gone)
            gone |= deleted
            return outcomes
        except (UserError, ValidationError, psycopg2.Error) as error:
            self.env.invalidate_all()
            if len(lines) == 1:
                line_id, row_number, _undo = lines[0]
                message = self.env._(
                    "Row %(row)s kept: it could not be undone (%(error)s).", row=row_number, error=error
                )
                return {line_id: ("kept", message)}
        outcomes = {}
        for line in lines:
            outcomes.update(self._revert_lines([line], gone))
        return outcomes

    def _revert_batch(self, lines, gone_before):
        """Decide row by row, the last first, whether anything uses what the
        row created (what a row reverted before, or ``gone_before``, deletes
        does not count); a reverted row's old values are restored at once,
        which may free an earlier row (a contact taken out of a new team), so
        the rows kept are looked at again until none is freed. Then delete, by
        batch.

        :return: (outcomes, the records deleted)"""
        created = defaultdict(set)
        for _line_id, _row, undo in lines:
            for model, res_id in undo.get("created", []):
                created[model].add(res_id)
        existing = {
            (model, res_id)
            for model, ids in created.items()
            for res_id in self._undo_record(model, list(ids)).exists().ids
        }
        reverted, gone, pending, kept = [], set(), lines, []
        while pending:
            owns = {
                line_id: {tuple(record) for record in undo.get("created", [])} & existing
                for line_id, _r, undo in pending
            }
            uses = self._revert_uses(set().union(*owns.values()))
            kept, freed = [], False
            for line_id, row_number, undo in pending:
                own = owns[line_id]
                written_leads = {
                    ("crm.lead", res_id) for model, res_id, _changes in undo.get("written", []) if model == "crm.lead"
                }
                reasons = self._revert_reasons(own, uses, own | gone | gone_before | written_leads)
                if reasons:
                    kept.append(((line_id, row_number, undo), reasons))
                    continue
                freed = True
                gone |= own
                restored, notes = self._revert_written(undo.get("written", []))
                reverted.append((line_id, row_number, undo, own, restored, notes))
            pending = [line for line, _reasons in kept] if freed else []
        # A dry run says what would happen, a revert what it did.
        dry_run = self.revert_mode == "dry_run"
        outcomes = {
            line_id: (
                "kept",
                self.env._("Row %(row)s would be kept: %(reasons)s.", row=row_number, reasons="; ".join(reasons))
                if dry_run
                else self.env._("Row %(row)s kept: %(reasons)s.", row=row_number, reasons="; ".join(reasons)),
            )
            for (line_id, row_number, _undo), reasons in kept
        }
        names = self._revert_names(gone)
        for line_id, row_number, undo, own, restored, notes in reverted:
            done = []
            if own:
                deleted = ", ".join(names[tuple(record)] for record in undo.get("created", []) if tuple(record) in own)
                done.append(
                    self.env._("would delete %(records)s", records=deleted)
                    if dry_run
                    else self.env._("deleted %(records)s", records=deleted)
                )
            if restored:
                records = ", ".join(restored)
                done.append(
                    self.env._("would restore %(records)s", records=records)
                    if dry_run
                    else self.env._("restored %(records)s", records=records)
                )
            message = self.env._(
                "Row %(row)s: %(done)s.", row=row_number, done="; ".join(done) or self.env._("nothing left to undo")
            )
            if notes:
                message += " " + (
                    self.env._("Would not be undone: %(notes)s.", notes="; ".join(notes))
                    if dry_run
                    else self.env._("Not undone: %(notes)s.", notes="; ".join(notes))
                )
            outcomes[line_id] = ("partial" if notes else "reverted"), message
        self._revert_delete(gone)
        return outcomes, gone

    def _undo_record(self, model, res_id):
        return self.env[model].sudo().with_context(active_test=False).browse(res_id)

    def _revert_written(self, written):
        """Restore the old values, the last change first; a field someone
        changed since the import keeps its new value.

        :return: ([restored record and fields], [notes of what was not])"""
        restored, notes = [], []
        for model, res_id, changes in reversed(written):
            record = self._undo_record(model, res_id)
            if not record.exists():
                notes.append(self.env._("%(model)s #%(id)s was deleted since the import", model=model, id=res_id))
                continue
            vals, changed = {}, []
            for name, (old, new) in changes.items():
                field = record._fields.get(name)
                if not field:
                    continue
                label = field._description_string(self.env)
                if undo_value(record, name) != new:
                    changed.append(label)
                elif field.type in ("one2many", "many2many"):
                    vals[name] = [Command.set(self.env[field.comodel_name].browse(old).exists().ids)]
                else:
                    vals[name] = old
            if vals:
                labels = ", ".join(record._fields[name]._description_string(self.env) for name in vals)
                record.write(vals)
                restored.append(f"{record.display_name} ({labels})")
            if changed:
                notes.append(
                    self.env._(
                        "%(record)s: %(fields)s changed since the import, left as is",
                        record=record.display_name,
                        fields=", ".join(changed),
                    )
                )
        return restored, notes

    def _revert_names(self, records):
        """{(model, id): display name}, read by model before they go."""
        by_model, names = defaultdict(list), {}
        for model, res_id in records:
            by_model[model].append(res_id)
        for model, ids in by_model.items():
            for record in self._undo_record(model, ids):
                # A contact's display name holds its company's ("Acme, Jane"):
                # in a list of names, its own name reads better.
                name = record.name if model == "res.partner" else record.display_name
                names[(model, record.id)] = name or f"{model} #{record.id}"
        return names

    def _revert_delete(self, records):
        """Delete by model, what refers to others first (invoices before
        their subscription, members before their team)."""
        by_model = defaultdict(list)
        for model, res_id in records:
            by_model[model].append(res_id)
        for model in DELETE_ORDER + tuple(sorted(set(by_model) - set(DELETE_ORDER))):
            if not by_model.get(model):
                continue
            doomed = self._undo_record(model, by_model[model])
            if model == "res.partner":
                doomed.filtered(lambda partner: not partner.is_company).unlink()
                doomed = doomed.exists()
            doomed.unlink()

    def _revert_uses(self, existing):
        """What uses the records a revert would delete, in a few queries:
        {(model, id): [(kind, using model, using id)]}; kinds without a using
        record (a lead converted, an invoice posted) have None."""
        uses = defaultdict(list)
        ids = defaultdict(list)
        for model, res_id in existing:
            ids[model].append(res_id)

        def refer(kind, model, field, target, domain=()):
            if not ids[target]:
                return
            records = self.env[model].sudo().with_context(active_test=False)
            for values in records.search_read([(field, "in", ids[target]), *domain], [field]):
                target_id = values[field][0] if isinstance(values[field], (list, tuple)) else values[field]
                uses[(target, target_id)].append((kind, model, values["id"]))

        for target in ("res.partner", "crm.lead"):
            if ids[target]:
                refer("activities", "mail.activity", "res_id", target, [("res_model", "=", target)])
                self.env["mail.message"].flush_model()
                self.env.cr.execute(
                    """SELECT res_id, id FROM mail_message
                        WHERE model = %s AND res_id = ANY(%s) AND message_type IN ('comment', 'email')""",
                    [target, ids[target]],
                )
                for res_id, message_id in self.env.cr.fetchall():
                    uses[(target, res_id)].append(("messages", "mail.message", message_id))
        for lead in self._undo_record("crm.lead", ids["crm.lead"]):
            if lead.type == "opportunity":
                uses[("crm.lead", lead.id)].append(("opportunity", None, None))
            if lead.user_id:
                uses[("crm.lead", lead.id)].append(("assigned", "res.users", lead.user_id.id))
        refer("invoices", "account.move", "partner_id", "res.partner")
        refer("orders", "sale.order", "partner_id", "res.partner")
        refer("pays", "sale.subscription", "partner_id", "res.partner")
        refer("member", "sale.subscription", "member_id", "res.partner")
        refer("customer", "crm.lead", "partner_id", "res.partner")
        refer("contacts", "res.partner", "parent_id", "res.partner")
        refer("user", "res.users", "partner_id", "res.partner")
        refer("invoices", "account.move", "subscription_id", "sale.subscription")
        refer("orders", "sale.order", "order_subscription_id", "sale.subscription")
        for move in self._undo_record("account.move", ids["account.move"]):
            if move.state != "draft":
                uses[("account.move", move.id)].append(("posted", None, None))
        for user in self._undo_record("res.users", ids["res.users"]):
            if user.login_date:
                uses[("res.users", user.id)].append(("signed_in", None, None))
        return uses

    def _revert_reasons(self, own, uses, ignored):
        """Why the row's records ``own`` must be kept: their uses, but for
        the records in ``ignored`` (the row's own, what the revert deletes
        anyway, the leads the row itself linked)."""
        reasons = []
        for model, res_id in sorted(own):
            by_kind = defaultdict(list)
            for kind, using_model, using_id in uses.get((model, res_id), []):
                if using_model is None or (using_model, using_id) not in ignored:
                    by_kind[kind].append((using_model, using_id))
            if not by_kind:
                continue
            record = self._undo_record(model, res_id)
            for kind, using in by_kind.items():
                reasons.append(self._revert_reason(kind, record, using))
        return reasons

    def _revert_reason(self, kind, record, using):
        name = record.display_name
        if kind == "opportunity":
            return self.env._("%(record)s was converted to an opportunity", record=name)
        if kind == "messages":
            return self.env._("%(record)s has messages or notes", record=name)
        if kind == "posted":
            return self.env._("invoice %(record)s is no longer a draft", record=name)
        if kind == "signed_in":
            return self.env._(
                "%(record)s signed in on %(date)s",
                record=record.login,
                date=fields.Datetime.to_string(record.login_date)[:10],
            )
        records = self.env[using[0][0]].sudo().with_context(active_test=False).browse([ref for _m, ref in using])
        shown = ", ".join(
            (other.login if kind == "user" else other.display_name) or str(other.id) for other in records[:LISTED]
        )
        names = shown + (", ..." if len(records) > LISTED else "")
        messages = {
            "activities": self.env._("%(record)s has activities: %(names)s", record=name, names=names),
            "assigned": self.env._("%(record)s is assigned to %(names)s", record=name, names=names),
            "invoices": self.env._("%(record)s has invoices: %(names)s", record=name, names=names),
            "orders": self.env._("%(record)s has sales orders: %(names)s", record=name, names=names),
            "pays": self.env._("%(record)s pays subscriptions: %(names)s", record=name, names=names),
            "member": self.env._("%(record)s is the member of subscriptions: %(names)s", record=name, names=names),
            "customer": self.env._("%(record)s is the customer of %(names)s", record=name, names=names),
            "contacts": self.env._("%(record)s has contacts: %(names)s", record=name, names=names),
            "user": self.env._("%(record)s has a user account: %(names)s", record=name, names=names),
        }
        return messages[kind]

    def _write_revert_outcomes(self, outcomes, dry_run):
        self.env.flush_all()
        rows = [
            (line_id, DRY_RUN_REVERT[status] if dry_run else status, message)
            for line_id, (status, message) in outcomes.items()
        ]
        for batch in split_every(SQL_BATCH, rows, list):
            self.env.cr.execute(
                SQL(
                    """UPDATE crm_bulk_import_job_line AS line
                          SET revert_status = v.status, revert_message = v.message
                         FROM (VALUES %s) AS v(id, status, message)
                        WHERE line.id = v.id""",
                    bulk_insert.values_list(batch),
                )
            )
        self.env["crm.bulk.import.job.line"].invalidate_model(["revert_status", "revert_message"])

    def _revert_report(self):
        """The chatter report: the counts, then what was kept or not wholly
        undone, row by row (the first ones; the lines have them all)."""
        summary = self.env._(
            "%(job)s reverted: %(reverted)s rows undone, %(partial)s partly, %(kept)s kept.",
            job=self.name,
            reverted=self.count_reverted,
            partial=self.count_revert_partial,
            kept=self.count_revert_kept,
        )
        self.env.cr.execute(
            """SELECT revert_message FROM crm_bulk_import_job_line
                WHERE job_id = %s AND revert_status IN ('partial', 'kept') ORDER BY row_number LIMIT %s""",
            [self.id, REPORTED],
        )
        telling = [message for (message,) in self.env.cr.fetchall()]
        if self._applier()._emails_sent(self):
            telling.append(self.env._("Emails the import sent cannot be recalled."))
        items = Markup().join(Markup("<li>%s</li>") % message for message in telling)
        more = self.count_revert_partial + self.count_revert_kept - REPORTED
        return (
            Markup("<p>%s</p>") % summary
            + (Markup("<ul>%s</ul>") % items if items else "")
            + (
                Markup("<p>%s</p>") % self.env._("... and %(count)s more: see the lines.", count=more)
                if more > 0
                else ""
            )
        )
