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

Hostile files are refused before any parser sees them (:func:`inspect_xlsx`):
the file size, every part of an .xlsx by the size it really inflates to
(counted while inflating it in bounded chunks, whatever its zip header
declares), and the rows and columns its cells reach.  The row iterators
check rows and columns again for every format.
"""

import codecs
import csv
import datetime
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import openpyxl
import python_calamine
import xlrd

from .cells import is_blank

HEADER_SEARCH_ROWS = 10
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024
# uncompressed XML of the largest worksheet above which .xlsx is streamed
CALAMINE_MAX_SHEET_BYTES = 200 * MB
# calamine holds a sheet as a dense grid, 32 bytes a cell, from A1 to the last
# cell: above this many cells (160 MB) the sheet is streamed
CALAMINE_MAX_CELLS = 5_000_000
# Limits of what an import reads; beyond them a file is refused with the limit.
MAX_FILE_BYTES = 64 * MB
MAX_ROWS = 500_000  # rows of a sheet, header and blank rows included
MAX_COLUMNS = 256
# inflated size of one part of an .xlsx, by kind, and of all its parts
MAX_SHEET_BYTES = 512 * MB
MAX_SHARED_STRINGS_BYTES = 64 * MB  # every reader loads them whole
MAX_OTHER_PART_BYTES = 32 * MB  # styles, workbook, relations, drawings...
MAX_XLSX_BYTES = 1024 * MB
INFLATE_CHUNK = 1 * MB
MAX_TAG_BYTES = 1 * MB  # one XML tag of a worksheet
EXTENSIONS = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "csv": "csv", "txt": "csv"}


class ImportFileError(Exception):
    """A file that cannot be read.

    ``code``: ``unsupported_format``, ``empty``, ``encrypted``, ``corrupt``,
    ``encoding``, ``no_header``, ``file_too_large``, ``part_too_large``
    (``part``, ``limit`` in bytes), ``too_many_rows`` or ``too_many_columns``
    (``limit``); ``params`` fill the message.
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


def open_table(
    content,
    filename,
    is_header,
    header_search_rows=HEADER_SEARCH_ROWS,
    fallback_header=None,
):
    """The :class:`Table` of the first sheet with a header row.

    :param content: the file's bytes
    :param filename: its name (the extension picks the format when the content
        does not tell)
    :param is_header: predicate on a row's cells: is this the header row?
    :param fallback_header: predicate on a row's cells: when no row is a
        header row, the first row it accepts is taken as the header row (for
        a mapping step to name the missing columns) instead of refusing the
        file
    """
    if not content or not content.strip():
        raise ImportFileError("empty", filename=filename)
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            "file_too_large", filename=filename, limit=MAX_FILE_BYTES, size=len(content)
        )
    kind = file_format(filename, content)
    sheets = {"xlsx": _xlsx_sheets, "xls": _xls_sheets, "csv": _csv_sheets}[kind]
    seen_data = False
    skipped = []
    candidate = None  # (sheet index, row number) of the fallback header row
    source = sheets(content, filename)
    for sheet_index, (sheet_name, rows, datemode) in enumerate(source):
        for number, cells in rows:
            if number > header_search_rows:
                break
            if all(is_blank(c) for c in cells):
                continue
            seen_data = True
            if candidate is None and fallback_header and fallback_header(cells):
                candidate = (sheet_index, number)
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
    if candidate is not None:
        return _table_at(content, filename, kind, sheets, *candidate)
    raise ImportFileError("no_header", filename=filename, rows=header_search_rows)


def _table_at(content, filename, kind, sheets, sheet_index, header_row):
    """The :class:`Table` whose header is row ``header_row`` of the
    ``sheet_index``-th sheet (the file is read again up to there)."""
    source = sheets(content, filename)
    for index, (sheet_name, rows, datemode) in enumerate(source):
        if index != sheet_index:
            continue
        for number, cells in rows:
            if number == header_row:
                return Table(
                    sheet=sheet_name,
                    header_row=number,
                    headers=list(cells),
                    rows=rows,
                    file_format=kind,
                    datemode=datemode,
                    source=source,
                )
    source.close()
    raise ImportFileError("no_header", filename=filename, rows=header_row)


# ---------------------------------------------------------------- formats
def _xlsx_sheets(content, filename):
    inspection = inspect_xlsx(content, filename)
    if (
        inspection.largest_sheet > CALAMINE_MAX_SHEET_BYTES
        or inspection.largest_grid > CALAMINE_MAX_CELLS
        or not inspection.all_referenced
    ):
        return _xlsx_sheets_streamed(content, filename)
    return _xlsx_sheets_calamine(content, filename)


