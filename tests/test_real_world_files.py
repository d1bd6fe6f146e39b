# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Files made the way real tools make them, imported through the wizard:
what is stored is what the person sees in their spreadsheet, or the import
says in one sentence what to change. The table "Real-world files" of
tests/README.md lists them."""

import base64
import io
import re
import unittest
import zipfile
from datetime import date, timedelta

import openpyxl
import xlsxwriter

from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools import html2plaintext

from ..engine.numbers import AmbiguousNumber, column_decimal, read_number
from ..models.crm_bulk_import_type import RowError
from .common import BulkImportCase, csv_bytes
from .test_lead import LeadCase

HEADER = ["Name", "Plan Name", "Start Date", "Next Invoice Date", "Email"]
PEOPLE = ["Jürgen Weiß", "Renée Köhler", "Françoise Müller", "Zoë Ångström"]


class TestRealWorldFiles(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls.make_plan(cls, "Coworking Desk", 310)
        cls.next_invoice = (date.today() + timedelta(days=20)).isoformat()

    def rows(self, names=None):
        names = names or PEOPLE
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

    def test_encoding_chosen_in_the_wizard(self):
        """ "Köhler" in Mac Roman reads as "Kšhler" in Windows-1252, and
        nothing in the text tells which is meant: the user chooses."""

        def mac_csv(email):
            rows = [HEADER, ["Anna Köhler", "Coworking Desk", "2026-01-05", self.next_invoice, email]]
            return ("\r".join(",".join(row) for row in rows) + "\r").encode("mac_roman")

        # The preview says that the file reads two ways, and shows both.
        wizard = self.env["crm.bulk.import.wizard.member"].with_user(self.manager)
        form = Form(wizard.with_context(default_file_name="members.csv"))
        form.file = base64.b64encode(mac_csv("anna0@example.com"))
        wizard = form.save()
        wizard.action_read_file()
        self.assertIn('This file reads two ways: "Anna Kšhler,Coworking Desk', html2plaintext(wizard.preview_html))
        self.assertIn('or "Anna Köhler,Coworking Desk', html2plaintext(wizard.preview_html))
        detected = self.import_members(mac_csv("anna1@example.com"), "members.csv")
        self.assertEqual(self.stored_names(detected), ["Anna Kšhler"], "undecidable: Windows-1252")
        job = self.import_through_wizard(
            "member", mac_csv("anna2@example.com"), "members2.csv", self.manager, csv_encoding="mac_roman"
        )
        self.assertEqual(self.stored_names(job), ["Anna Köhler"])
        self.assertEqual(job.csv_encoding, "mac_roman")
        with self.assertRaises(UserError) as refused:
            self.import_through_wizard(
                "member", mac_csv("anna3@example.com"), "m3.csv", self.manager, csv_encoding="utf-8"
            )
        self.assertIn("The file cannot be read as utf-8", str(refused.exception))

    def test_separator_chosen_in_the_wizard(self):
        rows = self.rows(["Lee, Ann", "Stone, Bob"])
        content = csv_bytes(rows, delimiter="|")
        job = self.import_through_wizard("member", content, "members.csv", self.manager, csv_delimiter="|")
        self.assertEqual(self.stored_names(job), ["Lee, Ann", "Stone, Bob"])
        self.assertEqual(job.file_delimiter, "|")

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

    def test_title_rows_above_the_header(self):
        """A title or two above the header, as many exports have: "no column
        for Name..." was said of the title."""
        rows = [["Members export"], ["Generated on 2026-11-28", "", "by Coworks"], []] + self.rows(
            ["Ann Lee", "Bob Stone"]
        )
        rows[-1][1] = "Unknown Plan"
        job = self.import_through_wizard("member", csv_bytes(rows, delimiter=";"), "members.csv", self.manager)
        self.assertEqual(self.stored_names(job), ["Ann Lee"])
        failed = job.line_ids.filtered(lambda line: line.status == "error")
        self.assertEqual(failed.row_number, 6, "the row number the spreadsheet shows")
        self.assertEqual(job.file_headers, HEADER)

    def test_title_rows_above_the_header_of_a_workbook(self):
        content = workbook([["Members export"], ["Coworks, November"]] + self.rows(["Ann Lee", "Bob Stone"]))
        job = self.import_members(content, "members.xlsx")
        self.assertEqual(self.stored_names(job), ["Ann Lee", "Bob Stone"])

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

    def test_sheet_chosen_in_the_wizard(self):
        """A workbook of several visible sheets: the preview names them, and
        the one written in Sheet is read."""
        book = openpyxl.Workbook()
        book.active.title = "Summary"
        book.active.append(["Total members", 2])
        members = book.create_sheet("Members")
        for row in self.rows(["Ann Lee", "Bob Stone"]):
            members.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        form = Form(
            self.env["crm.bulk.import.wizard.member"].with_user(self.manager).with_context(default_file_name="m.xlsx")
        )
        form.file = base64.b64encode(buffer.getvalue())
        wizard = form.save()
        with self.assertRaises(UserError):
            wizard.action_read_file()  # the first sheet has no member column
        wizard.xlsx_sheet = "Membres"
        with self.assertRaises(UserError) as refused:
            wizard.action_read_file()
        self.assertIn('The workbook has no sheet "Membres". Its sheets: Summary, Members.', str(refused.exception))
        wizard.xlsx_sheet = "Members"
        wizard.action_read_file()
        self.assertIn(
            "This workbook has several sheets: Summary, Members. The sheet Members is read",
            html2plaintext(wizard.preview_html),
        )
        job = self.import_through_wizard("member", buffer.getvalue(), "m.xlsx", self.manager, xlsx_sheet="Members")
        self.assertEqual(self.stored_names(job), ["Ann Lee", "Bob Stone"])
        self.assertEqual(job.xlsx_sheet, "Members")

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


