# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# Lead fields the registration form can offer, and how a file's text is read.
FIELD_PARSERS = {"char": "text", "text": "text", "html": "text", "float": "number", "monetary": "number"}


class CrmBulkImportLeadField(models.Model):
    """One field of the Lead Registration form (CRM settings): which crm.lead
    fields a registration file has, and which are required. The import, its
    templates and the portal page follow it."""

    _name = "crm.bulk.import.lead.field"
    _description = "Lead Registration Form Field"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    field_id = fields.Many2one(
        "ir.model.fields",
        required=True,
        ondelete="cascade",
        domain=[("model", "=", "crm.lead"), ("ttype", "in", list(FIELD_PARSERS)), ("store", "=", True)],
    )
    name = fields.Char(related="field_id.name", string="Technical name")
    label = fields.Char(required=True, translate=True, help="The column header in the file.")
    required = fields.Boolean()

    _sql_constraints = [("field_uniq", "unique(field_id)", "A lead field appears once on the form.")]

    @api.onchange("field_id")
    def _onchange_field_id(self):
        if self.field_id and not self.label:
            self.label = self.field_id.field_description

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["crm.bulk.import.field"]._sync()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env["crm.bulk.import.field"]._sync()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["crm.bulk.import.field"]._sync()
        return result
