# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Files made the way real tools make them, imported through the wizard:
what is stored is what the person sees in their spreadsheet, or the import
says in one sentence what to change. The table "Real-world files" of
tests/README.md lists them."""

import io
import re
import zipfile
from datetime import date, timedelta

import openpyxl
import xlsxwriter

from odoo.exceptions import UserError

from .common import BulkImportCase

HEADER = ["Name", "Plan Name", "Start Date", "Next Invoice Date", "Email"]
PEOPLE = ["Jürgen Weiß", "Renée Köhler", "Françoise Müller", "Zoë Ångström"]


class TestRealWorldFiles(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls.make_plan(cls, "Coworking Desk", 310)
        cls.next_invoice = (date.today() + timedelta(days=20)).isoformat()

    def rows(self, names=PEOPLE):
        return [HEADER] + [
            [name, "Coworking Desk", "2026-01-05", self.next_invoice, f"member{index}@example.com"]
            for index, name in enumerate(names)
        ]

    def import_members(self, content, file_name):
        job = self.import_through_wizard("member", content, file_name, self.manager)
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        return job

    def stored_names(self, job):
        self.env.invalidate_all()
        return sorted(
            self.env["res.partner"]
            .browse(job.line_ids.filtered(lambda line: line.res_id).mapped("res_id"))
            .mapped("name")
        )

    # ------------------------------------------------------------
    # CSV
    # ------------------------------------------------------------

    def test_excel_for_mac_csv_in_mac_roman(self):
        """Excel for Mac's "CSV" is Mac Roman with CR line ends: read as
        Windows-1252 it stored "JŸrgen Wei§"."""
        text = "\r".join(",".join(row) for row in self.rows()) + "\r"
        job = self.import_members(text.encode("mac_roman"), "members.csv")
        self.assertEqual(self.stored_names(job), sorted(PEOPLE))

    def test_excel_for_windows_csv_in_windows_1252(self):
        """The same names from Excel for Windows (Windows-1252, CRLF) stay
        right beside Mac Roman."""
        text = "\r\n".join(";".join(row) for row in self.rows()) + "\r\n"
        job = self.import_members(text.encode("cp1252"), "members.csv")
        self.assertEqual(self.stored_names(job), sorted(PEOPLE))

    def test_excel_sep_line(self):
        """Excel's "sep=;" first line names the separator: the whole file
        was refused ("Columns found: sep="). Excel shows the file from the
        next line on: the header is row 1 there, and in the messages."""
        rows = self.rows(["Ann Lee", "Bob Stone"])
        rows[2][1] = "Unknown Plan"
        text = "sep=;\r\n" + "\r\n".join(";".join(row) for row in rows) + "\r\n"
        job = self.import_through_wizard("member", text.encode("utf-8-sig"), "members.csv", self.manager)
        self.assertEqual(self.stored_names(job), ["Ann Lee"])
        failed = job.line_ids.filtered(lambda line: line.status == "error")
        self.assertEqual(failed.row_number, 3, "Bob Stone is on row 3 of what Excel shows")
        self.assertIn("Unknown Plan", failed.message)

    # ------------------------------------------------------------
    # XLSX
    # ------------------------------------------------------------

    def test_hidden_first_sheet(self):
        """A workbook whose first sheet is hidden (an old list) and whose data
        is on the visible second sheet: the hidden sheet was read."""
        book = openpyxl.Workbook()
        old = book.active
        old.title = "Old list"
        old.append(["Name", "Plan Name", "Start Date", "Next Invoice Date", "Email"])
        old.append(["Former Member", "Coworking Desk", "2020-01-01", self.next_invoice, "former@example.com"])
        old.sheet_state = "hidden"
        current = book.create_sheet("Members")
        for row in self.rows(["Ann Lee", "Bob Stone"]):
            current.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.import_members(buffer.getvalue(), "members.xlsx")
        self.assertEqual(self.stored_names(job), ["Ann Lee", "Bob Stone"])

    def test_formulas_never_calculated_by_xlsxwriter(self):
        """XlsxWriter stores 0 as every formula's value and asks the reader
        to calculate: the 0 was stored as the member's name."""
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer)
        sheet = book.add_worksheet("Members")
        sheet.write_row(0, 0, HEADER)
        for index, row in enumerate(self.rows(["Ann Lee", "Bob Stone"])[1:], 1):
            sheet.write_row(index, 0, row)
            sheet.write_formula(index, 0, f'=CONCATENATE("Member ", "{index}")')
        book.close()
        self.assert_refused_unwritten(buffer.getvalue(), "2 formulas whose values were never calculated")

    def test_formulas_never_calculated_by_openpyxl(self):
        """openpyxl writes formulas without values: "a value is required"
        was said of each row instead of the file's one problem."""
        rows = self.rows(["Ann Lee", "Bob Stone"])
        rows[1][0] = '=UPPER("ann lee")'
        content = workbook(rows)
        self.assert_refused_unwritten(content, "1 formulas whose values were never calculated")

    def test_formulas_saved_by_a_spreadsheet(self):
        """Formulas a spreadsheet calculated and saved are read as the values
        it shows."""
        content = workbook(self.rows(["Ann Lee", "Bob Stone"]))
        # What a spreadsheet writes: the formula and the value it calculated.
        content = rewrite_sheet(
            content,
            lambda xml: re.sub(
                rb'<c r="A2" t="inlineStr"><is><t>Ann Lee</t></is></c>',
                b'<c r="A2" t="str"><f>UPPER("ann")&amp;" Lee"</f><v>ANN Lee</v></c>',
                xml,
            ),
        )
        self.assertIn(b"<f>", zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml"))
        job = self.import_members(content, "members.xlsx")
        self.assertEqual(self.stored_names(job), ["ANN Lee", "Bob Stone"])

    def test_formatting_down_to_the_last_row(self):
        """Excel writes every row of a column formatted as a whole, down to row
        1,048,576: the rows past the data are not read (50 members took 14 s
        to preview, again at every read)."""
        content = workbook(self.rows(["Ann Lee", "Bob Stone"]))
        styled = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % number for number in range(4, 1048577))
        content = rewrite_sheet(
            content,
            lambda xml: xml.replace(b"</sheetData>", styled + b"</sheetData>").replace(
                b'<dimension ref="A1:E3"/>', b'<dimension ref="A1:E1048576"/>'
            ),
        )
        table = self.env["crm.bulk.import.job"]._open_table(content, "members.xlsx")
        self.assertEqual(table.last_row, 3, "read up to row 3, not 1,048,576")
        self.assertEqual([number for number, _values in table.rows], [2, 3])
        job = self.import_members(content, "members.xlsx")
        self.assertEqual(self.stored_names(job), ["Ann Lee", "Bob Stone"])

    def assert_refused_unwritten(self, content, message):
        partners = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError) as refused:
            self.import_through_wizard("member", content, "members.xlsx", self.manager)
        self.assertIn(message, str(refused.exception))
        self.assertIn("Open it in Excel, LibreOffice or Google Sheets, save it", str(refused.exception))
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "nothing written")


def workbook(rows):
    """An XLSX file of ``rows`` as openpyxl writes it (inline strings; a
    text starting with "=" is a formula)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(content, change):
    """The workbook ``content`` with its first sheet's XML changed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return buffer.getvalue()