# ---------------------------------------------------------------- .xlsx checks
# A cell's ``r`` reference as Excel and every common writer spell it.  A cell
# whose reference is spelt otherwise (or absent) makes the counts of cells and
# references differ: the sheet is then counted row by row and streamed.
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})(\d+)"')
_CELL_TAG = re.compile(rb"<c[\s/>]")
_PREFIXED_CELL_TAG = re.compile(rb"<[\w.-]+:c[\s/>]")
_ROW_OR_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)[\s/>]")
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_LOCAL_MAGIC = b"PK\x03\x04"
_CSV_LINE = re.compile(r"[^\r\n]+")
# parts that make a zip an .xlsb or an OpenDocument spreadsheet
OTHER_ZIP_FORMATS = {"xl/workbook.bin", "content.xml", "mimetype"}


@dataclass
class XlsxInspection:
    """What :func:`inspect_xlsx` found in an .xlsx it accepts.

    ``largest_sheet`` inflated bytes of the largest worksheet; ``largest_grid``
    cells from A1 to the last cell of the widest, longest sheet;
    ``all_referenced`` False when some cells have no ``r`` reference (their
    place is their order, which only the streaming reader takes as it comes).
    """

    largest_sheet: int = 0
    largest_grid: int = 0
    all_referenced: bool = True


