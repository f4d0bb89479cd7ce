from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import formatLang

from .common import RedInvoiceCase, html_tree, text_of


@tagged("post_install", "-at_install")
class TestRedInvoiceRegisterReport(RedInvoiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reds = cls.env["account.move"]
        for kind, reason, quantity, date in (
            ("normal", "02", None, "2025-03-20"),  # full: 2,260
            ("normal", "04", 3, "2025-03-25"),  # partial: line A x 3, 300 + 39
            ("special", "01", None, "2025-04-02"),
        ):
            invoice = cls.create_invoice(kind)
            form = Form(
                cls.env["account.move.red.invoice"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                )
            )
            form.red_reason = reason
            form.date = date
            if kind == "special":
                form.red_form_number = cls.number(16)
            if quantity:
                form.reversal_mode = "partial"
                with form.line_ids.edit(0) as line:
                    line.quantity = quantity
                with form.line_ids.edit(1) as line:
                    line.quantity = 0
                    line.amount = 0
            action = form.save().action_confirm()
            cls.reds |= cls.env["account.move"].browse(action["res_id"])

    def render(self, docids=None, data=None, env=None):
        html, _type = (env or self.env)["ir.actions.report"]._render_qweb_html(
            "partner_segment.report_red_invoice_register", docids, data=data
        )
        return html_tree(html)

    def money(self, amount):
        return formatLang(self.env, amount)

    def test_register_rows_subtotals_and_total(self):
        wizard = Form(
            self.env["red.invoice.register.report"].with_user(self.invoicing_user)
        )
        wizard.date_from = "2025-01-01"
        wizard.date_to = "2025-12-31"
        action = wizard.save().action_print()
        tree = self.render(data=action["data"], env=self.env(user=self.invoicing_user))
        rows = tree.xpath("//tr[@data-move]")
        self.assertEqual([int(r.get("data-move")) for r in rows], self.reds.ids)
        first = text_of(rows[0])
        blue = self.reds[0].reversed_entry_id
        self.assertIn(blue.cn_invoice_code, first)
        self.assertIn(blue.cn_invoice_number, first)
        self.assertIn("02 Sales Return", first)
        self.assertIn(self.money(-2260), first)
        self.assertIn(self.reds[2].red_form_number, text_of(rows[2]))

        months = {
            r.get("data-month"): text_of(
                r.xpath(".//td[contains(@class, 'o_total')]")[0]
            )
            for r in tree.xpath("//tr[contains(@class, 'o_red_month_total')]")
        }
        march = sum(self.reds[:2].mapped("amount_total_signed"))
        self.assertEqual(set(months), {"2025-03", "2025-04"})
        self.assertIn(self.money(march), months["2025-03"])
        self.assertIn(self.money(self.reds[2].amount_total_signed), months["2025-04"])

        by_reason = {
            r.get("data-reason"): text_of(
                r.xpath(".//td[contains(@class, 'o_untaxed')]")[0]
            )
            for r in tree.xpath(
                "//table[contains(@class, 'o_red_by_reason')]/tbody/tr[@data-reason]"
            )
        }
        self.assertEqual(set(by_reason), {"01", "02", "04"})
        self.assertIn(self.money(-300), by_reason["04"])
        grand = tree.xpath("//tr[contains(@class, 'o_red_grand_total')]")[0]
        self.assertIn(
            self.money(sum(self.reds.mapped("amount_total_signed"))), text_of(grand)
        )
        self.assertIn(
            self.money(sum(self.reds.mapped("amount_tax_signed"))), text_of(grand)
        )

    def test_register_period_and_selection(self):
        tree = self.render(
            data={
                "company_ids": self.company.ids,
                "date_from": "2025-04-01",
                "date_to": "2025-04-30",
            }
        )
        self.assertEqual(
            [int(r.get("data-move")) for r in tree.xpath("//tr[@data-move]")],
            self.reds[2].ids,
        )
        # from the register's Print menu: the selected red invoices only
        blue = self.reds[0].reversed_entry_id
        tree = self.render(docids=(self.reds[1] | blue).ids)
        self.assertEqual(
            [int(r.get("data-move")) for r in tree.xpath("//tr[@data-move]")],
            self.reds[1].ids,
        )

    def test_register_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        tree = self.render(
            data={"company_ids": self.company.ids},
            env=self.env(context={"lang": "zh_CN"}),
        )
        text = text_of(tree)
        self.assertIn("销货退回", text)
        self.assertEqual(len(tree.xpath("//tr[@data-move]")), 3)

    def test_register_needs_invoicing_rights(self):
        with self.assertRaises(AccessError):
            self.render(
                data={"company_ids": self.company.ids},
                env=self.env(user=self.plain_user),
            )
