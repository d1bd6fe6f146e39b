# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """A language added after the module: the mapping step's labels and
        help texts (records written from the import types' columns) are
        written in it too, with the terms just loaded."""
        res = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if "crm_bulk_import" in modules and self.env.registry.ready:
            self.env["crm.bulk.import.field"]._sync()
        return res
