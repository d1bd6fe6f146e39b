from .reader import ReadError, Table, column_letter, normalize_header, open_table, read_table
