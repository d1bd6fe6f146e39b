from .reader import MAX_UNZIPPED, MB, ReadError, Table, column_letter, normalize_header, open_table, read_table
