"""Workbooks an import gives back: the error report and the blank template.

The error report holds the rows that failed, as they were in the file, under
the file's own header row, with the row number and the error added at the
right: the user fixes the cells and imports the report again (the two extra
columns are ignored as unknown).
"""

import datetime
import io
import re
from dataclasses import dataclass

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")
TEMPLATE_ROWS = 5000  # rows the drop-downs cover
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# what a spreadsheet may take for the start of a formula (OWASP's CSV
# injection list, with the full-width forms a Chinese input method types)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _safe(sheet, value, font=None):
    """A cell that shows text starting like a formula as text, never as a formula:
    a string cell with Excel's quote prefix, its value unchanged (so that the
    report can be imported again)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.datetime) and value.tzinfo:
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
    elif font is None:
        return value
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    return cell


def write_error_workbook(headers, rows, row_header, error_header, sheet_title):
    """The error report as .xlsx bytes.

    Every cell that could start a formula is written as text, the file's
    header cells included.

    :param headers: the file's header row (cell values)
    :param rows: iterable of ``(row_number, cells, message)``
    :param row_header: title of the added row-number column
    :param error_header: title of the added error column
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    width = len(headers)
    sheet.append(
        [_safe(sheet, v, HEADER_FONT) for v in [*headers, row_header, error_header]]
    )
    for number, cells, message in rows:
        cells = list(cells)[:width]
        cells += [None] * (width - len(cells))
        sheet.append([_safe(sheet, v) for v in (*cells, number, message)])
    return _save(workbook)


@dataclass
class TemplateColumn:
    """A column of a template: header text, required mark, drop-down choices."""

    header: str
    required: bool = False
    choices: tuple = ()
    note: str = ""
    width: int = 18
    text: bool = False  # format the column as text (codes, USCC, phone numbers)


def write_template(columns, examples, instructions, sheet_title, instruction_title):
    """A template workbook as .xlsx bytes.

    :param columns: :class:`TemplateColumn` list, in sheet order
    :param examples: rows of example values (the import recognises and skips them)
    :param instructions: lines of the instruction sheet
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.note:
            cell.comment = Comment(column.note, "template")
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"%s"' % ",".join(column.choices),
                allow_blank=True,
                showErrorMessage=False,
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "B2"
    for row, example in enumerate(examples, start=2):
        for index, value in enumerate(example, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.font = EXAMPLE_FONT
            if columns[index - 1].text:
                cell.number_format = "@"
    help_sheet = workbook.create_sheet(instruction_title[:31])
    help_sheet.column_dimensions["A"].width = 110
    for line in instructions:
        help_sheet.append([line])
    return _save(workbook)


def _sheet_title(title):
    """A title Excel accepts: 31 characters, none of ``[]:*?/\\``."""
    title = _TITLE_FORBIDDEN.sub("_", str(title or "")).strip("'")[:31]
    return title or "Errors"


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
