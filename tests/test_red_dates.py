import base64

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import RedInvoiceCase

HEADER = (
    "发票种类,原发票代码,原发票号码,冲红原因,全额/部分,冲红金额,冲红税额,冲红日期\n"
)


@tagged("post_install", "-at_install")
class TestRedDates(RedInvoiceCase):
    """A red invoice's date as core's reversal wizard treats it, single entry
    and batch alike: a future date leaves a draft that posts at its date
    (``auto_post='at_date'``); a date in a locked period is moved past the
    lock, with core's message on the draft."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Import = cls.env["account.move.red.import"].with_user(cls.invoicing_user)

    # ------------------------------------------------------------ the four ways
    def core_reversal(self, invoice, date):
        """Core's reversal wizard as the invoicing user: the draft."""
        wizard = Form(
            self.env["account.move.reversal"]
            .with_user(self.invoicing_user)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        wizard.date = date
        wizard.journal_id = invoice.journal_id
        action = wizard.save().refund_moves()
        return self.env["account.move"].browse(action["res_id"])

    def request(self, invoice, date):
        wizard = self.red_wizard(invoice, user=self.invoicing_user, date=date)
        return wizard._get_red_request()

    def single_draft(self, invoice, date):
        moves = self.env["account.move"].with_user(self.invoicing_user)
        return moves._create_red_invoice(self.request(invoice, date))

    def batch_drafts(self, invoices, date):
        moves = self.env["account.move"].with_user(self.invoicing_user)
        return moves._create_red_invoices(
            [self.request(invoice, date) for invoice in invoices]
        )

    def run_import(self, invoices, date):
        content = HEADER + "".join(
            f"普票,{i.cn_invoice_code},{i.cn_invoice_number},02,全额,,,{date}\n"
            for i in invoices
        )
        wizard = self.Import.create(
            {
                "file": base64.b64encode(content.encode()),
                "filename": "red.csv",
                "policy": "all",
            }
        )
        wizard.action_import()
        self.assertEqual(wizard.error_ids.mapped("message"), [])
        self.assertEqual(wizard.created_count, len(invoices))
        return self.env["account.move"].browse(wizard.result_record_ids)

    def dates(self, red):
        return (
            red.state,
            red.auto_post,
            str(red.date),
            str(red.invoice_date),
            red.tax_lock_date_message or "",
        )

    # ------------------------------------------------------------ future dates
    @freeze_time("2025-04-01")
    def test_future_date_posts_at_its_date(self):
        invoices = [self.create_invoice() for _n in range(5)]
        future = "2025-04-15"
        core = self.core_reversal(invoices[0], future)
        single = self.issue_red(invoices[1], user=self.invoicing_user, date=future)
        batch = self.batch_drafts(invoices[2:3], future)
        batch._post_red_invoices()
        imported = self.run_import(invoices[3:], future)
        expected = ("draft", "at_date", future, future, "")
        self.assertEqual(self.dates(core), expected)
        for red in single | batch | imported:
            self.assertEqual(self.dates(red), expected)
            # it counts against its invoice already, as a draft red invoice
            self.assertEqual(red.reversed_entry_id.red_remaining_amount, 0.0)
            self.assertEqual(red.reversed_entry_id.payment_state, "not_paid")
        reds = core | single | batch | imported
        Move = self.env["account.move"]
        with freeze_time("2025-04-14"):
            Move._autopost_draft_entries()
            self.assertEqual(set(reds.mapped("state")), {"draft"})
        with freeze_time("2025-04-15"):
            Move._autopost_draft_entries()
        self.assertEqual(set(reds.mapped("state")), {"posted"})
        for red in reds:
            self.assertEqual(str(red.date), future)
            self.assertEqual(red.reversed_entry_id.payment_state, "reversed")

    # ------------------------------------------------------------ lock dates
    def assert_lock_as_core(self, lock, red_date, expected_date):
        """With ``lock`` written on the company, red invoices dated
        ``red_date``: the draft and the posted credit note as core's."""
        self.company.write(lock)
        invoices = [self.create_invoice(invoice_date="2025-02-10") for _n in range(5)]
        core = self.core_reversal(invoices[0], red_date)
        single = self.single_draft(invoices[1], red_date)
        batch = self.batch_drafts(invoices[2:3], red_date)
        expected = self.dates(core)
        self.assertEqual(self.dates(single), expected)
        self.assertEqual(self.dates(batch), expected)
        core.with_user(self.invoicing_user).action_post()
        (single | batch)._post_red_invoices()
        imported = self.run_import(invoices[3:], red_date)
        expected = self.dates(core)
        self.assertEqual(expected[:3], ("posted", "no", expected_date))
        for red in single | batch | imported:
            self.assertEqual(self.dates(red), expected)
            self.assertEqual(red.reversed_entry_id.payment_state, "reversed")
        # the entry wizard posts too, on the same date
        wizard_red = self.issue_red(
            self.create_invoice(invoice_date="2025-02-10"),
            user=self.invoicing_user,
            date=red_date,
        )
        self.assertEqual(self.dates(wizard_red), expected)
        return core

    @freeze_time("2025-04-20")
    def test_sale_lock_date_moves_the_date_as_core(self):
        core = self.assert_lock_as_core(
            {"sale_lock_date": "2025-03-31"}, "2025-03-20", "2025-04-01"
        )
        self.assertEqual(str(core.invoice_date), "2025-03-20")

    @freeze_time("2025-04-20")
    def test_fiscal_lock_date_moves_the_date_as_core(self):
        self.assert_lock_as_core(
            {"fiscalyear_lock_date": "2025-03-31"}, "2025-03-20", "2025-04-01"
        )

    @freeze_time("2025-04-20")
    def test_hard_lock_date_moves_the_date_as_core(self):
        self.assert_lock_as_core(
            {"hard_lock_date": "2025-03-31"}, "2025-03-20", "2025-04-01"
        )

    @freeze_time("2025-04-20")
    def test_tax_lock_date_moves_the_date_as_core_with_its_message(self):
        self.company.write({"tax_lock_date": "2025-03-31"})
        invoice = self.create_invoice(invoice_date="2025-02-10")
        core = self.core_reversal(invoice, "2025-03-20")
        single = self.single_draft(
            self.create_invoice(invoice_date="2025-02-10"), "2025-03-20"
        )
        batch = self.batch_drafts(
            [self.create_invoice(invoice_date="2025-02-10")], "2025-03-20"
        )
        self.assertIn("Tax Return Lock Date", core.tax_lock_date_message)
        self.assertEqual(self.dates(single), self.dates(core))
        self.assertEqual(self.dates(batch), self.dates(core))
        self.company.write({"tax_lock_date": False})
        # posted on the first open date Odoo chooses for a sale document
        self.assert_lock_as_core(
            {"tax_lock_date": "2025-03-31"}, "2025-03-20", "2025-04-20"
        )
