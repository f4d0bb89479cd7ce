from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import RedInvoiceCase

DATE = "2025-04-01"


@tagged("post_install", "-at_install")
class TestRedEquivalence(RedInvoiceCase):
    """The batch (``_create_red_invoices``, the import's way) books what core's
    reversal and the single entry book: every line, the totals, the residuals
    and the reconciliation, over invoices of every kind the accounting knows
    (several taxes, taxes included in the price, fixed taxes, discount lines,
    line discounts, foreign currency, early-payment discount, fiscal
    position, analytic distribution, sections and notes, a tax adjusted by
    hand), in company and foreign currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="red_equivalence_user",
            groups="base.group_user,account.group_account_invoice,"
            "analytic.group_analytic_accounting",
        )
        Tax = cls.env["account.tax"]
        cls.surcharge = Tax.create(
            {"name": "附加 3% (equivalence)", "amount": 3.0, "type_tax_use": "sale"}
        )
        cls.included = Tax.create(
            {
                "name": "增值税 13% 含税 (equivalence)",
                "amount": 13.0,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        cls.fixed = Tax.create(
            {
                "name": "Fixed 0.70 (equivalence)",
                "amount": 0.7,
                "amount_type": "fixed",
                "type_tax_use": "sale",
            }
        )
        cls.tax_9 = Tax.create(
            {"name": "增值税 9% (equivalence)", "amount": 9.0, "type_tax_use": "sale"}
        )
        cls.fiscal_position = cls.env["account.fiscal.position"].create(
            {
                "name": "9% (equivalence)",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": cls.tax.id, "tax_dest_id": cls.tax_9.id}
                    )
                ],
            }
        )
        cls.mixed_term = cls.env["account.payment.term"].create(
            {
                "name": "2/10 net 30 (equivalence)",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "mixed",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )
        plan = cls.env["account.analytic.plan"].create({"name": "红字 plan"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "红字 project", "plan_id": plan.id}
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            [
                {"name": "2025-03-10", "rate": 0.8, "currency_id": cls.eur.id},
                {"name": DATE, "rate": 0.9, "currency_id": cls.eur.id},
            ]
        )

    # ------------------------------------------------------------ the matrix
    def line(self, name, quantity, price, taxes=None, **vals):
        return Command.create(
            {
                "name": name,
                "quantity": quantity,
                "price_unit": price,
                "tax_ids": [Command.set((taxes or self.tax).ids)],
                **vals,
            }
        )

    def cases(self):
        """``{name: (invoice values, partial request)}``; a partial request is
        ``{line index: (quantity, amount or None)}`` over the product lines."""
        both = self.tax | self.surcharge
        analytic = {"analytic_distribution": {str(self.analytic.id): 100.0}}
        awkward = [self.line("A", 3, 99.99), self.line("B", 7, 13.33)]
        cases = {
            "several_taxes": (
                {"invoice_line_ids": [self.line("A", 3, 33.37, both)]},
                {0: (1.0, None)},
            ),
            "price_included": (
                {
                    "invoice_line_ids": [
                        self.line("A", 3, 113.0, self.included),
                        self.line("B", 1, 10.01, self.included),
                    ]
                },
                {0: (1.0, None), 1: (0.0, 3.33)},
            ),
            "fixed_tax": (
                {"invoice_line_ids": [self.line("A", 6, 10.0, self.fixed | self.tax)]},
                {0: (3.0, None)},
            ),
            "discount_line": (
                {
                    "invoice_line_ids": [
                        self.line("A", 10, 100.0),
                        self.line("A 折扣", 1, -100.0),
                        self.line("B", 5, 200.0),
                    ]
                },
                {0: (3.0, 200.0)},
            ),
            "line_discount": (
                {"invoice_line_ids": [self.line("A", 7, 14.29, discount=12.5)]},
                {0: (2.0, None)},
            ),
            "awkward_amounts": (
                {"invoice_line_ids": awkward},
                {0: (1.0, None), 1: (0.0, 20.0)},
            ),
            "mixed_payment_term": (
                {
                    "invoice_payment_term_id": self.mixed_term.id,
                    "invoice_line_ids": [self.line("A", 3, 99.99)],
                },
                {0: (1.0, None)},
            ),
            "fiscal_position": (
                {
                    "fiscal_position_id": self.fiscal_position.id,
                    "invoice_line_ids": [self.line("A", 4, 25.25, self.tax_9)],
                },
                {0: (0.0, 10.0)},
            ),
            "analytic": (
                {"invoice_line_ids": [self.line("A", 5, 19.99, **analytic)]},
                {0: (2.0, None)},
            ),
            "sections_notes": (
                {
                    "invoice_line_ids": [
                        Command.create(
                            {"display_type": "line_section", "name": "货物"}
                        ),
                        self.line("A", 2, 50.5),
                        Command.create({"display_type": "line_note", "name": "备注"}),
                        self.line("B", 1, 0.03),
                    ]
                },
                {0: (1.0, None)},
            ),
            "tax_adjusted_by_hand": (
                {"invoice_line_ids": [self.line("A", 3, 33.33)], "adjust_tax": 0.01},
                {0: (1.0, None)},
            ),
        }
        matrix = {}
        for name, (vals, partial) in cases.items():
            matrix[name] = (vals, partial)
            if name in (
                "several_taxes",
                "discount_line",
                "awkward_amounts",
                "mixed_payment_term",
                "tax_adjusted_by_hand",
                "price_included",
            ):
                matrix[f"{name}_eur"] = ({**vals, "currency_id": self.eur.id}, partial)
        return matrix

    def make_blue(self, vals):
        vals = dict(vals)
        adjust = vals.pop("adjust_tax", 0.0)
        invoice = self.create_invoice(post=False, lines=[("x", 1, 1.0)], **vals)
        # create_invoice's default line is replaced by the case's
        invoice.invoice_line_ids.filtered(lambda line: line.name == "x").unlink()
        if adjust:
            tax_line = invoice.line_ids.filtered("tax_line_id")[:1]
            invoice.write(
                {
                    "line_ids": [
                        Command.update(
                            tax_line.id,
                            {"amount_currency": tax_line.amount_currency - adjust},
                        )
                    ]
                }
            )
        invoice.action_post()
        return invoice

    # ------------------------------------------------------------ comparisons
    def accounting(self, red):
        """What must not depend on how a red invoice was made."""
        return {
            "totals": (
                red.state,
                red.currency_id.name,
                red.amount_untaxed,
                red.amount_tax,
                red.amount_total,
                red.amount_residual,
                red.payment_state,
                red.invoice_payment_term_id.id,
                red.fiscal_position_id.id,
            ),
            "lines": [
                (
                    line.display_type,
                    line.name if line.display_type != "payment_term" else "",
                    line.account_id.code,
                    line.tax_line_id.name or "",
                    tuple(line.tax_ids.mapped("name")),
                    tuple(sorted(line.tax_tag_ids.ids)),
                    line.tax_repartition_line_id.id,
                    line.quantity,
                    line.price_unit,
                    line.discount,
                    line.balance,
                    line.amount_currency,
                    line.amount_residual,
                    line.reconciled,
                    line.analytic_distribution or {},
                    line.red_origin_line_id.name or "",
                )
                for line in red.line_ids.sorted(
                    lambda line: (line.display_type, line.sequence, line.balance)
                )
            ],
            "blue": (
                red.reversed_entry_id.payment_state,
                red.reversed_entry_id.amount_residual,
            ),
        }

    def core_reversal(self, invoice):
        """Core's reversal wizard, as the user, then posted."""
        wizard = Form(
            self.env["account.move.reversal"]
            .with_user(self.user)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        wizard.date = DATE
        wizard.journal_id = invoice.journal_id
        action = wizard.save().refund_moves()
        red = self.env["account.move"].browse(action["res_id"])
        red.with_user(self.user).action_post()
        return red

    def batch(self, requests):
        moves = self.env["account.move"].with_user(self.user)
        reds = moves._create_red_invoices(requests)
        reds._post_red_invoices()
        return reds

    def request(self, invoice, lines=None):
        wizard = self.red_wizard(invoice, lines=lines, user=self.user, date=DATE)
        return wizard._get_red_request()

    # ------------------------------------------------------------ tests
    def test_full_reversal_batch_single_and_core_book_the_same(self):
        matrix = self.cases()
        self.assertGreaterEqual(len(matrix), 12)
        blues = {
            name: [self.make_blue(vals) for _n in range(3)]
            for name, (vals, _p) in matrix.items()
        }
        batch = self.batch([self.request(b[2]) for b in blues.values()])
        for (name, (core, single, _batch)), batch_red in zip(
            blues.items(), batch, strict=True
        ):
            with self.subTest(case=name):
                core_red = self.core_reversal(core)
                single_red = self.issue_red(single, user=self.user, date=DATE)
                expected = self.accounting(core_red)
                reds = (core_red, single_red, batch_red)
                if "adjust_tax" in matrix[name][0]:
                    # core's copy recomputes the tax and leaves the cent adjusted
                    # by hand open on the invoice; red invoices reverse it
                    self.assertEqual(core.payment_state, "partial")
                    expected, reds = self.accounting(single_red), reds[1:]
                self.assertEqual(self.accounting(single_red), expected)
                self.assertEqual(self.accounting(batch_red), expected)
                for red in reds:
                    blue = red.reversed_entry_id
                    self.assertIn(blue.payment_state, ("reversed", "paid"))
                    self.assertTrue(blue.currency_id.is_zero(blue.amount_residual))
                    self.assertEqual(red.amount_tax, blue.amount_tax)

    def test_partial_then_full_batch_and_single_book_the_same(self):
        matrix = self.cases()
        blues = {
            name: [self.make_blue(vals) for _n in range(2)]
            for name, (vals, _p) in matrix.items()
        }
        partials = self.batch(
            [self.request(b[1], matrix[name][1]) for name, b in blues.items()]
        )
        fulls = self.batch([self.request(b[1]) for b in blues.values()])
        for (name, (single, _batch)), batch_partial, batch_full in zip(
            blues.items(), partials, fulls, strict=True
        ):
            with self.subTest(case=name):
                partial = self.issue_red(
                    single, lines=matrix[name][1], user=self.user, date=DATE
                )
                # the red amount is what was asked, to the cent
                for line_index, (quantity, amount) in matrix[name][1].items():
                    blue_line = single.invoice_line_ids.filtered(
                        lambda line: line.display_type == "product"
                    )[line_index]
                    reds = partial.invoice_line_ids.filtered(
                        lambda line, blue_line=blue_line: line.red_origin_line_id
                        == blue_line
                    )
                    if amount is not None:
                        self.assertAlmostEqual(
                            sum(reds.mapped("price_subtotal")), amount, 2
                        )
                    if quantity:
                        self.assertEqual(
                            sum(
                                reds.filtered(
                                    lambda line: not line.red_amount_only
                                ).mapped("quantity")
                            ),
                            quantity,
                        )
                partial_accounting = self.accounting(partial)
                full = self.issue_red(single, user=self.user, date=DATE)
                self.assertEqual(
                    self.accounting(batch_partial)["lines"], partial_accounting["lines"]
                )
                self.assertEqual(self.accounting(batch_full), self.accounting(full))
                for blue, reds in (
                    (single, partial | full),
                    (batch_full.reversed_entry_id, batch_partial | batch_full),
                ):
                    # everything reversed, tax included, to the cent
                    self.assertIn(blue.payment_state, ("reversed", "paid"))
                    self.assertTrue(blue.currency_id.is_zero(blue.amount_residual))
                    self.assertAlmostEqual(
                        sum(reds.mapped("amount_tax")), blue.amount_tax, 2
                    )
                    self.assertAlmostEqual(
                        sum(reds.mapped("amount_untaxed")), blue.amount_untaxed, 2
                    )
                    self.assertAlmostEqual(blue.red_remaining_amount, 0.0, 2)
