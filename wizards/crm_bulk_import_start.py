# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# The import types a list offers, by the model it lists.
TYPES_BY_MODEL = {
    "crm.lead": ("lead", "promote"),
    "res.partner": ("member", "prospect", "assignment", "promote"),
}


class CrmBulkImportStart(models.TransientModel):
    """The Import button of the Leads and Contacts lists: which import, then
    that import type's own wizard."""

    _name = "crm.bulk.import.start"
    _description = "Start a Bulk Import"

    list_model = fields.Char(default=lambda self: self.env.context.get("crm_bulk_import_list_model", "res.partner"))
    import_type = fields.Selection(selection="_selection_import_type", required=True, string="Import")

    @api.model
    def _selection_import_type(self):
        offered = TYPES_BY_MODEL.get(self.env.context.get("crm_bulk_import_list_model"), ())
        labels = dict(self.env["crm.bulk.import.job"]._fields["import_type"]._description_selection(self.env))
        if not offered:
            return list(labels.items())
        return [(key, labels[key]) for key in offered]

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        offered = TYPES_BY_MODEL.get(self.env.context.get("crm_bulk_import_list_model"), ())
        if "import_type" in fields_list and offered and not values.get("import_type"):
            values["import_type"] = offered[0]
        return values

    def action_start(self):
        """The chosen import type's wizard, as its menu opens it."""
        self.ensure_one()
        return self.env["ir.actions.act_window"]._for_xml_id(
            f"crm_bulk_import.action_crm_bulk_import_wizard_{self.import_type}"
        )
