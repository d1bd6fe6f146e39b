# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrmBulkImportStart(models.TransientModel):
    """The Import button of the Leads and Contacts lists: which import, then
    that import type's own wizard."""

    _name = "crm.bulk.import.start"
    _description = "Start a Bulk Import"

    list_model = fields.Char(default=lambda self: self.env.context.get("crm_bulk_import_list_model", "res.partner"))
    import_type = fields.Selection(selection="_selection_import_type", required=True, string="Import")

    @api.model
    def _offered(self):
        """The import types the list offers (each type names its lists and
        its place in them); every type outside a list."""
        types = self.env["crm.bulk.import.job"]._selection_import_type()
        list_model = self.env.context.get("crm_bulk_import_list_model")
        if not list_model:
            return types
        place = {
            key: self.env[f"crm.bulk.import.type.{key}"]._import_type_lists.get(list_model) for key, _label in types
        }
        offered = [(key, label) for key, label in types if place[key] is not None]
        return sorted(offered, key=lambda item: place[item[0]])

    @api.model
    def _selection_import_type(self):
        return self._offered()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        offered = self._offered()
        listed = self.env.context.get("crm_bulk_import_list_model")
        if "import_type" in fields_list and listed and offered and not values.get("import_type"):
            values["import_type"] = offered[0][0]
        return values

    def action_start(self):
        """The chosen import type's wizard, as its menu opens it."""
        self.ensure_one()
        return self.env["ir.actions.act_window"]._for_xml_id(
            self.env[f"crm.bulk.import.type.{self.import_type}"]._wizard_action()
        )
