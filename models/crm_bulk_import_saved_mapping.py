# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..engine.schema import DISCARD
from ..readers import normalize_header

# Separates the normalized headers of a layout key.
LAYOUT_SEPARATOR = "\x1f"


class CrmBulkImportSavedMapping(models.Model):
    """The mapping a user confirmed for a file layout (the same headers, in
    any order), proposed the next time a file of that layout is uploaded for
    the same import type. A user's own mapping
    comes first; a Bulk Import Manager can share one with the company."""

    _name = "crm.bulk.import.saved.mapping"
    _description = "Bulk Import Saved Column Mapping"
    _order = "shared desc, write_date desc, id desc"

    name = fields.Char(required=True, help="Where the mapping comes from: the file it was confirmed for.")
    import_type = fields.Selection(
        selection=lambda self: self.env["crm.bulk.import.job"]._selection_import_type(),
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", "Saved by", required=True, readonly=True, default=lambda self: self.env.user, index=True
    )
    shared = fields.Boolean(
        "Shared with the company",
        readonly=True,
        help="Proposed to every user of the company who uploads a file with these headers and has no mapping of "
        "their own for them.",
    )
    layout_key = fields.Char(
        required=True,
        readonly=True,
        index=True,
        help="A digest of the file's headers, normalized and sorted: the same for every file of this layout.",
    )
    headers = fields.Json(readonly=True)
    mapping = fields.Json(readonly=True, help="File column -> field key of the import type.")
    summary = fields.Text("Columns", compute="_compute_summary")

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_owner_vals(vals, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_owner_vals(vals)
        return super().write(vals)

    @api.model
    def _check_owner_vals(self, vals, create=False):
        """Whose a mapping is and who it is proposed to are not written over
        RPC: a user's mapping stays theirs (a mapping planted as someone
        else's would be proposed to them first), only a Bulk Import Manager
        shares one, and the layout it answers stays the one it was saved for."""
        if self.env.su:
            return
        refused = []
        if vals.get("shared") and not self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager"):
            refused.append("shared")
        if create:
            if vals.get("user_id", self.env.uid) != self.env.uid:
                refused.append("user_id")
        else:
            refused += [name for name in ("user_id", "company_id", "import_type", "layout_key") if name in vals]
        if refused:
            raise AccessError(
                self.env._(
                    "These fields of a saved mapping cannot be changed this way: %(fields)s.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in refused),
                )
            )

    @api.depends("mapping", "import_type")
    def _compute_summary(self):
        labels = {}
        for field in self.env["crm.bulk.import.field"].search(
            [("import_type", "in", list(set(self.mapped("import_type"))))]
        ):
            labels.setdefault(field.import_type, {})[field.key] = field.label
        for saved in self:
            labels_of = labels.get(saved.import_type, {})
            custom = self.env[f"crm.bulk.import.type.{saved.import_type}"]._schema().unmapped == "custom"
            unmapped = self.env._("(custom field)") if custom else self.env._("(not imported)")
            saved.summary = "\n".join(
                f"{column} → {self._summary_target(key, labels_of, unmapped)}"
                for column, key in (saved.mapping or {}).items()
            )

    @api.model
    def _summary_target(self, key, labels, unmapped):
        if key == DISCARD:
            return self.env._("(not imported)")
        return labels.get(key, key) if key else unmapped

    @api.model
    def _layout_key(self, headers):
        """The SHA-256 digest of the normalized, sorted headers: a key of
        fixed size, as a file may have thousands of columns and an indexed
        value has to fit in a btree index row."""
        joined = LAYOUT_SEPARATOR.join(sorted({normalize_header(header) for header in headers if header}))
        return hashlib.sha256(joined.encode()).hexdigest()

    @api.model
    def _find(self, import_type, headers):
        """The mapping to propose for a file with ``headers``: the user's
        own, else the company's shared one."""
        domain = [
            ("import_type", "=", import_type),
            ("company_id", "=", self.env.company.id),
            ("layout_key", "=", self._layout_key(headers)),
        ]
        own = self.search(domain + [("user_id", "=", self.env.uid), ("shared", "=", False)], limit=1)
        return own or self.search(domain + [("shared", "=", True)], limit=1)

    @api.model
    def _remember(self, import_type, headers, mapping, name, share=False):
        """Save the confirmed mapping as the user's own for this layout (and,
        with ``share``, as the company's shared one).

        :return: the saved mappings written"""
        if share and not self.env.user.has_group("crm_bulk_import.group_crm_bulk_import_manager"):
            raise AccessError(self.env._("Only a Bulk Import Manager can share a mapping with the company."))
        vals = {
            "import_type": import_type,
            "company_id": self.env.company.id,
            "layout_key": self._layout_key(headers),
        }
        saved = self.browse()
        for shared in (False, True) if share else (False,):
            domain = [(key, "=", value) for key, value in vals.items()] + [("shared", "=", shared)]
            if not shared:
                domain.append(("user_id", "=", self.env.uid))
            record = self.search(domain, limit=1)
            content = {"name": name, "headers": list(headers), "mapping": mapping}
            if record:
                record.write(content)
            else:
                record = self.create({**vals, **content, "shared": shared})
            saved |= record
        return saved

    def _apply(self, headers, proposed):
        """``proposed`` ({header: key}) with this mapping's choices for the
        headers it knows (by name, else by normalized name); a key the import
        type no longer has is ignored."""
        self.ensure_one()
        keys = set(self.env["crm.bulk.import.field"].search([("import_type", "=", self.import_type)]).mapped("key"))
        saved = self.mapping or {}
        by_normalized = {normalize_header(column): key for column, key in saved.items()}
        mapping, from_saved = dict(proposed), set()
        for header in headers:
            key = saved[header] if header in saved else by_normalized.get(normalize_header(header))
            if key is None or (key and key != DISCARD and key not in keys):
                continue
            mapping[header] = key or False
            from_saved.add(header)
        # A field the saved mapping gives to a column is taken from the column
        # the automatic proposal gave it to.
        seen = set()
        for header in sorted(headers, key=lambda header: header not in from_saved):
            if mapping.get(header) and mapping[header] != DISCARD and mapping[header] in seen:
                mapping[header] = False
            seen.add(mapping.get(header))
        return mapping
