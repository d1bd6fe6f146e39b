# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProspectGroup(models.Model):
    """A group prospects are imported into. Imports never create
    groups: a file naming an unknown group gets a row error."""

    _name = "prospect.group"
    _description = "Prospect Group"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    workflow_id = fields.Many2one("prospect.workflow", "Onboarding workflow", required=True, ondelete="restrict")
    auto_accept = fields.Boolean(related="workflow_id.auto_accept")
    partner_ids = fields.One2many("res.partner", "prospect_group_id", string="Prospects")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A prospect group's name is unique per company."),
    ]
