# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class RoomPermissionGroup(models.Model):
    """A group of rooms a member may book or enter (as Coworks puts it: "Room
    Permissions ... a comma-separated list of groups", e.g. "Group Blue,
    Group A"). Imports name existing groups; they never create one."""

    _name = "room.permission.group"
    _description = "Room Permission Group"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    member_ids = fields.Many2many(
        "res.partner", "res_partner_room_permission_group_rel", "group_id", "partner_id", string="Members"
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A room permission group's name is unique per company."),
    ]
