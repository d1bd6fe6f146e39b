# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fuzzing the readers and the job with hypothesis.

Whatever the bytes, reading a file gives a table or a ReadError with a
message for the user; no other exception. Through a job, a file-level
problem is a UserError and nothing is written; a row-level one is a message
on its row.

``make test`` runs a short, derandomized run (the same examples each time);
``make fuzz`` runs the profile ``fuzz``: thousands of random examples.
"""

import io
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError

from odoo.addons.crm_bulk_import.readers import ReadError, read_table

from .common import DATA, BulkImportCase, csv_bytes

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

VALID_CSV = (DATA / "assignment_utf8.csv").read_bytes()


def _workbook(rows):
    """A minimal workbook as Excel saves it, text in shared strings (openpyxl,
    as Odoo sets it up, writes inline strings)."""
    strings = sorted({value for row in rows for value in row})
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    cells = "".join(
        f'<row r="{number}">'
        + "".join(
            f'<c r="{chr(65 + column)}{number}" t="s"><v>{strings.index(value)}</v></c>'
            for column, value in enumerate(row)
        )
        + "</row>"
        for number, row in enumerate(rows, 1)
    )
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}">'
        '<sheets><sheet name="Import" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{value}</t></si>" for value in strings)
        + "</sst>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


HEADER = ["External Id", "Account manager email", "Workflow name"]
VALID_XLSX = _workbook(
    [HEADER, ["CUST-001", "alice@example.com", "Onboarding"], ["CUST-002", "bob@example.com", "Relance"]]
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1")

# Cells that break naive readers: quotes, delimiters, line breaks, NULs,
# formulas, BOMs, right-to-left marks, huge cells.
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(['"', '""', '"a,b"', "a\r\nb", "\x00", "=1+2", "\ufeff", "\u202e", ";", "\t", "|", "'=x"]),
    st.just("x" * 140000),
)
ragged_rows = st.lists(st.lists(cell, max_size=8), min_size=0, max_size=12)


def read_all(content, name=""):
    """Read every row as the job does; the only exception allowed is ReadError,
    and then its message is a sentence for the user."""
    try:
        table = read_table(content, name)
    except ReadError as error:
        message = str(error)
        assert message and "Traceback" not in message, repr(message)
        return None
    assert table.headers and all(isinstance(header, str) for header in table.headers)
    numbers = [number for number, _values in table.rows]
    assert numbers == sorted(set(numbers)), "row numbers go up"
    for _number, values in table.rows:
        assert len(values) >= len(table.headers)
        assert all(isinstance(value, str) for value in values)
    return table


def mutate(data, edits):
    """Apply (position, kind, byte) edits to ``data``: flip, insert, delete."""
    data = bytearray(data)
    for offset, kind, byte in edits:
        if not data:
            break
        position = offset % len(data)
        if kind == "flip":
            data[position] = byte
        elif kind == "insert":
            data.insert(position, byte)
        else:
            del data[position : position + byte % 64 + 1]
    return bytes(data)


edits = st.lists(
    st.tuples(st.integers(0, 1 << 20), st.sampled_from(("flip", "insert", "delete")), st.integers(0, 255)),
    min_size=1,
    max_size=8,
)


def rezip(data, drop=(), replace=None):
    """The XLSX ``data`` with members dropped or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
    return out.getvalue()


XLSX_MEMBERS = zipfile.ZipFile(io.BytesIO(VALID_XLSX)).namelist()