class TestNumbersAsWritten(unittest.TestCase):
    """engine.numbers on the values spreadsheets hold."""

    def test_unambiguous_values(self):
        for text, number in [
            ("1234.5", 1234.5),
            ("1,234.50", 1234.5),
            ("1.234,50", 1234.5),
            ("1 234,56 €", 1234.56),
            ("1\u00a0234,56\u00a0€", 1234.56),
            ("1\u202f234,56", 1234.56),
            ("1'234.50", 1234.5),
            ("CHF 1'234.50", 1234.5),
            ("1.234.567", 1234567),
            ("2,5", 2.5),
            ("0.500", 0.5),
            ("-12.75", -12.75),
            ("12500", 12500),
        ]:
            with self.subTest(text=text):
                self.assertEqual(read_number(text), number)

    def test_ambiguous_values_need_a_decimal_separator(self):
        for text, readings in [
            ("1.500", (1500, 1.5)),
            ("12.500", (12500, 12.5)),
            ("€ 2.000", (2000, 2)),
            ("1,500", (1500, 1.5)),
        ]:
            with self.subTest(text=text):
                with self.assertRaises(AmbiguousNumber) as ambiguous:
                    read_number(text)
                self.assertEqual(ambiguous.exception.readings, readings)
        self.assertEqual(read_number("1.500", ","), 1500)
        self.assertEqual(read_number("1.500", "."), 1.5)
        self.assertEqual(read_number("1,500", ","), 1.5)

    def test_a_column_tells_its_decimal_separator(self):
        self.assertEqual(column_decimal(["1.500", "2.000,50", "750"]), ",")
        self.assertEqual(column_decimal(["1,500", "12.75"]), ".")
        self.assertIsNone(column_decimal(["1.500", "2.000"]))
        self.assertIsNone(column_decimal(["2,5", "12.75"]), "the values disagree")

    def test_not_numbers(self):
        for text in ("12abc", "1.2.3,4,5x", "n/a", "--"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                read_number(text)


class TestNumbersStored(LeadCase):
    """German thousands were stored as decimals: "12.500" as 12.5."""

    def revenue_rows(self, *revenues):
        rows = []
        for index, revenue in enumerate(revenues):
            row = self.lead_row(self.reseller.partner_code, name=f"Lead {index}", email=f"buyer{index}@acme.example")
            row[-1] = revenue
            rows.append(row)
        return rows

    def revenues(self, job):
        leads = self.env["crm.lead"].search([("bulk_import_job_id", "=", job.id)], order="id")
        return leads.mapped("expected_revenue")

    def test_the_file_settles_german_thousands(self):
        job = self.import_leads(self.revenue_rows("12.500", "€ 2.000,50", "1.500"))
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.revenues(job), [12500, 2000.5, 1500])

    def test_the_other_rows_of_the_file_settle_it(self):
        """A chunk of rows with only "12.500" is read by what the file's other
        rows show."""
        job = self.import_leads(self.revenue_rows("12.500", "2.000,50"))
        first = job.line_ids.filtered(lambda line: line.row_number == 2)
        self.assertEqual(first.values["Expected revenue"], "12.500")
        rows, errors = self.env["crm.bulk.import.type.lead"]._parse_lines(job, first)
        self.assertEqual((errors, rows[0].values["expected_revenue"]), ({}, 12500))

    def test_an_ambiguous_number_is_a_row_error(self):
        job = self.import_leads(self.revenue_rows("12.500"))
        self.assertEqual(self.revenues(job), [])
        self.assertIn(
            'column "Expected revenue", value "12.500": this number reads as 12500 or as 12.5. Write it without '
            "a thousands separator (12500)",
            job.line_ids.message,
        )

    def test_a_german_user_means_thousands(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.importer.lang = "de_DE"
        job = self.import_leads(self.revenue_rows("12.500", "€ 2.000"))
        self.assertEqual(self.revenues(job), [12500, 2000])

    def test_member_custom_number_field(self):
        """A column mapped to no field becomes a custom field of the members:
        a number field when its values read as numbers, as the file means
        them; text when a value reads two ways."""
        desk = self.make_plan("Coworking Desk", 310)
        next_invoice = (date.today() + timedelta(days=20)).isoformat()
        rows = [HEADER + ["Kaution", "Locker"]]
        for index, (deposit, locker) in enumerate([("1.500", "1.250"), ("2.000,50", "2.500"), ("750", "")]):
            rows.append(
                [f"Member {index}", desk.name, "2026-01-05", next_invoice, f"m{index}@example.com", deposit, locker]
            )
        job = self.import_through_wizard("member", csv_bytes(rows), "members.csv", self.manager)
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        members = self.env["res.partner"].search([("email", "in", ["m0@example.com", "m1@example.com"])], order="email")
        definitions = {d["string"]: d for d in self.env.company.member_properties_definition}
        self.assertEqual(definitions["Kaution"]["type"], "float")
        self.assertEqual(definitions["Locker"]["type"], "char", "1.250 and 2.500 read two ways: kept as written")
        kaution, locker = definitions["Kaution"]["name"], definitions["Locker"]["name"]
        self.assertEqual([member.member_properties[kaution] for member in members], [1500, 2000.5])
        self.assertEqual([member.member_properties[locker] for member in members], ["1.250", "2.500"])


class TestCellsAsPeopleWriteThem(BulkImportCase):
    """Cells a spreadsheet mangled or a person pasted, in a member import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_plan(cls, "Coworking Desk", 310)
        cls.next_invoice = (date.today() + timedelta(days=20)).isoformat()

    def import_rows(self, rows, user=None, header=(*HEADER, "Phone")):
        content = csv_bytes([list(header)] + [list(row) for row in rows])
        return self.import_through_wizard("member", content, "members.csv", user or self.manager)

    def member(self, email):
        return self.env["res.partner"].search([("email", "=", email)])

    def test_excel_float_phone_is_refused_on_its_row(self):
        """Excel shows a long phone number as 4.91701234567E+11: it was stored
        as the phone."""
        job = self.import_rows(
            [
                ("Ann Lee", "Coworking Desk", "2026-01-05", self.next_invoice, "ann@example.com", "4.91701234567E+11"),
                ("Bob Stone", "Coworking Desk", "2026-01-05", self.next_invoice, "bo@example.com", "+49 170 1234567"),
            ]
        )
        self.assertFalse(self.member("ann@example.com"))
        self.assertEqual(self.member("bo@example.com").phone, "+49 170 1234567")
        failed = job.line_ids.filtered(lambda line: line.status == "error")
        self.assertIn('column "Phone", value "4.91701234567E+11": the spreadsheet turned this value', failed.message)

    def test_emails_as_people_paste_them(self):
        pasted = {
            "mailto:Ann.Lee@Example.com": "ann.lee@example.com",
            "Bob Stone <bobby@example.com>": "bobby@example.com",
            "carl@example.com.": "carl@example.com",
            "dora@exa\u200bmple.com": "dora@example.com",
            "\u00a0eve@example.com\u00a0": "eve@example.com",
        }
        rows = [
            (f"Member {index}", "Coworking Desk", "2026-01-05", self.next_invoice, email, "")
            for index, email in enumerate(pasted)
        ]
        job = self.import_rows(rows)
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        for email in pasted.values():
            self.assertEqual(len(self.member(email)), 1, email)

    def test_no_break_space_in_a_plan_name(self):
        job = self.import_rows(
            [("Ann Lee", "Coworking\u00a0Desk", "2026-01-05", self.next_invoice, "ann@example.com", "")]
        )
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.member("ann@example.com").member_subscription_ids.template_id.name, "Monthly")

    def test_serial_number_date(self):
        """A date cell that lost its format shows the spreadsheet's day
        number: "does not follow the chosen format" was said of 46037."""
        job = self.import_rows([("Ann Lee", "Coworking Desk", "46037", self.next_invoice, "ann@example.com", "")])
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.member("ann@example.com").member_subscription_ids.date_start, date(2026, 1, 15))
        # The same in a workbook: a number cell where a date cell was.
        content = workbook([list(HEADER), ["Bo Lee", "Coworking Desk", 46038, self.next_invoice, "bolee@example.com"]])
        job = self.import_through_wizard("member", content, "members.xlsx", self.manager)
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.member("bolee@example.com").member_subscription_ids.date_start, date(2026, 1, 16))

    def test_french_user_writes_the_day_first(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.manager.lang = "fr_FR"
        job = self.import_rows([("Ann Lee", "Coworking Desk", "05/06/2025", self.next_invoice, "ann@example.com", "")])
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        self.assertEqual(self.member("ann@example.com").member_subscription_ids.date_start, date(2025, 6, 5))

    def test_a_column_with_its_own_date_format_says_so(self):
        """Billing Start Date is always MM/DD/YYYY: "15.03.2026" with
        DD.MM.YYYY chosen for the file was refused with "does not follow
        MM/DD/YYYY", not saying that this column's format is fixed."""
        promote = self.env["crm.bulk.import.type.promote"]
        column = promote._schema().by_key["billing_start_date"]
        job = self.make_job(b"Email\r\nx@example.com\r\n", "promote.csv", import_type="promote", date_format="%d.%m.%Y")
        with self.assertRaises(RowError) as refused:
            promote._parse_value(column, "15.03.2026", job)
        self.assertEqual(
            str(refused.exception),
            "this column's dates are always written MM/DD/YYYY, whatever the date format chosen for the file "
            "(or YYYY-MM-DD).",
        )
        self.assertEqual(promote._parse_value(column, "03/15/2026", job), date(2026, 3, 15))


class TestTheSamePersonTwice(LeadCase):
    """The same email (in another case), or the same name, twice in one file."""

    def test_member_import_makes_one_member(self):
        """It made two members; the same name twice still gives one member two
        plans."""
        desk, office = self.make_plan("Coworking Desk", 310), self.make_plan("Private Office", 900)
        next_invoice = (date.today() + timedelta(days=20)).isoformat()
        rows = [HEADER] + [
            [name, plan.name, "2026-01-05", next_invoice, email]
            for name, plan, email in [
                ("Ann Lee", desk, "ann@example.com"),
                ("Annie Lee", office, "ANN@example.com"),
                ("Cy Young", desk, "cy@example.com"),
                ("Cy Young", office, "cy@example.com"),
            ]
        ]
        job = self.import_through_wizard("member", csv_bytes(rows), "members.csv", self.manager)
        ann = self.env["res.partner"].search([("email", "=ilike", "ann@example.com")])
        self.assertEqual((ann.name, len(ann.member_subscription_ids)), ("Ann Lee", 1))
        cy = self.env["res.partner"].search([("email", "=", "cy@example.com")])
        self.assertEqual(len(cy.member_subscription_ids), 2, "one member, two plans")
        second = job.line_ids.filtered(lambda line: line.row_number == 3)
        self.assertEqual(second.status, "skipped")
        self.assertIn('Row 3 has the same email as row 2 ("ann@example.com") under another name', second.message)

    def test_lead_registration_warns(self):
        rows = [
            self.lead_row(self.reseller.partner_code, name="First", email="buyer@acme.example"),
            self.lead_row(self.reseller.partner_code, name="Second", email="Buyer@Acme.example", company="Other"),
        ]
        job = self.import_leads(rows)
        self.assertEqual(job.count_created, 2, "a warning, not a refusal")
        second = job.line_ids.filtered(lambda line: line.row_number == 3)
        self.assertIn('Warning, row 3: row 2 of this file has the same email "buyer@acme.example".', second.message)

    def test_two_people_under_one_name(self):
        """Two rows with one Name and two emails were taken for one person:
        both rows "created", one member."""
        desk = self.make_plan("Coworking Desk", 310)
        next_invoice = (date.today() + timedelta(days=20)).isoformat()
        rows = [HEADER] + [
            ["Ann Lee", desk.name, "2026-01-05", next_invoice, email]
            for email in ("ann.lee@example.com", "ann.lee@other.example")
        ]
        job = self.import_through_wizard("member", csv_bytes(rows), "members.csv", self.manager)
        self.assertEqual(self.env["res.partner"].search([("name", "=", "Ann Lee")]).email, "ann.lee@example.com")
        second = job.line_ids.filtered(lambda line: line.row_number == 3)
        self.assertEqual(second.status, "error")
        self.assertIn(
            '"Ann Lee" is already a member of this file with the email ann.lee@example.com: two people under one name?',
            second.message,
        )


class TestZipCodes(BulkImportCase):
    def test_zip_code_with_its_leading_zero(self):
        """A zip code typed in Excel is a number shown with a "00000" format:
        01234 was stored as 1234."""
        self.make_plan("Coworking Desk", 310)
        next_invoice = (date.today() + timedelta(days=20)).isoformat()
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append([*HEADER, "Zip", "Phone"])
        for index, zip_code in enumerate((1234, 75001, 2100)):
            sheet.append(
                [
                    "Member %d" % index,
                    "Coworking Desk",
                    "2026-01-05",
                    next_invoice,
                    f"z{index}@example.com",
                    zip_code,
                    4701234,
                ]
            )
            sheet.cell(row=index + 2, column=6).number_format = "00000"
            sheet.cell(row=index + 2, column=7).number_format = "0"
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.import_through_wizard("member", buffer.getvalue(), "members.xlsx", self.manager)
        self.assertEqual(job.state, "done", job.line_ids.mapped("message"))
        members = self.env["res.partner"].search(
            [("email", "like", "@example.com"), ("name", "like", "Member ")], order="name"
        )
        self.assertEqual(members.mapped("zip"), ["01234", "75001", "02100"])
        self.assertEqual(members.mapped("phone"), ["4701234"] * 3, "a plain number format pads nothing")
