"""Write the hostile-file fixtures of this folder:
``python tests/data/make_attack_fixtures.py``.

Small crafted .xlsx files, written part by part (no spreadsheet library would
write them), that an import must refuse or read harmlessly:

- ``attack_shared_strings_bomb.xlsx``: 70 KB whose shared strings inflate to
  72 MB, while the zip headers declare 1 KB;
- ``attack_huge_columns.xlsx``: a cell in column XFD (16,384);
- ``attack_many_rows.xlsx``: a cell on row 1,048,576 (the dense grid of a
  whole-sheet reader);
- ``attack_unreferenced_columns.xlsx``: a row of 300 cells without ``r``
  references (their place is their order);
- ``attack_formula_headers.xlsx``: header and data cells that start like
  formulas (=, +, -, @);
- ``attack_long_numbers.xlsx`` and ``attack_red_long_numbers.xlsx``: codes of
  16 and 20 digits stored as number cells.
"""

import io
import os
import struct
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
BOMB_BYTES = 72 * 1024 * 1024  # above the reader's 64 MB for shared strings
DECLARED_BYTES = 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
EMPTY_SST = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
)


def cell(ref, value):
    """A cell: a number as a number cell, text as an inline string."""
    if isinstance(value, str):
        text = escape(value)
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet(rows):
    """Worksheet XML of ``{row number: [(column number, value)]}`` or raw XML rows."""
    body = []
    for number, cells in sorted(rows.items()):
        if isinstance(cells, str):
            body.append(f'<row r="{number}">{cells}</row>')
            continue
        xml = "".join(cell(f"{column_letters(c)}{number}", v) for c, v in cells)
        body.append(f'<row r="{number}">{xml}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def table(*rows):
    """Rows of values from A1 on, as :func:`sheet` takes them."""
    return {
        number: [(c, v) for c, v in enumerate(row, start=1) if v is not None]
        for number, row in enumerate(rows, start=1)
    }


def workbook(sheet_xml, shared_strings=EMPTY_SST):
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet_xml,
        "xl/sharedStrings.xml": shared_strings,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            # a fixed date: the same bytes each time the script runs
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode() if isinstance(data, str) else data)
    return buffer.getvalue()


def shared_strings_bomb():
    """A workbook whose shared strings inflate to :data:`BOMB_BYTES`, its zip
    headers declaring :data:`DECLARED_BYTES` (a reader must not trust them)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>'
    )
    tail = b"</t></si></sst>"
    strings = head + b"A" * (BOMB_BYTES - len(head) - len(tail)) + tail
    content = bytearray(workbook(sheet(table(["客户名称"])), shared_strings=strings))
    return bytes(_declare_size(content, "xl/sharedStrings.xml", DECLARED_BYTES))


def _declare_size(content, name, size):
    """Overwrite the uncompressed size the local and central headers declare."""
    encoded = name.encode()
    local = content.find(b"PK\x03\x04")
    while local >= 0:
        name_size = struct.unpack_from("<H", content, local + 26)[0]
        if content[local + 30 : local + 30 + name_size] == encoded:
            struct.pack_into("<I", content, local + 22, size)
        local = content.find(b"PK\x03\x04", local + 4)
    central = content.find(b"PK\x01\x02")
    while central >= 0:
        name_size = struct.unpack_from("<H", content, central + 28)[0]
        if content[central + 46 : central + 46 + name_size] == encoded:
            struct.pack_into("<I", content, central + 24, size)
        central = content.find(b"PK\x01\x02", central + 4)
    return content


def huge_columns():
    return workbook(sheet({1: [(1, "客户名称")], 2: [(1, "甲公司"), (16384, "x")]}))


def many_rows():
    return workbook(sheet({1: [(1, "客户名称")], 1048576: [(1, "x")]}))


def unreferenced_columns():
    cells = "".join("<c><v>1</v></c>" for _n in range(300))
    return workbook(sheet({1: [(1, "客户名称")], 2: cells}))


FORMULA_HEADERS = [
    "客户名称",
    "邮箱",
    '=HYPERLINK("http://example.com/x","点击")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]
FORMULA_ROWS = [
    ["=1+1 公司", "=cmd|' /C calc'!A0", "=A1", "+1", "-1", "@A1"],
    ["@公司", "not-an-email", None, None, None, None],
]


def formula_headers():
    return workbook(sheet(table(FORMULA_HEADERS, *FORMULA_ROWS)))


# a 16-digit customer code and a 20-digit USCC typed as numbers (Excel keeps
# 15 digits: the file holds 1.2345678901234567E+19)
LONG_NUMBER_HEADERS = ["客户编码", "客户名称", "统一社会信用代码"]


def long_numbers():
    rows = table(LONG_NUMBER_HEADERS, [1234567890123456, "长数字甲公司"])
    rows[3] = (
        cell("A3", "LN2")
        + cell("B3", "长数字乙公司")
        + '<c r="C3"><v>1.2345678901234567E+19</v></c>'
    )
    return workbook(sheet(rows))


def red_long_numbers():
    """A 20-digit 数电 invoice number typed as a number."""
    rows = table(["原发票号码", "冲红原因"])
    rows[2] = '<c r="A2"><v>2.5440000000000002E+19</v></c>' + cell("B2", "01")
    return workbook(sheet(rows))


FIXTURES = {
    "attack_shared_strings_bomb.xlsx": shared_strings_bomb,
    "attack_huge_columns.xlsx": huge_columns,
    "attack_many_rows.xlsx": many_rows,
    "attack_unreferenced_columns.xlsx": unreferenced_columns,
    "attack_formula_headers.xlsx": formula_headers,
    "attack_long_numbers.xlsx": long_numbers,
    "attack_red_long_numbers.xlsx": red_long_numbers,
}


def main():
    for name, make in FIXTURES.items():
        with open(os.path.join(HERE, name), "wb") as file:
            file.write(make())


if __name__ == "__main__":
    main()
