# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Saved mappings key their file layout by a digest of the headers now,
    no longer by the headers joined: recompute each key from the headers it
    was saved with, so that the mapping is still proposed for its files."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Saved = env["crm.bulk.import.saved.mapping"]
    for saved in Saved.search([]):
        # A mapping created without its headers keeps its key: nothing to
        # compute it from.
        if saved.headers:
            saved.layout_key = Saved._layout_key(saved.headers)
