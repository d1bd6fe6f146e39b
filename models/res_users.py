# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """A portal user on a contact of a registered partner makes an agent:
        give the contact its Agent ID."""
        users = super().create(vals_list)
        users.filtered("share").partner_id._ensure_agent_code()
        return users
