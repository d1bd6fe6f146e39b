# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
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
