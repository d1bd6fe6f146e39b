# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrmBulkImportWizardMapping(models.TransientModel):
    """One file column of a wizard and the field it is mapped to. Each
    import type has its own wizard model: a line names its wizard by model
    and id."""

    _name = "crm.bulk.import.wizard.mapping"
    _description = "Bulk Import Wizard Column Mapping"
    _order = "sequence"

    wizard_model = fields.Char(required=True)
    wizard_id = fields.Many2oneReference(model_field="wizard_model", required=True, index=True)
    import_type = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._selection_import_type(), required=True
    )
    sequence = fields.Integer()
    column_name = fields.Char("File column", required=True, readonly=True)
    sample = fields.Char("First value", readonly=True)
    field_id = fields.Many2one(
        "crm.bulk.import.field",
        string="Import as",
        domain="[('import_type', '=', import_type)]",
        help="The field the column's values go to.",
    )
    discard = fields.Boolean("Don't import", help="The column's values are not imported (nor kept as a custom field).")

    @api.onchange("discard")
    def _onchange_discard(self):
        if self.discard:
            self.field_id = False

    @api.onchange("field_id")
    def _onchange_field_id(self):
        if self.field_id:
            self.discard = False
