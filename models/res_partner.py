# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Customer assignment (seed 003)
    customer_external_id = fields.Char(
        "External Id",
        copy=False,
        index="btree_not_null",
        help="The customer's id in its source system (accounting, billing, ...). "
        "Unique per company; the customer assignment import finds customers by it.",
    )
    account_manager_ids = fields.Many2many(
        "res.users",
        "res_partner_account_manager_rel",
        "partner_id",
        "user_id",
        string="Account managers",
        domain=[("share", "=", False)],
        help="Internal users in charge of this customer; the first is also the salesperson.",
    )

    @api.constrains("customer_external_id", "company_id")
    def _check_customer_external_id_unique(self):
        partners = self.filtered("customer_external_id")
        if not partners:
            return
        clashes = self.sudo()._read_group(
            [("customer_external_id", "in", partners.mapped("customer_external_id"))],
            ["customer_external_id", "company_id"],
            ["__count"],
        )
        for external_id, company, count in clashes:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        'The External Id "%(external_id)s" is already used by another contact of %(company)s.',
                        external_id=external_id,
                        company=company.name or self.env._("all companies"),
                    )
                )
