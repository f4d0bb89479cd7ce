from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestRedScope(AccountTestInvoicingCommon):
    """The red-invoice rule (never reverse more than invoiced) holds for red
    invoices only: credit notes of an invoice that carries a Chinese tax
    invoice, or of any invoice when the company says so. Elsewhere credit notes
    behave as in core. Core's own company and data (a non-Chinese company)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="red_scope_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company_data["company"].id,
        )

    def invoice(self, **vals):
        """A posted customer invoice of 2 x 1000 (product_a), as the accountant."""
        invoice = self.init_invoice(
            "out_invoice", products=self.product_a, taxes=self.tax_sale_a
        ).with_user(self.accountant)
        invoice.invoice_line_ids.quantity = 2
        invoice.write(vals)
        invoice.action_post()
        return invoice

    def reversal(self, invoice):
        return (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id})
        )

    def reverse(self, invoice, modify=False):
        """Reverse (a draft credit note) or, with ``modify``, "Reverse and create
        a new draft" (a posted full credit note and a new draft invoice): the
        credit note."""
        before = invoice.reversal_move_ids
        wizard = self.reversal(invoice)
        if modify:
            wizard.modify_moves()
        else:
            wizard.refund_moves()
        return invoice.reversal_move_ids - before

    def reversed_total(self, invoice):
        refunds = invoice.reversal_move_ids.filtered(lambda m: m.state == "posted")
        return sum(refunds.mapped("amount_untaxed"))

    def test_invoice_without_tax_invoice_is_credited_as_core(self):
        """Reverse, then Reverse and create a new draft, then post the first
        draft too: core allows crediting more than invoiced, and so does the
        addon for an invoice without a Chinese tax invoice."""
        invoice = self.invoice()
        draft = self.reverse(invoice)
        self.assertEqual((draft.state, draft.amount_untaxed), ("draft", 2000.0))
        modified = self.reverse(invoice, modify=True)
        self.assertEqual(modified.state, "posted")
        self.assertEqual(invoice.payment_state, "reversed")
        draft.action_post()
        self.assertEqual(self.reversed_total(invoice), 4000.0)

    def test_company_setting_applies_rule_to_every_invoice(self):
        self.company_data["company"].red_rule_all_invoices = True
        invoice = self.invoice()
        draft = self.reverse(invoice)
        self.reverse(invoice, modify=True)
        with (
            self.assertRaisesRegex(
                ValidationError, 'would reverse more than line "product_a"'
            ),
            self.env.cr.savepoint(),
        ):
            draft.action_post()
        self.env.invalidate_all()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self.reversed_total(invoice), 2000.0)

    def test_draft_then_modify_on_invoice_with_tax_invoice(self):
        """A draft from Reverse reserves nothing: Reverse and create a new
        draft still reverses the whole invoice; posting the first draft then
        would reverse twice what was invoiced, which the tax rule forbids."""
        invoice = self.invoice(
            cn_invoice_kind="normal",
            cn_invoice_code="144001900011",
            cn_invoice_number="00001234",
        )
        draft = self.reverse(invoice)
        self.assertEqual(invoice.red_remaining_amount, 2000.0)
        modified = self.reverse(invoice, modify=True)
        self.assertEqual((modified.state, modified.amount_untaxed), ("posted", 2000.0))
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(invoice.red_remaining_amount, 0.0)
        with self.assertRaisesRegex(
            ValidationError,
            'Red invoices of .* would reverse more than line "product_a": '
            "quantity 4.0 of 2.0, amount 4000.0 of 2000.0",
        ):
            draft.action_post()

    def test_red_invoice_over_remaining_refused(self):
        """A red invoice (with its red reason) over what remains is refused by
        the model with the addon's message, even as a draft: the drafts made by
        the red-invoice entry reserve their amount."""
        invoice = self.invoice(
            cn_invoice_kind="normal",
            cn_invoice_code="144001900012",
            cn_invoice_number="00001235",
        )
        credit_note = self.reverse(invoice)
        credit_note.invoice_line_ids.quantity = 1
        credit_note.action_post()
        self.assertEqual(invoice.red_remaining_amount, 1000.0)
        with (
            self.assertRaisesRegex(
                ValidationError, "quantity 3.0 of 2.0, amount 3000.0 of 2000.0"
            ),
            self.env.cr.savepoint(),
        ):
            invoice.with_user(self.accountant)._reverse_moves([{"red_reason": "02"}])
        self.assertEqual(invoice.red_remaining_amount, 1000.0)

    def test_vendor_bill_credit_notes_as_core(self):
        bill = self.init_invoice(
            "in_invoice", products=self.product_a, invoice_date="2025-01-01", post=True
        )
        for _n in range(2):
            reversal = self.reversal(bill)
            reversal.date = "2025-01-01"
            self.env["account.move"].browse(
                reversal.refund_moves()["res_id"]
            ).action_post()
        refunds = bill.reversal_move_ids
        self.assertEqual(refunds.mapped("state"), ["posted", "posted"])
        self.assertEqual(sum(refunds.mapped("amount_untaxed")), 2 * bill.amount_untaxed)
