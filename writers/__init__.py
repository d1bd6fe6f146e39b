from .writer import escape_formula, write_csv, write_xlsx
