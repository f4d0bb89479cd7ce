import datetime
import io
import os
import resource
import zipfile
from unittest.mock import patch

import openpyxl

from odoo.tests import BaseCase, tagged

from ..engine import dimensions
from ..importer import reader, specs
from ..importer.cells import CellError, parse_date, parse_number, parse_text, to_text
from ..importer.headers import Column, header_detector, map_headers, normalise_header
from ..importer.reader import ImportFileError, decode_text, inspect_xlsx, open_table
from ..importer.report import TemplateColumn, write_error_workbook, write_template
from .data import make_attack_fixtures

DATA = os.path.join(os.path.dirname(__file__), "data")
COLUMNS = [
    Column("ref", ("客户编码", "code")),
    Column("name", ("客户名称", "name"), required=True),
    Column("revenue", ("年营业收入", "annual revenue"), amount=True),
]


def read(name):
    with open(os.path.join(DATA, name), "rb") as file:
        return file.read()


def peak_rss_growth(function):
    """Bytes the process's resident memory grew to, at most, while ``function`` ran.

    The peak (VmHWM) is reset to the current size first (Linux clear_refs);
    where that is not allowed, the process's lifetime peak is an upper bound.
    """
    before = _status_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
        peak = None
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    function()
    peak = (
        _status_kb("VmHWM")
        if peak is None
        else max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    )
    return (peak - before) * 1024


def _status_kb(key):
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def table_of(content, filename):
    table = open_table(content, filename, header_detector(COLUMNS))
    return table, list(table.rows)


@tagged("post_install", "-at_install")
class TestImportCells(BaseCase):
    """Cell parsing without the ORM."""

    def test_numbers_in_every_spelling(self):
        self.assertEqual(parse_number("1,234.50"), 1234.5)
        self.assertEqual(parse_number("１２３"), 123)
        self.assertEqual(parse_number(" ¥ 2 000 "), 2000)
        self.assertEqual(parse_number("12.5万"), 125000)
        self.assertEqual(parse_number(3.0, integer=True), 3)
        self.assertEqual(parse_number("300", scale=10000), 3000000)
        self.assertIsNone(parse_number("  "))

    def test_ten_thousands_are_scaled_once(self):
        # a 万元 column: the header scales plain numbers, a cell saying 万 is
        # already in yuan
        self.assertEqual(parse_number("12.5万", scale=10000), 125000)
        self.assertEqual(parse_number("12.5万元", scale=10000), 125000)
        self.assertEqual(parse_number("12.5", scale=10000), 125000)
        self.assertEqual(parse_number(12.5, scale=10000), 125000)

    def test_decimal_commas_are_refused_not_misread(self):
        self.assertEqual(parse_number("1,234.5"), 1234.5)
        self.assertEqual(parse_number("１，２３４"), 1234)
        self.assertEqual(parse_number("-1,234,567", allow_negative=True), -1234567)
        for value in ("1,5", "1.234,56", "12,34", "1,2345", ",5", "1,234,5"):
            with self.assertRaises(CellError) as caught:
                parse_number(value)
            self.assertEqual(caught.exception.code, "decimal_comma", value)
        with self.assertRaises(CellError) as caught:
            parse_number("1.234.567")
        self.assertEqual(caught.exception.code, "not_a_number")

    def test_long_number_cells_are_refused(self):
        # 15 digits are exact in Excel; 16 and more may have been rounded
        self.assertEqual(parse_text(123456789012345), "123456789012345")
        self.assertEqual(parse_text("12345678901234567890"), "12345678901234567890")
        for value, shown in (
            (1234567890123456, "1234567890123456"),
            (1.2345678901234567e19, "1.23456789012346e+19"),
            (-1234567890123456.0, "-1.23456789012346e+15"),
        ):
            for parse in (parse_text, parse_number):
                with self.assertRaises(CellError) as caught:
                    parse(value)
                self.assertEqual(caught.exception.code, "long_number")
                self.assertEqual(caught.exception.params["value"], shown)

    def test_bad_numbers_are_refused(self):
        for value, code in (
            ("-5", "negative"),
            ("(20)", "negative"),
            (-1, "negative"),
            ("abc", "not_a_number"),
            ("10%", "not_a_number"),
            ("12.5", "not_an_integer"),
        ):
            with self.assertRaises(CellError) as caught:
                parse_number(value, integer=code == "not_an_integer")
            self.assertEqual(caught.exception.code, code, value)
        self.assertEqual(parse_number("-5", allow_negative=True), -5)

    def test_dates_in_every_excel_form(self):
        day = datetime.date(2024, 1, 31)
        for value in (
            day,
            datetime.datetime(2024, 1, 31, 10, 5),
            45322,
            "45322",
            "2024-01-31",
            "2024/1/31",
            "2024.1.31",
            "2024年1月31日",
            "20240131",
            "2024-01-31 08:00:00",
        ):
            self.assertEqual(parse_date(value), day, value)
        self.assertEqual(parse_date(43860, datemode=1), datetime.date(2024, 1, 31))
        with self.assertRaises(CellError):
            parse_date("2024-02-30")
        with self.assertRaises(CellError):
            parse_date("tomorrow")

    def test_text(self):
        self.assertEqual(to_text(12.0), "12")
        self.assertEqual(to_text(" ＡＢＣ "), "ABC")


