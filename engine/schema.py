"""Declarative description of an import type's columns.

A type declares its columns once (key, label, aliases, parser, required); the
engine derives from it the mapping it proposes, the required-column check, the
template files and the mapping choices offered in the wizard.
"""

from dataclasses import dataclass, field, replace

from ..readers import normalize_header

# The key of a file column the user chose not to import. A column mapped to
# no key (False) is discarded too, except by the types that make custom fields
# of such columns: there, only this key discards it.
DISCARD = "__discard__"

# Parsers the engine knows (see crm.bulk.import.type._parse_value).
PARSERS = ("text", "email", "emails", "integer", "number", "date", "names")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    parser: str = "text"
    aliases: tuple = ()
    help: str = ""
    # Name of a method of the type model returning the values offered as a
    # dropdown in the XLSX template (existing plans, workflows, ...).
    choices: str = ""
    # A date format fixed for this column (Billing Start Date is
    # MM/DD/YYYY), over the one chosen for the job.
    date_format: str = ""
    # The value of the template's example row, written under the header so
    # that users see what a cell looks like.
    example: str = ""
    # The English label, once ``label`` is in the user's language
    # (Schema.translated): a file may name the column either way.
    source_label: str = ""

    def __post_init__(self):
        if self.parser not in PARSERS:
            raise ValueError(f"unknown parser {self.parser!r} for column {self.key!r}")

    @property
    def names(self):
        """Every normalized header this column answers to."""
        labels = (self.label, self.source_label) if self.source_label else (self.label,)
        return {normalize_header(str(name)) for name in (self.key, *labels, *self.aliases)}

    def translated(self, translate):
        """This column with its label and help in a language: ``translate``
        gives the text of a lazy translation (a type declares them with
        ``_lt``); a plain text (a label an admin wrote) stays as it is."""
        return replace(
            self,
            label=_text(self.label, translate),
            help=_text(self.help, translate),
            source_label=self.source_label or getattr(self.label, "_source", self.label),
        )


def _text(value, translate):
    return value if isinstance(value, str) else translate(value)


@dataclass(frozen=True)
class Schema:
    columns: tuple
    # What becomes of a file column mapped to no field: "discard" or "custom"
    # (a custom field of the record, for the types that have them).
    unmapped: str = "discard"
    # Headers that are never imported, not even as custom fields.
    ignored: tuple = ()
    by_key: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_key", {column.key: column for column in self.columns})

    def translated(self, translate):
        """The schema in a language (see Column.translated)."""
        return replace(self, columns=tuple(column.translated(translate) for column in self.columns))

    def is_ignored(self, header):
        return normalize_header(header) in {normalize_header(name) for name in self.ignored}

    @property
    def required(self):
        return [column for column in self.columns if column.required]

    def propose_mapping(self, headers):
        """Map each file header to a column key (or False), each key used once.

        Headers match case-, space-, accent- and punctuation-insensitively
        through the column's label and aliases.
        """
        lookup = {}
        for column in self.columns:
            for name in column.names:
                lookup.setdefault(name, column.key)
        mapping, used = {}, set()
        for header in headers:
            key = lookup.get(normalize_header(header))
            if key and key not in used:
                mapping[header] = key
                used.add(key)
            else:
                mapping[header] = False
        return mapping

    def missing_required(self, mapping):
        """The required columns no file column is mapped to."""
        mapped = {key for key in mapping.values() if key}
        return [column for column in self.required if column.key not in mapped]
