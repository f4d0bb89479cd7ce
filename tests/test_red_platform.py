import base64
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from ..engine.red_invoice import RED_FORM_STATES
from .common import RedInvoiceCase, html_tree, text_of

NOW = datetime(2025, 4, 2, 8, 0, 0)  # UTC; 16:00 in Beijing


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRedPlatformRules(RedInvoiceCase):
    """The 2024 rules through the entry, the model, the import, the cron and
    the register: every invoice kind, both channels, every form state, the
    initiator, the 72 hours, the remark and the red invoice's own number."""

    def form(self, number):
        return str(number).rjust(20, "0")

    def import_csv(self, header, rows, policy="skip"):
        content = "\n".join([",".join(header), *(",".join(r) for r in rows)])
        wizard = (
            self.env["account.move.red.import"]
            .with_user(self.invoicing_user)
            .create(
                {
                    "file": base64.b64encode(content.encode()),
                    "filename": "reds.csv",
                    "policy": policy,
                }
            )
        )
        wizard.action_import()
        return wizard

    def errors(self, wizard):
        return {(e.row_number, e.column): e.message for e in wizard.error_ids}

    # ------------------------------------------------------------ kinds
    def test_kind_formats_on_the_model(self):
        invoice = self.create_invoice("normal", post=False)
        d20 = "25440000000000000077"
        valid = [
            ("e_special", "044002500113", "00000001", False),
            ("e_normal", "044002500111", "00000001", False),
            ("normal", "4400251320", "00000001", False),
            ("digital_paper", "144002500001", "00000001", d20),
            ("vehicle", "144002500001", "00000001", False),
        ]
        for kind, code, number, digital in valid:
            invoice.write(
                {
                    "cn_invoice_kind": kind,
                    "cn_invoice_code": code,
                    "cn_invoice_number": number,
                    "cn_invoice_digital_number": digital,
                }
            )
            self.assertEqual(invoice.cn_invoice_kind, kind)
        invalid = [
            ("e_special", "044002500111", "00000001", False, "ends in 13"),
            ("digital_paper", "144002500001", "00000001", False, "20-digit digital"),
            ("digital_paper", "144002500001", "00000001", "123", "must have 20"),
            ("normal", "144002500001", "00000001", d20, "only a digital paper"),
            ("vehicle", "4400251320", "00000001", False, "must have 12 digits"),
        ]
        for kind, code, number, digital, message in invalid:
            with (
                self.subTest(kind=kind, digital=digital),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                invoice.write(
                    {
                        "cn_invoice_kind": kind,
                        "cn_invoice_code": code,
                        "cn_invoice_number": number,
                        "cn_invoice_digital_number": digital,
                    }
                )

    def test_vehicle_invoice_one_red_in_full(self):
        invoice = self.create_invoice(
            "normal",
            cn_invoice_kind="vehicle",
            cn_invoice_code=self.number(12),
        )
        form = self.red_form(invoice)
        form.red_reason = "02"
        self.assertEqual(form.reversal_mode, "full")
        self.assertFalse(form.partial_allowed)
        wizard = form.save()
        wizard.reversal_mode = "partial"
        with self.assertRaisesRegex(UserError, "motor vehicle sales invoice"):
            wizard.action_confirm()
        red = self.issue_red(invoice)
        self.assertEqual((red.state, red.amount_untaxed), ("posted", 2000.0))
        self.assertEqual(red.red_channel, "tax_control")
        self.assertEqual(
            red.red_remark,
            f"对应正数发票代码:{invoice.cn_invoice_code}号码:"
            f"{invoice.cn_invoice_number}",
        )

    # ------------------------------------------------------------ channels
    def test_special_invoice_on_the_platform(self):
        """A 税控 special invoice reversed on the platform: a 20-character
        确认单 and its state, no 信息表; the 数电 remark."""
        invoice = self.create_invoice("special")
        form = self.red_form(invoice)
        form.red_reason = "02"
        self.assertEqual(form.red_channel, "tax_control")
        form.red_channel = "platform"
        form.red_form_state = "04"
        form.red_form_number = self.form(1)
        form.red_invoice_number = "25442000000000000001"
        red = self.env["account.move"].browse(form.save().action_confirm()["res_id"])
        self.assertEqual(
            (red.state, red.red_channel, red.red_form_state),
            ("posted", "platform", "04"),
        )
        self.assertEqual(
            red.red_remark,
            f"被红冲蓝字数电票号码：{invoice.cn_invoice_code}"
            f"{invoice.cn_invoice_number}\u3000红字发票信息确认单编号："
            f"{self.form(1)}",
        )
        self.assertEqual(red.red_invoice_number, "25442000000000000001")
        # by tax control software it needs its 信息表, and a 确认单 is no 信息表
        other = self.create_invoice(
            "normal", cn_invoice_kind="e_special", cn_invoice_code="044002599913"
        )
        with self.assertRaisesRegex(UserError, "must be exactly 16 digits"):
            self.issue_red(other, red_form_number=self.form(2))

    def test_digital_invoice_only_on_the_platform(self):
        invoice = self.create_invoice("digital_normal")
        moves = self.env["account.move"]
        request = {
            "move": invoice,
            "reason": "02",
            "date": fields.Date.today(),
            "channel": "tax_control",
            "form_state": "01",
        }
        with self.assertRaisesRegex(UserError, "issued on the e-invoice service"):
            moves._check_red_request(request)
        form = self.red_form(invoice)
        form.red_reason = "02"
        self.assertEqual(form.red_channel, "platform")
        # an ordinary 税控 invoice by tax control software needs no form
        request.update(
            move=self.create_invoice("normal"), form_number="4400202503000001"
        )
        with self.assertRaisesRegex(UserError, "has no form"):
            moves._check_red_request(request)

    def test_digital_paper_invoice_named_by_its_digital_number(self):
        invoice = self.create_invoice(
            "normal",
            cn_invoice_kind="digital_paper",
            cn_invoice_code=self.number(12),
            cn_invoice_digital_number="25440000000000000123",
        )
        red = self.issue_red(invoice, red_form_state="01")
        self.assertEqual(red.red_remark, "被红冲蓝字数电票号码：25440000000000000123")
        # the import finds it by that number
        wizard = self.import_csv(
            ["原发票号码", "冲红原因", "确认单状态"],
            [["25440000000000000123", "02", "01"]],
        )
        self.assertIn("Nothing is left to reverse", wizard.error_ids.message)

    # ------------------------------------------------------------ states
    def test_no_silent_01(self):
        invoice = self.create_invoice("digital_special")
        form = self.red_form(invoice)
        form.red_reason = "02"
        self.assertFalse(form.red_form_state)
        with self.assertRaisesRegex(AssertionError, "red_form_state"):
            form.save()
        request = {"move": invoice, "reason": "02", "date": fields.Date.today()}
        with self.assertRaisesRegex(UserError, "enter the state the platform gives"):
            self.env["account.move"]._check_red_request(request)
        # nor in the import: a blank state is a row error
        wizard = self.import_csv(
            ["原发票号码", "冲红原因", "确认单状态", "确认单编号"],
            [[invoice.cn_invoice_number, "02", "", self.form(3)]],
        )
        errors = self.errors(wizard)
        self.assertEqual(set(errors), {(2, "确认单状态")})
        self.assertIn("enter the state the platform gives", errors[(2, "确认单状态")])
        self.assertFalse(invoice.reversal_move_ids)

    def test_every_state_by_code_and_by_label_in_the_import(self):
        invoice = self.create_invoice(
            "digital_normal", lines=[("A", 100, 100.0)]
        )  # 10,000: room for 26 rows of 10
        labels = {
            "01": "无需确认",
            "02": "销方录入待购方确认",
            "03": "购方录入待销方确认",
            "04": "购销双方已确认",
            "05": "作废（销方录入购方否认）",
            "06": "作废(购方录入销方否认)",
            "07": "作废(超72小时未确认)",
            "08": "作废(发起方已撤销)",
            "09": "作废(确认后撤销)",
            "10": "作废(异常凭证)",
            "11": "作废(纳税人状态异常阻断)",
            "12": "作废(自然人拒收)",
            "13": "作废(已开具退税申请单)",
        }
        rows, expected = [], {}
        for index, (code, _label) in enumerate(RED_FORM_STATES * 2):
            state = code if index < len(RED_FORM_STATES) else labels[code]
            number = "" if code == "01" else self.form(100 + index)
            rows.append(
                [
                    invoice.cn_invoice_number,
                    "02",
                    state,
                    number,
                    "部分",
                    "10",
                    "2025-04-02 09:00",
                ]
            )
            expected[index + 2] = code
        wizard = self.import_csv(
            [
                "原发票号码",
                "冲红原因",
                "确认单状态",
                "确认单编号",
                "全额/部分",
                "冲红金额",
                "填开日期",
            ],
            rows,
        )
        errors = self.errors(wizard)
        void = {row for row, code in expected.items() if code >= "05"}
        self.assertEqual({row for row, _column in errors}, void)
        state_labels = dict(RED_FORM_STATES)
        for row in void:
            self.assertIn(state_labels[expected[row]], errors[(row, "确认单状态")])
        reds = invoice.reversal_move_ids.sorted("id")
        self.assertEqual(reds.mapped("red_form_state"), ["01", "02", "03", "04"] * 2)
        self.assertEqual(
            reds.mapped("state"), ["posted", "draft", "draft", "posted"] * 2
        )
        self.assertEqual(
            reds.mapped("red_initiator"), ["seller", "seller", "buyer", "seller"] * 2
        )

    def test_initiator_agrees_with_state(self):
        invoice = self.create_invoice("digital_normal")
        moves = self.env["account.move"]
        request = {
            "move": invoice,
            "reason": "02",
            "date": fields.Date.today(),
            "form_state": "02",
            "form_number": self.form(4),
            "form_datetime": NOW,
            "initiator": "buyer",
        }
        with self.assertRaisesRegex(UserError, "raised by the seller"):
            moves._check_red_request(request)
        request.update(form_state="03", initiator="seller")
        with self.assertRaisesRegex(UserError, "raised by the buyer"):
            moves._check_red_request(request)
        # the entry follows the state; the model refuses a disagreement
        red = self.issue_red(
            invoice,
            lines={0: (1.0, None)},
            red_form_state="03",
            red_form_number=self.form(4),
            red_form_datetime=NOW,
        )
        self.assertEqual(red.red_initiator, "buyer")
        with (
            self.assertRaisesRegex(ValidationError, "raised by the buyer"),
            self.env.cr.savepoint(),
        ):
            red.red_initiator = "seller"
        # the import's column
        wizard = self.import_csv(
            [
                "原发票号码",
                "冲红原因",
                "确认单状态",
                "确认单编号",
                "填开日期",
                "发起方",
                "全额/部分",
                "冲红金额",
            ],
            [
                [
                    invoice.cn_invoice_number,
                    "02",
                    "03",
                    self.form(5),
                    "2025-04-02 09:00",
                    "销方",
                    "部分",
                    "10",
                ],
                [
                    invoice.cn_invoice_number,
                    "02",
                    "02",
                    self.form(6),
                    "2025-04-02 09:00",
                    "销方",
                    "部分",
                    "10",
                ],
            ],
        )
        self.assertEqual(set(self.errors(wizard)), {(2, "发起方")})
        self.assertEqual(
            invoice.reversal_move_ids.filtered(
                lambda m: m.red_form_number == self.form(6)
            ).red_initiator,
            "seller",
        )

    # ------------------------------------------------------------ 72 hours
    def test_72_hours_from_the_form_and_the_lapse_cron(self):
        invoice = self.create_invoice("digital_normal")
        young = self.issue_red(
            invoice,
            lines={0: (1.0, None)},
            red_form_state="02",
            red_form_number=self.form(7),
            red_form_datetime=NOW - timedelta(hours=10),
        )
        old = self.issue_red(
            invoice,
            lines={0: (1.0, None)},
            red_form_state="03",
            red_form_number=self.form(8),
            red_form_datetime=NOW - timedelta(hours=71),
        )
        self.assertEqual((young.red_form_hours_left, old.red_form_hours_left), (62, 1))
        with freeze_time(NOW + timedelta(hours=2)):
            self.assertTrue(old.red_form_expired)
            lapsed = self.env["account.move"]._cron_red_form_lapse()
        self.assertEqual(lapsed, old)
        self.assertEqual((old.red_form_state, old.state), ("07", "draft"))
        self.assertEqual(young.red_form_state, "02")
        with self.assertRaisesRegex(UserError, "only 01 and 04 allow issuing"):
            old.action_post()
        # the register shows the hours left on the pending one
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "partner_segment.report_red_invoice_register", (young | old).ids
        )
        rows = {
            int(r.get("data-move")): text_of(r)
            for r in html_tree(html).xpath("//tr[@data-move]")
        }
        self.assertIn("62 h left to confirm", rows[young.id])
        self.assertNotIn("left to confirm", rows[old.id])
        # the import: 72 hours from the form's 填开日期 (Beijing time)
        header = ["原发票号码", "冲红原因", "确认单状态", "确认单编号", "填开日期"]
        header += ["全额/部分", "冲红金额"]
        wizard = self.import_csv(
            header,
            [
                [
                    invoice.cn_invoice_number,
                    "02",
                    "02",
                    self.form(9),
                    "2025-03-30 15:59",
                    "部分",
                    "10",
                ],
                [
                    invoice.cn_invoice_number,
                    "02",
                    "02",
                    self.form(10),
                    "",
                    "部分",
                    "10",
                ],
                [
                    invoice.cn_invoice_number,
                    "02",
                    "02",
                    self.form(11),
                    "2025-03-30 16:01",
                    "部分",
                    "10",
                ],
            ],
        )
        errors = self.errors(wizard)
        self.assertEqual(set(errors), {(2, "填开日期"), (3, "填开日期")})
        self.assertIn("not confirmed within 72 hours", errors[(2, "填开日期")])
        self.assertIn("72 hours run from then", errors[(3, "填开日期")])
        red = invoice.reversal_move_ids.filtered(
            lambda m: m.red_form_number == self.form(11)
        )
        self.assertEqual(str(red.red_form_datetime), "2025-03-30 08:01:00")

    def test_void_form_no_longer_holds_the_invoice(self):
        """The draft of a pending form holds what it reverses until its form
        lapses (07) or is voided on the platform: then a new form may reverse
        it, and the void draft can never be revived beyond what remains."""
        invoice = self.create_invoice("digital_normal")
        pending = self.issue_red(
            invoice,
            red_form_state="02",
            red_form_number=self.form(21),
            red_form_datetime=NOW - timedelta(hours=71),
            user=self.invoicing_user,
        )
        self.assertEqual((pending.state, pending.amount_untaxed), ("draft", 2000.0))
        self.assertEqual(invoice.red_remaining_amount, 0.0)
        request = {
            "move": invoice.id,
            "reason": "02",
            "date": fields.Date.to_date("2025-04-02"),
            "form_state": "01",
            "form_number": self.form(22),
        }
        Move = self.env["account.move"].with_user(self.invoicing_user)
        with self.assertRaisesRegex(UserError, "Nothing is left to reverse"):
            Move._check_red_request(request)
        with freeze_time(NOW + timedelta(hours=2)):
            self.assertEqual(self.env["account.move"]._cron_red_form_lapse(), pending)
        self.assertEqual((pending.red_form_state, pending.state), ("07", "draft"))
        self.assertEqual(invoice.red_remaining_amount, 2000.0)
        self.assertEqual(invoice.red_invoice_count, 0)
        self.assertEqual(
            invoice.invoice_line_ids.mapped("red_remaining_amount"), [1000.0, 1000.0]
        )
        # a new form reverses the invoice in full, the void draft stays aside
        Move._check_red_request(request)
        red = self.issue_red(
            invoice,
            red_form_state="01",
            red_form_number=self.form(22),
            user=self.invoicing_user,
        )
        self.assertEqual((red.state, red.amount_total), ("posted", 2260.0))
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(invoice.red_remaining_amount, 0.0)
        # the same for a form voided on the platform (10 作废(异常凭证)),
        # and a void draft set back to an issuable state counts again
        other = self.create_invoice("digital_normal")
        voided = self.issue_red(
            other,
            lines={0: (4.0, None)},
            red_form_state="02",
            red_form_number=self.form(23),
            red_form_datetime=NOW - timedelta(hours=1),
            user=self.invoicing_user,
        )
        self.assertEqual(other.red_remaining_amount, 1600.0)
        voided.with_user(self.invoicing_user).red_form_state = "10"
        self.assertEqual(other.red_remaining_amount, 2000.0)
        self.issue_red(
            other,
            red_form_state="01",
            red_form_number=self.form(24),
            user=self.invoicing_user,
        )
        self.assertEqual(other.red_remaining_amount, 0.0)
        with self.assertRaisesRegex(ValidationError, "would reverse more"):
            voided.with_user(self.invoicing_user).red_form_state = "04"
            voided.flush_recordset()

    # ------------------------------------------------------------ remark
    def test_remark_wording_per_channel(self):
        special = self.create_invoice("special")
        red = self.issue_red(special, red_form_number="4400202503000009")
        self.assertEqual(
            red.red_remark, "开具红字增值税专用发票信息表编号4400202503000009"
        )
        normal = self.create_invoice("normal")
        red = self.issue_red(normal)
        self.assertEqual(
            red.red_remark,
            f"对应正数发票代码:{normal.cn_invoice_code}号码:{normal.cn_invoice_number}",
        )
        digital = self.create_invoice("digital_special")
        red = self.issue_red(
            digital, red_form_state="04", red_form_number=self.form(12)
        )
        self.assertEqual(
            red.red_remark,
            f"被红冲蓝字数电票号码：{digital.cn_invoice_number}"
            f"\u3000红字发票信息确认单编号：{self.form(12)}",
        )

    # ------------------------------------------------------------ red number
    def test_red_invoice_number(self):
        first, second, third = (self.create_invoice("digital_normal") for _n in "123")
        red = self.issue_red(
            first, red_form_state="01", red_invoice_number="25442000000000000009"
        )
        self.assertEqual(red.red_invoice_number, "25442000000000000009")
        with self.assertRaisesRegex(UserError, "already carried by"):
            self.issue_red(
                second, red_form_state="01", red_invoice_number="25442000000000000009"
            )
        with self.assertRaisesRegex(UserError, "20-digit number"):
            self.issue_red(second, red_form_state="01", red_invoice_number="2544200")
        other = self.issue_red(second, red_form_state="01")
        with (
            self.assertRaisesRegex(ValidationError, "already carried by"),
            self.env.cr.savepoint(),
        ):
            other.red_invoice_number = "25442000000000000009"
        # entered once the platform issued it, on the posted red invoice
        other.red_invoice_number = "25442000000000000010"
        self.assertEqual(other.red_invoice_number, "25442000000000000010")
        # a red invoice of tax control software has its own code and number
        normal = self.create_invoice("normal")
        request = {
            "move": normal,
            "reason": "02",
            "date": fields.Date.today(),
            "red_number": "25442000000000000011",
        }
        with self.assertRaisesRegex(UserError, "tax control software has its own"):
            self.env["account.move"]._check_red_request(request)
        # the import's column: once issued (01, 04), once in the company
        wizard = self.import_csv(
            ["原发票号码", "冲红原因", "确认单状态", "确认单编号", "红字发票号码"],
            [
                [
                    third.cn_invoice_number,
                    "02",
                    "04",
                    self.form(13),
                    "25442000000000000010",
                ],
                [
                    third.cn_invoice_number,
                    "02",
                    "04",
                    self.form(14),
                    "25442000000000000012",
                ],
            ],
            policy="all",
        )
        self.assertEqual(set(self.errors(wizard)), {(2, "红字发票号码")})
        wizard = self.import_csv(
            ["原发票号码", "冲红原因", "确认单状态", "确认单编号", "红字发票号码"],
            [
                [
                    third.cn_invoice_number,
                    "02",
                    "04",
                    self.form(14),
                    "25442000000000000012",
                ],
            ],
        )
        red = third.reversal_move_ids
        self.assertEqual(
            (red.state, red.red_invoice_number), ("posted", "25442000000000000012")
        )
        # the register shows it
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "partner_segment.report_red_invoice_register", red.ids
        )
        self.assertIn("25442000000000000012", text_of(html_tree(html)))