@tagged("post_install", "-at_install")
class TestImportHeaders(BaseCase):
    def test_normalise(self):
        self.assertEqual(normalise_header(" Annual  Revenue *"), ("annualrevenue", 1))
        self.assertEqual(normalise_header("年营业收入（万元）*"), ("年营业收入", 10000))
        self.assertEqual(normalise_header("年营业收入万元"), ("年营业收入", 10000))
        self.assertEqual(normalise_header("*客户名称"), ("客户名称", 1))

    def test_map_aliases_units_unknown(self):
        mapping = map_headers(
            ["客户编码*", " NAME ", "年营业收入(万元)", "备注", None, "Code"], COLUMNS
        )
        self.assertEqual(mapping.index, {"ref": 0, "name": 1, "revenue": 2})
        self.assertEqual(mapping.scale, {"revenue": 10000})
        self.assertEqual(mapping.unknown, ["备注"])
        self.assertEqual(mapping.duplicates, ["ref"])
        self.assertEqual(
            mapping.extract(["C1", "甲"]), {"ref": "C1", "name": "甲", "revenue": None}
        )

    def test_bilingual_template_header(self):
        mapping = map_headers(
            ["客户名称* (Name)", "Annual revenue (年营业收入)"], COLUMNS
        )
        self.assertEqual(mapping.index, {"name": 0, "revenue": 1})

    def test_header_row_needs_the_required_columns(self):
        is_header = header_detector(COLUMNS)
        self.assertTrue(is_header(["客户编码", "客户名称*"]))
        self.assertFalse(is_header(["客户编码", "备注"]))
        self.assertFalse(is_header(["客户档案导入说明"]))


