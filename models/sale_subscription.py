# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleSubscription(models.Model):
    """A subscription knows its member, the person using the plan, apart
    from its customer (``partner_id``), who is invoiced: a member paid by
    another keeps their own membership and plan, the invoices go to the
    payer."""

    _inherit = "sale.subscription"

    member_id = fields.Many2one(
        "res.partner",
        compute="_compute_member_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        help="The person using the plan. The customer is invoiced: the member, or whoever pays for them.",
    )

    @api.depends("partner_id")
    def _compute_member_id(self):
        """The customer, unless another member was given: the one who pays
        changes, the member stays."""
        for subscription in self:
            if not subscription.member_id:
                subscription.member_id = subscription.partner_id
