# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmBulkImportWizardMapping(models.TransientModel):
    """One file column of the wizard and the field it is mapped to."""

    _name = "crm.bulk.import.wizard.mapping"
    _description = "Bulk Import Wizard Column Mapping"
    _order = "sequence"

    wizard_id = fields.Many2one("crm.bulk.import.wizard", required=True, ondelete="cascade")
    import_type = fields.Selection(related="wizard_id.import_type")
    sequence = fields.Integer()
    column_name = fields.Char("File column", required=True, readonly=True)
    sample = fields.Char("First value", readonly=True)
    field_id = fields.Many2one(
        "crm.bulk.import.field",
        string="Import as",
        domain="[('import_type', '=', import_type)]",
        help="Leave empty to discard the column.",
    )
