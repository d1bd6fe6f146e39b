# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The writers, read back with our reader and with openpyxl."""

import io
import unittest

import openpyxl

from odoo.addons.crm_bulk_import.readers import read_table
from odoo.addons.crm_bulk_import.writers import escape_formula, write_csv, write_xlsx

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


class TestWriters(unittest.TestCase):
    def test_escape_formula(self):
        for value in DANGEROUS:
            self.assertEqual(escape_formula(value), "'" + value)
        for value in ["-5", "-3.2", "+33", "plain", "", "a=b"]:
            self.assertEqual(escape_formula(value), value)

    def test_csv_escapes_and_round_trips(self):
        content = write_csv(["Name", "Error"], [[value, "bad"] for value in DANGEROUS[:4]])
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        text = content.decode("utf-8-sig")
        for value in DANGEROUS[:4]:
            self.assertIn("'" + value.replace('"', '""'), text)
        table = read_table(content)
        self.assertEqual([values[0] for _row, values in table.rows], DANGEROUS[:4])

    def test_csv_delimiter(self):
        content = write_csv(["a", "b"], [["1;2", "x"]], delimiter=";")
        self.assertEqual(content.decode("utf-8-sig"), 'a;b\r\n"1;2";x\r\n')

    def test_xlsx_has_no_formula_and_marks_required(self):
        content = write_xlsx(
            ["Name*", "Plan", "Note"],
            [[value, "Gold", "x"] for value in DANGEROUS],
            required={"Name*"},
            dropdowns={"Plan": ["Gold", "Silver"]},
            notes=["Past invoices are not imported."],
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book["Import"]
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", cell.coordinate)
        self.assertEqual([sheet.cell(row=index, column=1).value for index in range(2, 8)], DANGEROUS)
        self.assertEqual(sheet["A1"].fill.fgColor.rgb[-6:], "FFFF00")
        self.assertEqual(sheet["A1"].comment.text, "Required")
        self.assertIsNone(sheet["B1"].comment)
        validations = sheet.data_validations.dataValidation
        self.assertEqual(len(validations), 1)
        self.assertIn("Lists", validations[0].formula1)
        self.assertEqual(str(validations[0].sqref), "B2:B1000")
        self.assertEqual([cell.value for cell in book["Lists"]["A"]], ["Plan", "Gold", "Silver"])
        self.assertEqual(book["Lists"].sheet_state, "hidden")
        self.assertEqual(book["Notes"]["A1"].value, "Past invoices are not imported.")
        # Our reader reads it back as written.
        table = read_table(content)
        self.assertEqual([values[0] for _row, values in table.rows], [value.strip() for value in DANGEROUS])