@tagged("post_install", "-at_install")
class TestImportReader(BaseCase):
    def test_csv_encodings_are_detected(self):
        text = "客户名称,年营业收入\n甲公司,100\n"
        for content in (
            text.encode("utf-8"),
            text.encode("utf-8-sig"),
            text.encode("gbk"),
            text.encode("utf-16"),
        ):
            self.assertEqual(decode_text(content), text)
            _table, rows = table_of(content, "x.csv")
            self.assertEqual(rows, [(2, ["甲公司", "100"])])

    def test_csv_semicolons_and_title_row(self):
        content = "客户清单;;\n\nname;code\nA;1\n".encode()
        table, rows = table_of(content, "x.csv")
        self.assertEqual(table.header_row, 3)
        self.assertEqual(rows, [(4, ["A", "1"])])

    def test_fixture_files(self):
        for name, header_row, count in (
            ("customers_gbk.csv", 1, 3),
            ("customers.xls", 1, 3),
            ("customers.xlsx", 1, 3),
            ("u8_customers.xlsx", 3, 2),
        ):
            table, rows = table_of(read(name), name)
            self.assertEqual(table.header_row, header_row, name)
            self.assertEqual(len([r for r in rows if any(r[1])]), count, name)
        table, _rows = table_of(read("u8_customers.xlsx"), "u8.xlsx")
        self.assertEqual(table.sheet, "客户档案")
        self.assertEqual(table.skipped_sheets, ["填写说明"])

    def test_xlsx_readers_give_the_same_rows(self):
        """python-calamine (most files) and openpyxl streaming (very large sheets)
        give the same rows: blank cells None, whole numbers int, date cells
        datetime, positions and row numbers as the user sees them."""
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "data"
        sheet.append(["客户名称", "年营业收入", "成立日期", "有效", None, None])
        sheet.append(["甲公司", 1200, datetime.date(2024, 1, 31), True, None, ""])
        sheet.append(["乙公司", 12.5, datetime.datetime(2024, 1, 31, 10, 5), False])
        sheet["A6"] = "丙公司"
        offset = workbook.create_sheet("offset")  # used range starts at C3
        offset["C3"] = "客户名称"
        offset["D4"] = 5
        workbook.create_sheet("empty")
        workbook.create_sheet("hidden").sheet_state = "hidden"
        buffer = io.BytesIO()
        workbook.save(buffer)
        files = {name: read(name) for name in ("customers.xlsx", "u8_customers.xlsx")}
        files["made.xlsx"] = buffer.getvalue()

        def sheets(reader_function, name):
            return [
                (title, list(rows))
                for title, rows, _datemode in reader_function(files[name], name)
            ]

        for name in files:
            self.assertEqual(
                sheets(reader._xlsx_sheets_calamine, name),
                sheets(reader._xlsx_sheets_streamed, name),
                name,
            )
        made = dict(sheets(reader._xlsx_sheets_calamine, "made.xlsx"))
        self.assertEqual(list(made), ["data", "offset", "empty", "hidden"])
        self.assertEqual(
            made["data"][1:3],
            [
                (2, ["甲公司", 1200, datetime.datetime(2024, 1, 31), True]),
                (3, ["乙公司", 12.5, datetime.datetime(2024, 1, 31, 10, 5), False]),
            ],
        )
        self.assertEqual(made["data"][-1], (6, ["丙公司"]))
        self.assertEqual(
            made["offset"],
            [
                (1, []),
                (2, []),
                (3, [None, None, "客户名称"]),
                (4, [None, None, None, 5]),
            ],
        )
        self.assertEqual(made["empty"], [])

    def test_large_sheets_are_streamed(self):
        content = read("u8_customers.xlsx")
        table, rows = table_of(content, "u8.xlsx")
        self.assertEqual(table.source.__name__, "_xlsx_sheets_calamine")
        with patch.object(reader, "CALAMINE_MAX_SHEET_BYTES", 100):
            streamed, streamed_rows = table_of(content, "u8.xlsx")
        self.assertEqual(streamed.source.__name__, "_xlsx_sheets_streamed")
        self.assertEqual(
            (streamed.sheet, streamed.header_row, streamed.headers, streamed_rows),
            (table.sheet, table.header_row, table.headers, rows),
        )

    def test_bad_files(self):
        for content, filename, code in (
            (b"", "a.xlsx", "empty"),
            (b"  \r\n", "a.csv", "empty"),
            (read("corrupt.xlsx"), "corrupt.xlsx", "corrupt"),
            (b"%PDF-1.4", "a.pdf", "unsupported_format"),
            (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                + "EncryptedPackage".encode("utf-16-le"),
                "a.xlsx",
                "encrypted",
            ),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a.xls", "corrupt"),
            (b"a,b\n1,2\n", "a.csv", "no_header"),
        ):
            with self.assertRaises(ImportFileError) as caught:
                table_of(content, filename)
            self.assertEqual(caught.exception.code, code, filename)


