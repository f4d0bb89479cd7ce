import base64
from unittest.mock import patch

from odoo.tests import tagged

from .common import RedInvoiceCase, without_queue_job

HEADER = (
    "发票种类,原发票代码,原发票号码,冲红原因,全额/部分,冲红金额,冲红税额,冲红日期\n"
)


@tagged("post_install", "-at_install")
class TestRedImportJob(RedInvoiceCase):
    """The red-invoice import above the company's background threshold: the
    file goes to a job (``partner.segment.import.job``) as the customer
    import's does, run by the scheduled action as the invoicing user who
    started it; "All or nothing" checks every row first (the tax of each row
    against the credit note Odoo will make) and writes only if all pass."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the scheduled action's path (tests/test_queue_job.py: queue_job's)
        without_queue_job(cls)
        cls.company.segment_import_background_rows = 2
        cls.company.tax_calculation_rounding_method = "round_per_line"
        cls.Import = cls.env["account.move.red.import"].with_user(cls.invoicing_user)
        cls.Job = cls.env["partner.segment.import.job"]

    def setUp(self):
        super().setUp()
        # batches of two rows: three rows make two batches
        batch = patch.object(
            type(self.env["account.move.red.import"]), "_import_job_batch_size", 2
        )
        batch.start()
        self.addCleanup(batch.stop)

    def small(self):
        """Five lines of 100 at 13 %: a partial 0.25 spread over them has 0.05
        of tax (0.01 per line, rounded line by line)."""
        return self.create_invoice(lines=[(f"L{n}", 1, 100.0) for n in range(5)])

    def row(self, invoice, tax, mode="部分", amount="-0.25"):
        return (
            f"普票,{invoice.cn_invoice_code},{invoice.cn_invoice_number},04,{mode},"
            f"{amount},{tax},2025-04-01\n"
        )

    def start(self, rows, policy="all"):
        wizard = self.Import.create(
            {
                "file": base64.b64encode((HEADER + "".join(rows)).encode()),
                "filename": "red-big.csv",
                "policy": policy,
            }
        )
        action = wizard.action_import()
        self.assertEqual(action["res_model"], "partner.segment.import.job")
        return self.Job.with_user(self.invoicing_user).browse(action["res_id"])

    def run_job(self, job):
        """Run as the scheduled action does (as superuser, the job running as
        its user); the phase and progress seen at each commit."""
        seen = []
        job = job.sudo()
        job._job_run(commit=lambda: seen.append((job.phase, job.progress_done)))
        return seen

    def reds(self, invoices):
        return self.env["account.move"].search(
            [("reversed_entry_id", "in", invoices.ids)], order="id"
        )

    def test_hand_off_writes_nothing(self):
        invoices = self.create_invoice() | self.small() | self.small()
        job = self.start(
            [
                self.row(invoices[0], "-260", "全额", ""),
                self.row(invoices[1], "-0.05"),
                self.row(invoices[2], "-0.05"),
            ]
        )
        self.assertEqual(
            (job.state, job.res_model, job.user_id, job.progress_total),
            ("queued", "account.move.red.import", self.invoicing_user, 3),
        )
        self.assertFalse(self.reds(invoices))
        self.assertEqual(set(invoices.mapped("payment_state")), {"not_paid"})
        cron = self.env.ref("partner_segment.ir_cron_import_job")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the scheduled action is triggered at once",
        )

    def test_all_or_nothing_checks_then_writes_the_credit_notes(self):
        full, first, second = self.create_invoice(), self.small(), self.small()
        job = self.start(
            [
                self.row(full, "-260", "全额", ""),
                self.row(first, "-0.05"),
                self.row(second, "-0.06"),  # within 0.01 of the 0.05 made
            ]
        )
        self.assertEqual(self.run_job(job), [("check", 2), ("check", 3)])
        self.assertFalse(self.reds(full | first | second), "the check writes nothing")
        self.assertEqual((job.state, job.phase), ("running", "write"))
        self.assertEqual(self.run_job(job), [("write", 2), ("write", 3)])
        self.assertEqual((job.state, job.written), ("done", True))
        self.assertEqual((job.create_count, job.error_count), (3, 0))
        reds = self.reds(full | first | second)
        self.assertEqual(
            [
                (r.reversed_entry_id, r.state, r.amount_untaxed, r.amount_tax)
                for r in reds
            ],
            [
                (full, "posted", 2000.0, 260.0),
                (first, "posted", 0.25, 0.05),
                (second, "posted", 0.25, 0.05),
            ],
        )
        self.assertTrue(all(r.create_uid == self.invoicing_user for r in reds))
        self.assertEqual(full.payment_state, "reversed")
        self.assertEqual(first.red_remaining_amount, 499.75)
        self.assertEqual(job.action_open_records()["domain"], [("id", "in", reds.ids)])

    def test_all_or_nothing_tax_beyond_a_cent_writes_nothing(self):
        good, other, bad = self.create_invoice(), self.small(), self.small()
        before = self.env["account.move"].search_count([])
        job = self.start(
            [
                self.row(good, "-260", "全额", ""),
                self.row(other, "-0.05"),
                self.row(bad, "-0.03"),  # the credit note has 0.05
            ]
        )
        self.assertEqual(self.run_job(job), [("check", 2), ("check", 3)])
        self.assertEqual((job.state, job.phase, job.written), ("done", "check", False))
        self.assertEqual(
            [(e.row_number, e.column) for e in job.error_ids], [(4, "冲红税额")]
        )
        self.assertIn("0.05", job.error_ids.message)
        self.assertTrue(job.error_file)
        self.assertFalse(self.reds(good | other | bad))
        self.assertEqual(self.env["account.move"].search_count([]), before)
        self.assertEqual(good.payment_state, "not_paid")
        self.assertEqual(bad.red_remaining_amount, 500.0)

    def test_skip_errors_writes_the_good_rows_only(self):
        good, bad = self.create_invoice(), self.small()
        job = self.start(
            [
                self.row(good, "-260", "全额", ""),
                self.row(bad, "-0.03"),
                self.row(bad, "-0.05", amount="-0.50"),
            ],
            policy="skip",
        )
        self.assertEqual(self.run_job(job), [("write", 2), ("write", 3)])
        self.assertEqual((job.state, job.written), ("done", True))
        self.assertEqual(
            [(e.row_number, e.column) for e in job.error_ids], [(3, "冲红税额")]
        )
        self.assertIn("red invoice made for", job.error_ids.message)
        reds = self.reds(good | bad)
        self.assertEqual(
            [(r.reversed_entry_id, r.amount_untaxed, r.amount_tax) for r in reds],
            [(good, 2000.0, 260.0), (bad, 0.5, 0.05)],
        )
        self.assertEqual(bad.red_remaining_amount, 499.5)
