# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


def cell_text(value):
    """A staged cell as the Fix dialog shows and compares it."""
    return "" if value is None or value is False else str(value).strip()


class CrmBulkImportLineFix(models.TransientModel):
    """Correct the values of a row in error on its job, cell by cell, before
    "Retry failed rows" runs it again."""

    _name = "crm.bulk.import.line.fix"
    _description = "Fix a Failed Import Row"

    line_id = fields.Many2one("crm.bulk.import.job.line", required=True, readonly=True, ondelete="cascade")
    message = fields.Text(related="line_id.message", string="Error")
    cell_ids = fields.One2many("crm.bulk.import.line.fix.cell", "fix_id", string="Values")
    extra_values = fields.Char(
        "Cells beyond the last column", readonly=True, help="Values of the row that have no column in the header."
    )
    drop_extra_values = fields.Boolean("Remove these cells")

    @api.model
    def _open_for(self, line):
        line._check_fixable()
        # The columns the error message names are shown first, in red.
        headers = line.job_id.file_headers or []
        in_error = {header for header in headers if f'"{header}"' in (line.message or "")}
        headers = sorted(headers, key=lambda header: header not in in_error)
        values = line.values or {}
        fix = self.create(
            {
                "line_id": line.id,
                "extra_values": ", ".join(str(value) for value in line.extra_values or []),
                "cell_ids": [
                    fields.Command.create(
                        {
                            "sequence": index,
                            "column_name": header,
                            "value": cell_text(values.get(header)),
                            "in_error": header in in_error,
                        }
                    )
                    for index, header in enumerate(headers)
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Fix row %(row)s", row=line.row_number),
            "res_model": self._name,
            "res_id": fix.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_save(self):
        """Write the corrected values on the line, which keeps its error until
        the job retries it."""
        self.ensure_one()
        line = self.line_id
        line._check_fixable()
        values = dict(line.values or {})
        changed = False
        for cell in self.cell_ids:
            new = cell_text(cell.value)
            if new != cell_text(values.get(cell.column_name)):
                values[cell.column_name] = new
                changed = True
        vals = {"values": values, "edited": True} if changed else {}
        if self.drop_extra_values and line.extra_values:
            vals.update(extra_values=False, edited=True)
        if vals:
            # sudo: lines are the import's own (see the line's write); the
            # user may fix this row, checked just above and here.
            line.job_id.check_access("write")
            line.sudo().write(vals)
            line.job_id._write_engine({"rows_fixed": True})
        return {"type": "ir.actions.act_window_close"}


class CrmBulkImportLineFixCell(models.TransientModel):
    _name = "crm.bulk.import.line.fix.cell"
    _description = "Value of a Failed Import Row"
    _order = "sequence"

    fix_id = fields.Many2one("crm.bulk.import.line.fix", required=True, ondelete="cascade")
    sequence = fields.Integer()
    column_name = fields.Char("Column", required=True, readonly=True)
    value = fields.Char()
    in_error = fields.Boolean(readonly=True)
