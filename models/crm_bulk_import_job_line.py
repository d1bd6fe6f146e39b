# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import create_index

from .crm_bulk_import_job import LINE_STATUSES


class CrmBulkImportJobLine(models.Model):
    _name = "crm.bulk.import.job.line"
    _description = "Bulk Import Job Line"
    _order = "job_id, row_number"

    job_id = fields.Many2one("crm.bulk.import.job", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="job_id.company_id", store=True)
    row_number = fields.Integer("Row", required=True, help="The row as the spreadsheet shows it (header = row 1).")
    values = fields.Json("Raw values", help="The row's values, keyed by the file's column names.")
    extra_values = fields.Json(help="Non-empty cells beyond the header's last column.")
    values_display = fields.Text("Values", compute="_compute_values_display")
    status = fields.Selection(LINE_STATUSES, required=True, default="pending", index=True)
    message = fields.Text()
    # The record the row created or changed.
    res_model = fields.Char("Record model")
    res_id = fields.Many2oneReference("Record ID", model_field="res_model")
    record_ref = fields.Reference(selection="_selection_record_ref", string="Record", compute="_compute_record_ref")
    # Revert (see crm_bulk_import_job_revert.py)
    undo = fields.Json(
        readonly=True,
        copy=False,
        help="What applying the row did, for a revert: the records it created and the old values of the fields "
        "it changed.",
    )
    undo_signature = fields.Char(readonly=True, copy=False, groups="base.group_system")
    revert_status = fields.Selection(
        [
            ("reverted", "Reverted"),
            ("partial", "Partly reverted"),
            ("kept", "Kept"),
            ("would_revert", "Would be reverted"),
            ("would_partial", "Would be partly reverted"),
            ("would_keep", "Would be kept"),
        ],
        readonly=True,
        copy=False,
    )
    revert_message = fields.Text(readonly=True, copy=False)
    # Fix in place (see crm_bulk_import_line_fix.py)
    edited = fields.Boolean(
        "Fixed", readonly=True, copy=False, help="The row's values were corrected on the job after it failed."
    )

    def init(self):
        res = super().init()
        # The background runner claims the next pending lines of a job in file
        # order, chunk after chunk: without this index each claim sorts every
        # pending line of the job.
        create_index(
            self.env.cr,
            "crm_bulk_import_job_line_pending_index",
            self._table,
            ["job_id", "row_number"],
            where="status = 'pending'",
        )
        return res

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine_only()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine_only()
        return super().write(vals)

    def _check_engine_only(self):
        """Lines are written by the import itself (SQL, or sudo once it has
        checked the job's rights): over RPC a user could otherwise plant rows,
        statuses or undo logs on jobs, and a revert would replay them."""
        if not self.env.su:
            raise AccessError(self.env._("The lines of an import are written by the import itself."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_fix(self):
        """Open the row's values for correction (a row in error of a job that
        ended with errors)."""
        self.ensure_one()
        return self.env["crm.bulk.import.line.fix"]._open_for(self)

    def _check_fixable(self):
        for line in self:
            if line.job_id.state not in ("error", "failed") or line.status != "error":
                raise UserError(
                    self.env._(
                        "Only the rows in error of an import that ended with errors can be fixed "
                        "(row %(row)s of %(job)s).",
                        row=line.row_number,
                        job=line.job_id.name,
                    )
                )

    @api.depends("job_id.name", "row_number")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._("%(job)s, row %(row)s", job=line.job_id.name, row=line.row_number)

    @api.depends("values")
    def _compute_values_display(self):
        for line in self:
            line.values_display = "\n".join(f"{header}: {value}" for header, value in (line.values or {}).items())

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for line in self:
            line.record_ref = f"{line.res_model},{line.res_id}" if line.res_model and line.res_id else False
