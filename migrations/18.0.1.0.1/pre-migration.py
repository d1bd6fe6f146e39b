# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def migrate(cr, version):
    """A wizard's mapping lines name their wizard by model and id now (each
    import type has its own wizard model): the key to the shared wizard's
    table goes."""
    if not version:
        return
    cr.execute(
        "ALTER TABLE crm_bulk_import_wizard_mapping "
        "DROP CONSTRAINT IF EXISTS crm_bulk_import_wizard_mapping_wizard_id_fkey"
    )
