# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The readers on small files: no database involved."""

import io
import unittest
import zipfile

from odoo.addons.crm_bulk_import.readers import ReadError, normalize_header, open_table, read_table

from .common import DATA

HEADER = ["External Id", "Account manager email", "Workflow name"]
ROWS = [
    (2, ["CUST-001", "alice@example.com", "Onboarding"]),
    (3, ["CUST-002", "bob@example.com, alice@example.com", ""]),
]


def read(name, **kwargs):
    return read_table((DATA / name).read_bytes(), name, **kwargs)


class TestReaders(unittest.TestCase):
    def test_utf8_comma(self):
        table = read("assignment_utf8.csv")
        self.assertEqual((table.headers, table.rows), (HEADER, ROWS))
        self.assertEqual((table.file_format, table.encoding, table.delimiter), ("csv", "utf-8", ","))

    def test_utf8_bom_semicolon(self):
        table = read("assignment_utf8_bom.csv")
        self.assertEqual((table.headers, table.rows), (HEADER, ROWS))
        self.assertEqual((table.encoding, table.delimiter), ("utf-8-sig", ";"))

    def test_utf16_tab(self):
        table = read("assignment_utf16.csv")
        self.assertEqual((table.headers, table.rows), (HEADER, ROWS))
        self.assertEqual((table.encoding, table.delimiter), ("utf-16", "\t"))

    def test_utf16_without_bom(self):
        content = "External Id\tAccount manager email\r\nCUST-001\talice@example.com\r\n".encode("utf-16-le")
        table = read_table(content)
        self.assertEqual(table.rows, [(2, ["CUST-001", "alice@example.com"])])

    def test_windows_1252(self):
        table = read("assignment_cp1252.csv")
        self.assertEqual(table.encoding, "cp1252")
        self.assertEqual([values[2] for _row, values in table.rows], ["Intégration Müller", "Relance café"])

    def test_pipe(self):
        table = read("assignment_pipe.csv")
        self.assertEqual((table.delimiter, table.rows), ("|", ROWS))

    def test_quoted_newline_keeps_row_numbers(self):
        table = read("assignment_quoted_newline.csv")
        self.assertEqual(table.rows[0], (2, ["CUST-001", "alice@example.com", "Onboarding, then\nfollow-up"]))
        # The cell with a line break is one spreadsheet row: the next is row 3.
        self.assertEqual(table.rows[1], (3, ["CUST-002", "bob@example.com", ""]))

    def test_xlsx_dates_numbers_and_blank_rows(self):
        table = read("assignment.xlsx")
        self.assertEqual(table.file_format, "xlsx")
        self.assertEqual(table.headers, HEADER + ["Since", "Seats"])
        # The empty row 3 is skipped; row 4 keeps its number.
        self.assertEqual(
            table.rows,
            [
                (2, ["CUST-001", "alice@example.com", "Onboarding", "2025-05-15", "12"]),
                (4, ["CUST-002", "bob@example.com", "", "2024-12-31", "3.5"]),
            ],
        )

    def test_xlsx_other_sheet(self):
        table = read("assignment.xlsx", sheet_name="Other")
        self.assertEqual((table.sheet_name, table.headers, table.rows), ("Other", ["x"], [(2, ["y"])]))

    def test_short_rows_are_padded_and_extra_cells_kept(self):
        table = read_table(b"a,b,c\r\n1\r\n1,2,3,4\r\n")
        self.assertEqual(table.rows, [(2, ["1", "", ""]), (3, ["1", "2", "3", "4"])])

    def test_formula_escape_is_undone(self):
        table = read_table(b"a,b\r\n'=1+2,'@SUM\r\n")
        self.assertEqual(table.rows, [(2, ["=1+2", "@SUM"])])

    def test_stream_reads_like_bytes_and_is_closed(self):
        """A job reads its file from the filestore as a stream: the same
        table as from bytes, CSV and XLSX, and the file closed at the end."""
        for name in ("assignment_utf8_bom.csv", "assignment_utf16.csv", "assignment.xlsx"):
            with self.subTest(name=name):
                stream = (DATA / name).open("rb")
                table = open_table(stream, name)
                rows = list(table.rows)
                self.assertEqual((table.headers, rows), (read(name).headers, read(name).rows))
                self.assertTrue(stream.closed)

    def test_encoding_is_checked_past_the_first_bytes(self):
        """The encoding is checked on the whole file, read chunk by chunk: a
        Windows-1252 "é" after 2 MB of plain ASCII is not a UTF-8 error."""
        filler = "".join(f"CUST-{index:07d},a{index}@example.com,Plain\r\n" for index in range(60000))
        content = (
            "External Id,Account manager email,Workflow name\r\n" + filler + "CUST-X,x@example.com,Intégration\r\n"
        )
        self.assertGreater(len(content), 2 * 1024 * 1024)
        table = open_table(io.BytesIO(content.encode("cp1252")))
        rows = list(table.rows)
        self.assertEqual(table.encoding, "cp1252")
        self.assertEqual(rows[-1], (60002, ["CUST-X", "x@example.com", "Intégration"]))

    def test_normalize_header(self):
        self.assertEqual(normalize_header("Account manager E-mail*"), "accountmanageremail")
        self.assertEqual(normalize_header("Date de début"), "datededebut")
        self.assertEqual(normalize_header("company_name"), "companyname")


class TestReaderErrors(unittest.TestCase):
    def assert_error(self, content, message, name=""):
        with self.assertRaises(ReadError) as caught:
            read_table(content, name)
        self.assertIn(message, str(caught.exception))

    def test_empty(self):
        self.assert_error((DATA / "empty.csv").read_bytes(), "The file is empty.")
        self.assert_error(b"\r\n ,, \r\n", "The file is empty.")

    def test_header_only(self):
        self.assert_error((DATA / "header_only.csv").read_bytes(), "a header row but no data rows")

    def test_duplicate_header(self):
        self.assert_error(
            (DATA / "duplicate_header.csv").read_bytes(),
            'Column "external_id" appears twice (columns A and C). Rename or remove one of them.',
        )

    def test_values_under_an_empty_header(self):
        self.assert_error(b"a,,c\r\n1,2,3\r\n", "Column B has values but no header")

    def test_unknown_encoding(self):
        self.assert_error((DATA / "unknown_encoding.csv").read_bytes(), "encoding could not be recognised")

    def test_not_a_table(self):
        self.assert_error((DATA / "not_a_table.pdf").read_bytes(), "scan.pdf is not a CSV or XLSX file", "scan.pdf")
        self.assert_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a CSV or XLSX file")

    def test_old_excel(self):
        self.assert_error((DATA / "old_excel.xls").read_bytes(), "XLS (Excel 97-2003) files are not supported")

    def test_other_zip_and_broken_xlsx(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("content.xml", "<office:document/>")
        self.assert_error(buffer.getvalue(), "is not a CSV or XLSX file", "sheet.ods")
        xlsx = (DATA / "assignment.xlsx").read_bytes()
        self.assert_error(xlsx[: len(xlsx) // 2], "damaged or incomplete")

    def test_max_rows(self):
        with self.assertRaises(ReadError) as caught:
            read_table(b"a\r\n1\r\n2\r\n3\r\n", max_rows=2)
        self.assertIn("more than 2 rows", str(caught.exception))

    def test_error_closes_the_stream(self):
        stream = io.BytesIO(b"a,a\r\n1,2\r\n")
        with self.assertRaises(ReadError):
            open_table(stream)
        self.assertTrue(stream.closed)
