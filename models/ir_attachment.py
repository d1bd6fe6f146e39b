# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

from .crm_bulk_import_job import DOWNLOAD_LIFETIME_HOURS, DOWNLOAD_MARK


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _index(self, bin_data, file_type, checksum=None):
        """No full-text index for the files of bulk imports (see
        crm.bulk.import.job create): a 100,000-row CSV would be copied whole
        into the database and held three times in memory to build it."""
        if self.env.context.get("crm_bulk_import_no_index"):
            return False
        return super()._index(bin_data, file_type, checksum=checksum)

    @api.autovacuum
    def _gc_crm_bulk_import_downloads(self):
        """The files of download buttons (see DOWNLOAD_MARK), an hour after."""
        expired = self.sudo().search(
            [
                ("description", "=", DOWNLOAD_MARK),
                ("res_model", "=", False),
                ("res_id", "=", 0),
                ("create_date", "<", fields.Datetime.now() - timedelta(hours=DOWNLOAD_LIFETIME_HOURS)),
            ]
        )
        expired.unlink()
