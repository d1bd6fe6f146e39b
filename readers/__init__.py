from .reader import ReadError, Table, column_letter, normalize_header, read_table
