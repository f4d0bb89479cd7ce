from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRedInvoiceTour(HttpCase):
    def test_red_invoice_tour(self):
        tax = self.env["account.tax"].create(
            {"name": "增值税 13% (tour)", "amount": 13.0, "type_tax_use": "sale"}
        )
        customer = self.env["res.partner"].create({"name": "深圳红字巡检有限公司"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2025-03-10",
                "cn_invoice_kind": "digital_normal",
                "cn_invoice_number": "00000000000000000042",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Tour goods",
                            "quantity": 5,
                            "price_unit": 100.0,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "partner_segment_red_invoice_tour",
            login="admin",
        )
        red = invoice.reversal_move_ids
        self.assertEqual(len(red), 1)
        self.assertEqual(red.state, "posted")
        self.assertEqual(red.red_reason, "02")
        self.assertEqual(red.red_form_state, "01")
        self.assertEqual(red.invoice_line_ids.quantity, 2.0)
        self.assertEqual(red.amount_untaxed, 200.0)
        self.assertEqual(invoice.invoice_line_ids.red_remaining_quantity, 3.0)
