# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Numbers as people write them in spreadsheets: 1234.5, 1,234.50,
1.234,50, 1 234,50 € (spaces, no-break spaces), 1'234.50, € 2.000.

"1.500" is 1.5 in English and 1500 in German: such a value (one separator,
then exactly three digits) is read only when its column or the user's
language tells which separator is the decimal one."""

import re
import unicodedata

# Groupings: spaces of every width and apostrophes (Swiss).
GROUPING = re.compile(r"[\s\u00a0\u2007\u202f'\u2019]")
NUMBER = re.compile(r"[-+]?\d[\d.,]*")
# One separator, then three digits, after 1-3 digits that are not a lone 0:
# thousands or decimals, the value alone cannot tell.
AMBIGUOUS = re.compile(r"[-+]?[1-9]\d{0,2}[.,]\d{3}")
# A currency code written beside the amount.
CURRENCY_CODE = re.compile(r"^[A-Z]{3}|[A-Z]{3}$")


class AmbiguousNumber(ValueError):
    """The value reads both ways; ``readings`` holds both."""

    def __init__(self, readings):
        super().__init__(readings)
        self.readings = readings


def _digits(text):
    """The number's characters: currency signs and codes, spaces and
    apostrophes taken out. None when something else is left."""
    text = GROUPING.sub("", text.strip())
    text = CURRENCY_CODE.sub("", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Sc")
    return text if NUMBER.fullmatch(text) else None


def decimal_separator(text):
    """The decimal separator ``text`` shows on its own ("," or "."), or None
    when it has none or could use either."""
    digits = _digits(text)
    if not digits or AMBIGUOUS.fullmatch(digits):
        return None
    if "," in digits and "." in digits:
        return "," if digits.rfind(",") > digits.rfind(".") else "."
    for separator, other in ((",", "."), (".", ",")):
        if digits.count(separator) > 1:
            return other  # 1.234.567: thousands
        if digits.count(separator) == 1:
            return separator
    return None


def is_ambiguous(text):
    """Whether ``text`` reads two ways ("1.500")."""
    digits = _digits(text)
    return bool(digits and AMBIGUOUS.fullmatch(digits))


def column_decimal(texts):
    """The decimal separator the values of a column agree on, or None."""
    found = {decimal_separator(text) for text in texts} - {None}
    return found.pop() if len(found) == 1 else None


def read_number(text, decimal=None):
    """The float ``text`` means. ``decimal``: the decimal separator known for
    its column or user ("," or "."), needed only for ambiguous values.

    :raise AmbiguousNumber: "1.500" with no ``decimal`` to settle it
    :raise ValueError: not a number"""
    digits = _digits(text)
    if digits is None:
        raise ValueError(text)
    if AMBIGUOUS.fullmatch(digits):
        if decimal is None:
            separator = "," if "," in digits else "."
            raise AmbiguousNumber((float(digits.replace(separator, "")), float(digits.replace(separator, "."))))
    else:
        decimal = decimal_separator(digits) or "."
    thousands = "." if decimal == "," else ","
    return float(digits.replace(thousands, "").replace(decimal, "."))