class TestFuzzReaders(BulkImportCase):
    @settings(settings.get_profile(PROFILE))
    @given(st.binary(max_size=3000))
    def test_random_bytes(self, content):
        read_all(content, "random.csv")

    @settings(settings.get_profile(PROFILE))
    @given(ragged_rows, st.sampled_from((",", ";", "\t", "|")), st.sampled_from(ENCODINGS))
    def test_generated_csv(self, rows, delimiter, encoding):
        text = "\r\n".join(delimiter.join(row) for row in rows)
        read_all(text.encode(encoding, errors="replace"), "generated.csv")

    @settings(settings.get_profile(PROFILE))
    @given(edits)
    def test_mutated_csv(self, changes):
        read_all(mutate(VALID_CSV, changes), "mutated.csv")

    @settings(settings.get_profile(PROFILE))
    @given(edits)
    def test_mutated_xlsx(self, changes):
        read_all(mutate(VALID_XLSX, changes), "mutated.xlsx")

    @settings(settings.get_profile(PROFILE))
    @given(st.integers(0, len(VALID_XLSX)))
    def test_truncated_xlsx(self, length):
        read_all(VALID_XLSX[:length], "truncated.xlsx")

    @settings(settings.get_profile(PROFILE))
    @given(
        st.sets(st.sampled_from(XLSX_MEMBERS), max_size=3),
        st.dictionaries(st.sampled_from(XLSX_MEMBERS), st.binary(max_size=200), max_size=2),
    )
    def test_broken_xlsx_structure(self, dropped, replaced):
        """Members missing (shared strings, content types, the sheet) or
        replaced with garbage."""
        read_all(rezip(VALID_XLSX, drop=dropped, replace=replaced), "broken.xlsx")

    def test_known_broken_xlsx(self):
        """The cases the issue names: each refused with a message."""
        self.assertIn("xl/sharedStrings.xml", XLSX_MEMBERS)
        self.assertEqual(read_all(VALID_XLSX).rows[1], (3, ["CUST-002", "bob@example.com", "Relance"]))
        cases = {
            "shared strings missing": rezip(VALID_XLSX, drop={"xl/sharedStrings.xml"}),
            "wrong content types": rezip(VALID_XLSX, replace={"[Content_Types].xml": b"<Types/>"}),
            "no content types": rezip(VALID_XLSX, drop={"[Content_Types].xml"}),
            "sheet is garbage": rezip(VALID_XLSX, replace={"xl/worksheets/sheet1.xml": b"\x00garbage<"}),
            "truncated zip": VALID_XLSX[: len(VALID_XLSX) * 2 // 3],
        }
        for name, content in cases.items():
            with self.subTest(name=name):
                self.assertIsNone(read_all(content, "broken.xlsx"), f"{name}: read without an error")

    def test_cases_fuzzing_found(self):
        """Failures make fuzz found (now fixed), kept as plain cases."""
        cases = {
            "a first row that is only a BOM": ("\r\n\ufeff\r\n0".encode(), "has no column names"),
            "a zip header mangled to version 6.4": (
                mutate(VALID_XLSX, [(4, "delete", 0), (4, "delete", 0), (4, "delete", 9), (257363, "flip", 64)]),
                "damaged or incomplete",
            ),
            "a workbook without worksheet": (
                rezip(VALID_XLSX, drop={"xl/worksheets/sheet1.xml"}),
                "The workbook has no worksheet to read",
            ),
        }
        for name, (content, message) in cases.items():
            with self.subTest(name=name):
                with self.assertRaises(ReadError) as caught:
                    read_table(content)
                self.assertIn(message, str(caught.exception))


class TestFuzzJob(BulkImportCase):
    """Through the job, as a user uploads: a file-level problem is a
    UserError and nothing is written; otherwise every row has its outcome."""

    @settings(settings.get_profile(PROFILE), max_examples=min(settings.get_profile(PROFILE).max_examples, 25))
    @given(edits)
    def test_mutated_file_through_a_job(self, changes):
        content = mutate(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", "Onboarding"]]), changes)
        before = self.snapshot()
        with self.env.cr.savepoint(flush=False) as savepoint:
            job = self.make_job(content)
            try:
                with self.env.cr.savepoint():  # what the failed request's rollback does
                    job.action_import()
            except UserError as error:
                self.env.invalidate_all()
                self.assertTrue(str(error))
                self.assertFalse(job.line_ids, "a refused file leaves no line")
                self.assertEqual(job.state, "draft")
                self.assertEqual(self.snapshot(), before, "a refused file changes nothing")
            else:
                self.assertIn(job.state, ("done", "error"))
                self.assertEqual(job.count_done, job.count_total)
                failed = job.line_ids.filtered(lambda line: line.status == "error")
                self.assertTrue(all(line.message for line in failed), "every failed row says why")
            savepoint.rollback()
