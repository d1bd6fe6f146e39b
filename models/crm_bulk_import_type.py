# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
import re
from collections import defaultdict, namedtuple
from datetime import date, datetime, timedelta

from odoo import api, models
from odoo.tools import SQL

from ..engine.numbers import AmbiguousNumber, column_decimal, is_ambiguous, read_number
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
# Spaces a cell may hold that look like spaces (no-break, narrow, figure),
# and characters that show nothing (zero-width, word joiner, BOM).
ODD_SPACES = re.compile(r"[\u00a0\u2007\u202f]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
# What Excel shows of a long number it turned into a float: 4.91701234567E+11.
SCIENTIFIC = re.compile(r"^[+-]?\d(?:[.,]\d+)?E[+-]?\d+$", re.IGNORECASE)
# A date cell that lost its format: the spreadsheet's day number (1954-2119).
SERIAL_DATE = re.compile(r"^[2-7]\d{4}$")
SPREADSHEET_EPOCH = date(1899, 12, 30)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# The scope of an undo log's signature (odoo.tools.misc.hmac's).
UNDO_SCOPE = "crm_bulk_import.undo"


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


def undo_signer(env):
    """A function giving the signature of a line's undo log, keyed with the
    database secret (read once: a chunk signs a thousand logs). A revert
    replays only the logs the import itself wrote, never one written or
    moved since: the line and the job are part of what is signed."""
    secret = env["ir.config_parameter"].sudo().get_param("database.secret").encode()

    def sign(line_id, job_id, undo):
        message = f"{line_id}:{job_id}:{json.dumps(undo, sort_keys=True, separators=(',', ':'))}"
        # odoo.tools.misc.hmac(), its key fetched once
        return hmac.new(secret, repr((UNDO_SCOPE, message)).encode(), hashlib.sha256).hexdigest()

    return sign


def check_undo_signature(sign, line_id, job_id, undo, signature):
    """``signature`` is the one ``sign`` (an ``undo_signer``) gives the log."""
    return bool(undo and signature) and hmac.compare_digest(sign(line_id, job_id, undo), signature)


class RowError(Exception):
    """A value that cannot be used: the message names the column and value."""


class CrmBulkImportType(models.AbstractModel):
    """Base of every import type: one schema plus one applier.

    A type model is named ``crm.bulk.import.type.<import_type>`` and defines
    ``_schema()`` (its columns) and ``_apply_rows(job, rows)`` (its business
    rules). Parsing, required values and messages are shared here."""

    _name = "crm.bulk.import.type"
    _description = "Bulk Import Type"
    # A type declares its key (the model is crm.bulk.import.type.<key>), its
    # name in the import lists (an _lt) and its place among the types. Its
    # wizard, crm.bulk.import.wizard.<key>, adds the type's options to the
    # shared wizard: the job keeps them (options) and the type reads them
    # with job._option(name).
    _import_type = None
    _import_type_label = None
    _import_type_sequence = 100
    # The lists whose Import button offers the type, {model: its place in
    # that list's choice}, and the action of its wizard (another module's
    # type gives its own).
    _import_type_lists = {}
    _import_type_action = None

    @api.model
    def _wizard_action(self):
        """The xml id of the action that opens the type's wizard."""
        return self._import_type_action or f"crm_bulk_import.action_crm_bulk_import_wizard_{self._import_type}"

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
    def _emails_sent(self, job):
        """Whether applying ``job`` emailed people (a revert cannot recall
        those emails, and says so)."""
        return False

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
        # The decimal separator each number column shows in this chunk's
        # values, else in the file's other rows, for the values that could
        # use either ("1.500").
        decimals = {}
        for column, header in plan:
            if column.parser == "number" and header:
                texts = [(line.values or {}).get(header) or "" for line in lines]
                decimals[column.key] = column_decimal(texts)
                if not decimals[column.key] and any(is_ambiguous(text) for text in texts):
                    decimals[column.key] = self._file_decimal(job, header)
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
                # What the person sees: a no-break space is a space, a
                # zero-width character nothing.
                text = INVISIBLE.sub("", ODD_SPACES.sub(" ", text)).strip() if text else ""
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
                if column.parser == "text" and SCIENTIFIC.match(text):
                    problems.append(
                        self.env._(
                            'Row %(row)s, column "%(column)s", value "%(value)s": the spreadsheet turned this '
                            "value into a number and shows it in scientific notation, its last digits lost. "
                            "Format the column as Text, type the values again and save the file.",
                            row=line.row_number,
                            column=header,
                            value=text,
                        )
                    )
                    continue
                if column.parser == "text":
                    values[column.key] = text
                    continue
                try:
                    values[column.key] = self._parse_value(column, text, job, decimals.get(column.key))
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
    def _parse_value(self, column, text, job, decimal=None):  # noqa: PLR0911 - one return per parser
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
            return self._parse_number(text, decimal, job)
        if parser == "integer":
            try:
                return int(text)
            except ValueError:
                raise RowError(self.env._("a whole number is expected.")) from None
        if parser == "date":
            if column.date_format:
                return self._parse_fixed_date(text, column.date_format)
            return self._parse_date(text, job.date_format, job)
        raise RowError(self.env._("unknown parser %(parser)s", parser=parser))

    @api.model
    def _parse_number(self, text, decimal=None, job=None):
        """1234.5, 1,234.50, 1.234,50, 1 234,5, 1'234.5 and currency signs are
        read (engine.numbers). "1.500" needs ``decimal`` (what the column
        shows elsewhere) or the user's language to settle it."""
        try:
            return read_number(text, decimal)
        except AmbiguousNumber as ambiguous:
            settled = self._language_decimal(text, job)
            if settled:
                return read_number(text, settled)
            # formatted apart: Babel's extractor evaluates the arguments of _()
            thousands, decimals = (f"{reading:g}" for reading in ambiguous.readings)
            raise RowError(
                self.env._(
                    "this number reads as %(thousands)s or as %(decimals)s. Write it without a thousands "
                    "separator (%(thousands)s), or with the decimal separator the column uses elsewhere.",
                    thousands=thousands,
                    decimals=decimals,
                )
            ) from None
        except ValueError:
            raise RowError(self.env._("a number is expected.")) from None

    @api.model
    def _file_decimal(self, job, header):
        """The decimal separator the values of the file's column ``header``
        show, from its rows staged on the job, or None."""
        if not job.id:
            return None
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT line.values->>%(header)s FROM crm_bulk_import_job_line line
                    WHERE line.job_id = %(job)s AND line.values->>%(header)s ~ '[.,]' LIMIT 5000""",
                header=header,
                job=job.id,
            )
        )
        return column_decimal(value for (value,) in self.env.cr.fetchall())

    @api.model
    def _job_lang(self, job):
        """The language of the user who made the job (else this user's): it
        settles how their numbers and dates read."""
        return self.env["res.lang"]._lang_get((job.create_uid.lang if job else None) or self.env.lang or "en_US")

    @api.model
    def _language_decimal(self, text, job):
        """The decimal separator the user's language settles "1.500" or
        "1,500" with, or None: German reads "1.500" as thousands (its
        thousands separator), French "1,500" as decimals (its thousands are
        spaces); English could mean either of a foreign file."""
        separator = "," if "," in text else "." if "." in text else None
        if not separator:
            return None
        lang = self._job_lang(job)
        if not lang:
            return None
        if lang.thousands_sep == separator:
            return "." if separator == "," else ","
        if lang.decimal_point == separator and lang.thousands_sep not in (",", "."):
            return separator
        return None

    @api.model
    def _parse_email(self, text):
        """An address as a person reads it: "mailto:", "Name <address>" and a
        trailing dot taken off, in lower case."""
        email = text.strip()
        bracketed = re.search(r"<([^<>]+)>\s*$", email)
        if bracketed:
            email = bracketed.group(1)
        email = re.sub(r"^mailto:", "", email.strip(), flags=re.IGNORECASE).strip().rstrip(".")
        if not EMAIL_RE.match(email):
            raise RowError(self.env._("this is not a valid email address."))
        return email.lower()

    @api.model
    def _parse_date(self, text, date_format, job=None):
        """ISO dates always, and a spreadsheet's day number (a date cell that
        lost its format); otherwise the format chosen on the job or, by
        default, the user's language's (day first in French)."""
        if ISO_DATE_RE.match(text):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                raise RowError(self.env._("this is not a valid date.")) from None
        if SERIAL_DATE.match(text):
            return SPREADSHEET_EPOCH + timedelta(days=int(text))
        chosen = date_format if date_format and date_format != "auto" else self._language_date_format(job)
        if chosen:
            try:
                return datetime.strptime(text, chosen).date()
            except ValueError:
                if date_format and date_format != "auto":
                    message = self.env._("this date does not follow the chosen format %(format)s.")
                else:
                    message = self.env._(
                        "this date does not follow your language's format %(format)s: write it so, or as "
                        "YYYY-MM-DD, or choose the date format in the wizard."
                    )
                raise RowError(message % {"format": self._format_label(chosen)}) from None
        raise RowError(
            self.env._("the date is ambiguous: write it as YYYY-MM-DD or choose the date format in the wizard.")
        )

    @api.model
    def _parse_fixed_date(self, text, date_format):
        """A column whose dates are always written one way (Billing Start
        Date is MM/DD/YYYY), whatever the file's format."""
        if ISO_DATE_RE.match(text):
            return self._parse_date(text, date_format)
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            raise RowError(
                self.env._(
                    "this column's dates are always written %(format)s, whatever the date format chosen for "
                    "the file (or YYYY-MM-DD).",
                    format=self._format_label(date_format),
                )
            ) from None

    @api.model
    def _format_label(self, date_format):
        return date_format.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY")

    @api.model
    def _language_date_format(self, job):
        """The user's language's date format, when it writes days, months and
        four-digit years in numbers (DD/MM/YYYY in French, MM/DD/YYYY in US
        English), else None."""
        lang = self._job_lang(job)
        date_format = lang.date_format if lang else ""
        if sorted(re.findall(r"%\w", date_format)) == ["%Y", "%d", "%m"] and not re.search(
            r"[A-Za-z]", re.sub(r"%\w", "", date_format)
        ):
            return date_format
        return None

    @api.model
    def _find_countries(self, names):
        """{lower name or ISO code: country} for the names a file gives."""
        if not names:
            return {}
        # A file names countries by their names as often as by their codes:
        # the 250 countries are read once, then matched here.
        countries = self.env["res.country"].search([])  # pylint: disable=no-search-all
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
