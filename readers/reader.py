# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Turn the bytes of an uploaded CSV or XLSX file into a header and rows.

Plain Python: nothing here knows Odoo models, so it can be tested and fuzzed
without a database. Every problem with the file as a whole raises ReadError
with a message meant for the user.
"""

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate("crm_bulk_import")

DELIMITERS = (",", ";", "\t", "|")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# How much of the file is read to tell its kind, encoding and delimiter.
HEAD_SIZE = 65536
DECODE_CHUNK = 1 << 20
MB = 1024 * 1024
# What an XLSX file may expand to once unzipped, unless the caller says.
MAX_UNZIPPED = 500 * MB
# Characters a text file never holds; their presence means a binary file or a
# wrong guess of the encoding.
CONTROL_CHARS = {chr(code) for code in range(32)} - {"\t", "\n", "\r"}
# How our error files escape formulas (see writers.escape_formula).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# In a worksheet's XML: a row's number, a cell's value (or inline string),
# a formula, the end of a cell. Tags may carry a namespace prefix.
SHEET_TAGS = re.compile(
    rb"<(?:\w+:)?row\b([^>]*)>|<(?:\w+:)?c\b([^>]*)>|<(?:\w+:)?v>([^<]{0,64})|<(?:\w+:)?(is|f)\b|</(?:\w+:)?c>"
)
ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
CELL_REF = re.compile(rb'\sr="([A-Z]+)\d+"')
CELL_STYLE = re.compile(rb'\ss="(\d+)"')
CELL_TYPE = re.compile(rb'\st="(\w+)"')
CALC_PROPERTIES = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*>")
FULL_CALC_ON_LOAD = re.compile(rb'fullCalcOnLoad="(?:1|true)"')
# How many rows from the top may hold the header (titles above it).
HEADER_SEARCH_ROWS = 10
# Excel's first line naming the delimiter, quoted or not.
SEP_LINE = re.compile(r'"?sep=([^\r\n"])"?[ \t]*\r?\n', re.IGNORECASE)
ACCEPTED = _lt("Accepted formats: CSV (comma, semicolon, tab or pipe separated) and XLSX.")


class ReadError(Exception):
    """A problem with the file as a whole, in words for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)

    def translated(self, lang):
        """The message in ``lang`` (a lazy translation knows no language
        until it is asked for one)."""
        if hasattr(self.message, "_translate"):
            return self.message._translate(lang)
        return str(self.message)


@dataclass
class Table:
    headers: list
    rows: list = field(default_factory=list)  # [(row_number, [values])]
    file_format: str = "csv"
    encoding: str = ""
    delimiter: str = ""
    sheet_name: str = ""
    # XLSX: the sheet's last row holding a value (its formatting may go on)
    last_row: int = 0
    # XLSX: the workbook's visible sheets
    sheet_names: list = field(default_factory=list)
    # CSV: a line as read (Windows-1252) and as Mac Roman reads it, when the
    # file reads both ways equally well
    encoding_doubt: tuple = ()


