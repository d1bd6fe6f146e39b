# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_bulk_import_default_billing_day = fields.Integer(
        related="company_id.default_billing_day", readonly=False, string="Default Billing Day"
    )
