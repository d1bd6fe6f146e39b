# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine.schema import DISCARD
from ..models.crm_bulk_import_job import CSV_DELIMITER_HELP, CSV_ENCODING_HELP, XLSX_SHEET_HELP, download_action
from ..readers import ReadError

PREVIEW_ROWS = 5


class CrmBulkImportWizard(models.TransientModel):
    """Upload a file, check the proposed mapping, then dry-run or import.

    Thin on purpose: it builds a job and calls the job's public methods."""

    _name = "crm.bulk.import.wizard"
    _description = "Bulk Import Wizard"

    import_type = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._selection_import_type(),
        required=True,
        readonly=True,
    )
    step = fields.Selection([("upload", "Upload"), ("map", "Map columns")], default="upload", required=True)
    # Not required: the templates are offered before a file is chosen (their
    # buttons save the wizard); reading the file says when there is none.
    file = fields.Binary()
    file_name = fields.Char()
    date_format = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._fields["date_format"].selection,
        default="auto",
        required=True,
    )
    csv_encoding = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._fields["csv_encoding"].selection,
        string="Encoding",
        default="auto",
        required=True,
        help=CSV_ENCODING_HELP,
    )
    csv_delimiter = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._fields["csv_delimiter"].selection,
        string="Separator",
        default="auto",
        required=True,
        help=CSV_DELIMITER_HELP,
    )
    xlsx_sheet = fields.Char(
        "Sheet",
        help=XLSX_SHEET_HELP,
    )
    allow_same_file = fields.Boolean(
        "Import this file again",
        help="Import the file even if the same file was imported before. Without it, a second import of the same "
        "file is refused, so that nothing is created twice.",
    )
    # The options of an import type are fields of its own wizard
    # (crm.bulk.import.wizard.<type>, wizards/crm_bulk_import_wizard_types.py).
    mapping_ids = fields.One2many(
        "crm.bulk.import.wizard.mapping",
        "wizard_id",
        domain=lambda self: [("wizard_model", "=", self._name)],
    )
    saved_mapping_id = fields.Many2one(
        "crm.bulk.import.saved.mapping",
        "Saved mapping applied",
        readonly=True,
        help="The mapping confirmed earlier for files with these headers, proposed again.",
    )
    # Not by default: a one-off change (a column left out this time) must not
    # silently apply to the next file.
    remember_mapping = fields.Boolean(
        "Remember this mapping",
        help="Propose this mapping again for the next file with the same headers (in any order).",
    )
    share_mapping = fields.Boolean(
        "Share it with the company",
        help="Propose this mapping to every user of the company who uploads a file with the same headers.",
    )
    # The dry run, shown in the wizard: the mapping can change and be tested
    # again before importing; the import takes over its job when nothing
    # changed since.
    dry_run_job_id = fields.Many2one("crm.bulk.import.job", readonly=True)
    dry_run_mapping = fields.Json(readonly=True)
    dry_run_html = fields.Html("Dry run", readonly=True, sanitize=False)
    missing_required = fields.Char(compute="_compute_missing_required", help="Required fields no column is mapped to.")
    preview_html = fields.Html("Preview", readonly=True, sanitize=False)
    row_count = fields.Integer(readonly=True)
    help_html = fields.Html(compute="_compute_help_html", sanitize=False)
    unmapped_custom = fields.Boolean(
        compute="_compute_unmapped_custom", help="Columns mapped to nothing become custom fields."
    )
    has_dates = fields.Boolean(
        compute="_compute_has_dates", help="The import type reads dates whose format the file decides."
    )

    @api.depends("import_type", "step", "mapping_ids.field_id")
    def _compute_missing_required(self):
        for wizard in self:
            if wizard.step != "map":
                wizard.missing_required = False
                continue
            mapped = set(wizard.mapping_ids.field_id.mapped("key"))
            required = self.env["crm.bulk.import.field"].search(
                [("import_type", "=", wizard.import_type), ("required", "=", True)]
            )
            wizard.missing_required = ", ".join(field.label for field in required if field.key not in mapped)

    @api.depends("import_type")
    def _compute_has_dates(self):
        for wizard in self:
            wizard.has_dates = bool(wizard.import_type) and any(
                column.parser == "date" and not column.date_format for column in wizard._applier()._schema().columns
            )

    @api.depends("import_type")
    def _compute_unmapped_custom(self):
        for wizard in self:
            wizard.unmapped_custom = bool(wizard.import_type) and wizard._applier()._schema().unmapped == "custom"

    @api.depends("import_type")
    def _compute_help_html(self):
        for wizard in self:
            fields_ = self.env["crm.bulk.import.field"].search([("import_type", "=", wizard.import_type)])
            wizard.help_html = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li><b>%s</b>%s%s</li>")
                % (
                    field.label,
                    self.env._(" (required)") if field.required else "",
                    Markup(": %s") % field.help if field.help else "",
                )
                for field in fields_
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_read_file(self):
        """Read the header and the first rows, and propose a mapping."""
        self.ensure_one()
        table = self._read_table()
        # The whole file is read (its problems show now) but only the first
        # rows are kept.
        head, row_count = [], 0
        try:
            for row in table.rows:
                if row_count < PREVIEW_ROWS:
                    head.append(row)
                row_count += 1
        except ReadError as error:  # the rows' problems (no data row, too many rows...)
            raise UserError(error.translated(self.env.lang)) from None
        table.rows = head
        proposed = self._applier()._schema().propose_mapping(table.headers)
        saved = self.env["crm.bulk.import.saved.mapping"]._find(self.import_type, table.headers)
        if saved:
            proposed = saved._apply(table.headers, proposed)
        fields_by_key = {
            field.key: field
            for field in self.env["crm.bulk.import.field"].search([("import_type", "=", self.import_type)])
        }
        first = table.rows[0][1] if table.rows else []
        custom = self._applier()._schema().unmapped == "custom"
        self.mapping_ids.unlink()
        self.mapping_ids = [
            (
                0,
                0,
                {
                    "wizard_model": self._name,
                    "import_type": self.import_type,
                    "sequence": index,
                    "column_name": header,
                    "sample": first[index] if index < len(first) else "",
                    "field_id": fields_by_key[proposed[header]].id if proposed[header] in fields_by_key else False,
                    "discard": proposed[header] == DISCARD or (not proposed[header] and not custom),
                },
            )
            for index, header in enumerate(table.headers)
        ]
        # Read back in file order (the lines' _order), not in the order the
        # cache of a one2many by model and id holds them.
        self.invalidate_recordset(["mapping_ids"])
        self.write(
            {
                "step": "map",
                "saved_mapping_id": saved.id,
                "row_count": row_count,
                "preview_html": self._preview(table),
            }
        )
        return self._reopen()

    def action_forget_mapping(self):
        """Forget the saved mapping applied to this file and propose the
        automatic mapping again (or the company's, for one's own)."""
        self.ensure_one()
        saved = self.saved_mapping_id
        if saved.shared and not self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager"):
            raise UserError(self.env._("Only a Bulk Import Manager can forget a mapping shared with the company."))
        saved.unlink()
        return self.action_read_file()

    def action_back(self):
        self.ensure_one()
        self._drop_dry_run()
        self.mapping_ids.unlink()
        self.write({"step": "upload", "preview_html": False})
        return self._reopen()

    def action_dry_run(self):
        """Dry-run the file as mapped, and show the outcome here: the counts
        and the first errors, the rows on the job (See every row)."""
        self.ensure_one()
        self._drop_dry_run()
        job = self._create_job()
        job.action_dry_run()
        self.write(
            {
                "dry_run_job_id": job.id,
                "dry_run_mapping": self._dry_run_key(),
                "dry_run_html": self._dry_run_summary(job),
            }
        )
        return self._reopen()

    def action_import(self):
        """Import: the job of the dry run when nothing changed since, else a
        new one."""
        self.ensure_one()
        if self.dry_run_job_id.state == "draft" and self.dry_run_mapping == self._dry_run_key():
            job = self.dry_run_job_id
            self.dry_run_job_id = False
        else:
            self._drop_dry_run()
            job = self._create_job()
        job.action_import()
        return job._action_open()

    def action_open_dry_run_job(self):
        self.ensure_one()
        return self.dry_run_job_id._action_open()

    def action_download_template_csv(self):
        return self._download_template("csv")

    def action_download_template_xlsx(self):
        return self._download_template("xlsx")

    def _download_template(self, file_format):
        self.ensure_one()
        file = self.env["crm.bulk.import.job"].template_file(self.import_type, file_format)
        return download_action(self, file["name"], base64.b64decode(file["content"]), file_format)

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _applier(self):
        return self.env[f"crm.bulk.import.type.{self.import_type}"]

    def _read_table(self):
        if not self.file:
            raise UserError(self.env._("Upload a file first."))
        Job = self.env["crm.bulk.import.job"]
        Job._check_file_size(len(self.file) * 3 // 4, self.file_name)
        return Job._open_table(
            base64.b64decode(self.file),
            self.file_name,
            import_type=self.import_type,
            csv_choices=(self.csv_encoding, self.csv_delimiter),
            sheet_name=self.xlsx_sheet,
        )

    def _mapping(self):
        """{file column: field key} as the user confirmed it; the same field
        mapped twice is refused (which column would win?). A column marked
        Don't import is DISCARD where a column mapped to nothing would become
        a custom field."""
        mapping, seen = {}, {}
        custom = self._applier()._schema().unmapped == "custom"
        for line in self.mapping_ids.sorted("sequence"):
            key = line.field_id.key or False
            if line.discard and not key:
                key = DISCARD if custom else False
            if key == DISCARD:
                mapping[line.column_name] = key
                continue
            if key and key in seen:
                raise UserError(
                    self.env._(
                        'The columns "%(first)s" and "%(second)s" are both mapped to "%(field)s": '
                        "map only one of them.",
                        first=seen[key],
                        second=line.column_name,
                        field=line.field_id.label,
                    )
                )
            if key:
                seen[key] = line.column_name
            mapping[line.column_name] = key
        return mapping

    def _create_job(self):
        self.ensure_one()
        if self.step == "upload":
            self.action_read_file()
        mapping = self._mapping()
        remembered = self.env["crm.bulk.import.saved.mapping"]
        if self.remember_mapping or self.share_mapping:
            remembered = remembered._remember(
                self.import_type,
                self.mapping_ids.sorted("sequence").mapped("column_name"),
                mapping,
                self.file_name or self.env._("Unnamed file"),
                share=self.share_mapping,
            )
        job = self.env["crm.bulk.import.job"].create(
            {
                "import_type": self.import_type,
                "file": self.file,
                "file_name": self.file_name,
                "date_format": self.date_format,
                "csv_encoding": self.csv_encoding,
                "csv_delimiter": self.csv_delimiter,
                "xlsx_sheet": self.xlsx_sheet,
                "allow_same_file": self.allow_same_file,
                "mapping": mapping,
                "options": {name: self[name] for name in self._option_fields()},
            }
        )
        if remembered:
            job.message_post(
                body=self.env._(
                    "This column mapping is remembered for the next files with these headers%(shared)s "
                    "(CRM > Import > Saved Mappings).",
                    shared=self.env._(", for the whole company") if self.share_mapping else "",
                )
            )
        return job

    @api.model
    def _option_fields(self):
        """The options of this import type: the fields its own wizard adds
        to the shared one. The job keeps each of them."""
        return sorted(set(self._fields) - set(self.env["crm.bulk.import.wizard"]._fields))

    def _dry_run_key(self):
        """What a dry run depends on: the mapping and the choices."""
        choices = ("date_format", "csv_encoding", "csv_delimiter", "xlsx_sheet", "allow_same_file")
        options = {name: self[name] for name in (*choices, *self._option_fields())}
        return {"mapping": self._mapping(), "options": options}

    def _drop_dry_run(self):
        """A dry run made before the mapping or a choice changed tells
        nothing more: its draft job goes (sudo: users do not delete jobs;
        this one is the wizard's own draft, nothing imported)."""
        job = self.dry_run_job_id
        if job and job.state == "draft" and job.user_id == self.env.user:
            job.sudo().unlink()
        self.write({"dry_run_job_id": False, "dry_run_mapping": False, "dry_run_html": False})

    def _dry_run_summary(self, job, shown=5):
        if job.state == "queued":
            return Markup('<div class="alert alert-info mb-2">%s</div>') % self.env._(
                "The dry run of %(total)s rows runs in the background, chunk by chunk: you are notified when it "
                "is done. See every row to follow it; an Import after it uses it.",
                total=job.count_total,
            )
        errors = job._first_errors(limit=shown)
        counts = job._dry_run_counts()
        items = Markup().join(Markup("<li>%s</li>") % line.message for line in errors)
        more = job.count_error - len(errors)
        return (
            Markup('<div class="alert %s mb-2">%s</div>')
            % ("alert-warning" if job.count_error else "alert-success", counts)
            + (Markup("<ul>%s</ul>") % items if items else "")
            + (Markup("<p>%s</p>") % self.env._("... and %(count)s more errors.", count=more) if more > 0 else "")
        )

    def _preview(self, table):
        doubt = Markup("")
        if table.encoding_doubt:
            doubt = Markup('<div class="alert alert-warning" role="alert">%s</div>') % self.env._(
                'This file reads two ways: "%(as_read)s" (Windows-1252, as read here) or "%(mac)s" (Mac Roman, '
                "as Excel for Mac writes it). If the second is right, go back and choose Mac Roman as its "
                "Encoding.",
                as_read=table.encoding_doubt[0],
                mac=table.encoding_doubt[1],
            )
        if len(table.sheet_names) > 1:
            doubt += Markup('<p class="text-muted">%s</p>') % self.env._(
                "This workbook has several sheets: %(sheets)s. The sheet %(sheet)s is read; to read another one, "
                "go back and write its name in Sheet.",
                sheets=", ".join(table.sheet_names),
                sheet=table.sheet_name,
            )
        head = Markup("").join(Markup("<th>%s</th>") % header for header in [self.env._("Row")] + table.headers)
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(Markup("<td>%s</td>") % value for value in [row_number] + values[: len(table.headers)])
            for row_number, values in table.rows[:PREVIEW_ROWS]
        )
        return doubt + Markup(
            '<table class="table table-sm table-bordered o_crm_bulk_import_preview">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, body)

    def _title(self):
        """The wizard's title once a file is read: the import type (Member
        import...), as the menu's action named it before."""
        return dict(self._fields["import_type"]._description_selection(self.env))[self.import_type]

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self._title(),
        }