def normalize_header(text):
    """A header as the engine compares it: no case, accents, spaces or
    punctuation, so "Account manager E-mail*" == "account_manager_email"."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(char for char in text if char.isalnum())


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA: columns as a spreadsheet names them."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_table(data, file_name="", **options):
    """Read an uploaded file (CSV or XLSX, told apart by content), all rows
    at once: every problem of the file is raised here. ``options``: those of
    open_table."""
    table = open_table(data, file_name, **options)
    table.rows = list(table.rows)
    return table


def open_table(
    data,
    file_name="",
    max_rows=None,
    sheet_name=None,
    max_unzipped=MAX_UNZIPPED,
    *,
    header_names=None,
    encoding=None,
    delimiter=None,
):
    """Like read_table, but ``rows`` is an iterator that reads the file as
    it is consumed, so that a big file is never held whole, neither as bytes
    nor as Python rows. ``data`` is the file's bytes or a binary file object
    open at its start (seekable), which the iterator closes when done.
    Problems of the header raise here, problems of the rows (values under no
    header, too many rows, no row at all) when the iterator reaches them.
    An XLSX file that would expand to more than ``max_unzipped`` bytes is
    refused before anything is decompressed. ``header_names``: the
    normalized column names the import knows, to find the header under title
    rows (see _table). ``encoding`` and ``delimiter``: a CSV's, as the user
    chose them, instead of those detected."""
    stream = io.BytesIO(data or b"") if isinstance(data, (bytes, bytearray)) else data
    try:
        head = stream.read(HEAD_SIZE)
        if _blank(stream, head):
            raise ReadError(_lt("The file is empty."))
        if head.startswith(OLE_MAGIC):
            raise ReadError(_lt("XLS (Excel 97-2003) files are not supported: save the file as XLSX or CSV."))
        stream.seek(0)
        if head.startswith(ZIP_MAGIC):
            return _read_xlsx(stream, file_name, sheet_name, max_rows, max_unzipped, header_names=header_names)
        return _read_csv(stream, head, file_name, max_rows, header_names, encoding=encoding, delimiter=delimiter)
    except BaseException:
        stream.close()
        raise


def _blank(stream, head):
    """Whether the file holds nothing but white space (read on from ``head``
    only while it is blank)."""
    chunk = head
    while chunk:
        if chunk.strip():
            return False
        chunk = stream.read(HEAD_SIZE)
    return True


# ------------------------------------------------------------
# CSV
# ------------------------------------------------------------


def _encoding(stream, head, file_name):
    """(encoding, doubt): the first encoding that decodes the whole file:
    BOMs first, then UTF-16 without BOM (every other byte NUL), UTF-8, and
    Windows-1252 or Mac Roman last (_windows_or_mac). The file is decoded
    chunk by chunk, never held whole."""
    candidates = []
    if head.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        sample = head[:2000]
        if len(sample) > 3 and sample[1::2].count(0) > len(sample) // 4:
            candidates = ["utf-16-le"]
        elif len(sample) > 3 and sample[0::2].count(0) > len(sample) // 4:
            candidates = ["utf-16-be"]
        candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        if _decodes(stream, encoding):
            return _windows_or_mac(head, windows=True) if encoding == "cp1252" else (encoding, ())
    if candidates[-1] == "cp1252" and _decodes(stream, "mac_roman"):
        # Bytes Windows-1252 leaves undefined: Mac Roman, if it reads as text.
        found = _windows_or_mac(head, windows=False)
        if found[0]:
            return found
    if b"\x00" in head[:2000]:
        raise ReadError(
            _lt(
                "%(name)s is not a CSV or XLSX file. %(accepted)s", name=file_name or _lt("The file"), accepted=ACCEPTED
            )
        )
    raise ReadError(_lt("The file's encoding could not be recognised. Save it as CSV UTF-8 and upload it again."))


def _windows_or_mac(head, windows):
    """(encoding, doubt) of a file that decodes in Mac Roman, and in
    Windows-1252 too when ``windows``. Excel for Mac writes "CSV" in Mac
    Roman, Excel for Windows in Windows-1252, and almost any bytes decode in
    both: Mac Roman when its accented letters sit in words as letters do, and
    better than in Windows-1252. The doubt, when both read the file equally
    well ("Kšhler" or "Köhler"?): a line as each reads it, else ()."""
    mac = head.decode("mac_roman")
    misplaced = _misplaced(mac)
    plausible = misplaced * 10 <= sum(1 for byte in head if byte > 127)
    if not windows:
        return ("mac_roman" if plausible else None), ()
    windows_text = head.decode("cp1252", "replace")
    windows_misplaced = _misplaced(windows_text)
    if plausible and misplaced < windows_misplaced:
        return "mac_roman", ()
    if misplaced == windows_misplaced and "\ufffd" not in windows_text:
        for windows_line, mac_line in zip(windows_text.splitlines(), mac.splitlines(), strict=False):
            if windows_line != mac_line:
                return "cp1252", (windows_line[:120], mac_line[:120])
    return "cp1252", ()


def _misplaced(text):
    """How many non-ASCII characters of ``text`` read as a wrong decoding
    writes them: a symbol stuck to a word ("Wei§", "J¸rgen") or a capital
    inside a lowercase word ("JŸrgen", "RenŽe")."""
    count = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if not char.isalpha():
            count += before.isalpha() or after.isalpha()
        elif char.isupper() and before.isalpha() and before.islower():
            count += 1
    return count


def _decodes(stream, encoding):
    """Whether the whole stream decodes with ``encoding`` and its first
    100,000 characters hold no control character a text never has. A NUL
    further on is an error of its own (PostgreSQL cannot store it)."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    checked = lines = 0
    try:
        while True:
            chunk = stream.read(DECODE_CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if checked < 100000:
                if CONTROL_CHARS.intersection(text[: 100000 - checked]):
                    return False
                checked += len(text)
            if "\x00" in text:
                raise ReadError(
                    _lt(
                        "Line %(line)s of the file holds a NUL character, which no text file has: "
                        "open the file in a spreadsheet and save it as CSV UTF-8 again.",
                        line=lines + text[: text.index("\x00")].count("\n") + 1,
                    )
                )
            lines += text.count("\n")
            if not chunk:
                return True
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)


