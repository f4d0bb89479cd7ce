"""Header row -> column keys, through a table of aliases per import kind.

Headers are compared without case, spaces, the required mark ``*`` and a unit
in brackets; a header that says ``万元`` makes an amount column count in
10,000 CNY.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from .cells import TEN_THOUSAND, is_blank

_REQUIRED_MARK = re.compile(r"^[*＊]+|[*＊]+$")
_BRACKETS = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_SPACES = re.compile(r"[\s_]+")


@dataclass(frozen=True)
class Column:
    """One column an import understands.

    :param key: the name the specification's validators use
    :param aliases: header texts in any language (compared normalised)
    :param required: a file without this column is refused
    :param amount: an amount whose header may say 万元 (values x 10,000)
    """

    key: str
    aliases: tuple
    required: bool = False
    amount: bool = False


def normalise_header(text):
    """(comparable header text, scale): ``年营业收入（万元）*`` -> (``年营业收入``, 10000)."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    text = _SPACES.sub("", text)
    text = _REQUIRED_MARK.sub("", text)
    scale = TEN_THOUSAND if "万元" in text else 1
    text = _BRACKETS.sub("", text)
    text = _REQUIRED_MARK.sub("", text)
    if text.endswith("万元"):
        text = text[: -len("万元")]
    return text.casefold(), scale


@dataclass
class HeaderMap:
    """Where each known column sits in a header row.

    ``index`` {key: position}, ``scale`` {key: 1 or 10000} for amounts,
    ``unknown`` the header texts no column claims, ``duplicates`` the keys
    found twice (the first one is used), ``chosen`` the positions whose
    column a mapping (the user's, or the one remembered) decided rather than
    the aliases.
    """

    index: dict = field(default_factory=dict)
    scale: dict = field(default_factory=dict)
    unknown: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    chosen: set = field(default_factory=set)
    refused: dict = field(default_factory=dict)  # {position: reason}
    shadowed: dict = field(default_factory=dict)  # {position: key of a duplicate}

    def missing(self, columns):
        """The required columns absent from the header row."""
        return [c for c in columns if c.required and c.key not in self.index]

    def extract(self, cells):
        """{key: raw cell} of one data row."""
        size = len(cells)
        return {
            key: cells[position] if position < size else None
            for key, position in self.index.items()
        }


def alias_table(columns):
    """{normalised alias: column} for a list of columns."""
    table = {}
    for column in columns:
        for alias in (column.key, *column.aliases):
            table.setdefault(normalise_header(alias)[0], column)
    return table


def header_key(header):
    """The text a mapping remembers a header by: ``客户名称*`` and ``客户名称`` alike."""
    return normalise_header(header)[0] if header is not None else ""


def map_headers(headers, columns, mapping=None):
    """The :class:`HeaderMap` of a header row (a list of cell values).

    :param mapping: {:func:`header_key`: column key, or "" for a column not
        imported} chosen by the user; it wins over the aliases.  A key that
        names no column is ignored (the aliases decide).
    """
    table = alias_table(columns)
    by_key = {c.key: c for c in columns}
    mapping = mapping or {}
    result = HeaderMap()
    for position, header in enumerate(headers):
        text = str(header).strip() if header is not None else ""
        if not text:
            continue
        normalised, scale = normalise_header(text)
        chosen = mapping.get(normalised)
        if chosen == "" or chosen in by_key:
            column = by_key.get(chosen)
            result.chosen.add(position)
        else:
            column = table.get(normalised) or _bracketed_column(text, table)
        if not column:
            result.unknown.append(text)
        elif column.key in result.index:
            result.duplicates.append(column.key)
            result.shadowed[position] = column.key
        else:
            result.index[column.key] = position
            if column.amount:
                result.scale[column.key] = scale
    return result


def _bracketed_column(text, table):
    """``客户名称 (Name)``: the words in brackets may name the column too."""
    for inner in _BRACKETS.findall(unicodedata.normalize("NFKC", text)):
        column = table.get(normalise_header(inner[1:-1])[0])
        if column:
            return column
    return None


def _column_of(cell, table, by_key, mapping):
    normalised = normalise_header(cell)[0]
    chosen = mapping.get(normalised)
    if chosen == "" or chosen in by_key:
        return by_key.get(chosen)
    return table.get(normalised) or _bracketed_column(str(cell), table)


def header_candidate(columns, mapping=None):
    """A predicate for a header row that misses a required column: text cells
    only (two at least), one of them a known column.  A mapping step then
    asks for the missing columns."""
    table = alias_table(columns)
    by_key = {c.key: c for c in columns}
    mapping = mapping or {}

    def is_candidate(cells):
        filled = [c for c in cells if not is_blank(c)]
        return (
            len(filled) >= 2
            and all(isinstance(c, str) for c in filled)
            and any(_column_of(c, table, by_key, mapping) for c in filled)
        )

    return is_candidate


def header_detector(columns, mapping=None):
    """A predicate telling whether a row is the header row: it names every
    required column, by an alias or by the user's ``mapping`` (as
    :func:`map_headers` takes it)."""
    table = alias_table(columns)
    by_key = {c.key: c for c in columns}
    mapping = mapping or {}
    required = {c.key for c in columns if c.required}

    def is_header(cells):
        found = set()
        for cell in cells:
            if cell is None or not str(cell).strip():
                continue
            column = _column_of(cell, table, by_key, mapping)
            if column:
                found.add(column.key)
        return bool(found) and required <= found

    return is_header
