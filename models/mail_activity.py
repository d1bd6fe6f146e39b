# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # mail leaves this column without an index: deleting contacts (a revert
    # deletes thousands of members) then scans every activity of the database
    # for each one, and a customer assignment's workflows schedule
    # activities by the tens of thousands.
    request_partner_id = fields.Many2one(index="btree_not_null")
