# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Translations: i18n/fr.po and de.po are complete, and a user working in
French reads the import's messages in French, row messages (env._) and
file-level ones (the readers' lazy _lt) alike."""

import base64
from pathlib import Path

import polib
from markupsafe import escape

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import BulkImportCase, attachment_content, csv_bytes

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


class TestFrenchMappingStep(BulkImportCase):
    """A French user's mapping step: the columns offered, the required ones
    missing, the help and the template in French; an English file still maps
    by its English headers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As Settings > Languages adds French: the terms are loaded, and with
        # them the mapping step's labels.
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["crm_bulk_import"], ["fr_FR"], overwrite=True)
        cls.manager.lang = "fr_FR"
        cls.french = translations("fr")

    def open_member_wizard(self, content):
        wizard = self.env["crm.bulk.import.wizard.member"].with_user(self.manager).with_context(lang="fr_FR")
        form = Form(wizard.with_context(default_file_name="members.csv"))
        form.file = base64.b64encode(content)
        record = form.save()
        record.action_read_file()
        return record

    def test_labels_and_help_in_french(self):
        header = ["Name", "Plan Name", "Start Date", "Email"]
        wizard = self.open_member_wizard(csv_bytes([header, ["Ann Lee", "Desk", "2026-01-05", "ann@example.com"]]))
        labels = {line.column_name: line.field_id.display_name for line in wizard.mapping_ids}
        self.assertEqual(labels["Plan Name"], self.french["Plan Name"])
        self.assertEqual(labels["Start Date"], self.french["Start Date"])
        self.assertEqual(labels["Plan Name"], "Nom du forfait")
        # Next Invoice Date is required and missing: named in French
        self.assertIn(self.french["Next Invoice Date"], wizard.missing_required)
        self.assertNotIn("Next Invoice Date", wizard.missing_required)
        # The help beside the mapping: labels and explanations in French
        self.assertIn(escape(self.french["The exact name of an existing plan."]), wizard.help_html)
        self.assertNotIn("The exact name of an existing plan.", wizard.help_html)
        # The columns a user may pick from, as the dropdown lists them
        offered = (
            self.env["crm.bulk.import.field"]
            .with_user(self.manager)
            .with_context(lang="fr_FR")
            .search([("import_type", "=", "promote")])
        )
        self.assertIn(self.french["Room Permissions"], offered.mapped("display_name"))
        self.assertIn(self.french["Monthly Bill Date"], offered.mapped("display_name"))

    def test_french_template_maps_back(self):
        wizard = self.open_member_wizard(csv_bytes([["Name"], ["Ann Lee"]]))
        action = wizard.action_download_template_csv()
        template = attachment_content(self.env, action).decode("utf-8-sig")
        headers = template.splitlines()[0]
        self.assertIn(self.french["Plan Name"], headers)
        self.assertNotIn("Plan Name", headers)
        # The French template, filled in, maps every column back
        rows = [row.split(",") for row in template.splitlines()]
        wizard = self.open_member_wizard(csv_bytes(rows[:2]))
        mapped = {line.column_name: line.field_id.key for line in wizard.mapping_ids}
        self.assertNotIn(False, mapped.values(), mapped)
