from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..engine import red_invoice as rules
from ..engine.red_invoice import Precision

CNY = Precision(2)
QTY = Precision(3)
PRICE = Precision(2)
NOW = datetime(2025, 4, 1, 12, 0, 0)


@tagged("post_install", "-at_install")
class TestRedRules(BaseCase):
    """The rules of red invoices alone, without the ORM."""

    def key(self, problem):
        return problem and problem.key

    def test_invoice_number_formats(self):
        check = rules.invoice_number_problem
        self.assertIsNone(check("special", "4400251130", "00000001"))
        self.assertIsNone(check("normal", "144002500001", "00000001"))
        self.assertIsNone(check("digital_special", False, "2" * 20))
        self.assertIsNone(check("digital_normal", "", "25440000000000000001"))
        self.assertEqual(self.key(check(False, "", "00000001")), "no_kind")
        self.assertEqual(
            check("digital_normal", "4400251130", "2" * 20),
            ("code_not_allowed", {}),
        )
        # a special invoice's code has 10 digits, an ordinary one's 12
        self.assertEqual(
            check("special", "144002500001", "00000001"),
            ("code_digits", {"digits": 10}),
        )
        self.assertEqual(
            check("normal", "4400251130", "00000001"), ("code_digits", {"digits": 12})
        )
        self.assertEqual(self.key(check("normal", "", "00000001")), "code_digits")
        self.assertEqual(
            self.key(check("normal", "14400250000A", "00000001")), "code_digits"
        )
        # paper numbers have 8 digits, digital (全电) ones 20
        self.assertEqual(
            check("special", "4400251130", "0000001"),
            ("number_digits", {"digits": 8}),
        )
        self.assertEqual(
            check("digital_special", "", "2" * 19), ("number_digits", {"digits": 20})
        )
        self.assertEqual(
            self.key(check("digital_special", "", "2" * 21)), "number_digits"
        )
        self.assertEqual(
            self.key(check("special", "4400251130", "0000000A")), "number_digits"
        )
        self.assertEqual(self.key(check("special", "4400251130", "")), "number_digits")

    def test_kinds(self):
        self.assertEqual(
            [k for k, _label in rules.CN_INVOICE_KINDS if rules.is_digital(k)],
            ["digital_special", "digital_normal"],
        )
        self.assertFalse(rules.is_digital(False))
        self.assertEqual(
            set(rules.CN_INVOICE_FORMATS), {k for k, _l in rules.CN_INVOICE_KINDS}
        )

    def test_form_number(self):
        check = rules.form_number_problem
        # a special invoice needs the 16-digit information form (信息表)
        self.assertIsNone(check("special", "4400202503000001"))
        self.assertEqual(self.key(check("special", "")), "info_form_missing")
        self.assertEqual(self.key(check("special", None)), "info_form_missing")
        self.assertEqual(
            self.key(check("special", "440020250300001")), "info_form_format"
        )
        self.assertEqual(
            self.key(check("special", "440020250300000A")), "info_form_format"
        )
        # others: a confirmation form (确认单) of 8 to 32 letters or digits, if any
        for kind in ("normal", "digital_special", "digital_normal", False):
            self.assertIsNone(check(kind, ""))
            self.assertIsNone(check(kind, "AB345678"))
            self.assertIsNone(check(kind, "4" * 32))
            self.assertEqual(self.key(check(kind, "AB34567")), "confirm_form_format")
            self.assertEqual(self.key(check(kind, "4" * 33)), "confirm_form_format")
            self.assertEqual(self.key(check(kind, "4400-0001")), "confirm_form_format")

    def test_lapse_after_72_hours(self):
        limit = NOW - timedelta(hours=72)
        for state in ("02", "03"):
            self.assertFalse(rules.is_lapsed(state, limit, NOW))
            self.assertTrue(rules.is_lapsed(state, limit - timedelta(seconds=1), NOW))
            self.assertFalse(rules.is_lapsed(state, False, NOW))
        # only a pending form lapses
        for state in ("01", "04", "07", False):
            self.assertFalse(rules.is_lapsed(state, limit - timedelta(days=9), NOW))

    def test_confirmation_form(self):
        check = rules.confirmation_problem
        old = NOW - timedelta(hours=73)
        self.assertIsNone(check("01", False, False, NOW))
        self.assertIsNone(check("01", False, old, NOW))
        self.assertIsNone(check("04", "44000025000000000001", old, NOW))
        self.assertIsNone(check("02", "44000025000000000001", NOW, NOW))
        self.assertEqual(self.key(check(False, "4400", NOW, NOW)), "no_state")
        for state in ("05", "06", "07", "08", "09"):
            self.assertEqual(self.key(check(state, "4400", NOW, NOW)), "void")
        for state in ("02", "03", "04"):
            self.assertEqual(self.key(check(state, "", NOW, NOW)), "number_missing")
        self.assertEqual(
            self.key(check("03", "44000025000000000001", old, NOW)), "lapsed"
        )

    def test_post(self):
        check = rules.post_problem
        self.assertIsNone(check("special", False, "4400202503000001"))
        self.assertIsNone(check("normal", False, False))
        self.assertIsNone(check(False, False, False))
        self.assertIsNone(check("digital_normal", "01", False))
        self.assertIsNone(check("digital_special", "04", "AB345678"))
        for state in ("02", "03", "05", "09"):
            self.assertEqual(
                self.key(check("digital_normal", state, "AB345678")),
                "state_not_issuable",
            )
        self.assertEqual(
            self.key(check("digital_normal", False, "AB345678")), "no_state"
        )
        self.assertEqual(self.key(check("special", False, False)), "no_info_form")

    def test_remark_wording(self):
        remark = rules.red_remark
        self.assertEqual(
            remark("special", "4400202503000001", "4400251130", "00000001"),
            "开具红字增值税专用发票信息表编号4400202503000001",
        )
        self.assertEqual(
            remark("normal", False, "144002500001", "00000007"),
            "对应正数发票代码:144002500001号码:00000007",
        )
        self.assertEqual(
            remark("digital_normal", "AB345678", False, "25440000000000000001"),
            "被红冲蓝字数电发票号码:25440000000000000001 红字发票信息确认单编号:AB345678",
        )
        self.assertEqual(
            remark("digital_special", False, False, "25440000000000000001"),
            "被红冲蓝字数电发票号码:25440000000000000001",
        )
        self.assertEqual(
            remark("digital_special", False, False, False), "被红冲蓝字数电发票号码:"
        )
        self.assertIsNone(remark(False, "4400202503000001", False, False))

    def test_partial_allowed(self):
        for reason in ("02", "03", "04"):
            self.assertTrue(rules.partial_allowed(reason, False))
        self.assertFalse(rules.partial_allowed("01", False))
        self.assertTrue(rules.partial_allowed("01", True))

    def test_line_request(self):
        check = rules.line_request_problem
        self.assertTrue(rules.is_requested(1.0, 0.0, CNY, QTY))
        self.assertTrue(rules.is_requested(0.0, 0.01, CNY, QTY))
        self.assertFalse(rules.is_requested(0.0004, 0.004, CNY, QTY))
        self.assertIsNone(check(2.0, 200.0, 10.0, 1000.0, CNY, QTY))
        self.assertIsNone(check(10.0, 1000.0, 10.0, 1000.0, CNY, QTY))
        self.assertIsNone(check(0.0, 50.0, 10.0, 1000.0, CNY, QTY))  # an allowance
        self.assertEqual(
            self.key(check(-1.0, 100.0, 10.0, 1000.0, CNY, QTY)), "negative"
        )
        self.assertEqual(
            self.key(check(1.0, -100.0, 10.0, 1000.0, CNY, QTY)), "negative"
        )
        self.assertEqual(
            self.key(check(10.001, 1000.0, 10.0, 1000.0, CNY, QTY)), "quantity_exceeds"
        )
        self.assertIsNone(check(10.0004, 1000.0, 10.0, 1000.0, CNY, QTY))
        self.assertEqual(
            self.key(check(1.0, 1000.01, 10.0, 1000.0, CNY, QTY)), "amount_exceeds"
        )
        self.assertEqual(
            self.key(check(1.0, 0.004, 10.0, 1000.0, CNY, QTY)), "amount_missing"
        )

    def test_amount_of_quantity(self):
        self.assertEqual(rules.amount_of_quantity(3, 10, 1000.0, CNY), 300.0)
        self.assertEqual(rules.amount_of_quantity(30, 10, 1000.0, CNY), 1000.0)
        self.assertEqual(rules.amount_of_quantity(1, 3, 100.0, CNY), 33.33)

    def test_line_price(self):
        def subtotal_of(discount=0.0):
            return lambda quantity, price: CNY.round(quantity * price * (1 - discount))

        def price(quantity, amount, blue_price=100.0, discount=0.0):
            return rules.red_line_price(
                blue_price, quantity, amount, subtotal_of(discount), CNY, QTY, PRICE
            )

        # the blue line's own price for its own amount of the quantity
        self.assertEqual(price(3.0, 300.0), (3.0, 100.0, False, 0.0))
        # an allowance: one unit, amount-only, the exact amount
        self.assertEqual(price(0.0, 50.0), (1.0, 50.0, True, 0.0))
        self.assertEqual(price(0.0, 33.33, blue_price=99.99), (1.0, 33.33, True, 0.0))
        # a quantity with a smaller amount: the price that gives it exactly
        self.assertEqual(price(4.0, 200.0), (4.0, 50.0, False, 0.0))
        # a discounted line (price 100, 10 % off): the discount stays on the line
        self.assertEqual(price(2.0, 180.0, discount=0.1), (2.0, 100.0, False, 0.0))
        self.assertEqual(price(2.0, 90.0, discount=0.1), (2.0, 50.0, False, 0.0))
        self.assertEqual(price(0.0, 10.0, discount=0.1), (1.0, 11.11, True, 0.0))
        # no price of two digits gives 200 for 3 units: 66.66 and 0.02 more
        red = price(3.0, 200.0)
        self.assertEqual(red, (3.0, 66.66, False, 0.02))
        self.assertEqual(CNY.round(red.quantity * red.price_unit + red.remainder), 200)
        # a discount line (negative amount)
        self.assertEqual(
            price(1.0, -100.0, blue_price=-100.0), (1.0, -100.0, False, 0.0)
        )
        self.assertEqual(
            price(3.0, -200.0, blue_price=-100.0), (3.0, -66.66, False, -0.02)
        )

    def test_allot_full(self):
        self.assertEqual(
            rules.allot_amount("full", None, 2000.0, [], CNY), (2000.0, None)
        )
        self.assertEqual(
            rules.allot_amount("full", 2000.004, 2000.0, [], CNY), (2000.0, None)
        )
        self.assertEqual(
            rules.allot_amount("full", 1500.0, 2000.0, [], CNY),
            (None, ("full_amount", {"remaining": 2000.0})),
        )
        self.assertEqual(
            rules.allot_amount("full", None, 2000.0, [(3, 500.0), (5, 100.0)], CNY),
            (None, ("full_after_earlier", {"rows": "3, 5"})),
        )

    def test_allot_partial(self):
        self.assertEqual(
            rules.allot_amount("partial", 500.004, 2000.0, [], CNY), (500.0, None)
        )
        self.assertEqual(
            rules.allot_amount("partial", 1500.0, 2000.0, [(2, 500.0)], CNY),
            (1500.0, None),
        )
        self.assertEqual(
            rules.allot_amount("partial", 2000.01, 2000.0, [], CNY),
            (None, ("exceeds", {"available": 2000.0})),
        )
        self.assertEqual(
            rules.allot_amount("partial", 1500.01, 2000.0, [(2, 500.0)], CNY),
            (None, ("exceeds_with_earlier", {"rows": "2", "total": 2000.01})),
        )

    def test_spread_in_proportion_of_what_remains(self):
        lines = [("A", 1000.0), ("B", 1000.0)]
        self.assertEqual(rules.spread(500.0, lines, CNY), [("A", 250.0), ("B", 250.0)])
        # the last line takes the rounding difference
        lines = [("A", 1.0), ("B", 1.0), ("C", 1.0)]
        self.assertEqual(
            rules.spread(1.0, lines, CNY), [("A", 0.33), ("B", 0.33), ("C", 0.34)]
        )
        # lines with nothing left take nothing
        lines = [("A", 0.0), ("B", -5.0), ("C", 300.0), ("D", 100.0)]
        self.assertEqual(rules.spread(100.0, lines, CNY), [("C", 75.0), ("D", 25.0)])
        # zero shares are left out
        lines = [("A", 10000.0), ("B", 0.01)]
        self.assertEqual(rules.spread(0.01, lines, CNY), [("A", 0.01)])
        self.assertEqual(rules.spread(10.0, [], CNY), [])

    def test_tax_cross_check(self):
        self.assertEqual(rules.tax_of_remaining(260.0, 2000.0, 1000.0), 130.0)
        self.assertFalse(rules.tax_differs(65.0, 65.0))
        self.assertFalse(rules.tax_differs(65.01, 65.0))
        self.assertFalse(rules.tax_differs(64.99, 65.0))
        self.assertTrue(rules.tax_differs(65.02, 65.0))
        self.assertTrue(rules.tax_differs(64.98, 65.0))

    def test_import_vocabulary(self):
        def normalise(text):
            return text.lower().replace(" ", "")

        kinds = rules.alias_table(rules.KIND_ALIASES, normalise)
        self.assertEqual(kinds["专票"], "special")
        self.assertEqual(kinds["全电普票"], "digital_normal")
        self.assertEqual(kinds["digital_special"], "digital_special")
        self.assertEqual(kinds["digitalordinary"], "digital_normal")
        reasons = rules.alias_table(rules.REASON_ALIASES, normalise)
        self.assertEqual(reasons["销货退回"], "02")
        self.assertEqual(set(reasons.values()), {k for k, _l in rules.RED_REASONS})
        self.assertEqual(rules.leading_code("02销货退回", 4), "02")
        self.assertEqual(rules.leading_code("2", 4), "02")
        self.assertEqual(rules.leading_code("04", 4), "04")
        self.assertIsNone(rules.leading_code("05", 4))
        self.assertEqual(rules.leading_code("09", 9), "09")
        self.assertIsNone(rules.leading_code("12", 9))
        self.assertIsNone(rules.leading_code("00", 9))
        self.assertIsNone(rules.leading_code("销货退回", 4))

    def test_precision(self):
        self.assertEqual(CNY.round(2.675), 2.68)
        self.assertEqual(CNY.round(-2.675), -2.68)
        self.assertEqual(PRICE.round_down(66.669), 66.66)
        self.assertEqual(CNY.compare_amounts(0.006, 0.002), 1)
        self.assertEqual(CNY.compare_amounts(1.432, 1.431), 0)
        self.assertTrue(CNY.is_zero(0.004))
        self.assertFalse(CNY.is_zero(0.005))
