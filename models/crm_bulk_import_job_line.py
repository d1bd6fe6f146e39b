# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
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

    def init(self):
        super().init()
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
