# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _index(self, bin_data, file_type, checksum=None):
        """No full-text index for the files of bulk imports (see
        crm.bulk.import.job create): a 100,000-row CSV would be copied whole
        into the database and held three times in memory to build it."""
        if self.env.context.get("crm_bulk_import_no_index"):
            return False
        return super()._index(bin_data, file_type, checksum=checksum)
