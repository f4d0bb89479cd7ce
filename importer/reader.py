"""Spreadsheet files -> a header row and a stream of data rows.

:func:`open_table` recognises .xlsx, .xls (xlrd) and CSV (UTF-8 with or
without BOM, UTF-16 as Excel's "Unicode text", GBK/GB18030 as saved by Chinese
Excel), finds the first sheet whose first rows hold a header row, and yields
the rows below it with their row number in the file.  Problems raise
:class:`ImportFileError` with a message key.

An .xlsx is read by python-calamine (a Rust parser, about ten times as fast as
openpyxl), which holds a sheet's cells in memory: about 1.6 bytes per byte of
the sheet's XML, 90 MB for 100,000 rows of nine columns.  A workbook with a
sheet larger than :data:`CALAMINE_MAX_SHEET_BYTES` is streamed by openpyxl in
read-only mode instead, in flat memory.  Both give the same rows: blank cells
are None, whole numbers int, date cells datetime, and a row ends with its last
cell that is not blank.
"""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
import python_calamine
import xlrd

from .cells import is_blank

HEADER_SEARCH_ROWS = 10
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# uncompressed XML of the largest worksheet above which .xlsx is streamed
CALAMINE_MAX_SHEET_BYTES = 200 * 1024 * 1024
EXTENSIONS = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "csv": "csv", "txt": "csv"}


class ImportFileError(Exception):
    """A file that cannot be read.

    ``code``: ``unsupported_format``, ``empty``, ``encrypted``, ``corrupt``,
    ``encoding`` or ``no_header``; ``params`` fill the message.
    """

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass
class Table:
    """The sheet an import reads: its header row and an iterator of data rows.

    ``rows`` yields ``(row_number, [cell, ...])`` with 1-based row numbers as
    the user sees them in the spreadsheet; ``datemode`` is the .xls date system.
    """

    sheet: str
    header_row: int
    headers: list
    rows: object
    file_format: str
    datemode: int = 0
    skipped_sheets: list = field(default_factory=list)
    source: object = None  # keeps the workbook open while rows are read

    def close(self):
        """Release the workbook (also done when the table is garbage-collected)."""
        if self.source is not None:
            self.source.close()


def file_format(filename, content):
    """``xlsx``, ``xls`` or ``csv``: from the content where it tells, else the name."""
    extension = (
        (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    )
    kind = EXTENSIONS.get(extension)
    if content.startswith(ZIP_MAGIC) and kind in ("xlsx", "xls", None):
        return "xlsx"
    if content.startswith(OLE_MAGIC) and kind in ("xlsx", "xls", None):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise ImportFileError("encrypted", filename=filename)
        return "xls"
    if not kind:
        raise ImportFileError("unsupported_format", filename=filename or "")
    return kind


def open_table(content, filename, is_header, header_search_rows=HEADER_SEARCH_ROWS):
    """The :class:`Table` of the first sheet with a header row.

    :param content: the file's bytes
    :param filename: its name (the extension picks the format when the content
        does not tell)
    :param is_header: predicate on a row's cells: is this the header row?
    """
    if not content or not content.strip():
        raise ImportFileError("empty", filename=filename)
    kind = file_format(filename, content)
    sheets = {"xlsx": _xlsx_sheets, "xls": _xls_sheets, "csv": _csv_sheets}[kind]
    seen_data = False
    skipped = []
    source = sheets(content, filename)
    for sheet_name, rows, datemode in source:
        for number, cells in rows:
            if number > header_search_rows:
                break
            if all(is_blank(c) for c in cells):
                continue
            seen_data = True
            if is_header(cells):
                return Table(
                    sheet=sheet_name,
                    header_row=number,
                    headers=list(cells),
                    rows=rows,
                    file_format=kind,
                    datemode=datemode,
                    skipped_sheets=skipped,
                    source=source,
                )
        skipped.append(sheet_name)
    source.close()
    if not seen_data:
        raise ImportFileError("empty", filename=filename)
    raise ImportFileError("no_header", filename=filename, rows=header_search_rows)


# ---------------------------------------------------------------- formats
def _xlsx_sheets(content, filename):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            largest = max(
                (
                    info.file_size
                    for info in archive.infolist()
                    if info.filename.startswith("xl/worksheets/")
                ),
                default=0,
            )
    except zipfile.BadZipFile as error:
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None
    if largest > CALAMINE_MAX_SHEET_BYTES:
        return _xlsx_sheets_streamed(content, filename)
    return _xlsx_sheets_calamine(content, filename)


def _xlsx_sheets_calamine(content, filename):
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as error:  # a damaged file fails anywhere in the parser
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None
    try:
        for sheet in workbook.sheets_metadata:
            if sheet.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart and dialog sheets have no cells
            try:
                data = workbook.get_sheet_by_name(sheet.name)
            except Exception as error:  # a damaged sheet shows when it is parsed
                raise ImportFileError(
                    "corrupt", filename=filename, error=str(error)
                ) from None
            yield sheet.name, _calamine_rows(data), 0
    finally:
        workbook.close()


def _calamine_rows(data):
    """Rows numbered from 1 and cells from column A, whatever the used range.

    calamine's iterator starts at the sheet's first row but at the used range's
    first column: the columns left of it are given back as blanks, so that a
    cell's position is the same as in openpyxl and in the error report.
    """
    start = data.start
    if start is None:
        return  # an empty sheet
    padding = [None] * start[1]
    for number, values in enumerate(data.iter_rows(), start=1):
        yield number, _trimmed(padding + [_calamine_value(v) for v in values])


def _trimmed(cells):
    """The row without its blank cells at the end."""
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _calamine_value(value):
    if value == "":
        return None
    kind = type(value)
    if kind is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if kind is datetime.date:
        return datetime.datetime.combine(value, datetime.time())
    return value


def _xlsx_sheets_streamed(content, filename):
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as error:  # a damaged file fails anywhere in the parser
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None
    try:
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # trust the cells, not a stale <dimension>
            yield sheet.title, _xlsx_rows(sheet, filename), 0
    finally:
        workbook.close()


def _xlsx_rows(sheet, filename):
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, _trimmed(list(values))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as error:
        # a damaged sheet shows only when its XML is parsed
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None


def _xls_sheets(content, filename):
    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
    except Exception as error:  # a damaged file fails anywhere in the parser
        code = "encrypted" if "encrypt" in str(error).lower() else "corrupt"
        raise ImportFileError(code, filename=filename, error=str(error)) from None
    try:
        for index in range(book.nsheets):
            sheet = book.get_sheet(index)
            yield sheet.name, _xls_rows(sheet, book.datemode), book.datemode
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _xls_rows(sheet, datemode):
    for index in range(sheet.nrows):
        yield index + 1, [_xls_value(cell, datemode) for cell in sheet.row(index)]


def _xls_value(cell, datemode):
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def _csv_sheets(content, filename):
    text = decode_text(content, filename)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = ((number, row) for number, row in enumerate(reader, start=1))
    name = (filename or "").rsplit("/", 1)[-1]
    yield name, rows, 0


def decode_text(content, filename=None):
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if b"\x00" in content[:4096] and not content.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise ImportFileError("corrupt", filename=filename, error="binary content")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif content.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        # GB18030 is a superset of GBK and GB2312: what Chinese Excel saves
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("encoding", filename=filename)
