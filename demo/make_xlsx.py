# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write demo/files/lead_registration.xlsx, the demo's XLSX file: a partner's
lead registration as a spreadsheet user fills the template.

    .venv/bin/python demo/make_xlsx.py
"""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used

import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import LEAD_HEADERS  # noqa: E402

ROWS = [
    [
        "P00001",
        "",
        "Printers for the new office",
        "Ann Lee",
        "ann@initech.example",
        "Initech",
        "+1 555 0101",
        "Two floors, 40 people",
        12500,
    ],
    [
        "P00001",
        "A00001",
        "Desks for the sales team",
        "Bob Stone",
        "bob@umbrella.example",
        "Umbrella",
        "+1 555 0102",
        "",
        8000.5,
    ],
    ["P00001", "A00001", "Meeting room booking", "Carol Diaz", "carol@hooli.example", "Hooli", "", "Weekly", 2400],
]


def main():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    for row in [LEAD_HEADERS, *ROWS]:
        sheet.append(row)
    target = Path(__file__).parent / "files" / "lead_registration.xlsx"
    book.save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