def _sniff_delimiter(head, complete=True):
    """The delimiter that splits the first lines into the most columns, the
    same number on each line; a one-column file reads with a comma. ``head``
    is the start of the text (the whole text when ``complete``)."""
    lines = head.splitlines()
    if not complete and len(lines) > 1:
        lines.pop()  # cut at the sample's end
    sample = "\n".join(lines[:50])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        # The width most lines share (title lines above the header have
        # fewer cells), and how many share it.
        widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        widths = [width for width in widths if width >= 2]
        if not widths:
            continue
        width = max(set(widths), key=lambda value: (widths.count(value), value))
        score = (widths.count(width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(stream, head, file_name, max_rows=None, header_names=None, *, encoding=None, delimiter=None):
    doubt = ()
    if not encoding:
        encoding, doubt = _encoding(stream, head, file_name)
    elif not _decodes(stream, encoding):
        raise ReadError(
            _lt(
                "The file cannot be read as %(encoding)s: choose another encoding, or let it be detected.",
                encoding=encoding,
            )
        )
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    start = text.read(HEAD_SIZE)  # not the whole file: its first lines tell the delimiter
    complete = not text.read(1)
    text.seek(0)
    if start.lstrip().lstrip("\ufeff").lstrip().startswith("%PDF"):
        raise ReadError(
            _lt(
                "%(name)s is not a CSV or XLSX file. %(accepted)s", name=file_name or _lt("The file"), accepted=ACCEPTED
            )
        )
    # Excel's "sep=;" first line names the delimiter; Excel shows the file
    # from the next line on, and so do the row numbers here.
    declared = SEP_LINE.match(start.lstrip("\ufeff"))
    if not delimiter:
        delimiter = declared.group(1) if declared else _sniff_delimiter(start.lstrip("\ufeff"), complete)

    def numbered():
        # Row numbers as a spreadsheet shows them: a quoted cell with line
        # breaks is still one row.
        number = 0
        try:
            if declared:
                text.readline()
            for number, record in enumerate(csv.reader(text, delimiter=delimiter), 1):  # noqa: B007 - used below
                yield number, _clean_record(record)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                limit = f"{csv.field_size_limit():,}"  # not inside _lt(): Babel's extractor evaluates its arguments
                raise ReadError(
                    _lt(
                        'Row %(row)s has a cell longer than %(max)s characters: is a quote (") left open '
                        "in that row or the one before it?",
                        row=number + 1,
                        max=limit,
                    )
                ) from None
            raise ReadError(
                _lt("Row %(row)s of the CSV file could not be read: %(error)s", row=number + 1, error=error)
            ) from None
        finally:
            text.close()

    encoding = "utf-16" if encoding.startswith("utf-16") else encoding
    return _table(
        numbered(), "csv", max_rows, header_names, encoding=encoding, delimiter=delimiter, encoding_doubt=doubt
    )


# ------------------------------------------------------------
# XLSX
# ------------------------------------------------------------


def _read_xlsx(stream, file_name, sheet_name=None, max_rows=None, max_unzipped=MAX_UNZIPPED, *, header_names=None):
    import openpyxl  # an Odoo requirement; imported here to keep CSV reads light

    try:
        with zipfile.ZipFile(stream) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ReadError(
                    _lt(
                        "%(name)s is not a CSV or XLSX file. %(accepted)s",
                        name=file_name or _lt("The file"),
                        accepted=ACCEPTED,
                    )
                )
            _check_unzipped_size(archive, max_unzipped)
            calc = CALC_PROPERTIES.search(archive.read("xl/workbook.xml"))
            recalculate = bool(calc and FULL_CALC_ON_LOAD.search(calc.group(0)))
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, and NotImplementedError, EOFError... for mangled headers
        raise ReadError(
            _lt(
                "The XLSX file is damaged or incomplete (was its upload or download cut short?): "
                "open it in your spreadsheet, save it again and upload it again."
            )
        ) from None
    try:
        stream.seek(0)
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds
        raise ReadError(_lt("The XLSX file could not be opened (it may be damaged): %(error)s", error=error)) from None
    if sheet_name and sheet_name not in book.sheetnames:
        names = ", ".join(book.sheetnames)
        book.close()
        raise ReadError(
            _lt('The workbook has no sheet "%(sheet)s". Its sheets: %(names)s.', sheet=sheet_name, names=names)
        )
    if not book.worksheets:
        book.close()
        raise ReadError(_lt("The workbook has no worksheet to read (only charts, or none at all)."))
    # The first sheet the user sees: a hidden sheet (a lookup list, an old
    # version) is not what they mean to import.
    visible = [sheet for sheet in book.worksheets if getattr(sheet, "sheet_state", "visible") == "visible"]
    sheet = book[sheet_name] if sheet_name else (visible or book.worksheets)[0]
    try:
        last_row, padded = _scan_sheet(sheet, recalculate, _padded_styles(book))
    except ReadError:
        book.close()
        raise

    def numbered():
        try:
            # Up to the last row that holds a value: formatting applied to
            # whole columns makes a sheet reach row 1,048,576.
            for number, record in enumerate(sheet.iter_rows(max_row=max(last_row, 1), values_only=True), 1):
                texts = [_cell_text(value) for value in record]
                for column, digits in padded.get(number, ()):
                    value = record[column] if column < len(record) else None
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
                        texts[column] = str(int(value)).zfill(digits)  # 01234, as the spreadsheet shows it
                yield number, texts
        except ReadError:
            raise
        except Exception as error:  # noqa: BLE001
            raise ReadError(
                _lt("The XLSX file could not be read (it may be damaged): %(error)s", error=error)
            ) from None
        finally:
            book.close()
            stream.close()

    return _table(
        numbered(),
        "xlsx",
        max_rows,
        header_names,
        sheet_name=sheet.title,
        sheet_names=[candidate.title for candidate in visible],
        last_row=last_row,
    )


def _padded_styles(book):
    """{cell style index: digits} of the styles showing whole numbers padded
    with zeros ("00000": how a spreadsheet keeps a zip code's leading 0)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS  # noqa: PLC0415 - with openpyxl, for XLSX files only

    custom = list(getattr(book, "_number_formats", None) or [])
    padded = {}
    for index, style in enumerate(getattr(book, "_cell_styles", None) or []):
        number_format = style.numFmtId
        if number_format >= 164:
            code = custom[number_format - 164] if number_format - 164 < len(custom) else ""
        else:
            code = BUILTIN_FORMATS.get(number_format, "")
        section = code.split(";")[0]
        if re.fullmatch(r"0{2,}", section):
            padded[index] = len(section)
    return padded


def _note_padded(attributes, row, padded_styles, padded):
    """Note in ``padded`` ({row: [(column index, digits)]}) a number cell
    whose style pads it with zeros."""
    style = CELL_STYLE.search(attributes)
    if not style or int(style.group(1)) not in padded_styles:
        return
    kind = CELL_TYPE.search(attributes)
    reference = CELL_REF.search(attributes)
    if (kind and kind.group(1) != b"n") or not reference:
        return
    column = 0
    for letter in reference.group(1).decode():
        column = column * 26 + ord(letter) - 64
    padded.setdefault(row, []).append((column - 1, padded_styles[int(style.group(1))]))


def _scan_sheet(sheet, recalculate, padded_styles=None):
    """The number of the sheet's last row holding a value, read from its XML
    without building cells, and the number cells shown padded with zeros
    ({row: [(column index, digits)]}, for the styles of ``padded_styles``).
    Refuses a sheet whose formulas were never calculated: a program wrote the
    file (openpyxl, XlsxWriter...) and no spreadsheet saved it, so their cells
    hold no value or a placeholder 0 (``recalculate``: the workbook asks to be
    calculated when opened)."""
    padded = {}
    try:
        source = sheet._get_source()  # the worksheet's XML, as openpyxl reads it
    except AttributeError:  # not a read-only worksheet
        return sheet.max_row or 0, padded
    row = last_row = formulas = missing = zeros = 0
    in_formula = has_value = False
    carry = b""
    with source:
        while True:
            chunk = source.read(DECODE_CHUNK)
            data = carry + chunk
            cut = len(data) - 4096 if chunk else len(data)
            end = 0
            for match in SHEET_TAGS.finditer(data):
                if match.start() >= cut:
                    break
                end = match.end()
                attributes, cell, value, tag = match.groups()
                if attributes is not None:
                    number = ROW_NUMBER.search(attributes)
                    row = int(number.group(1)) if number else row + 1
                elif cell is not None:
                    if padded_styles:
                        _note_padded(cell, row, padded_styles, padded)
                elif value is not None or tag == b"is":
                    last_row, has_value = row, True
                    if in_formula and value is not None and value.strip() in (b"0", b""):
                        zeros += 1
                elif tag == b"f":
                    in_formula, has_value = True, False
                    formulas += 1
                else:  # the end of a cell
                    missing += in_formula and not has_value
                    in_formula = has_value = False
            if not chunk:
                break
            carry = data[max(end, cut) :]
    if missing or (recalculate and formulas and zeros == formulas):
        raise ReadError(
            _lt(
                "The sheet %(sheet)s holds %(count)s formulas whose values were never calculated: the file was "
                "written by a program, not saved by a spreadsheet. Open it in Excel, LibreOffice or Google "
                "Sheets, save it, and upload it again.",
                sheet=sheet.title,
                count=formulas,
            )
        )
    return last_row, padded


def _check_unzipped_size(archive, max_unzipped):
    """Refuse a decompression bomb (a small file that expands to gigabytes)
    from the sizes the archive declares, before anything is expanded.
    Python's zipfile never expands a member beyond its declared size (and
    fails its checksum if the size lies), so the declared sizes bound what
    reading the workbook can cost."""
    expanded = sum(info.file_size for info in archive.infolist())
    if max_unzipped and expanded > max_unzipped:
        size, limit = f"{expanded / MB:,.0f}", f"{max_unzipped / MB:,.0f}"
        raise ReadError(
            _lt(
                "The XLSX file expands to %(size)s MB once unzipped, more than the %(max)s MB allowed: "
                "it was refused unread. Save it as CSV, or split it.",
                size=size,
                max=limit,
            )
        )


def _cell_text(value):  # noqa: PLR0911 - one return per cell type
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _clean(str(value))


# ------------------------------------------------------------
# Both
# ------------------------------------------------------------


def _clean(value):
    """Strip spaces, and undo the quote our error files put before a
    formula-looking value."""
    value = value.strip()
    if value.startswith("'") and value[1:2] and value[1] in "=+-@":
        return value[1:]
    return value


def _clean_record(record):
    values = [value.strip() for value in record]
    if any(value.startswith("'") for value in values):
        values = [_clean(value) for value in values]
    return values


def _table(numbered, file_format, max_rows=None, header_names=None, **info):
    """The first non-empty row is the header, unless a row among the first
    ones names more of ``header_names`` (a title or two above the header, as
    many exports have: they are left out). Empty rows are skipped but the
    others keep the number the spreadsheet shows. The rows are read lazily."""
    numbered = ((number, values) for number, values in numbered if any(values))
    first = next(numbered, None)
    if first is None:
        raise ReadError(_lt("The file is empty."))
    if header_names:
        first, numbered = _find_header(first, numbered, header_names)
    headers = [header.lstrip("\ufeff").strip() for header in first[1]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ReadError(_lt("Row %(row)s, the first row, has no column names.", row=first[0]))
    _check_headers(headers)
    width = len(headers)
    blank = [index for index, header in enumerate(headers) if not header]

    def rows():
        count = 0
        for number, values in numbered:
            for index in blank:
                if index < len(values) and values[index]:
                    raise ReadError(
                        _lt(
                            "Column %(letter)s has values but no header: add a header or remove the column.",
                            letter=column_letter(index),
                        )
                    )
            count += 1
            if max_rows and count > max_rows:
                raise ReadError(
                    _lt(
                        "The file has more than %(max)s rows: split it into files of at most %(max)s rows and "
                        "import them one after the other.",
                        max=max_rows,
                    )
                )
            yield number, values + [""] * (width - len(values)) if len(values) < width else values
        if not count:
            raise ReadError(_lt("The file has a header row but no data rows."))

    return Table(headers=headers, rows=rows(), file_format=file_format, **info)


def _find_header(first, numbered, header_names):
    """(header row, the rows after it) when a title row or a few sit above
    the header: the first of the first rows naming the most known columns (at
    least two), if it names more than the first row."""
    looked = [first]
    for row in numbered:
        looked.append(row)
        if len(looked) == HEADER_SEARCH_ROWS:
            break

    def known(row):
        return sum(1 for value in row[1] if normalize_header(value) in header_names)

    best = max(looked, key=known)  # the first of the best
    if known(best) < 2 or known(best) <= known(first):
        best = first
    rest = looked[looked.index(best) + 1 :]
    return best, itertools.chain(rest, numbered)


def _check_headers(headers):
    seen = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = normalize_header(header)
        if key in seen:
            raise ReadError(
                _lt(
                    'Column "%(name)s" appears twice (columns %(first)s and %(second)s). Rename or remove one of them.',
                    name=header,
                    first=column_letter(seen[key]),
                    second=column_letter(index),
                )
            )
        seen[key] = index
