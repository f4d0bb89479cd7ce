"""Write the import test fixtures of this folder: ``python tests/data/make_fixtures.py``.

Small files in every format the customer import reads, with the same three
customers (so each format test expects the same result), a 用友 U8-style
workbook, a file with every kind of bad cell, a corrupt and an empty file.
"""

import csv
import io
import os

import openpyxl
import xlwt
from stdnum.cn import uscc

HERE = os.path.dirname(os.path.abspath(__file__))


def make_uscc(body):
    """A valid code from its first 16 characters: the 组织机构代码's check
    character (GB 11714) and the final one (GB 32100) are computed."""
    body = (body + "0" * 16)[:16]
    total = sum(
        int(c, 36) * w
        for c, w in zip(body[8:], (3, 7, 9, 10, 5, 8, 4, 2), strict=False)
    )
    body += {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    return body + uscc.calc_check_digit(body)


USCC_A = make_uscc("91440101MA5CTA001")
USCC_B = make_uscc("91310115MA1HTB002")
USCC_C = make_uscc("91110108MA01TC003")
USCC_D = make_uscc("91440300MA5DTD004")

# Three customers, in English column names (xlsx) and Chinese ones (xls, csv)
HEADERS_EN = [
    "Code",
    "Name*",
    "VAT",
    "Industry",
    "Employees",
    "Annual Revenue",
    "Total Assets",
    "State",
    "City",
    "Phone",
    "Email",
    "Credit Limit",
    "Scale",
    "Credit Grade",
    "Value Tier",
    "Frequency",
    "Region",
    "Remarks",
]
HEADERS_ZH = [
    "客户编码",
    "客户名称*",
    "统一社会信用代码",
    "所属行业",
    "从业人员",
    "营业收入（万元）",
    "资产总额(万元)",
    "省份",
    "城市",
    "电话",
    "邮箱",
    "信用额度",
    "客户规模",
    "信用等级",
    "客户价值",
    "交易频率",
    "地区",
    "备注",
]
ROWS_EN = [
    [
        "FX001",
        "广州甲电子有限公司",
        USCC_A,
        "C",
        120,
        50000000,
        30000000,
        "广东",
        "广州",
        "020-1234567",
        "a@example.cn",
        500000,
        "Medium",
        "AA",
        "High Value",
        "High Frequency",
        "South China",
        "first",
    ],
    [
        "FX002",
        "上海乙贸易有限公司",
        USCC_B,
        "F52",
        "1,200",
        "12,000,000.00",
        None,
        "上海市",
        "上海",
        None,
        None,
        None,
        None,
        "B",
        None,
        None,
        None,
        None,
    ],
    [
        "FX003",
        "北京丙软件有限公司",
        None,
        "Software and information technology services",
        15,
        3000000,
        None,
        "BJ",
        "北京",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
]
# the same customers, amounts in 万元 and labels in Chinese
ROWS_ZH = [
    [
        "FX001",
        "广州甲电子有限公司",
        USCC_A,
        "制造业",
        120,
        5000,
        3000,
        "广东省",
        "广州",
        "020-1234567",
        "a@example.cn",
        500000,
        "中型",
        "AA",
        "高价值",
        "高频",
        "华南",
        "first",
    ],
    [
        "FX002",
        "上海乙贸易有限公司",
        USCC_B,
        "零售业",
        "1,200",
        "1,200",
        None,
        "上海",
        "上海",
        None,
        None,
        None,
        None,
        "B",
        None,
        None,
        None,
        None,
    ],
    [
        "FX003",
        "北京丙软件有限公司",
        None,
        "I65",
        15,
        300,
        None,
        "北京",
        "北京",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
]


def write_xlsx(path, sheets):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def write_xls(path, title, rows):
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet(title)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.save(path)


def write_csv(path, rows, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows]
    )
    with open(path, "wb") as file:
        file.write(buffer.getvalue().encode(encoding))


BAD_ROWS = [
    ["BAD01", "合法客户一", USCC_C, "C", 10, 100, None, "广东", None, None, None],
    ["BAD02", None, None, "C", 10, None, None, None, None, None, None],
    [
        "BAD03",
        "坏代码公司",
        "91440101MA5CXXXX00",
        "C",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    ["BAD04", "负数公司", None, "C", -5, None, None, None, None, None, None],
    ["BAD05", "文本公司", None, "C", "abc", None, None, None, None, None, None],
    ["BAD06", "小数公司", None, "C", 12.5, None, None, None, None, None, None],
    ["BAD07", "行业公司", None, "Z99", None, None, None, None, None, None, None],
    ["BAD08", "省份公司", None, None, None, None, None, "火星省", None, None, None],
    ["BAD09", "规模公司", None, None, None, None, None, None, "巨型", None, None],
    ["BAD10", "地区公司", None, None, None, None, None, None, None, "月球", None],
    ["BAD11", "重复代码公司", USCC_C, None, None, None, None, None, None, None, None],
    ["BAD01", "重复编码公司", None, None, None, None, None, None, None, None, None],
    [
        "BAD13",
        "邮箱公司",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "not-an-email",
    ],
    ["BAD14", "负收入公司", None, None, None, "(20)", None, None, None, None, None],
    [
        "BAD15",
        "合法客户二",
        USCC_D,
        "F52",
        "1,000",
        "2,500.5",
        None,
        "粤",
        None,
        None,
        None,
    ],
]
BAD_HEADERS = [
    "客户编码",
    "客户名称",
    "税号",
    "行业",
    "员工人数",
    "年营业收入(万元)",
    "资产总额",
    "省",
    "客户规模",
    "地区",
    "邮箱",
]


def main():
    write_xlsx(
        os.path.join(HERE, "customers.xlsx"), [("Customers", [HEADERS_EN, *ROWS_EN])]
    )
    write_xls(os.path.join(HERE, "customers.xls"), "客户", [HEADERS_ZH, *ROWS_ZH])
    write_csv(
        os.path.join(HERE, "customers_utf8.csv"), [HEADERS_ZH, *ROWS_ZH], "utf-8-sig"
    )
    write_csv(os.path.join(HERE, "customers_gbk.csv"), [HEADERS_ZH, *ROWS_ZH], "gbk")
    u8_headers = [
        "客户编码*",
        "客户名称*",
        "客户简称",
        "客户分类",
        "地区分类",
        "所属行业",
        "纳税人识别号",
        "开户银行",
        "银行账号",
        "地址",
        "电话",
        "联系人",
        "手机",
        "信用等级",
        "信用额度",
        "信用期限(天)",
        "业务员",
        "备注",
    ]
    u8_rows = [
        [
            "U8001",
            "深圳丁科技有限公司",
            "丁科技",
            "01",
            "02",
            "软件和信息技术服务业",
            USCC_D,
            "招商银行",
            "6225880000000001",
            "深圳市南山区科技园",
            "0755-8888888",
            "张三",
            "13900000001",
            "A",
            "200,000.00",
            30,
            "李四",
            None,
        ],
        [
            "U8002",
            "成都戊餐饮管理有限公司",
            "戊餐饮",
            "02",
            "05",
            "餐饮业",
            None,
            None,
            None,
            "成都市锦江区",
            None,
            None,
            None,
            "C",
            None,
            None,
            None,
            None,
        ],
    ]
    write_xlsx(
        os.path.join(HERE, "u8_customers.xlsx"),
        [
            (
                "填写说明",
                [["客户档案导入说明"], ["1. 带*为必填项"], ["2. 客户编码不可重复"]],
            ),
            ("客户档案", [["客户档案"], [], u8_headers, *u8_rows]),
        ],
    )
    write_xlsx(
        os.path.join(HERE, "bad_cells.xlsx"), [("Sheet1", [BAD_HEADERS, *BAD_ROWS])]
    )
    with open(os.path.join(HERE, "corrupt.xlsx"), "wb") as file:
        file.write(b"PK\x03\x04" + b"\x00garbage, not a workbook" * 20)
    with open(os.path.join(HERE, "empty.csv"), "wb"):
        pass
    with open(os.path.join(HERE, "customers.pdf"), "wb") as file:
        file.write(b"%PDF-1.4\n")


if __name__ == "__main__":
    main()
