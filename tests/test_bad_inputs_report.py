# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bad inputs tried, and what each produced: every case runs through a
real import job (customer assignment), and the table of what the user reads
is checked against tests/README.md, so the report stays true."""

from pathlib import Path

from odoo.exceptions import UserError

from .common import DATA, BulkImportCase, csv_bytes
from .test_bad_input import xlsx_with_sheet
from .test_fuzz import VALID_XLSX, rezip

HEADER = ["External Id", "Account manager email", "Workflow name"]
GOOD_ROW = ["CUST-001", "alice@example.com", "Onboarding"]


def good_csv(*rows):
    return csv_bytes([HEADER, *(rows or [GOOD_ROW])])


def bomb():
    return xlsx_with_sheet("<row><c><v>1</v></c></row>" * 1000000)


# (what was tried, file name, content, settings, what the message must say)
CASES = [
    ("An empty file (0 bytes)", "a.csv", lambda: b"", {}, "The file is empty."),
    ("Only spaces and blank lines", "a.csv", lambda: b" \r\n\r\n  \r\n", {}, "The file is empty."),
    ("A header row and no data", "a.csv", lambda: csv_bytes([HEADER]), {}, "no data rows"),
    (
        "A required column missing",
        "a.csv",
        lambda: csv_bytes([["External Id"], ["CUST-001"]]),
        {},
        "has no column for the required field",
    ),
    (
        "The same column twice, spelt differently",
        "a.csv",
        lambda: csv_bytes([["External Id", "Account manager email", "external_id"], ["A", "b@example.com", "C"]]),
        {},
        "appears twice",
    ),
    (
        "Values under a column without header",
        "a.csv",
        lambda: b"External Id,,Account manager email\r\nCUST-001,x,alice@example.com\r\n",
        {},
        "Column B has values but no header",
    ),
    ("Bytes no encoding decodes", "a.csv", (DATA / "unknown_encoding.csv").read_bytes, {}, "encoding"),
    (
        "A NUL byte after 200 KB of good rows",
        "a.csv",
        lambda: good_csv(*[GOOD_ROW] * 5000) + b"CUST-002,\x00,x\r\n",
        {},
        "NUL character",
    ),
    (
        "A quote left open (the rest of the file in one cell)",
        "a.csv",
        lambda: good_csv() + b'CUST-002,"alice@example.com\r\n' + b"x" * 140000 + b"\r\n",
        {},
        "longer than 131,072 characters",
    ),
    ("A PDF renamed .csv", "scan.csv", (DATA / "not_a_table.pdf").read_bytes, {}, "is not a CSV or XLSX"),
    (
        "An XLS (Excel 97-2003) file",
        "old.xls",
        (DATA / "old_excel.xls").read_bytes,
        {},
        "XLS (Excel 97-2003)",
    ),
    (
        "A zip that is not a workbook (an ODS sheet)",
        "sheet.ods",
        lambda: rezip(VALID_XLSX, drop={"xl/workbook.xml"}),
        {},
        "is not a CSV or XLSX",
    ),
    ("An XLSX cut in the middle", "a.xlsx", lambda: VALID_XLSX[: len(VALID_XLSX) // 2], {}, "damaged or incomplete"),
    (
        "An XLSX without its shared strings",
        "a.xlsx",
        lambda: rezip(VALID_XLSX, drop={"xl/sharedStrings.xml"}),
        {},
        "could not be opened",
    ),
    (
        "An XLSX whose content types are wrong",
        "a.xlsx",
        lambda: rezip(VALID_XLSX, replace={"[Content_Types].xml": b"<Types/>"}),
        {},
        "could not be opened",
    ),
    ("An XLSX decompression bomb (limit 1 MB)", "bomb.xlsx", bomb, {"max_file_mb": 1}, "expands to"),
    ("More rows than allowed (limit 3)", "a.csv", lambda: good_csv(*[GOOD_ROW] * 4), {"max_rows": 3}, "more than 3"),
    (
        "A file over the size limit (1 MB)",
        "big.csv",
        lambda: good_csv(*[GOOD_ROW] * 40000),
        {"max_file_mb": 1},
        "more than the 1 MB",
    ),
    (
        "An invalid email in a row",
        "a.csv",
        lambda: good_csv(["CUST-001", "alice(at)example.com", ""]),
        {},
        "not a valid email",
    ),
    ("A required value missing in a row", "a.csv", lambda: good_csv(["", "alice@example.com", ""]), {}, "required"),
    (
        "More values than headers in a row",
        "a.csv",
        lambda: good_csv(["CUST-001", "alice@example.com", "Onboarding", "surprise"]),
        {},
        'extra value "surprise"',
    ),
    (
        "A formula in a cell",
        "a.csv",
        lambda: good_csv(['=HYPERLINK("http://evil.example","x")', "alice@example.com", ""]),
        {},
        "not found",
    ),
    ("An unknown workflow", "a.csv", lambda: good_csv(["CUST-001", "alice@example.com", "Nope"]), {}, "Nope"),
]


def markdown_table(outcomes):
    lines = ["| Bad input | Stops the file? | What the user reads |", "| --- | --- | --- |"]
    for what, level, text in outcomes:
        message = " ".join(text.split()).replace("|", "\\|")
        lines.append(
            f"| {what} | {'yes, nothing written' if level == 'file' else 'no: the row is reported'} | {message} |"
        )
    return "\n".join(lines)


class TestBadInputsReport(BulkImportCase):
    def run_case(self, content, file_name):
        """(level, message): a file-level refusal, or the rows' messages."""
        before = self.snapshot()
        job = self.make_job(content, file_name=file_name)
        try:
            with self.env.cr.savepoint():
                job.action_import()
        except UserError as error:
            self.env.invalidate_all()
            self.assertFalse(job.line_ids, "a refused file leaves no line")
            self.assertEqual(self.snapshot(), before, "a refused file changes nothing")
            return "file", str(error)
        errors = job.line_ids.filtered(lambda line: line.status == "error")
        self.assertTrue(errors, "a bad row is reported")
        return "row", " ".join(errors.mapped("message"))

    def test_every_bad_input_and_the_report(self):
        Param = self.env["ir.config_parameter"]
        outcomes = []
        for what, file_name, content, settings, expected in CASES:
            with self.subTest(what=what):
                for key, value in settings.items():
                    Param.set_param(f"crm_bulk_import.{key}", value)
                level, message = self.run_case(content(), file_name)
                for key in settings:
                    Param.search([("key", "=", f"crm_bulk_import.{key}")]).unlink()
                self.assertIn(expected, message)
                self.assertNotIn("Traceback", message)
                outcomes.append((what, level, message))
        table = markdown_table(outcomes)
        readme = (Path(__file__).parent / "README.md").read_text()
        self.assertIn(table, readme, f"tests/README.md is not what the inputs produce now:\n{table}")
