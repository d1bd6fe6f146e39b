# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An import type in one file: its schema, its option, its applier and what
a revert may undo. The job, the wizard and the revert take it from here."""

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from odoo.addons.crm_bulk_import.engine import Column, Schema
from odoo.addons.crm_bulk_import.models.crm_bulk_import_type import Result, UndoLog

_lt = LazyTranslate(__name__)


class CrmBulkImportTypeTag(models.AbstractModel):
    _name = "crm.bulk.import.type.tag"
    _inherit = "crm.bulk.import.type"
    _description = "Bulk Import Type: Tag Contacts"
    _import_type = "tag"
    _import_type_label = _lt("Tag contacts")
    _import_type_sequence = 60
    # Offered by the Import button of the contacts list, after the others
    _import_type_lists = {"res.partner": 50}
    _import_type_action = "crm_bulk_import_tag_type.action_wizard_tag"
    _revert_creates = ("res.partner.category",)
    _revert_writes = {"res.partner": ("category_id",)}

    @api.model
    def _schema(self):
        return Schema(
            columns=(
                Column("email", _lt("Email"), required=True, parser="email"),
                Column("tag", _lt("Tag"), required=True, help=_lt("The name of a contact tag.")),
            )
        ).translated(self.env._)

    @api.model
    def _apply_rows(self, job, rows):
        emails = {row.values["email"] for row in rows}
        partners = {
            p.email_normalized: p for p in self.env["res.partner"].search([("email_normalized", "in", list(emails))])
        }
        Tag = self.env["res.partner.category"]
        results, undo = {}, UndoLog()
        for row in rows:
            partner = partners.get(row.values["email"])
            if not partner:
                message = self._cell_error(job, row, "email", row.values["email"], self.env._("No contact has it."))
                results[row.line.id] = Result("error", message)
                continue
            tag = Tag.search([("name", "=", row.values["tag"])], limit=1)
            if not tag:
                if not job._option("create_tags"):
                    problem = self.env._("No such tag.")
                    results[row.line.id] = Result(
                        "error", self._cell_error(job, row, "tag", row.values["tag"], problem)
                    )
                    continue
                tag = Tag.create({"name": row.values["tag"]})
                undo.created(row.line.id, tag)
            undo.watch(row.line.id, partner, ("category_id",))
            partner.category_id = [fields.Command.link(tag.id)]
            results[row.line.id] = Result("updated", f"{partner.name}: {tag.name}", "res.partner", partner.id)
        return undo.attach(results)


class CrmBulkImportWizardTag(models.TransientModel):
    _name = "crm.bulk.import.wizard.tag"
    _inherit = "crm.bulk.import.wizard"
    _description = "Tag Contacts Wizard"

    import_type = fields.Selection(default="tag")
    create_tags = fields.Boolean("Create missing tags", help="A tag no contact has yet is created.")
