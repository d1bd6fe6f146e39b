# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Translations: i18n/fr.po and de.po are complete, and a user working in
French reads the import's messages in French, row messages (env._) and
file-level ones (the readers' lazy _lt) alike."""

from pathlib import Path

import polib

from odoo.exceptions import UserError

from .common import BulkImportCase, csv_bytes

I18N = Path(__file__).parents[1] / "i18n"


def translations(lang):
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(I18N / f"{lang}.po"))}


class TestTranslations(BulkImportCase):
    def test_po_files_are_complete(self):
        pot = [entry.msgid for entry in polib.pofile(str(I18N / "crm_bulk_import.pot"))]
        for lang in ("fr", "de"):
            with self.subTest(lang=lang):
                po = translations(lang)
                self.assertEqual(sorted(po), sorted(pot), f"{lang}.po has the terms of the .pot")
                self.assertFalse([msgid for msgid, msgstr in po.items() if not msgstr], "every term translated")

    def test_a_french_user_reads_french_messages(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["crm_bulk_import"], ["fr_FR"], overwrite=True)
        self.importer.lang = "fr_FR"
        french = translations("fr")

        # As the web client calls it: the user's language in the context.
        job = self.make_job(csv_bytes([self.HEADER, ["CUST-001", "alice(at)example.com", ""]]))
        job = job.with_context(lang="fr_FR")
        job.action_import()
        message = job.line_ids.message
        row_template = french['Row %(row)s, column "%(column)s", value "%(value)s": %(problem)s']
        expected = row_template % {
            "row": 2,
            "column": "Account manager email",
            "value": "alice(at)example.com",
            "problem": french["this is not a valid email address."],
        }
        self.assertEqual(message, expected)
        self.assertNotIn("not a valid email", message)

        # A file-level error raised by the reader (a lazy translation).
        job = self.make_job(csv_bytes([self.HEADER])).with_context(lang="fr_FR")
        with self.assertRaises(UserError) as caught:
            job.action_import()
        expected = french["The file has a header row but no data rows."]
        self.assertEqual(str(caught.exception), expected)
        self.assertNotIn("header row", expected)
