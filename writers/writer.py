# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write rows back as files users open in a spreadsheet: error files and
templates. Plain Python, like the readers.

Spreadsheets run a cell that starts with = + - @ (or a tab / CR) as a
formula; a file built from uploaded values must never do that (CSV injection).
CSV cells get a leading quote, which our reader removes on the way back in;
XLSX cells are written as plain strings, which are never evaluated.
"""

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^[-+]?\d+([.,]\d+)?$")
YELLOW = "FFFF00"


def escape_formula(value):
    value = "" if value is None else str(value)
    if value.startswith(FORMULA_STARTS) and not NUMBER_RE.match(value):
        return "'" + value
    return value


def write_csv(headers, rows, delimiter=",", encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([escape_formula(value) for value in headers])
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    return buffer.getvalue().encode(encoding, errors="replace")


def write_xlsx(headers, rows, *, required=(), dropdowns=None, notes=None, sheet_title="Import"):
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for column, header in enumerate(headers, 1):
        cell = _string_cell(sheet, 1, column, header)
        cell.font = Font(bold=True)
        if header in required:
            cell.fill = PatternFill("solid", fgColor=YELLOW)
            cell.comment = Comment("Required", "crm_bulk_import")
    for row_index, row in enumerate(rows, 2):
        for column, value in enumerate(row, 1):
            _string_cell(sheet, row_index, column, value)
    sheet.freeze_panes = "A2"
    for column, header in enumerate(headers, 1):
        width = max([len(str(header))] + [len(str(row[column - 1])) for row in rows[:200] if len(row) >= column])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 60)

    if dropdowns:
        lists = book.create_sheet("Lists")
        lists.sheet_state = "hidden"
        for list_column, (header, values) in enumerate(dropdowns.items(), 1):
            if header not in headers or not values:
                continue
            _string_cell(lists, 1, list_column, header)
            for index, value in enumerate(values, 2):
                _string_cell(lists, index, list_column, value)
            letter = get_column_letter(list_column)
            validation = DataValidation(
                type="list",
                formula1=f"{quote_sheetname('Lists')}!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                error="Choose a value from the list (existing records).",
            )
            sheet.add_data_validation(validation)
            target = get_column_letter(headers.index(header) + 1)
            validation.add(f"{target}2:{target}1000")
    if notes:
        notes_sheet = book.create_sheet("Notes")
        for index, note in enumerate(notes, 1):
            _string_cell(notes_sheet, index, 1, note)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _string_cell(sheet, row, column, value):
    """A cell that holds text and is never read as a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"
    return cell