@tagged("post_install", "-at_install")
class TestImportReport(BaseCase):
    def test_error_workbook_keeps_the_rows(self):
        content = write_error_workbook(
            ["name", "code"],
            [(3, ["=cmd()", 1], "bad"), (7, ["B"], "worse")],
            "Row",
            "Error",
            "Sheet1",
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(
            list(sheet.values),
            [
                ("name", "code", "Row", "Error"),
                ("=cmd()", 1, 3, "bad"),
                ("B", None, 7, "worse"),
            ],
        )
        self.assertEqual(sheet["A2"].data_type, "s")

    def test_error_workbook_neutralises_every_formula_cell(self):
        headers = ["=HYPERLINK(1)", "+cmd", "-1+2", "@SUM(A1)", "\t=1", "＝1", "ok"]
        content = write_error_workbook(
            headers,
            [(2, ["=1+1", "+1", "-1", "@A1", "\r=2", "＠x", -5], "=bad")],
            "=Row",
            "@Error",
            "客户[1]:*?",
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        sheet = workbook.active
        self.assertEqual(sheet.title, "客户_1____")
        header, row = list(sheet.iter_rows())
        self.assertEqual([c.value for c in header], [*headers, "=Row", "@Error"])
        for cell in (*header[:-3], *header[-2:], *row[:6], row[-1]):
            self.assertEqual(cell.data_type, "s", cell.coordinate)
            self.assertTrue(cell.quotePrefix, cell.coordinate)
        self.assertEqual((row[6].value, row[6].data_type), (-5, "n"))
        self.assertEqual(header[-3].value, "ok")

    def test_template(self):
        content = write_template(
            [
                TemplateColumn("名称* (Name)", required=True),
                TemplateColumn("规模", choices=("大", "小")),
            ],
            [("示例", "大")],
            ["line 1"],
            "Data",
            "Help",
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, ["Data", "Help"])
        data = workbook["Data"]
        self.assertEqual(list(data.values), [("名称* (Name)", "规模"), ("示例", "大")])
        validations = data.data_validations.dataValidation
        self.assertEqual(validations[0].formula1, '"大,小"')


@tagged("post_install", "-at_install")
class TestImportHostileFiles(BaseCase):
    """The crafted files of ``tests/data/make_attack_fixtures.py``: each refused
    with its limit, or read harmlessly, in bounded memory."""

    REFUSED = {
        "attack_shared_strings_bomb.xlsx": ("part_too_large", 64 * 1024 * 1024),
        "attack_huge_columns.xlsx": ("too_many_columns", 256),
        "attack_many_rows.xlsx": ("too_many_rows", 500_000),
        "attack_unreferenced_columns.xlsx": ("too_many_columns", 256),
    }

    def test_refused_with_their_limit(self):
        for name, (code, limit) in self.REFUSED.items():
            with self.assertRaises(ImportFileError) as caught:
                table_of(read(name), name)
            self.assertEqual(caught.exception.code, code, name)
            self.assertEqual(caught.exception.params["limit"], limit, name)

    def test_declared_sizes_are_not_trusted(self):
        content = read("attack_shared_strings_bomb.xlsx")
        declared = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/sharedStrings.xml")
        self.assertEqual(declared.file_size, 1024)
        self.assertLess(len(content), 100 * 1024)
        with self.assertRaises(ImportFileError) as caught:
            inspect_xlsx(content, "bomb.xlsx")
        self.assertEqual(caught.exception.params["part"], "xl/sharedStrings.xml")

    def test_memory_stays_bounded(self):
        def read_every_file():
            for name in self.REFUSED:
                with self.assertRaises(ImportFileError):
                    table_of(read(name), name)
            for name in ("attack_formula_headers.xlsx", "attack_long_numbers.xlsx"):
                table_of(read(name), name)
            # 32 MB of commas, bare or quoted: millions of cells on one line
            for line in (b",", b'"",'):
                with self.assertRaises(ImportFileError) as caught:
                    table_of(
                        b"name\n" + line * (32 * 1024 * 1024 // len(line)), "x.csv"
                    )
                self.assertEqual(caught.exception.code, "too_many_columns")

        self.assertLess(peak_rss_growth(read_every_file), 500 * 1024 * 1024)

    def test_file_size_rows_and_columns_of_every_format(self):
        with patch.object(reader, "MAX_FILE_BYTES", 10):
            with self.assertRaises(ImportFileError) as caught:
                table_of(b"name\nabcdefghijk\n", "a.csv")
        self.assertEqual(caught.exception.code, "file_too_large")
        with patch.object(reader, "MAX_ROWS", 3):
            with self.assertRaises(ImportFileError) as caught:
                table_of("客户名称\n甲\n乙\n丙\n".encode(), "a.csv")
            self.assertEqual(caught.exception.params["limit"], 3)
            with self.assertRaises(ImportFileError) as caught:
                table_of(read("customers.xls"), "customers.xls")
            self.assertEqual(caught.exception.code, "too_many_rows")
        with patch.object(reader, "MAX_COLUMNS", 2):
            with self.assertRaises(ImportFileError) as caught:
                table_of("客户名称,a,b\n甲\n".encode(), "a.csv")
            self.assertEqual(caught.exception.code, "too_many_columns")

    def test_references_spelt_otherwise_are_streamed_and_capped(self):
        # a newline before r= hides the reference from the scan: the sheet is
        # counted as unreferenced, streamed, and its row refused when read
        content = make_attack_fixtures.workbook(
            make_attack_fixtures.sheet(
                {1: [(1, "客户名称")], 2: '<c\nr="XFD2"><v>1</v></c>'}
            )
        )
        self.assertFalse(inspect_xlsx(content, "a.xlsx").all_referenced)
        with self.assertRaises(ImportFileError) as caught:
            table_of(content, "a.xlsx")
        self.assertEqual(caught.exception.code, "too_many_columns")

    def test_other_spreadsheet_zips_are_refused(self):
        for parts in (
            {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"},
            {"xl/workbook.xml": "<workbook/>", "content.xml": "<x/>"},
            {"xl/workbook.bin": "\x00"},
        ):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for name, data in parts.items():
                    archive.writestr(name, data)
            with self.assertRaises(ImportFileError) as caught:
                table_of(buffer.getvalue(), "a.xlsx")
            self.assertEqual(caught.exception.code, "corrupt", parts)

    def test_dense_grids_are_streamed(self):
        content = read("u8_customers.xlsx")
        self.assertLess(inspect_xlsx(content, "u8.xlsx").largest_grid, 200)
        with patch.object(reader, "CALAMINE_MAX_CELLS", 10):
            table, rows = table_of(content, "u8.xlsx")
        self.assertEqual(table.source.__name__, "_xlsx_sheets_streamed")
        self.assertTrue(rows)

    def test_formula_cells_are_read_as_text(self):
        table, rows = table_of(
            read("attack_formula_headers.xlsx"), "attack_formula_headers.xlsx"
        )
        self.assertEqual(table.headers[2], '=HYPERLINK("http://example.com/x","点击")')
        self.assertEqual(rows[0][1][0], "=1+1 公司")


@tagged("post_install", "-at_install")
class TestImportSpecs(BaseCase):
    """The import specifications are data; the customer import's classification
    columns are the registry's, read when asked."""

    def test_customer_columns_end_with_the_registry_dimensions(self):
        columns = specs.customer_columns()
        keys = [c.key for c in columns]
        self.assertEqual(
            keys[-5:],
            [
                "scale_class",
                "credit_grade",
                "value_tier",
                "frequency_class",
                "region_id",
            ],
        )
        self.assertEqual(len(set(keys)), len(keys))
        table = map_headers(["客户名称", "信用等级", "所属地区", "交易频率"], columns)
        self.assertEqual(
            list(table.index), ["name", "credit_grade", "region_id", "frequency_class"]
        )
        self.assertEqual(specs.value_aliases("scale_class")["大型企业"], "large")
        self.assertEqual(specs.record_aliases("region_id")["海外"], "international")

    def test_template_matches_its_columns(self):
        columns, examples, instructions = specs.customer_template()
        self.assertTrue(all(len(e) == len(columns) for e in examples))
        header_map = map_headers([c.header for c in columns], specs.customer_columns())
        self.assertFalse(header_map.unknown)
        self.assertEqual(len(header_map.index), len(columns))
        region = columns[header_map.index["region_id"]]
        self.assertIn("华南", region.choices)
        self.assertEqual(examples[0][header_map.index["region_id"]], "华南")
        self.assertTrue(instructions[0].startswith("客户导入模板"))

    def test_a_registered_dimension_is_imported_and_in_the_template(self):
        dimensions.register(
            dimensions.Dimension(
                "x_spec_dim",
                "Spec",
                (dimensions.SegmentClass("gold", "Gold", ("金牌",)),),
                import_headers=("规格等级", "spec grade"),
                import_sequence=99,
                template_header="规格等级 (Spec grade)",
                template_choices=("金牌",),
            )
        )
        self.addCleanup(dimensions.unregister, "x_spec_dim")
        self.assertEqual(specs.customer_columns()[-1].key, "x_spec_dim")
        self.assertIn("x_spec_dim", specs.customer_dimension_keys())
        self.assertEqual(specs.value_aliases("x_spec_dim"), {"金牌": "gold"})
        columns, examples, _instructions = specs.customer_template()
        self.assertEqual(
            (columns[-1].header, columns[-1].choices),
            ("规格等级 (Spec grade)", ("金牌",)),
        )
        self.assertEqual([e[-1] for e in examples], ["", ""])
        header_map = map_headers(["Spec Grade"], specs.customer_columns())
        self.assertEqual(header_map.index, {"x_spec_dim": 0})

    def test_red_template_matches_its_columns(self):
        columns, examples, _instructions = specs.red_template()
        header_map = map_headers([c.header for c in columns], specs.RED_COLUMNS)
        self.assertEqual(len(header_map.index), len(columns))
        self.assertTrue(all(len(e) == len(columns) for e in examples))
        self.assertTrue(
            all(
                e[header_map.index["blue_number"]].startswith(specs.SAMPLE_MARKERS)
                for e in examples
            )
        )
