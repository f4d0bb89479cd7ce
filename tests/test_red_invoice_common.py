from itertools import count

from odoo import Command
from odoo.tests import Form, TransactionCase, new_test_user

_numbers = count(1)


class RedInvoiceCase(TransactionCase):
    """Customer invoices with a 13% sale tax, built once, and helpers that drive the
    red invoice entry through ``Form``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "增值税 13% (red invoice tests)",
                "amount": 13.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "广州红字测试有限公司", "is_company": True}
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="red_invoicing_user",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.plain_user = new_test_user(
            cls.env, login="red_plain_user", groups="base.group_user"
        )

    @classmethod
    def number(cls, digits):
        return str(next(_numbers)).zfill(digits)

    @classmethod
    def create_invoice(
        cls, kind="normal", post=True, move_type="out_invoice", lines=None, **vals
    ):
        """A customer invoice of kind ``kind`` with fresh tax invoice code and number;
        lines default to A 10 x 100 and B 5 x 200 (untaxed 2000, tax 260)."""
        code, number = {
            "special": (cls.number(10), cls.number(8)),
            "normal": (cls.number(12), cls.number(8)),
            "digital_special": (False, cls.number(20)),
            "digital_normal": (False, cls.number(20)),
        }[kind]
        lines = lines or [("A", 10, 100.0), ("B", 5, 200.0)]
        invoice = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "journal_id": cls.journal.id if move_type == "out_invoice" else False,
                "invoice_date": "2025-03-10",
                "cn_invoice_kind": kind if move_type == "out_invoice" else False,
                "cn_invoice_code": code if move_type == "out_invoice" else False,
                "cn_invoice_number": number if move_type == "out_invoice" else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(cls.tax.ids)],
                        }
                    )
                    for name, quantity, price in lines
                ],
                **vals,
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def red_form(self, invoice, user=None):
        wizards = self.env["account.move.red.invoice"]
        if user:
            wizards = wizards.with_user(user)
        return Form(
            wizards.with_context(active_model="account.move", active_ids=invoice.ids)
        )

    def issue_red(self, invoice, reason="02", lines=None, user=None, **values):
        """Issue a red invoice on ``invoice``: full when ``lines`` is None, else
        partial with ``{line index: (quantity, amount or None)}``."""
        action = self.red_wizard(
            invoice, reason, lines, user, **values
        ).action_confirm()
        return self.env["account.move"].browse(action["res_id"])

    def red_wizard(self, invoice, reason="02", lines=None, user=None, **values):
        """The saved entry wizard of ``issue_red``, not confirmed."""
        form = self.red_form(invoice, user)
        form.red_reason = reason
        for field, value in values.items():
            setattr(form, field, value)
        if lines is not None:
            form.reversal_mode = "partial"
            for index in range(len(form.line_ids)):
                quantity, amount = lines.get(index, (0.0, 0.0))
                with form.line_ids.edit(index) as line:
                    line.quantity = quantity
                    if amount is not None:
                        line.amount = amount
        return form.save()