def inspect_xlsx(content, filename):
    """Check every part of an .xlsx against the limits before a parser reads it.

    Each part is inflated in chunks of :data:`INFLATE_CHUNK` and counted, from
    its local header to the end of its deflate stream: neither the sizes its
    zip headers declare nor its ``<dimension>`` are trusted.  Worksheets are
    scanned for the rows and columns their cells reach.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or names & OTHER_ZIP_FORMATS:
        # calamine reads any spreadsheet zip it recognises (.xlsb, .ods), whose
        # cells are not checked here: only an Office Open XML workbook is read
        raise ImportFileError("corrupt", filename=filename, error="not an .xlsx")
    result, total = XlsxInspection(), 0
    for info in infos:
        name = info.filename
        limit = _part_limit(name)
        # every XML part but the shared strings is scanned, so that a worksheet
        # filed anywhere in the package is found
        scan = _SheetScan() if _is_scanned(name) else None
        size = 0
        for chunk in _inflate(content, info, filename):
            size += len(chunk)
            total += len(chunk)
            if size > limit:
                raise ImportFileError(
                    "part_too_large", filename=filename, part=name, limit=limit
                )
            if total > MAX_XLSX_BYTES:
                raise ImportFileError(
                    "part_too_large",
                    filename=filename,
                    part="*",
                    limit=MAX_XLSX_BYTES,
                )
            if scan:
                scan.feed(chunk, filename)
        if scan:
            rows, columns = scan.extent()
            if rows > MAX_ROWS:
                raise ImportFileError(
                    "too_many_rows", filename=filename, limit=MAX_ROWS
                )
            if columns > MAX_COLUMNS:
                raise ImportFileError(
                    "too_many_columns", filename=filename, limit=MAX_COLUMNS
                )
            result.largest_sheet = max(result.largest_sheet, size)
            result.largest_grid = max(result.largest_grid, rows * columns)
            result.all_referenced &= scan.all_referenced
    return result


def _is_scanned(name):
    lower = name.lower()
    return lower.endswith(".xml") and not lower.endswith("sharedstrings.xml")


def _part_limit(name):
    if name.startswith("xl/worksheets/"):
        return MAX_SHEET_BYTES
    if name.lower().endswith("sharedstrings.xml"):
        return MAX_SHARED_STRINGS_BYTES
    return MAX_OTHER_PART_BYTES


def _inflate(content, info, filename):
    """The bytes of a part, inflated in bounded chunks.

    Read from its local header on, to the end of its deflate stream (or of
    the file): what any reader could get out of it, whatever the sizes the
    headers declare.
    """
    start = info.header_offset
    try:
        magic, name_size, extra_size = _LOCAL_HEADER.unpack_from(content, start)
    except struct.error:
        magic = None
    if magic != _LOCAL_MAGIC:
        raise ImportFileError("corrupt", filename=filename, error="bad local header")
    start += _LOCAL_HEADER.size + name_size + extra_size
    if info.compress_type == zipfile.ZIP_STORED:
        end = min(len(content), start + info.compress_size)
        for offset in range(start, end, INFLATE_CHUNK):
            yield content[offset : min(end, offset + INFLATE_CHUNK)]
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ImportFileError(
            "corrupt", filename=filename, error="unsupported compression"
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    data = memoryview(content)[start:]
    try:
        while data and not inflater.eof:
            chunk = inflater.decompress(data, INFLATE_CHUNK)
            data = inflater.unconsumed_tail
            if chunk:
                yield chunk
            elif not data:
                break
    except zlib.error as error:
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None


class _SheetScan:
    """The last row and column a worksheet's cells reach, fed chunk by chunk.

    Cells are placed by their ``r`` references; where some have none, or
    spell it otherwise (their place is then their order), the rows and the
    cells of the widest row are counted too, so that the extent is never
    under-estimated; such a sheet is streamed.
    """

    def __init__(self):
        self.tail = b""
        self.max_row = 0
        self.columns = set()
        self.cells = 0
        self.referenced = 0
        self.rows = 0
        self.row_cells = 0
        self.widest = 0

    def feed(self, chunk, filename):
        data = self.tail + chunk
        cut = data.rfind(b"<")
        if cut >= 0 and data.find(b">", cut) < 0:
            data, self.tail = data[:cut], data[cut:]
            if len(self.tail) > MAX_TAG_BYTES:
                raise ImportFileError(
                    "corrupt", filename=filename, error="XML tag too long"
                )
        else:
            self.tail = b""
        refs = _CELL_REF.findall(data)
        letters, rows = (
            (set(part) for part in zip(*refs, strict=True)) if refs else (set(), set())
        )
        self.columns.update(letters)
        self.max_row = max(self.max_row, max(map(int, rows), default=0))
        cells = len(_CELL_TAG.findall(data))
        if b":c" in data:  # cells with a namespace prefix, <x:c ...>
            cells += len(_PREFIXED_CELL_TAG.findall(data))
        self.cells += cells
        self.referenced += len(refs)
        if cells != len(refs) or not self.all_referenced:
            self._count_rows(data)

    def _count_rows(self, data):
        for match in _ROW_OR_CELL_TAG.finditer(data):
            if match.group(1) == b"row":
                self.rows += 1
                self.row_cells = 0
            else:
                self.row_cells += 1
                self.widest = max(self.widest, self.row_cells)

    @property
    def all_referenced(self):
        return self.cells == self.referenced

    def extent(self):
        """(rows, columns) from A1 to the farthest cell."""
        columns = max((_column_number(c) for c in self.columns), default=0)
        if self.all_referenced:
            return self.max_row, columns
        return self.max_row + self.rows, columns + self.widest


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64  # bytes: letter is its code
    return number


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
            yield sheet.name, _capped(_calamine_rows(data), filename), 0
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
            yield sheet.title, _capped(_xlsx_rows(sheet, filename), filename), 0
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
            rows = _capped(_xls_rows(sheet, book.datemode), filename)
            yield sheet.name, rows, book.datemode
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
    _check_csv_width(text, delimiter, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    name = (filename or "").rsplit("/", 1)[-1]
    yield name, _capped(_csv_rows(reader, filename), filename), 0


def _check_csv_width(text, delimiter, filename):
    """Refuse a line of more than :data:`MAX_COLUMNS` cells before the csv
    module builds it: a line of commas would otherwise become a list of
    millions of cells.  Lines are taken one at a time, and parsed only when
    they have enough delimiters and quotes that might hide some."""
    for match in _CSV_LINE.finditer(text):
        line = match.group()
        count = line.count(delimiter)
        if count < MAX_COLUMNS:
            continue
        if '"' in line:
            try:
                count = len(next(csv.reader([line], delimiter=delimiter), [])) - 1
            except csv.Error:
                continue  # part of a quoted field spanning lines: the rows tell
        if count + 1 > MAX_COLUMNS:
            raise ImportFileError(
                "too_many_columns", filename=filename, limit=MAX_COLUMNS
            )


def _csv_rows(reader, filename):
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:  # a field longer than csv's limit, a NUL byte
        raise ImportFileError("corrupt", filename=filename, error=str(error)) from None


def _capped(rows, filename):
    """The rows, refused from the first one beyond :data:`MAX_ROWS` or
    :data:`MAX_COLUMNS` (the row's cells up to its last one not blank)."""
    for number, cells in rows:
        if number > MAX_ROWS:
            raise ImportFileError("too_many_rows", filename=filename, limit=MAX_ROWS)
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                "too_many_columns", filename=filename, limit=MAX_COLUMNS
            )
        yield number, cells


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
