# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleSubscriptionLine(models.Model):
    _inherit = "sale.subscription.line"

    # subscription_oca leaves this column without an index: deleting
    # subscriptions (a revert deletes thousands) then scans every line of the
    # database for each one, to cascade.
    sale_subscription_id = fields.Many2one(index=True)
