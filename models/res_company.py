# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Members
    default_billing_day = fields.Integer(
        default=1,
        help="Day of the month (1-31) members are billed on when their import gives no "
        "Monthly Bill Date; 31 means the last day of shorter months.",
    )
    member_properties_definition = fields.PropertiesDefinition("Member custom fields")

    @api.constrains("default_billing_day")
    def _check_default_billing_day(self):
        for company in self:
            if not 1 <= company.default_billing_day <= 31:
                raise ValidationError(self.env._("The Default Billing Day is a day of the month, from 1 to 31."))
