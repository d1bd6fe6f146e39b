# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import struct
import zipfile

from odoo.exceptions import UserError

from .common import DATA, BulkImportCase, csv_bytes


class TestBadInput(BulkImportCase):
    """Every file-level problem is a UserError with a clear message, and the
    database is left as it was: no line, no change."""

    def assert_refused(self, content, message, file_name="file.csv"):
        before = self.snapshot()
        job = self.make_job(content, file_name=file_name)
        with self.assertRaises(UserError) as caught:
            job.action_import()
        self.assertIn(message, str(caught.exception))
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(job.line_ids)
        self.assertEqual(job.state, "draft")
        # The dry run refuses the same way.
        with self.assertRaises(UserError):
            job.action_dry_run()
        return caught.exception

    def test_empty_file(self):
        self.assert_refused(b"", "The file is empty.")

    def test_header_only(self):
        self.assert_refused(csv_bytes([self.HEADER]), "header row but no data rows")

    def test_missing_required_column(self):
        error = self.assert_refused(
            csv_bytes([["External Id", "Workflow name"], ["CUST-001", "Onboarding"]]),
            'required field(s) "Account manager email"',
        )
        self.assertIn('Columns found: "External Id", "Workflow name"', str(error))

    def test_duplicate_header(self):
        self.assert_refused(
            csv_bytes([["External Id", "Account manager email", "external id"], ["A", "alice@example.com", "B"]]),
            "appears twice (columns A and C)",
        )

    def test_unknown_encoding(self):
        self.assert_refused((DATA / "unknown_encoding.csv").read_bytes(), "encoding could not be recognised")

    def test_not_a_csv_or_xlsx(self):
        self.assert_refused((DATA / "not_a_table.pdf").read_bytes(), "Accepted formats", file_name="scan.pdf")

    def test_old_excel(self):
        self.assert_refused((DATA / "old_excel.xls").read_bytes(), "XLS (Excel 97-2003)", file_name="old.xls")

    def test_wrong_type_is_a_row_error(self):
        """A value of the wrong type is a row problem: the row is reported, the
        others go on (partial policy)."""
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice(at)example.com", ""],
                    ["CUST-002", "alice@example.com", ""],
                ]
            )
        )
        job.action_import()
        bad = job.line_ids.filtered(lambda line: line.row_number == 2)
        self.assertEqual(bad.status, "error")
        self.assertEqual(
            bad.message,
            'Row 2, column "Account manager email", value "alice(at)example.com": this is not a valid email address.',
        )
        self.assertFalse(self.customer("CUST-001").user_id)
        self.assertEqual(self.customer("CUST-002").user_id, self.alice)

    def test_missing_required_value(self):
        job = self.make_job(csv_bytes([self.HEADER, ["", "alice@example.com", ""]]))
        job.action_import()
        self.assertEqual(job.line_ids.message, 'Row 2, column "External Id": a value is required.')

    def test_extra_cells_beyond_the_header(self):
        job = self.make_job(b"External Id,Account manager email\r\nCUST-001,alice@example.com,surprise\r\n")
        job.action_dry_run()
        self.assertEqual(job.line_ids.status, "error")
        job.action_import()
        self.assertEqual(job.line_ids.status, "error")
        self.assertIn('extra value "surprise"', job.line_ids.message)
        self.assertFalse(self.customer("CUST-001").user_id)


def xlsx_with_sheet(sheet_xml):
    """A workbook whose first member is the given sheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


class TestLimits(BulkImportCase):
    """Settings > CRM > Bulk Import: the most rows and bytes a file may have."""

    def rows(self, count):
        return csv_bytes([self.HEADER] + [[f"CUST-{index:07d}", "alice@example.com", ""] for index in range(count)])

    def refused(self, content, file_name="big.csv"):
        before = self.snapshot()
        job = self.make_job(content, file_name=file_name)
        with self.assertRaises(UserError) as caught:
            job.action_import()
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(job.line_ids)
        return str(caught.exception)

    def test_settings_store_the_limits(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            (
                settings.crm_bulk_import_max_rows,
                settings.crm_bulk_import_max_file_mb,
                settings.crm_bulk_import_portal_max_file_mb,
            ),
            (500000, 50, 5),
        )
        settings.write({"crm_bulk_import_max_rows": 3, "crm_bulk_import_max_file_mb": 2})
        settings.execute()
        self.assertEqual(self.env["crm.bulk.import.job"]._limits()["max_rows"], 3)
        self.assertEqual(self.env["crm.bulk.import.job"]._limits()["max_bytes"], 2 * 1024 * 1024)

    def test_too_many_rows(self):
        self.env["ir.config_parameter"].set_param("crm_bulk_import.max_rows", 3)
        self.assertIn("The file has more than 3 rows: split it", self.refused(self.rows(4)))
        # Three rows pass (and are reported on their rows: unknown customers).
        job = self.make_job(self.rows(3))
        job.action_import()
        self.assertEqual(job.count_total, 3)

    def test_file_too_big(self):
        self.env["ir.config_parameter"].set_param("crm_bulk_import.max_file_mb", 1)
        content = self.rows(40000)
        self.assertGreater(len(content), 1024 * 1024)
        message = self.refused(content)
        self.assertIn(f"big.csv is {len(content) / 1024 / 1024:,.1f} MB, more than the 1 MB a file may have", message)
        # The wizard refuses it when it reads the file, before any mapping.
        wizard = self.env["crm.bulk.import.wizard"].create(
            {"import_type": "assignment", "file": base64.b64encode(content), "file_name": "big.csv"}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_read_file()
        self.assertIn("more than the 1 MB a file may have", str(caught.exception))

    def test_no_limit(self):
        self.env["ir.config_parameter"].set_param("crm_bulk_import.max_rows", 0)
        self.env["ir.config_parameter"].set_param("crm_bulk_import.max_file_mb", 0)
        job = self.make_job(self.rows(20))
        job.action_import()
        self.assertEqual(job.count_total, 20)

    def test_xlsx_bomb_is_refused_before_it_is_expanded(self):
        """A sheet that expands 1,000 times (a decompression bomb) is refused
        from the sizes the archive declares; and an archive that declares 4 GB
        for a tiny sheet is refused the same way, which proves that nothing
        was expanded (expanding it would fail on its checksum instead)."""
        self.env["ir.config_parameter"].set_param("crm_bulk_import.max_file_mb", 1)  # XLSX: 10 MB unzipped
        row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        sheet = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        bomb = xlsx_with_sheet(sheet + row * 400000 + "</sheetData></worksheet>")
        self.assertLess(len(bomb), 1024 * 1024)
        message = self.refused(bomb, "bomb.xlsx")
        self.assertIn("The XLSX file expands to 19 MB once unzipped, more than the 10 MB allowed", message)

        liar = bytearray(xlsx_with_sheet(sheet + row + "</sheetData></worksheet>"))
        central = liar.index(b"PK\x01\x02")  # first central directory entry: its uncompressed size at +24
        liar[central + 24 : central + 28] = struct.pack("<I", 0xFFFFFFF0)
        self.assertIn("The XLSX file expands to 4,096 MB once unzipped", self.refused(bytes(liar), "liar.xlsx"))
