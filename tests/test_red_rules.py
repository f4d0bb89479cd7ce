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
        d20 = "25440000000000000001"
        # every kind with its real identifiers
        self.assertIsNone(check("special", "4400251130", "00000001"))
        self.assertIsNone(check("e_special", "044002500113", "00000001"))
        self.assertIsNone(check("normal", "4400251320", "00000001"))  # 折叠票
        self.assertIsNone(check("normal", "144002500001", "00000001"))  # 卷票
        self.assertIsNone(check("e_normal", "044002500111", "00000001"))
        self.assertIsNone(check("digital_special", False, "2" * 20))
        self.assertIsNone(check("digital_normal", "", d20))
        self.assertIsNone(check("digital_paper", "144002500001", "00000001", d20))
        self.assertIsNone(check("vehicle", "144002500001", "00000001"))
        self.assertEqual(self.key(check(False, "", "00000001")), "no_kind")
        self.assertEqual(
            check("digital_normal", "4400251130", "2" * 20),
            ("code_not_allowed", {}),
        )
        # the code's digits: 10 on a paper special invoice, 10 or 12 on a paper
        # ordinary one, 12 on the electronic ones, the digital paper and vehicle
        self.assertEqual(
            check("special", "144002500001", "00000001"),
            ("code_digits", {"digits": "10"}),
        )
        self.assertEqual(
            check("normal", "44002513201", "00000001"),
            ("code_digits", {"digits": "10/12"}),
        )
        for kind in ("e_special", "e_normal", "digital_paper", "vehicle"):
            self.assertEqual(
                check(kind, "4400251130", "00000001", d20),
                ("code_digits", {"digits": "12"}),
            )
        # an electronic special invoice's code ends in 13
        self.assertEqual(
            check("e_special", "044002500111", "00000001"),
            ("code_suffix", {"suffix": "13"}),
        )
        self.assertEqual(self.key(check("normal", "", "00000001")), "code_digits")
        self.assertEqual(
            self.key(check("normal", "14400250000A", "00000001")), "code_digits"
        )
        # paper and 税控 numbers have 8 digits, digital (全电) ones 20
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
        self.assertEqual(
            self.key(check("digital_paper", "144002500001", d20)), "number_digits"
        )
        # a digital paper invoice carries its 20-digit 数电 number, only it does
        self.assertEqual(
            self.key(check("digital_paper", "144002500001", "00000001")),
            "digital_number_missing",
        )
        self.assertEqual(
            check("digital_paper", "144002500001", "00000001", "2" * 19),
            ("digital_number_digits", {"digits": 20}),
        )
        self.assertEqual(
            self.key(check("normal", "144002500001", "00000001", d20)),
            "digital_number_not_allowed",
        )

    def test_kinds(self):
        self.assertEqual(
            [k for k, _label in rules.CN_INVOICE_KINDS if rules.is_digital(k)],
            ["digital_special", "digital_normal", "digital_paper"],
        )
        self.assertFalse(rules.is_digital(False))
        self.assertEqual(
            set(rules.CN_INVOICE_FORMATS), {k for k, _l in rules.CN_INVOICE_KINDS}
        )
        self.assertEqual(
            set(rules.DIGITAL_KINDS) | set(rules.TAX_CONTROL_KINDS),
            {k for k, _l in rules.CN_INVOICE_KINDS},
        )
        self.assertTrue(rules.one_red_only("vehicle"))
        self.assertFalse(rules.one_red_only("normal"))

    def test_channels(self):
        platform, tax_control = rules.CHANNEL_PLATFORM, rules.CHANNEL_TAX_CONTROL
        for kind in rules.DIGITAL_KINDS:
            self.assertEqual(rules.red_channels(kind), (platform,))
            self.assertEqual(rules.default_channel(kind), platform)
            self.assertIsNone(rules.channel_problem(kind, platform))
            self.assertEqual(
                self.key(rules.channel_problem(kind, tax_control)),
                "channel_not_allowed",
            )
        for kind in rules.TAX_CONTROL_KINDS:
            self.assertEqual(rules.red_channels(kind), (platform, tax_control))
            self.assertEqual(rules.default_channel(kind), tax_control)
            self.assertIsNone(rules.channel_problem(kind, platform))
            self.assertIsNone(rules.channel_problem(kind, tax_control))
            self.assertEqual(
                self.key(rules.channel_problem(kind, False)), "channel_missing"
            )
        self.assertIsNone(rules.channel_problem(False, False))
        self.assertFalse(rules.default_channel(False))
        # an import row without a channel
        infer = rules.infer_channel
        self.assertEqual(infer("digital_normal", False, False), platform)
        self.assertEqual(infer("special", "4400202503000001", False), tax_control)
        self.assertEqual(infer("special", "4" * 20, False), platform)
        self.assertEqual(infer("special", "12345", False), tax_control)
        self.assertEqual(infer("special", False, "04"), platform)
        self.assertEqual(infer("normal", False, False), tax_control)
        self.assertFalse(infer(False, False, False))

    def test_form_number(self):
        check = rules.form_number_problem
        platform, tax_control = rules.CHANNEL_PLATFORM, rules.CHANNEL_TAX_CONTROL
        # by tax control software a special invoice needs its 16-digit 信息表
        for kind in ("special", "e_special"):
            self.assertIsNone(check(kind, tax_control, "4400202503000001"))
            self.assertEqual(
                self.key(check(kind, tax_control, "")), "info_form_missing"
            )
            self.assertEqual(
                self.key(check(kind, tax_control, None)), "info_form_missing"
            )
            self.assertEqual(
                self.key(check(kind, tax_control, "440020250300001")),
                "info_form_format",
            )
            self.assertEqual(
                self.key(check(kind, tax_control, "440020250300000A")),
                "info_form_format",
            )
        # and the other 税控 invoices no form
        for kind in ("normal", "e_normal", "vehicle"):
            self.assertIsNone(check(kind, tax_control, ""))
            self.assertEqual(
                self.key(check(kind, tax_control, "4400202503000001")),
                "form_not_needed",
            )
        # on the platform a 确认单 of 20 characters (a special invoice's too)
        for kind in [k for k, _l in rules.CN_INVOICE_KINDS] + [False]:
            self.assertIsNone(check(kind, platform, ""))
            self.assertIsNone(check(kind, platform, "44000025000000000001"))
            self.assertIsNone(check(kind, platform, "AB345678901234567890"))
            for bad in ("4" * 19, "4" * 21, "4400202503000001", "4400-02500000000001"):
                self.assertEqual(
                    self.key(check(kind, platform, bad)), "confirm_form_format"
                )
        # no channel (a credit note of no tax invoice): either form
        self.assertIsNone(check(False, False, "4400202503000001"))
        self.assertIsNone(check(False, False, "4" * 20))
        self.assertEqual(
            self.key(check(False, False, "AB345678")), "confirm_form_format"
        )

    def test_red_number(self):
        check = rules.red_number_problem
        self.assertIsNone(check("platform", "25442000000000000001"))
        self.assertIsNone(check("platform", False))
        self.assertIsNone(check("tax_control", False))
        self.assertEqual(
            check("platform", "2544200000000000001"),
            ("red_number_digits", {"digits": 20}),
        )
        self.assertEqual(
            self.key(check("platform", "2544200000000000000A")), "red_number_digits"
        )
        self.assertEqual(
            self.key(check("tax_control", "25442000000000000001")),
            "red_number_not_allowed",
        )

    def test_lapse_after_72_hours(self):
        limit = NOW - timedelta(hours=72)
        for state in ("02", "03"):
            self.assertFalse(rules.is_lapsed(state, limit, NOW))
            self.assertTrue(rules.is_lapsed(state, limit - timedelta(seconds=1), NOW))
            self.assertFalse(rules.is_lapsed(state, False, NOW))
        # only a pending form lapses
        for state in ("01", "04", "07", "13", False):
            self.assertFalse(rules.is_lapsed(state, limit - timedelta(days=9), NOW))

    def test_hours_left(self):
        left = rules.hours_left
        self.assertEqual(left("02", NOW, NOW), 72)
        self.assertEqual(left("03", NOW - timedelta(hours=30, minutes=20), NOW), 41)
        self.assertEqual(left("02", NOW - timedelta(hours=80), NOW), 0)
        self.assertIsNone(left("04", NOW, NOW))
        self.assertIsNone(left("02", False, NOW))

    def test_form_states(self):
        codes = [code for code, _label in rules.RED_FORM_STATES]
        self.assertEqual(codes, [f"{n:02d}" for n in range(1, 14)])
        self.assertEqual(rules.RED_FORM_STATES_VOID, tuple(codes[4:]))
        self.assertEqual(set(rules.FORM_STATE_ALIASES), set(codes))

    def test_confirmation_form(self):
        check = rules.confirmation_problem
        old = NOW - timedelta(hours=73)
        self.assertIsNone(check("01", False, False, NOW))
        self.assertIsNone(check("01", False, old, NOW))
        self.assertIsNone(check("04", "44000025000000000001", old, NOW))
        self.assertIsNone(check("04", "44000025000000000001", False, NOW))
        self.assertIsNone(check("02", "44000025000000000001", NOW, NOW))
        # the state is never assumed
        self.assertEqual(self.key(check(False, "4400", NOW, NOW)), "no_state")
        self.assertEqual(self.key(check(False, False, False, NOW)), "no_state")
        for state in rules.RED_FORM_STATES_VOID:
            self.assertEqual(self.key(check(state, "4400", NOW, NOW)), "void")
        for state in ("02", "03", "04"):
            self.assertEqual(self.key(check(state, "", NOW, NOW)), "number_missing")
        # a pending form's 72 hours run from its own date and time
        for state in ("02", "03"):
            self.assertEqual(
                self.key(check(state, "44000025000000000001", False, NOW)),
                "raised_at_missing",
            )
        self.assertEqual(
            self.key(check("03", "44000025000000000001", old, NOW)), "lapsed"
        )

    def test_initiator_agrees_with_state(self):
        check = rules.initiator_problem
        self.assertIsNone(check("02", "seller"))
        self.assertIsNone(check("03", "buyer"))
        self.assertEqual(
            check("02", "buyer"), ("initiator_mismatch", {"expected": "seller"})
        )
        self.assertEqual(
            check("03", "seller"), ("initiator_mismatch", {"expected": "buyer"})
        )
        self.assertEqual(self.key(check("03", False)), "initiator_mismatch")
        for state in ("01", "04", "07", False):
            self.assertIsNone(check(state, "seller"))
            self.assertIsNone(check(state, "buyer"))

    def test_post(self):
        check = rules.post_problem
        self.assertIsNone(check("special", "tax_control", False, "4400202503000001"))
        self.assertIsNone(check("special", "platform", "04", "4" * 20))
        self.assertIsNone(check("special", False, False, "4400202503000001"))
        self.assertIsNone(check("normal", "tax_control", False, False))
        self.assertIsNone(check(False, False, False, False))
        self.assertIsNone(check("digital_normal", "platform", "01", False))
        self.assertIsNone(check("digital_special", False, "04", "4" * 20))
        for state in ("02", "03", "05", "09", "13"):
            self.assertEqual(
                self.key(check("digital_normal", "platform", state, "4" * 20)),
                "state_not_issuable",
            )
        self.assertEqual(
            self.key(check("digital_normal", False, False, "4" * 20)), "no_state"
        )
        # a special invoice on the platform needs the state, not a 信息表
        self.assertEqual(
            self.key(check("special", "platform", False, "4" * 20)), "no_state"
        )
        self.assertEqual(
            self.key(check("e_special", "tax_control", False, False)), "no_info_form"
        )

    def test_remark_wording(self):
        remark = rules.red_remark
        form = "44000025000000000001"
        # 公告2016年第47号: the information form
        self.assertEqual(
            remark("special", "tax_control", "4400202503000001", "4400251130", "1"),
            "开具红字增值税专用发票信息表编号4400202503000001",
        )
        # an ordinary 税控 invoice: its code and number, half-width colons
        self.assertEqual(
            remark("normal", "tax_control", False, "144002500001", "00000007"),
            "对应正数发票代码:144002500001号码:00000007",
        )
        # the platform, as it prints it: full-width colons, ideographic space
        self.assertEqual(
            remark("digital_normal", "platform", form, False, "25440000000000000001"),
            "被红冲蓝字数电票号码：25440000000000000001"
            "\u3000红字发票信息确认单编号：44000025000000000001",
        )
        self.assertEqual(
            remark("digital_special", False, False, False, "25440000000000000001"),
            "被红冲蓝字数电票号码：25440000000000000001",
        )
        # a digital paper invoice by its 数电 number, a 税控 one by code and number
        self.assertEqual(
            remark("digital_paper", "platform", form, "1" * 12, "2" * 8, "3" * 20),
            "被红冲蓝字数电票号码：33333333333333333333"
            "\u3000红字发票信息确认单编号：44000025000000000001",
        )
        self.assertEqual(
            remark("special", "platform", form, "044002500113", "00000001"),
            "被红冲蓝字数电票号码：04400250011300000001"
            "\u3000红字发票信息确认单编号：44000025000000000001",
        )
        self.assertIsNone(remark(False, False, "4400202503000001", False, False))

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
        self.assertEqual(rules.leading_code("09", 13), "09")
        self.assertEqual(rules.leading_code("12", 13), "12")
        self.assertEqual(rules.leading_code("13作废(已开具退税申请单)", 13), "13")
        self.assertIsNone(rules.leading_code("14", 13))
        self.assertIsNone(rules.leading_code("2025-04-01", 13))
        self.assertIsNone(rules.leading_code("00", 9))
        states = rules.alias_table(rules.FORM_STATE_ALIASES, normalise)
        self.assertEqual(states["作废(异常凭证)"], "10")
        self.assertEqual(states["纳税人状态异常阻断"], "11")
        self.assertEqual(states["作废(自然人拒收)"], "12")
        self.assertEqual(states["已开具退税申请单"], "13")
        kinds = rules.alias_table(rules.KIND_ALIASES, normalise)
        self.assertEqual(kinds["增值税电子专用发票"], "e_special")
        self.assertEqual(kinds["增值税电子普通发票"], "e_normal")
        self.assertEqual(kinds["数电纸质发票"], "digital_paper")
        self.assertEqual(kinds["机动车销售统一发票"], "vehicle")
        channels = rules.alias_table(rules.CHANNEL_ALIASES, normalise)
        self.assertEqual(channels["税控"], "tax_control")
        self.assertEqual(channels["电子发票服务平台"], "platform")
        initiators = rules.alias_table(rules.INITIATOR_ALIASES, normalise)
        self.assertEqual(initiators["购方"], "buyer")
        self.assertIsNone(rules.leading_code("销货退回", 4))

    def test_precision(self):
        self.assertEqual(CNY.round(2.675), 2.68)
        self.assertEqual(CNY.round(-2.675), -2.68)
        self.assertEqual(PRICE.round_down(66.669), 66.66)
        self.assertEqual(CNY.compare_amounts(0.006, 0.002), 1)
        self.assertEqual(CNY.compare_amounts(1.432, 1.431), 0)
        self.assertTrue(CNY.is_zero(0.004))
        self.assertFalse(CNY.is_zero(0.005))
