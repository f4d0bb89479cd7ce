import ast
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import RedInvoiceCase


@tagged("post_install", "-at_install")
class TestRedInvoice(RedInvoiceCase):
    def assertRemaining(self, invoice, total, lines):
        invoice.invalidate_recordset()
        invoice.invoice_line_ids.invalidate_recordset()
        self.assertAlmostEqual(invoice.red_remaining_amount, total)
        self.assertEqual(
            [
                (line.red_remaining_quantity, line.red_remaining_amount)
                for line in invoice.invoice_line_ids
            ],
            lines,
        )

    def test_full_reversal_of_unpaid_invoice_reconciles(self):
        invoice = self.create_invoice("normal")
        red = self.issue_red(invoice, reason="01")
        self.assertEqual(red.move_type, "out_refund")
        self.assertEqual(red.state, "posted")
        self.assertEqual(red.reversed_entry_id, invoice)
        self.assertEqual(red.red_reason, "01")
        self.assertEqual(red.cn_invoice_kind, "normal")
        self.assertEqual(
            (red.amount_untaxed, red.amount_tax, red.amount_total),
            (2000.0, 260.0, 2260.0),
        )
        self.assertEqual(red.amount_total_signed, -2260.0)
        receivable = red.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.balance, -2260.0)
        self.assertTrue(receivable.reconciled)
        tax_line = red.line_ids.filtered("tax_line_id")
        self.assertEqual(tax_line.balance, 260.0)
        self.assertEqual(
            red.invoice_line_ids.red_origin_line_id, invoice.invoice_line_ids
        )
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(
            red.red_remark,
            f"对应正数发票代码:{invoice.cn_invoice_code}号码:{invoice.cn_invoice_number}",
        )
        self.assertRemaining(invoice, 0.0, [(0.0, 0.0), (0.0, 0.0)])
        self.assertEqual(invoice.red_invoice_count, 1)

    def red_accounting(self, red):
        """What must not depend on how a red invoice was made: its lines'
        accounts, taxes, amounts and origins, and the reconciliation."""
        return (
            red.state,
            red.currency_id,
            red.invoice_currency_rate,
            sorted(
                (
                    line.display_type,
                    line.account_id.id,
                    line.tax_line_id.id,
                    tuple(line.tax_ids.ids),
                    line.red_origin_line_id.name or "",
                    line.quantity,
                    line.price_unit,
                    line.balance,
                    line.amount_currency,
                    line.amount_residual,
                    line.reconciled,
                )
                for line in red.line_ids
            ),
            red.reversed_entry_id.payment_state,
            red.reversed_entry_id.amount_residual,
        )

    def test_batch_creation_matches_single_entry(self):
        """The import makes its credit notes with one create
        (``account.move._create_red_invoices``): the same accounting as the single entry's
        ``_reverse_moves``, full and partial, in company and foreign currency."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            [
                {"name": "2025-03-10", "rate": 0.8, "currency_id": eur.id},
                {"name": "2025-04-01", "rate": 0.9, "currency_id": eur.id},
            ]
        )
        lines = [("A", 3, 99.99), ("B", 7, 13.33), ("C", 1, 0.01)]
        requests = [None, {0: (1.0, None), 1: (0.0, 20.0)}]
        wizards, expected = self.env["account.move.red.invoice"], []
        for currency in (self.company.currency_id, eur):
            for request in requests:
                single, batch = (
                    self.create_invoice(lines=lines, currency_id=currency.id)
                    for _n in range(2)
                )
                red = self.issue_red(single, lines=request, date="2025-04-01")
                wizards |= self.red_wizard(batch, lines=request, date="2025-04-01")
                self.assertEqual(len(red.invoice_line_ids), 3 if not request else 2)
                expected.append(self.red_accounting(red))
        reds = self.env["account.move"]._create_red_invoices(
            [wizard._get_red_request() for wizard in wizards]
        )
        self.assertEqual(reds.mapped("state"), ["draft"] * 4)
        reds.action_post()
        self.assertEqual(reds.reversed_entry_id, wizards.move_id)
        self.assertEqual([self.red_accounting(red) for red in reds], expected)
        self.assertEqual(
            reds.mapped("reversed_entry_id.payment_state"),
            ["reversed", "partial", "reversed", "partial"],
        )
        self.assertIn("This entry has been reversed from", reds[0].message_ids[-1].body)

    def test_reds_posted_together_reconcile_with_their_own_invoice(self):
        """Two red invoices of one invoice and one of another, posted in one
        call: each reconciles with its own invoice (core paired them by
        position in ``_reconcile_reversed_moves``)."""
        first, second = self.create_invoice(), self.create_invoice()
        wizards = (
            self.red_wizard(first, lines={0: (2.0, None)})
            | self.red_wizard(first, lines={1: (1.0, None)})
            | self.red_wizard(second)
        )
        reds = self.env["account.move"]._create_red_invoices(
            [wizard._get_red_request() for wizard in wizards]
        )
        reds.action_post()

        def matched_moves(red):
            receivable = red.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            return receivable.matched_debit_ids.debit_move_id.move_id

        self.assertEqual(
            [(matched_moves(red), red.amount_total) for red in reds],
            [(first, 226.0), (first, 226.0), (second, 2260.0)],
        )
        self.assertEqual(reds.mapped("payment_state"), ["paid", "paid", "paid"])
        self.assertEqual(
            (first.payment_state, first.amount_residual), ("partial", 1808.0)
        )
        self.assertEqual(
            (second.payment_state, second.amount_residual), ("reversed", 0.0)
        )

    def test_partial_reversal_amounts_and_accounting(self):
        invoice = self.create_invoice("normal")
        form = self.red_form(invoice)
        form.red_reason = "02"
        form.reversal_mode = "partial"
        self.assertEqual(
            [
                (line["name"], line["quantity"], line["amount"])
                for line in form.line_ids._records
            ],
            [("A", 10.0, 1000.0), ("B", 5.0, 1000.0)],
        )
        with form.line_ids.edit(0) as line:
            line.quantity = 3
            self.assertEqual(line.amount, 300.0)
        with form.line_ids.edit(1) as line:
            line.quantity = 0
            line.amount = 0
        red = self.env["account.move"].browse(form.save().action_confirm()["res_id"])
        self.assertEqual(red.state, "posted")
        self.assertEqual(
            (red.amount_untaxed, red.amount_tax, red.amount_total), (300.0, 39.0, 339.0)
        )
        self.assertEqual(
            [(line.quantity, line.price_unit) for line in red.invoice_line_ids],
            [(3.0, 100.0)],
        )
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 1921.0)
        self.assertRemaining(invoice, 1700.0, [(7.0, 700.0), (5.0, 1000.0)])

    def test_allowance_reverses_amount_without_quantity(self):
        invoice = self.create_invoice("normal")
        red = self.issue_red(invoice, reason="04", lines={0: (0.0, 150.0)})
        line = red.invoice_line_ids
        self.assertTrue(line.red_amount_only)
        self.assertEqual((line.quantity, line.price_unit), (1.0, 150.0))
        self.assertEqual(red.amount_untaxed, 150.0)
        self.assertRemaining(invoice, 1850.0, [(10.0, 850.0), (5.0, 1000.0)])
        # The rest of the line is reversed at the reduced price.
        red = self.issue_red(invoice, reason="02", lines={0: (10.0, None)})
        self.assertEqual(red.amount_untaxed, 850.0)
        self.assertRemaining(invoice, 1000.0, [(0.0, 0.0), (5.0, 1000.0)])

    def test_remaining_across_draft_and_posted_red_invoices(self):
        invoice = self.create_invoice("digital_normal")
        pending = self.issue_red(
            invoice,
            lines={0: (4.0, None)},
            red_form_state="02",
            red_form_number="DIGITAL0000000000001",
            red_form_datetime=fields.Datetime.now(),
        )
        self.assertEqual(pending.state, "draft")
        posted = self.issue_red(
            invoice, lines={0: (6.0, None), 1: (1.0, None)}, red_form_state="01"
        )
        self.assertEqual(posted.state, "posted")
        self.assertRemaining(invoice, 800.0, [(0.0, 0.0), (4.0, 800.0)])
        self.assertEqual(invoice.red_invoice_count, 2)
        # Line A is fully reversed: it is not offered any more.
        form = self.red_form(invoice)
        self.assertEqual([line["name"] for line in form.line_ids._records], ["B"])
        # A full red invoice takes only what remains.
        full = self.issue_red(invoice, red_form_state="01")
        self.assertEqual(full.amount_untaxed, 800.0)
        self.assertRemaining(invoice, 0.0, [(0.0, 0.0), (0.0, 0.0)])
        with self.assertRaisesRegex(UserError, "Nothing is left to reverse"):
            self.red_form(invoice)
        # Cancelling the pending red invoice frees its quantity again.
        pending.button_cancel()
        self.assertRemaining(invoice, 400.0, [(4.0, 400.0), (0.0, 0.0)])
        # Resetting it to draft is checked again: nothing left for it.
        self.issue_red(invoice, lines={0: (4.0, None)}, red_form_state="01")
        with (
            self.assertRaisesRegex(ValidationError, "would reverse"),
            self.env.cr.savepoint(),
        ):
            pending.button_draft()

    def test_model_refuses_red_lines_beyond_original(self):
        invoice = self.create_invoice("normal")
        blue_line = invoice.invoice_line_ids[0]
        values = {
            "move_type": "out_refund",
            "partner_id": self.customer.id,
            "journal_id": self.journal.id,
            "reversed_entry_id": invoice.id,
            # a red reason: a red invoice, so its draft counts already
            "red_reason": "02",
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "A",
                        "quantity": 11,
                        "price_unit": 100.0,
                        "tax_ids": [Command.set(self.tax.ids)],
                        "red_origin_line_id": blue_line.id,
                    }
                )
            ],
        }
        with (
            self.assertRaisesRegex(ValidationError, 'more than line "A"'),
            self.env.cr.savepoint(),
        ):
            self.env["account.move"].create(values)
        # Unlinked lines still count in the invoice total.
        values["invoice_line_ids"] = [
            Command.create(
                {"name": "X", "quantity": 1, "price_unit": 2500.0, "tax_ids": []}
            )
        ]
        with (
            self.assertRaisesRegex(ValidationError, "2500.0 untaxed in total"),
            self.env.cr.savepoint(),
        ):
            self.env["account.move"].create(values)
        values["invoice_line_ids"][0][2]["price_unit"] = 2000.0
        red = self.env["account.move"].create(values)
        self.assertRemaining(invoice, 0.0, [(10.0, 1000.0), (5.0, 1000.0)])
        with (
            self.assertRaisesRegex(ValidationError, "untaxed in total"),
            self.env.cr.savepoint(),
        ):
            red.invoice_line_ids.price_unit = 2000.5

    def test_core_reversal_links_lines_and_respects_rule(self):
        invoice = self.create_invoice("normal")
        reversal = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids
            )
        ).save()
        action = reversal.refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(
            credit_note.invoice_line_ids.red_origin_line_id, invoice.invoice_line_ids
        )
        # core's draft reserves nothing; posted, it reverses everything
        self.assertRemaining(invoice, 2000.0, [(10.0, 1000.0), (5.0, 1000.0)])
        credit_note.action_post()
        self.assertRemaining(invoice, 0.0, [(0.0, 0.0), (0.0, 0.0)])
        credit_note.button_draft()
        credit_note.button_cancel()

        self.issue_red(invoice, lines={0: (3.0, None)})
        reversal = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids
            )
        ).save()
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        self.assertEqual(credit_note.state, "draft")
        with (
            self.assertRaisesRegex(ValidationError, 'more than line "A"'),
            self.env.cr.savepoint(),
        ):
            credit_note.action_post()
        self.assertRemaining(invoice, 1700.0, [(7.0, 700.0), (5.0, 1000.0)])

    def test_refuse_invoice_not_posted_or_not_customer(self):
        draft = self.create_invoice("normal", post=False)
        with self.assertRaisesRegex(
            UserError, re.escape(f"Invoice {draft.display_name} is not posted")
        ):
            self.red_form(draft)
        cancelled = self.create_invoice("normal", post=False)
        cancelled.button_cancel()
        with self.assertRaisesRegex(UserError, "is not posted"):
            self.red_form(cancelled)
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2025-03-10",
                "invoice_line_ids": [
                    Command.create({"name": "C", "quantity": 1, "price_unit": 10.0})
                ],
            }
        )
        bill.action_post()
        with self.assertRaisesRegex(UserError, "is not a customer invoice"):
            self.red_form(bill)

    def test_refuse_quantity_or_amount_above_remaining(self):
        invoice = self.create_invoice("normal")
        with self.assertRaisesRegex(
            UserError, 'Line "A" of .*: quantity 11.0 is more than the 10.0'
        ):
            self.issue_red(invoice, lines={0: (11.0, 1000.0)})
        with self.assertRaisesRegex(
            UserError, 'Line "B" of .*: amount 1000.01 is more than the 1000.0'
        ):
            self.issue_red(invoice, lines={1: (1.0, 1000.01)})
        with self.assertRaisesRegex(UserError, "enter the untaxed amount"):
            self.issue_red(invoice, lines={1: (1.0, 0.0)})
        with self.assertRaisesRegex(UserError, "at least one line"):
            self.issue_red(invoice, lines={})
        self.assertEqual(invoice.red_invoice_count, 0)

    def test_special_invoice_needs_unique_16_digit_form(self):
        invoice = self.create_invoice("special")
        form = self.red_form(invoice)
        form.red_reason = "02"
        form.red_form_number = "4403002501000009"
        wizard = form.save()
        wizard.red_form_number = False
        with self.assertRaisesRegex(UserError, "enter the 16-digit"):
            wizard.action_confirm()
        with self.assertRaisesRegex(UserError, "123456789012345 of invoice"):
            self.issue_red(invoice, red_form_number="123456789012345")
        red = self.issue_red(
            invoice, lines={0: (1.0, None)}, red_form_number="4403002501000001"
        )
        self.assertEqual(red.state, "posted")
        self.assertEqual(
            red.red_remark, "开具红字增值税专用发票信息表编号4403002501000001"
        )
        with self.assertRaisesRegex(UserError, "already used by red invoice"):
            self.issue_red(invoice, red_form_number="4403002501000001")
        # The model refuses it too, whatever path writes it.
        other = self.create_invoice("special")
        red_other = self.issue_red(other, red_form_number="4403002501000002")
        with (
            self.assertRaisesRegex(ValidationError, "one red invoice per form"),
            self.env.cr.savepoint(),
        ):
            red_other.red_form_number = "4403002501000001"
        # Posting a special red invoice without its form is refused.
        third = self.create_invoice("special")
        core_red = third._reverse_moves()
        with self.assertRaisesRegex(UserError, "needs the 16-digit"):
            core_red.action_post()
        self.assertEqual(core_red.state, "draft")

    def test_confirmation_form_states(self):
        invoice = self.create_invoice("digital_special")
        with self.assertRaisesRegex(UserError, 'is void \\("05 Void: Buyer Denied"\\)'):
            self.issue_red(
                invoice, red_form_state="05", red_form_number="44000000000000000005"
            )
        lapsed = fields.Datetime.now() - timedelta(hours=73)
        with self.assertRaisesRegex(UserError, "not confirmed within 72 hours"):
            self.issue_red(
                invoice,
                red_form_state="02",
                red_form_number="44000000000000000002",
                red_form_datetime=lapsed,
            )
        red = self.issue_red(
            invoice,
            lines={0: (1.0, None)},
            red_form_state="03",
            red_form_number="44000000000000000003",
            red_form_datetime=fields.Datetime.now(),
        )
        self.assertEqual(red.red_initiator, "buyer")
        self.assertEqual(red.state, "draft")
        self.assertFalse(red.red_form_expired)
        with self.assertRaisesRegex(UserError, "only 01 and 04 allow issuing"):
            red.action_post()
        self.assertEqual(red.state, "draft")
        red.red_form_datetime = lapsed
        self.assertTrue(red.red_form_expired)
        red.red_form_state = "04"
        red.action_post()
        self.assertEqual(red.state, "posted")
        self.assertEqual(
            red.red_remark,
            f"被红冲蓝字数电票号码：{invoice.cn_invoice_number}"
            "\u3000红字发票信息确认单编号：44000000000000000003",
        )
        # No confirmation needed, as the platform says: issued directly.
        direct = self.issue_red(invoice, lines={1: (1.0, None)}, red_form_state="01")
        self.assertEqual(direct.red_form_state, "01")
        self.assertEqual(direct.state, "posted")

    def test_reason_01_full_unless_company_allows_partial(self):
        invoice = self.create_invoice("normal")
        form = self.red_form(invoice)
        form.red_reason = "01"
        self.assertEqual(form.reversal_mode, "full")
        with self.assertRaisesRegex(AssertionError, "readonly"):
            form.reversal_mode = "partial"
        wizard = form.save()
        wizard.reversal_mode = "partial"
        wizard.line_ids[1].write({"quantity": 0, "amount": 0})
        with self.assertRaisesRegex(UserError, "partial red invoice is not allowed"):
            wizard.action_confirm()
        self.company.red_partial_invoicing_error = True
        red = self.issue_red(invoice, reason="01", lines={0: (2.0, None)})
        self.assertEqual(red.amount_untaxed, 200.0)

    def test_invoice_number_formats(self):
        invoice = self.create_invoice("normal", post=False)
        cases = [
            ("special", "1234567890", "12345678", True),
            ("special", "123456789012", "12345678", False),
            ("normal", "123456789012", "12345678", True),
            ("normal", "1234567890", "12345678", True),
            ("normal", "12345678901", "12345678", False),
            ("e_special", "123456789013", "12345678", True),
            ("e_special", "123456789011", "12345678", False),
            ("vehicle", "123456789012", "12345678", True),
            ("normal", "123456789012", "1234567", False),
            ("normal", "12345678901A", "12345678", False),
            ("digital_normal", False, "12345678901234567890", True),
            ("digital_special", False, "12345678", False),
            ("digital_special", "1234567890", "12345678901234567890", False),
        ]
        for kind, code, number, valid in cases:
            with self.subTest(kind=kind, code=code, number=number):
                values = {
                    "cn_invoice_kind": kind,
                    "cn_invoice_code": code,
                    "cn_invoice_number": number,
                }
                if valid:
                    invoice.write(values)
                    self.assertEqual(invoice.cn_invoice_number, number)
                else:
                    with (
                        self.assertRaisesRegex(
                            ValidationError, re.escape(invoice.display_name)
                        ),
                        self.env.cr.savepoint(),
                    ):
                        invoice.write(values)

    def test_invoice_number_unique_per_company_and_kind(self):
        first = self.create_invoice("normal")
        second = self.create_invoice("normal")
        with (
            self.assertRaisesRegex(ValidationError, first.cn_invoice_number),
            self.env.cr.savepoint(),
        ):
            second.write(
                {
                    "cn_invoice_code": first.cn_invoice_code,
                    "cn_invoice_number": first.cn_invoice_number,
                }
            )
        # Same number under another code is another invoice.
        second.cn_invoice_number = first.cn_invoice_number
        self.assertEqual(second.cn_invoice_number, first.cn_invoice_number)

    def test_register_and_smart_button(self):
        invoice = self.create_invoice("normal")
        red = self.issue_red(invoice, lines={0: (1.0, None)})
        action = invoice.action_open_red_invoices()
        self.assertEqual(self.env["account.move"].search(action["domain"]), red)
        register = {
            "domain": ast.literal_eval(
                self.env.ref("partner_segment.account_move_red_register_action").domain
            )
        }
        found = self.env["account.move"].search(
            register["domain"]
            + [("red_origin_invoice_number", "=", invoice.cn_invoice_number)]
        )
        self.assertEqual(found, red)
        self.assertEqual(
            (found.red_origin_invoice_code, found.red_origin_invoice_number),
            (invoice.cn_invoice_code, invoice.cn_invoice_number),
        )
        groups = self.env["account.move"].read_group(
            register["domain"] + [("reversed_entry_id", "=", invoice.id)],
            ["amount_untaxed_signed:sum"],
            ["red_reason"],
        )
        self.assertEqual(
            [(g["red_reason"], g["amount_untaxed_signed"]) for g in groups],
            [("02", -100.0)],
        )

    def test_invoicing_user_issues_red_invoice(self):
        invoice = self.create_invoice("normal")
        red = self.issue_red(invoice, lines={0: (1.0, None)}, user=self.invoicing_user)
        self.assertEqual(red.state, "posted")
        self.assertEqual(red.create_uid, self.invoicing_user)
        self.assertEqual(red.amount_untaxed, 100.0)

    @mute_logger("odoo.models")
    def test_plain_user_cannot_issue_red_invoice(self):
        invoice = self.create_invoice("normal")
        wizards = self.env["account.move.red.invoice"].with_user(self.plain_user)
        self.assertFalse(wizards.has_access("create"))
        with self.assertRaises(AccessError):
            wizards.create({"move_id": invoice.id, "red_reason": "02"})
        self.assertEqual(invoice.red_invoice_count, 0)
