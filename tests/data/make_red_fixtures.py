"""Write the red-invoice import fixtures: ``python tests/data/make_red_fixtures.py``.

One batch of red invoices with Chinese headers, good rows mixed with every kind
of bad row, as .xlsx and as a GBK CSV.  The blue invoices they name are built
by the tests (``tests/test_red_import.py``) from ``BLUES`` below.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

NORMAL_CODE = "144002599001"
SPECIAL_CODE = "4400259901"
# key: (kind, code, number, lines [(name, quantity, price)], posted)
BLUES = {
    "N1": ("normal", NORMAL_CODE, "99000001", None, True),
    "N2": (
        "normal",
        NORMAL_CODE,
        "99000002",
        [("A", 10, 100.0), ("B", 5, 600.0)],
        True,
    ),
    "S1": ("special", SPECIAL_CODE, "99000003", None, True),
    "D1": ("digital_special", False, "25440000000099000004", None, True),
    "D2": ("digital_normal", False, "25440000000099000005", None, True),
    "N3": ("normal", NORMAL_CODE, "99000006", None, True),
    "N4": ("normal", NORMAL_CODE, "99000007", None, True),
    "S2": ("special", SPECIAL_CODE, "99000008", None, True),
    "S3": ("special", SPECIAL_CODE, "99000009", None, True),
    "D3": ("digital_normal", False, "25440000000099000010", None, True),
    "D4": ("digital_normal", False, "25440000000099000011", None, True),
    "N5": ("normal", NORMAL_CODE, "99000012", None, True),
    "N6": ("normal", NORMAL_CODE, "99000013", None, False),
}
HEADERS = [
    "发票种类",
    "原发票代码",
    "原发票号码*",
    "原开票日期",
    "冲红原因*",
    "红字信息表编号/确认单编号",
    "确认单状态",
    "全额/部分",
    "冲红金额",
    "冲红税额",
    "冲红日期",
    "填开日期",
]
# the tests run at this time (UTC): the pending form below, raised on
# 2025-04-01 10:00 Beijing time, has hours left
NOW = "2025-04-02 08:00:00"
FORM_S1 = "4400000000000001"
# (row number in the file, expected error column or None), then the row
ROWS = [
    # good rows
    (
        2,
        None,
        [
            "普票",
            NORMAL_CODE,
            "99000001",
            "2025-03-10",
            "02",
            None,
            None,
            "全额",
            None,
            "-260",
            "2025-04-01",
        ],
    ),
    (
        3,
        None,
        [
            "普票",
            NORMAL_CODE,
            "99000002",
            "2025/3/10",
            "销货退回",
            None,
            None,
            "部分",
            "-500",
            "-65",
            "2025-04-01",
        ],
    ),
    (
        4,
        None,
        [
            "专票",
            SPECIAL_CODE,
            "99000003",
            None,
            "01 开票有误",
            FORM_S1,
            None,
            "全额",
            "2000",
            None,
            None,
        ],
    ),
    (
        5,
        None,
        [
            "数电专票",
            None,
            "25440000000099000004",
            None,
            "04",
            "DCF00000000000000001",
            "02",
            "部分",
            "-800",
            "-104",
            "2025-04-01",
            "2025-04-01 10:00",
        ],
    ),
    (
        6,
        None,
        [
            "数电普票",
            None,
            "25440000000099000005",
            None,
            "4",
            "DCF00000000000000002",
            "04 购销双方已确认",
            "全额",
            None,
            None,
            "2025-04-01",
        ],
    ),
    (
        7,
        None,
        [
            "普票",
            NORMAL_CODE,
            "99000007",
            None,
            "02",
            None,
            None,
            "部分",
            "-1500",
            None,
            "2025-04-01",
        ],
    ),
    # bad rows
    (
        8,
        "原发票号码*",
        [
            "普票",
            NORMAL_CODE,
            "99999999",
            None,
            "02",
            None,
            None,
            "全额",
            None,
            None,
            None,
        ],
    ),
    (
        9,
        "冲红金额",
        [
            "普票",
            NORMAL_CODE,
            "99000006",
            None,
            "02",
            None,
            None,
            "部分",
            "-2500",
            None,
            None,
        ],
    ),
    (
        10,
        "冲红金额",
        [
            "普票",
            NORMAL_CODE,
            "99000007",
            None,
            "02",
            None,
            None,
            "部分",
            "-800",
            None,
            None,
        ],
    ),
    (
        11,
        "红字信息表编号/确认单编号",
        [
            "专票",
            SPECIAL_CODE,
            "99000008",
            None,
            "02",
            "12345",
            None,
            "全额",
            None,
            None,
            None,
        ],
    ),
    (
        12,
        "红字信息表编号/确认单编号",
        [
            "专票",
            SPECIAL_CODE,
            "99000009",
            None,
            "02",
            FORM_S1,
            None,
            "全额",
            None,
            None,
            None,
        ],
    ),
    (
        13,
        "红字信息表编号/确认单编号",
        [
            "数电普票",
            None,
            "25440000000099000010",
            None,
            "02",
            None,
            "02",
            "全额",
            None,
            None,
            None,
        ],
    ),
    (
        14,
        "确认单状态",
        [
            "数电普票",
            None,
            "25440000000099000011",
            None,
            "02",
            "DCF00000000000000003",
            "05",
            "全额",
            None,
            None,
            None,
        ],
    ),
    (
        15,
        "冲红税额",
        [
            "普票",
            NORMAL_CODE,
            "99000012",
            None,
            "02",
            None,
            None,
            "部分",
            "-1000",
            "-200",
            None,
        ],
    ),
    (
        16,
        "原发票号码*",
        [
            "普票",
            NORMAL_CODE,
            "99000013",
            None,
            "02",
            None,
            None,
            "全额",
            None,
            None,
            None,
        ],
    ),
]


def main():
    # run as a script: the writers of the customer fixtures sit next to this file
    from make_fixtures import write_csv, write_xlsx

    width = len(HEADERS)
    rows = [HEADERS, *((cells + [None] * width)[:width] for _n, _c, cells in ROWS)]
    write_xlsx(os.path.join(HERE, "red_invoices.xlsx"), [("红字发票", rows)])
    write_csv(os.path.join(HERE, "red_invoices_gbk.csv"), rows, "gbk")


if __name__ == "__main__":
    main()
