# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .crm_bulk_import_job import (
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_ROWS,
    DEFAULT_PARALLEL_CHUNKS,
    DEFAULT_PORTAL_DAILY_ROWS,
    DEFAULT_PORTAL_MAX_FILE_MB,
    DEFAULT_PORTAL_MAX_ROWS,
)
from .crm_bulk_import_job_revert import DEFAULT_REVERT_DAYS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_bulk_import_default_billing_day = fields.Integer(
        related="company_id.default_billing_day", readonly=False, string="Default Billing Day"
    )
    crm_bulk_import_max_rows = fields.Integer(
        "Maximum Rows per File", config_parameter="crm_bulk_import.max_rows", default=DEFAULT_MAX_ROWS
    )
    crm_bulk_import_max_file_mb = fields.Integer(
        "Maximum File Size (MB)", config_parameter="crm_bulk_import.max_file_mb", default=DEFAULT_MAX_FILE_MB
    )
    crm_bulk_import_portal_max_file_mb = fields.Integer(
        "Maximum Portal Upload (MB)",
        config_parameter="crm_bulk_import.portal_max_file_mb",
        default=DEFAULT_PORTAL_MAX_FILE_MB,
    )
    crm_bulk_import_portal_max_rows = fields.Integer(
        "Maximum Rows per Portal Upload",
        config_parameter="crm_bulk_import.portal_max_rows",
        default=DEFAULT_PORTAL_MAX_ROWS,
    )
    crm_bulk_import_portal_daily_rows = fields.Integer(
        "Rows per Partner and Day (Portal)",
        config_parameter="crm_bulk_import.portal_daily_rows",
        default=DEFAULT_PORTAL_DAILY_ROWS,
    )
    crm_bulk_import_revert_days = fields.Integer(
        "Revert Window (days)", config_parameter="crm_bulk_import.revert_days", default=DEFAULT_REVERT_DAYS
    )
    crm_bulk_import_parallel_chunks = fields.Integer(
        "Chunks Side by Side",
        config_parameter="crm_bulk_import.parallel_chunks",
        default=DEFAULT_PARALLEL_CHUNKS,
        help="Queue jobs that work through one big import at the same time.",
    )
