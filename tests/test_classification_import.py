from odoo.tests import tagged

from .common import ImportCase, csv_bytes, make_uscc


@tagged("post_install", "-at_install")
class TestClassificationImport(ImportCase):
    """The import takes USCCs with letters and industry codes in any form."""

    def test_letter_uscc_is_imported(self):
        codes = [make_uscc(b) for b in ("N2110105CD123456", "A1110000MA01AB12")]
        bad = codes[0][:17] + ("0" if codes[0][17] != "0" else "1")
        content = csv_bytes(
            ["客户编码", "客户名称", "统一社会信用代码"],
            ["UL1", "村集体经济合作社", codes[0]],
            ["UL2", "军队事业单位", codes[1]],
            ["UL3", "坏码", bad],
        )
        wizard = self.run_import("letters.csv", content, policy="skip")
        self.assertEqual(self.partner("UL1").vat, codes[0])
        self.assertEqual(self.partner("UL2").vat, codes[1])
        self.assertEqual(
            [(row, column) for row, column, _message in self.errors(wizard)],
            [(4, "统一社会信用代码")],
        )

    def test_industry_in_any_form(self):
        cases = {
            "39": "C39",
            "391": "C391",
            "3911": "C3911",
            "C3911": "C3911",
            "c 3911": "C3911",
            "C": "C",
            "G": "G",
            "53": "G53",
            "5910": "G5910",
            "591": "G591",
            "5930": "G5930",
            "G5930": "G5930",
            "704": "K704",
            "7040": "K7040",
            "K7010": "K7010",
            "3918": "C391",  # not in the standard: the nearest level that is
            "制造业": "C",
            "计算机、通信和其他电子设备制造业": "C39",
            "C39 计算机、通信和其他电子设备制造业": "C39",
            "计算机制造": "C391",
            "计算机整机制造": "C3911",
            "低温仓储": "G5930",
            "房地产业": "K70",  # section K and its only division 70 alike
            "社会工作": "Q85",
            "卫生": "Q84",
            "铁路运输业": "G53",
            "批发业": "F51",
        }
        rows = [["客户编码", "客户名称", "所属行业"]]
        rows += [[f"IC{n}", f"行业公司{n}", raw] for n, raw in enumerate(cases)]
        rows += [["ICX1", "错行业一", "D3911"], ["ICX2", "错行业二", "98"]]
        wizard = self.run_import("industries.csv", csv_bytes(*rows), policy="skip")
        for n, (raw, code) in enumerate(cases.items()):
            with self.subTest(raw=raw):
                self.assertEqual(self.partner(f"IC{n}").industry_id.code, code)
        errors = self.errors(wizard)
        self.assertEqual(
            [row for row, _column, _message in errors], [len(cases) + 2, len(cases) + 3]
        )
        self.assertIn("D3911", errors[0][2])
        self.assertFalse(self.partner("ICX1"))

    def test_scale_follows_the_imported_code(self):
        rows = [
            ["客户编码", "客户名称", "所属行业", "从业人员", "营业收入（万元）"],
            ["SC1", "冷库公司", "5930", "150", "2000"],  # 仓储业: medium
            ["SC2", "装卸公司", "5910", "150", "2000"],  # 交通运输业: small
            ["SC3", "铁路公司", "5310", "150", "2000"],  # 铁路运输业: none
            ["SC4", "电子厂", "3911", "8", ""],  # 工业, 8 employees: micro
        ]
        self.run_import("scale.csv", csv_bytes(*rows))
        self.assertEqual(
            [self.partner(ref).scale_class for ref in ("SC1", "SC2", "SC3", "SC4")],
            ["medium", "small", False, "micro"],
        )
