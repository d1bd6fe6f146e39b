# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The options of an import moved from a column each to ``options``, the
options of its type only: the imports made before keep theirs."""

from odoo.tools import SQL

# {import type: its options}, as the columns held them
OPTIONS = {
    "promote": ("promote_create_unknown", "send_onboarding_email", "existing_members"),
    "member": ("prorate_at_start", "send_portal_invitations", "existing_members"),
    "prospect": ("send_invitations",),
}


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'crm_bulk_import_job'"
        " AND column_name = ANY(%s)",
        [sorted({name for names in OPTIONS.values() for name in names})],
    )
    present = {name for (name,) in cr.fetchall()}
    for import_type, names in OPTIONS.items():
        kept = [name for name in names if name in present]
        if not kept:
            continue
        pairs = SQL(", ").join(SQL("%s, %s", name, SQL.identifier(name)) for name in kept)
        cr.execute(
            SQL(
                "UPDATE crm_bulk_import_job SET options = jsonb_build_object(%s) WHERE import_type = %s",
                pairs,
                import_type,
            )
        )
