import base64

from odoo.tests import tagged

from .common import RedInvoiceCase

HEADER = (
    "发票种类,原发票代码,原发票号码,冲红原因,全额/部分,冲红金额,冲红税额,冲红日期\n"
)


@tagged("post_install", "-at_install")
class TestRedImportTax(RedInvoiceCase):
    """The import's tax (冲红税额) against the credit note actually created:
    beyond 0.01 the row is an error on the tax column and nothing of it is
    left; within 0.01 it passes. Five lines of 100 at 13 % rounded line by
    line: a partial 0.25 spread over them is 0.05 on each, whose tax is 0.01
    on each line (0.05 in all), where the tax of 0.25 as a whole is 0.03."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.tax_calculation_rounding_method = "round_per_line"
        cls.Import = cls.env["account.move.red.import"].with_user(cls.invoicing_user)

    def small(self):
        return self.create_invoice(lines=[(f"L{n}", 1, 100.0) for n in range(5)])

    def row(self, invoice, tax, mode="部分", amount="-0.25"):
        return (
            f"普票,{invoice.cn_invoice_code},{invoice.cn_invoice_number},04,{mode},"
            f"{amount},{tax},2025-04-01\n"
        )

    def run_import(self, rows, policy="skip", test=False):
        wizard = self.Import.create(
            {
                "file": base64.b64encode((HEADER + "".join(rows)).encode()),
                "filename": "red.csv",
                "policy": policy,
            }
        )
        wizard.action_test() if test else wizard.action_import()
        return wizard

    def reds(self, invoice):
        return self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])

    def test_tax_within_a_cent_of_the_credit_note_passes(self):
        for policy in ("skip", "all"):
            with self.subTest(policy=policy):
                invoices = [self.small() for _n in range(3)]
                taxes = ("-0.05", "-0.04", "-0.06")
                wizard = self.run_import(
                    [
                        self.row(invoice, tax)
                        for invoice, tax in zip(invoices, taxes, strict=True)
                    ],
                    policy,
                )
                self.assertEqual(wizard.error_ids.mapped("message"), [])
                self.assertEqual((wizard.created_count, wizard.written), (3, True))
                for invoice in invoices:
                    red = self.reds(invoice)
                    self.assertEqual(red.state, "posted")
                    self.assertEqual((red.amount_untaxed, red.amount_tax), (0.25, 0.05))
                    self.assertEqual(
                        red.invoice_line_ids.mapped("price_subtotal"), [0.05] * 5
                    )

    def test_test_run_expects_the_tax_of_the_credit_note(self):
        """Test creates nothing: it computes the tax the credit note will
        have, line by line as Odoo rounds it."""
        invoices = [self.small() for _n in range(3)]
        wizard = self.run_import(
            [
                self.row(invoice, tax)
                for invoice, tax in zip(
                    invoices, ("-0.05", "-0.06", "-0.03"), strict=True
                )
            ],
            test=True,
        )
        self.assertEqual(wizard.create_count, 2)
        self.assertEqual(
            [(e.row_number, e.column) for e in wizard.error_ids], [(4, "冲红税额")]
        )
        self.assertIn("0.05", wizard.error_ids.message)

    def tax_mismatch_file(self):
        self.good, self.bad = self.create_invoice(), self.small()
        return [
            self.row(self.good, "-260", "全额", ""),
            self.row(self.bad, "-0.03"),
        ]

    def test_tax_beyond_a_cent_skip_rows_keeps_the_others(self):
        rows = self.tax_mismatch_file()
        before = self.env["account.move"].search_count([])
        wizard = self.run_import(rows, "skip")
        self.assertTrue(wizard.written)
        self.assertEqual(wizard.created_count, 1)
        self.assertEqual(
            [(e.row_number, e.column) for e in wizard.error_ids], [(3, "冲红税额")]
        )
        # compared with the credit note that was made: its tax, 0.05
        self.assertIn("red invoice made for", wizard.error_ids.message)
        self.assertIn("0.05", wizard.error_ids.message)
        # nothing of the bad row: no credit note, not even a draft
        self.assertFalse(self.reds(self.bad))
        self.assertEqual(self.bad.red_remaining_amount, 500.0)
        self.assertEqual(self.bad.payment_state, "not_paid")
        red = self.reds(self.good)
        self.assertEqual((red.state, red.amount_tax), ("posted", 260.0))
        self.assertEqual(self.good.payment_state, "reversed")
        self.assertEqual(wizard.result_record_ids, red.ids)
        self.assertEqual(self.env["account.move"].search_count([]), before + 1)

    def test_tax_beyond_a_cent_all_or_nothing_writes_nothing(self):
        rows = self.tax_mismatch_file()
        before = self.env["account.move"].search_count([])
        wizard = self.run_import(rows, "all")
        self.assertFalse(wizard.written)
        self.assertEqual(
            [(e.row_number, e.column) for e in wizard.error_ids], [(3, "冲红税额")]
        )
        self.assertIn("red invoice made for", wizard.error_ids.message)
        self.assertFalse(self.reds(self.good) | self.reds(self.bad))
        self.assertEqual(self.good.payment_state, "not_paid")
        self.assertEqual(self.env["account.move"].search_count([]), before)
        self.assertFalse(wizard.result_record_ids)
