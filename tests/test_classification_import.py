from odoo.tests import tagged

from .common import make_uscc
from .test_import import ImportCase, csv_bytes


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
