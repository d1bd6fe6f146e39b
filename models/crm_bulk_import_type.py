# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hmac
import json
import re
from collections import defaultdict, namedtuple
from datetime import date, datetime

from odoo import api, models
from odoo.tools.misc import hmac as odoo_hmac

from ..writers import write_csv, write_xlsx

# What applying one row gave: status is created / updated / skipped / error;
# undo: what a revert of the row would undo (see UndoLog).
Result = namedtuple("Result", "status message res_model res_id undo", defaults=("", "", 0, None))
# A row that parsed cleanly: its line, its row number and its clean values by key.
Row = namedtuple("Row", "line row_number values raw")
# A row of the file as staged on a job line (id: the line's, or the row
# number while a dry run checks the file before any line exists).
StagedLine = namedtuple("StagedLine", "id row_number values extra_values")

EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def undo_value(record, name):
    """The value of ``record``'s field as an undo log keeps it (JSON)."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.id or False
    if field.type in ("one2many", "many2many"):
        return sorted(value.ids)
    if field.type in ("date", "datetime"):
        return field.to_string(value) if value else False
    if field.type == "properties":
        return dict(value or {})
    return value


class UndoLog:
    """What applying rows did, row by row, for a revert of the import: the
    records each row created, and the old and new values of the fields it
    changed on records that existed before. Kept on the job's lines
    (``undo``)."""

    def __init__(self):
        self._created = defaultdict(list)
        self._watched = []

    def created(self, line_id, records):
        for record in records:
            self._created[line_id].append([record._name, record.id])

    def watch(self, line_id, records, names):
        """Call before the row changes the fields ``names`` of ``records``."""
        for record in records:
            self._watched.append((line_id, record, tuple(names), {name: undo_value(record, name) for name in names}))

    def attach(self, results):
        """``results`` with each applied row's undo, once every change is
        made (the new values are read then)."""
        written = defaultdict(list)
        for line_id, record, names, before in self._watched:
            changes = {}
            for name in names:
                after = undo_value(record, name)
                if after != before[name]:
                    changes[name] = [before[name], after]
            if changes:
                written[line_id].append([record._name, record.id, changes])
        for line_id, result in results.items():
            if result.status in ("created", "updated") and (self._created[line_id] or written[line_id]):
                undo = {"created": self._created[line_id], "written": written[line_id]}
                results[line_id] = result._replace(undo=undo)
        return results


def sign_undo(env, line_id, job_id, undo):
    """The signature of a line's undo log, keyed with the database secret: a
    revert replays only the logs the import itself wrote, never one written
    or moved since (the line and the job are part of what is signed)."""
    message = f"{line_id}:{job_id}:{json.dumps(undo, sort_keys=True, separators=(',', ':'))}"
    return odoo_hmac(env(su=True), "crm_bulk_import.undo", message)


def check_undo_signature(env, line_id, job_id, undo, signature):
    return bool(undo and signature) and hmac.compare_digest(sign_undo(env, line_id, job_id, undo), signature)


class RowError(Exception):
    """A value that cannot be used: the message names the column and value."""


class CrmBulkImportType(models.AbstractModel):
    """Base of every import type: one schema plus one applier.

    A type model is named ``crm.bulk.import.type.<import_type>`` and defines
    ``_schema()`` (its columns) and ``_apply_rows(job, rows)`` (its business
    rules). Parsing, required values and messages are shared here."""

    _name = "crm.bulk.import.type"
    _description = "Bulk Import Type"
    # "partial" (valid rows applied) or "all_or_nothing" (one error, nothing).
    _default_policy = "partial"
    # Rows above which the type runs in the background even when the system
    # parameter allows more (types whose rows are heavy); None: the parameter.
    _background_threshold = None
    # Whether the rows of a background run must be applied one chunk after
    # the other (a row may name a row further down, or the first row of a
    # team makes its admin): then one queue job at a time works on the import.
    _sequential_chunks = False
    # Rows per chunk when the system parameter sets none: types whose rows
    # are written like a prototype (members, promotions) do more at once, as
    # each chunk has fixed costs (lookups, the prototypes themselves).
    _default_chunk_size = 200
    # True when the type's checks need no writes: a dry run then checks the
    # file while staging it, without applying anything in a savepoint; the
    # type's _apply_rows honours the crm_bulk_import_dry_run context key.
    _dry_run_checks_only = False
    # What a revert of this type may undo, checked against each row's undo
    # log before anything is replayed: the models its rows create, and the
    # fields they change on records that existed before ({model: fields}).
    _revert_creates = ()
    _revert_writes = {}

    # ------------------------------------------------------------
    # To define in each type
    # ------------------------------------------------------------

    @api.model
    def _schema(self):
        raise NotImplementedError

    @api.model
    def _apply_rows(self, job, rows):
        """Apply clean rows; return {line id: Result}. Never raises for a row
        problem: it becomes an error Result."""
        raise NotImplementedError

    @api.model
    def _template_notes(self):
        """Lines written on the Notes sheet of the XLSX template."""
        return [self.env._("Row 2 is an example: replace it with your data. Left as it is, it is not imported.")]

    @api.model
    def _check_mapping(self, job, mapping, headers):
        """File-level checks of ``mapping`` ({file column: key or False}) for
        a file with ``headers``, made while the job stages its file, before
        anything is written: raise a UserError to refuse the file. Nothing to
        check by default."""

    # ------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------

    @api.model
    def _parse_lines(self, job, lines):
        """Turn staged lines into clean rows.

        :return: (rows, {line id: Result}) for the lines that failed or that
            are the template's example row (skipped).
        """
        schema = self._schema()
        header_by_key = {key: header for header, key in (job.mapping or {}).items() if key}
        plan = [(column, header_by_key.get(column.key)) for column in schema.columns]
        rows, errors = [], {}
        for line in lines:
            raw = line.values or {}
            if self._is_template_example(plan, raw):
                errors[line.id] = Result(
                    "skipped",
                    self.env._(
                        "Row %(row)s is the template's example row: not imported. Delete it from your file.",
                        row=line.row_number,
                    ),
                )
                continue
            values, problems = {}, []
            if line.extra_values:
                problems.append(
                    self.env._(
                        'Row %(row)s has more cells than the header has columns (extra value "%(value)s"): '
                        "add a header for it or remove it.",
                        row=line.row_number,
                        value=line.extra_values[0],
                    )
                )
            for column, header in plan:
                text = raw.get(header) if header else None
                if text and not isinstance(text, str):
                    text = str(text)
                text = text.strip() if text else ""
                if not text:
                    if column.required:
                        problems.append(
                            self.env._(
                                'Row %(row)s, column "%(column)s": a value is required.',
                                row=line.row_number,
                                column=header or column.label,
                            )
                        )
                    values[column.key] = False if column.parser not in ("emails", "names") else []
                    continue
                if column.parser == "text":
                    values[column.key] = text
                    continue
                try:
                    values[column.key] = self._parse_value(column, text, job)
                except RowError as error:
                    problems.append(
                        self.env._(
                            'Row %(row)s, column "%(column)s", value "%(value)s": %(problem)s',
                            row=line.row_number,
                            column=header,
                            value=text,
                            problem=str(error),
                        )
                    )
            if problems:
                errors[line.id] = Result("error", "\n".join(problems))
            else:
                rows.append(Row(line, line.row_number, values, raw))
        return rows, errors

    @api.model
    def _parse_value(self, column, text, job):  # noqa: PLR0911 - one return per parser
        parser = column.parser
        if parser == "text":
            return text
        if parser == "email":
            return self._parse_email(text)
        if parser == "emails":
            return [self._parse_email(part.strip()) for part in re.split(r"[,;]", text) if part.strip()]
        if parser == "names":
            return [part.strip() for part in text.split(",") if part.strip()]
        if parser == "number":
            return self._parse_number(text)
        if parser == "integer":
            try:
                return int(text)
            except ValueError:
                raise RowError(self.env._("a whole number is expected.")) from None
        if parser == "date":
            return self._parse_date(text, column.date_format or job.date_format)
        raise RowError(self.env._("unknown parser %(parser)s", parser=parser))

    @api.model
    def _parse_number(self, text):
        """1234.5, 1,234.50, 1.234,50, 1 234,5 and a currency sign are all read;
        the last of "," and "." is the decimal separator."""
        cleaned = re.sub(r"[^\d,.\-]", "", text)
        if "," in cleaned and "." in cleaned:
            decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        elif cleaned.count(",") == 1 and len(cleaned.split(",")[1]) != 3:
            decimal = ","
        else:
            decimal = "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
        try:
            return float(cleaned)
        except ValueError:
            raise RowError(self.env._("a number is expected.")) from None

    @api.model
    def _parse_email(self, text):
        if not EMAIL_RE.match(text):
            raise RowError(self.env._("this is not a valid email address."))
        return text.lower()

    @api.model
    def _parse_date(self, text, date_format):
        """ISO dates always; otherwise the format chosen on the job. With no
        format chosen, a date like 03/04/2025 is ambiguous and never guessed."""
        if ISO_DATE_RE.match(text):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                raise RowError(self.env._("this is not a valid date.")) from None
        if date_format and date_format != "auto":
            try:
                return datetime.strptime(text, date_format).date()
            except ValueError:
                raise RowError(
                    self.env._(
                        "this date does not follow the chosen format %(format)s.",
                        format=date_format.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY"),
                    )
                ) from None
        raise RowError(
            self.env._("the date is ambiguous: write it as YYYY-MM-DD or choose the date format in the wizard.")
        )

    @api.model
    def _find_countries(self, names):
        """{lower name or ISO code: country} for the names a file gives."""
        if not names:
            return {}
        countries = self.env["res.country"].search([])
        by_key = {}
        for country in countries:
            by_key[country.code.lower()] = country
            by_key[country.name.lower()] = country
        return {name.lower(): by_key[name.lower()] for name in names if name.lower() in by_key}

    @api.model
    def _check_country(self, job, row, countries):
        country = row.values["country"]
        if country and country.lower() not in countries:
            return [
                self._cell_error(
                    job, row, "country", country, self.env._("Country not found: use its name or ISO code.")
                )
            ]
        return []

    @api.model
    def _header(self, job, key):
        """The file's column mapped to ``key`` (its label if none is)."""
        return next((header for header, mapped in (job.mapping or {}).items() if mapped == key), key)

    @api.model
    def _raw(self, job, row, key):
        """The cell as the file has it, for messages."""
        return row.raw.get(self._header(job, key), "")

    @api.model
    def _cell_error(self, job, row, key, value, problem):
        """The message of a row error: the row, the file's column, the value."""
        header = self._header(job, key)
        return self.env._(
            'Row %(row)s, column "%(column)s", value "%(value)s": %(problem)s',
            row=row.row_number,
            column=header,
            value=value,
            problem=problem,
        )

    # ------------------------------------------------------------
    # Templates
    # ------------------------------------------------------------

    @api.model
    def _template_columns(self):
        return list(self._schema().columns)

    @api.model
    def _template_headers(self):
        """Column labels, required ones marked with a star (the star is ignored
        when the file is read back, as headers match without punctuation)."""
        return [f"{column.label}*" if column.required else column.label for column in self._template_columns()]

    @api.model
    def _template_dropdowns(self, company):
        dropdowns = {}
        for header, column in zip(self._template_headers(), self._template_columns(), strict=True):
            if column.choices:
                dropdowns[header] = getattr(self, column.choices)(company)
        return dropdowns

    @api.model
    def _template_example(self):
        """The template's example row, one value per template column."""
        return [column.example for column in self._template_columns()]

    @api.model
    def _is_template_example(self, plan, raw):
        """Whether a file row is the template's example row left in the file:
        every mapped text column holds its example (dates and numbers are left
        out, as spreadsheets rewrite them)."""
        compared = [
            (column, header)
            for column, header in plan
            if header and column.example and column.parser in ("text", "email", "emails", "names")
        ]
        return bool(compared) and all(
            str(raw.get(header) or "").strip() == column.example for column, header in compared
        )

    @api.model
    def _template_csv(self):
        return write_csv(self._template_headers(), [self._template_example()])

    @api.model
    def _template_xlsx(self, company):
        """Required columns marked, dropdowns of existing values, notes."""
        headers = self._template_headers()
        return write_xlsx(
            headers,
            [self._template_example()],
            required={header for header in headers if header.endswith("*")},
            dropdowns=self._template_dropdowns(company),
            notes=self._template_notes(),
        )
