"""Cell values as spreadsheets give them, turned into Python values.

Readers give whatever the file holds: numbers, text (often numbers typed as
text, with thousands separators or full-width digits), dates as Excel serial
numbers, datetimes or text.  These functions normalise one cell and raise
:class:`CellError` with a message key and parameters; the Odoo side turns the
key into a translated message.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Excel's day zero (1900 date system, with its 1900-02-29 bug absorbed)
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
TEN_THOUSAND = 10000
# Excel keeps 15 significant digits of a number: a number cell from 10**15 up
# (a 16-digit code, a 20-digit invoice number) may already be altered
EXCEL_DIGITS = 15

_SPACES = re.compile(r"\s+")
_NUMBER_NOISE = re.compile(r"[\s'_¥￥元]")
# commas only as thousands separators: 1,234,567.89
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_TIME_OF_DAY = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


class CellError(ValueError):
    """A cell that cannot be read as the column requires.

    ``code`` names the problem (``not_a_number``, ``negative``, ``not_an_integer``,
    ``not_a_date``, ``long_number``, ``decimal_comma``); ``params`` fill the
    message.
    """

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def is_blank(value):
    """True for an empty cell: None, "" or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def to_text(value):
    """A cell as trimmed text; numbers without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_long_number(value):
    """True for a number cell of more than 15 digits, which Excel may have altered."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value) >= 10**EXCEL_DIGITS
    )


def _long_number_error(value):
    shown = str(value) if isinstance(value, int) else f"{value:.15g}"
    return CellError("long_number", value=shown)


def parse_text(value):
    """A cell as text (:func:`to_text`) for codes and numbers kept as text.

    A number cell of more than 15 digits is refused (``long_number``): Excel
    has already rounded a 16- or 20-digit number to 15 digits, so the code
    read would not be the one typed.
    """
    if is_long_number(value):
        raise _long_number_error(value)
    return to_text(value)


def parse_number(value, *, integer=False, allow_negative=False, scale=1):
    """A number from a numeric cell or text such as ``1,234.50``, ``１２３`` or ``12.5万``.

    ``scale`` multiplies the value (10,000 for a column in 万元), unless the
    cell gives its own unit (``12.5万``): a value is scaled once.  Commas are
    thousands separators only (``1,234.5``); a decimal comma (``1,5``,
    ``1.234,5``) is refused, never misread.  Negative values (``-5``,
    ``(5)``) are refused unless ``allow_negative``; ``integer`` refuses
    fractions; number cells beyond 15 digits are refused.  Blank cells give
    None.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("not_a_number", value=to_text(value))
    if isinstance(value, int | float):
        if is_long_number(value):
            raise _long_number_error(value)
        number = Decimal(str(value)) * scale
    else:
        number, has_unit = _parse_number_text(str(value))
        if not has_unit:
            number *= scale
    if number < 0 and not allow_negative:
        raise CellError("negative", value=to_text(value))
    if integer:
        if number != number.to_integral_value():
            raise CellError("not_an_integer", value=to_text(value))
        return int(number)
    return float(number)


def _parse_number_text(text):
    """(number, True when the text gives its unit 万)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    cleaned = _NUMBER_NOISE.sub("", raw)
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    factor = 1
    if cleaned.endswith("万"):
        factor, cleaned = TEN_THOUSAND, cleaned[:-1]
    if cleaned.endswith("%"):
        raise CellError("not_a_number", value=raw)
    if "," in cleaned:
        if not _THOUSANDS.fullmatch(cleaned):
            raise CellError("decimal_comma", value=raw)
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("not_a_number", value=raw) from None
    if not number.is_finite():
        raise CellError("not_a_number", value=raw)
    number *= factor
    return (-number if negative else number), factor != 1


def parse_date(value, *, datemode=0):
    """A date from any form Excel gives: a date/datetime, a serial number or text.

    Text may be ``2024-01-31``, ``2024/1/31``, ``2024.1.31``, ``2024年1月31日``
    or ``20240131``, optionally followed by a time.  Blank cells give None.
    ``datemode`` 1 is the 1904 date system of old Mac workbooks.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value, datemode)
    text = _DATE_TIME_SUFFIX.sub("", to_text(value))
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    elif re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text), datemode)
    raise CellError("not_a_date", value=to_text(value))


def parse_datetime(value, *, datemode=0):
    """A date and time from any form Excel gives: a datetime, a serial number
    with a fraction, or text (a date as :func:`parse_date` reads it, then
    ``10:30`` or ``10:30:15``).  A date alone is midnight.  Blank cells give
    None; the result is naive, in the time of the file."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = parse_date(value, datemode=datemode)
        seconds = round((float(value) % 1) * 86400)
        return datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            seconds=seconds
        )
    text = to_text(value)
    day = parse_date(text, datemode=datemode)
    match = _TIME_OF_DAY.search(text)
    if not match:
        return datetime.datetime.combine(day, datetime.time())
    hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime.datetime.combine(day, datetime.time(hour, minute, second))
    except ValueError as error:
        raise CellError("not_a_date", value=text) from error


def _from_serial(number, datemode):
    if not 1 <= number < 2958466:  # 9999-12-31
        raise CellError("not_a_date", value=to_text(number))
    epoch = datetime.datetime(1904, 1, 1) if datemode else EXCEL_EPOCH
    return (epoch + datetime.timedelta(days=float(number))).date()


# what users write for yes and no (是/否 and their cousins)
TRUE_TEXTS = frozenset(("是", "1", "y", "yes", "true", "t", "√", "✓", "对", "有"))
FALSE_TEXTS = frozenset(("否", "0", "n", "no", "false", "f", "×", "✗", "无"))


def parse_bool(value):
    """True or False from ``是``/``否``, ``Y``/``N``, ``1``/``0``, ``√``/``×``…;
    blank cells give None, anything else raises ``not_a_boolean``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = normalise_key(value)
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise CellError("not_a_boolean", value=to_text(value))


def normalise_key(value):
    """Text compared case- and space-insensitively (labels, codes, aliases)."""
    return _SPACES.sub("", to_text(value)).casefold()
