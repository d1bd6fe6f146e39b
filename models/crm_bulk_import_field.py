# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrmBulkImportField(models.Model):
    """The fields an import type can map file columns to.

    A mirror of the types' declarative schemas, kept so the wizard's mapping step
    can offer a Many2one restricted to the type being imported. It is rebuilt
    from the schemas (see _sync)."""

    _name = "crm.bulk.import.field"
    _description = "Bulk Import Field"
    _order = "import_type, sequence"
    _rec_name = "label"

    import_type = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._selection_import_type(),
        required=True,
    )
    key = fields.Char(required=True)
    label = fields.Char(required=True, translate=True)
    required = fields.Boolean()
    sequence = fields.Integer()
    help = fields.Char(translate=True)

    _sql_constraints = [
        ("key_uniq", "unique(import_type, key)", "A field key is unique per import type."),
    ]

    @api.model
    def _sync(self):
        """Synchronise the table with the schemas of the import types: called
        by data/crm_bulk_import_field_data.xml at install and update, and when
        a configurable schema (the Lead Registration form) changes."""
        Field = self.sudo().with_context(lang="en_US")
        known = {(field.import_type, field.key): field for field in Field.search([])}  # pylint: disable=no-search-all
        wanted = set()
        # The mapping step shows the labels in the user's language.
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for import_type, _label in self.env["crm.bulk.import.job"]._selection_import_type():
            applier = self.env[f"crm.bulk.import.type.{import_type}"]
            schema = applier.with_context(lang="en_US")._schema()
            in_lang = {lang: applier.with_context(lang=lang)._schema().by_key for lang in langs}
            for sequence, column in enumerate(schema.columns):
                vals = {
                    "import_type": import_type,
                    "key": column.key,
                    "label": column.label,
                    "required": column.required,
                    "sequence": sequence,
                    "help": column.help,
                }
                wanted.add((import_type, column.key))
                record = known.get((import_type, column.key))
                if record:
                    record.write(vals)
                else:
                    record = Field.create(vals)
                for lang, columns in in_lang.items():
                    translated = columns[column.key]
                    record.with_context(lang=lang).write({"label": translated.label, "help": translated.help})
        self.browse([field.id for key, field in known.items() if key not in wanted]).sudo().unlink()
