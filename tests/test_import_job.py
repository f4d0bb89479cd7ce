import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.partner_segment.wizards.partner_segment_import import (
    PartnerSegmentImport,
)

from .common import ImportCase, csv_bytes, make_uscc


def customers_csv(count, start=0, bad_row=None):
    """A customer file of ``count`` rows; ``bad_row`` (1-based) has a bad USCC."""
    rows = [["客户名称", "统一社会信用代码", "客户编码"]]
    for i in range(start, start + count):
        vat = make_uscc(f"9144010{i:07d}")
        if bad_row is not None and i - start + 1 == bad_row:
            vat = "NOT-A-USCC"
        rows.append([f"后台客户{i:04d}", vat, f"BG{i:04d}"])
    return csv_bytes(*rows)


@tagged("post_install", "-at_install")
class TestImportJob(ImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.segment_import_background_rows = 3
        cls.Job = cls.env["partner.segment.import.job"]

    def setUp(self):
        super().setUp()
        # batches of two rows, so that five rows make three batches
        batch = patch.object(
            type(self.env["partner.segment.import"]), "_import_job_batch_size", 2
        )
        batch.start()
        self.addCleanup(batch.stop)

    def start(self, content, action="action_import", **vals):
        wizard = self.wizard("big.csv", content, **vals)
        action = getattr(wizard, action)()
        self.assertEqual(action["res_model"], "partner.segment.import.job")
        return self.Job.with_user(self.segment_accountant).browse(action["res_id"])

    def run_job(self, job, **kwargs):
        """Run as the cron does; the progress seen at each commit."""
        seen = []
        job = job.sudo()
        job._job_run(
            commit=lambda: seen.append((job.phase, job.progress_done)), **kwargs
        )
        return seen

    def imported(self, count=5):
        partners = self.Partner.search([("ref", "=like", "BG%")])
        self.assertEqual(
            sorted(partners.mapped("ref")), [f"BG{i:04d}" for i in range(count)]
        )
        return partners

    def test_threshold_runs_small_files_in_the_request(self):
        wizard = self.wizard("small.csv", customers_csv(3))
        action = wizard.action_import()
        self.assertEqual(action["res_model"], "partner.segment.import")
        self.assertEqual(wizard.create_count, 3)
        self.assertFalse(self.Job.search([]))
        self.env.company.segment_import_background_rows = 0
        wizard = self.wizard("big.csv", customers_csv(5, start=10))
        self.assertEqual(wizard.action_import()["res_model"], "partner.segment.import")
        self.assertEqual(wizard.create_count, 5)

    def test_hand_off_writes_nothing_and_shows_the_job(self):
        job = self.start(customers_csv(5))
        self.assertEqual(job.state, "queued")
        self.assertEqual(job.progress_total, 5)
        self.assertEqual(job.progress_done, 0)
        self.assertEqual(job.user_id, self.segment_accountant)
        self.assertFalse(self.Partner.search([("ref", "=like", "BG%")]))
        cron = self.env.ref("partner_segment.ir_cron_import_job")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the scheduled action is triggered at once",
        )

    def test_all_or_nothing_checks_then_writes_with_progress(self):
        job = self.start(customers_csv(5))
        seen = self.run_job(job)
        self.assertEqual(
            seen,
            [("check", 2), ("check", 4), ("check", 5)],
            "the check ends; the write phase is the next run's",
        )
        self.assertFalse(self.Partner.search([("ref", "=like", "BG%")]))
        self.assertEqual(
            (job.state, job.phase, job.progress_done), ("running", "write", 0)
        )
        seen = self.run_job(job)
        self.assertEqual(seen, [("write", 2), ("write", 4), ("write", 5)])
        self.assertEqual(len(self.imported()), 5)
        self.assertEqual((job.state, job.written), ("done", True))
        self.assertEqual((job.create_count, job.error_count), (5, 0))
        message = job.message_ids.filtered(lambda m: "has ended" in (m.body or ""))
        self.assertIn(self.segment_accountant.partner_id, message.partner_ids)
        self.assertEqual(
            job.action_open_records()["domain"],
            [("id", "in", self.imported().ids)],
        )

    def test_resumes_after_the_last_committed_batch(self):
        job = self.start(customers_csv(5), policy="skip")
        self.assertEqual(self.run_job(job, max_batches=1), [("write", 2)])
        # the worker is gone; the next run reopens the file after row 2
        self.assertEqual((job.state, job.next_row), ("running", 2))
        self.assertEqual(len(self.Partner.search([("ref", "=like", "BG%")])), 2)
        job.invalidate_recordset()
        self.assertEqual(self.run_job(job), [("write", 4), ("write", 5)])
        self.assertEqual(len(self.imported()), 5, "every row once")
        self.assertEqual((job.state, job.create_count), ("done", 5))

    def test_duplicate_keys_across_runs_are_found(self):
        content = customers_csv(4) + "\n后台客户重复,,BG0000".encode()
        job = self.start(content, policy="skip")
        self.run_job(job, max_batches=1)
        job.invalidate_recordset()
        self.run_job(job)
        self.assertEqual(job.error_count, 1)
        self.assertEqual(job.error_ids.row_number, 6)
        self.assertIn("already appears on row 2", job.error_ids.message)

    def test_result_screen_with_errors(self):
        job = self.start(customers_csv(5, bad_row=4), policy="skip")
        self.run_job(job)
        self.assertEqual((job.state, job.written), ("done", True))
        self.assertEqual((job.create_count, job.error_count), (4, 1))
        self.assertEqual(job.error_ids.row_number, 5)
        self.assertEqual(job.error_filename, "big-errors.xlsx")
        self.assertTrue(base64.b64decode(job.error_file).startswith(b"PK"))
        # all or nothing: the check finds the row and nothing is written
        job = self.start(customers_csv(5, start=10, bad_row=1))
        self.run_job(job)
        self.assertEqual((job.state, job.written, job.error_count), ("done", False, 1))
        self.assertFalse(self.Partner.search([("ref", "=like", "BG001%")]))

    def test_background_test_writes_nothing(self):
        job = self.start(customers_csv(5), action="action_test")
        self.assertTrue(job.dry_run)
        self.assertEqual(self.run_job(job), [("check", 2), ("check", 4), ("check", 5)])
        self.assertEqual((job.state, job.written, job.create_count), ("done", False, 5))
        self.assertFalse(self.Partner.search([("ref", "=like", "BG%")]))

    def test_failure_ends_the_job_with_its_message(self):
        job = self.start(customers_csv(5))
        job.sudo().file = base64.b64encode(b"\x00garbage")
        self.run_job(job)
        self.assertEqual(job.state, "failed")
        self.assertIn("big.csv", job.error_message)
        job = self.start(customers_csv(5, start=20), policy="skip")

        def broken(wizard, rows, context):
            raise ValueError("disk full")

        with (
            patch.object(PartnerSegmentImport, "_import_apply", broken),
            self.assertLogs(
                "odoo.addons.partner_segment.models.partner_segment_import_job", "ERROR"
            ),
        ):
            self.run_job(job)
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.error_message, "The import stopped on an error: disk full")
        self.assertTrue(
            job.message_ids.filtered(lambda m: "disk full" in (m.body or ""))
        )

    def test_double_click_starts_one_job(self):
        content = customers_csv(5)
        first = self.start(content)
        second = self.start(content)
        self.assertEqual(first, second)
        self.assertEqual(self.Job.search_count([]), 1)
        # a Test of the same file is another job; a finished job no guard
        self.assertNotEqual(self.start(content, action="action_test"), first)
        self.run_job(first)
        self.run_job(first)
        self.assertNotEqual(self.start(content), first)

    def test_jobs_are_seen_by_their_users(self):
        job = self.start(customers_csv(5))
        accountant = new_test_user(
            self.env,
            login="job_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        self.assertFalse(self.Job.with_user(accountant).search([]))
        self.assertEqual(self.Job.with_user(self.segment_manager).search([]), job)
        with self.assertRaises(UserError):
            self.wizard("big.csv", b"").action_import()
