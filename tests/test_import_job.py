import base64
import resource
import threading
import time
from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import config

from odoo.addons.partner_segment.models import partner_segment_import_job as job_module
from odoo.addons.partner_segment.models.partner_segment_job_mixin import CronBudget
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
        largest = patch.object(
            type(self.env["partner.segment.import"]), "_import_job_batch_max", 2
        )
        largest.start()
        self.addCleanup(largest.stop)
        # no file left open by another test
        self.forget_open_file()
        self.addCleanup(self.forget_open_file)

    def forget_open_file(self):
        opened, job_module._open_file[0] = job_module._open_file[0], None
        if opened:
            opened.table.close()

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

    # ------------------------------------------------------------ budget, open file
    def test_one_call_runs_batches_while_its_budget_lasts(self):
        job = self.start(customers_csv(5), policy="skip")
        self.Job._cron_run_jobs(time_budget=600)
        job.invalidate_recordset()
        self.assertEqual(
            (job.state, job.progress_done, job.create_count), ("done", 5, 5)
        )
        self.assertEqual(len(self.imported()), 5)
        # a budget spent before the first batch starts none; the cron comes back
        job = self.start(customers_csv(5, start=10), policy="skip")
        cron = self.env.ref("partner_segment.ir_cron_import_job")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self.Job._cron_run_jobs(time_budget=0)
        job.invalidate_recordset()
        self.assertEqual((job.state, job.next_row), ("queued", 0))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_budget_stops_before_a_batch_that_would_pass_it(self):
        job = self.start(customers_csv(5), policy="skip")
        budget = CronBudget(wall=600)
        self.assertTrue(budget.room())
        budget.MARGIN = 10**7  # the next batch, as long as the first, would pass it
        self.assertEqual(self.run_job(job, budget=budget), [("write", 2)])
        self.assertEqual((job.state, job.next_row), ("running", 2))
        self.assertEqual(
            self.run_job(job, budget=CronBudget(wall=600)), [("write", 4), ("write", 5)]
        )
        self.assertEqual(len(self.imported()), 5)

    def test_cpu_budget_counts_from_the_start_of_the_workers_pass(self):
        # a prefork worker sets RLIMIT_CPU to its CPU time at the start of the
        # pass plus limit_time_cpu: here the pass began 800 CPU seconds ago
        # (the soft limit is far enough for this test never to reach it)
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        self.addCleanup(resource.setrlimit, resource.RLIMIT_CPU, (soft, hard))
        cpu = CronBudget._cpu()
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu) + 1000, hard))
        with patch.dict(config.options, {"limit_time_cpu": 1800}):
            budget = CronBudget(wall=600)
        # half the limit from the start of the pass: 100 s left
        self.assertAlmostEqual(budget.cpu_deadline, int(cpu) + 100, delta=1)
        self.assertTrue(budget.room())
        budget.longest_cpu = 70  # 1.5 x 70 s would pass it
        self.assertFalse(budget.room())
        budget.longest_cpu = 50
        self.assertTrue(budget.room())

    def test_wall_budget_counts_from_the_start_of_a_threaded_pass(self):
        thread = threading.current_thread()
        started = getattr(thread, "start_time", None)
        self.addCleanup(setattr, thread, "start_time", started)
        limits = {"limit_time_real": 120, "limit_time_real_cron": -1}
        with patch.dict(config.options, limits):
            thread.start_time = time.time() - 10
            budget = CronBudget()
            # 40% of 120 s, less the 10 s the pass has already run
            self.assertAlmostEqual(budget.wall_deadline - time.monotonic(), 38, delta=1)
            thread.start_time = time.time() - 100
            self.assertFalse(CronBudget().room(), "the pass has spent its share")

    def test_next_call_reads_on_from_the_open_file(self):
        job = self.start(customers_csv(5), policy="skip")
        self.run_job(job, max_batches=1)
        opened = job_module._open_file[0]
        self.assertTrue(opened and opened.matches(job.sudo()))
        # the next call goes on reading the open file: the job's own copy of
        # it is not read again
        job.sudo().file = False
        self.assertEqual(self.run_job(job), [("write", 4), ("write", 5)])
        self.assertEqual((job.state, job.create_count), ("done", 5))
        self.assertEqual(len(self.imported()), 5)
        self.assertIsNone(job_module._open_file[0], "closed at the end of the file")

    def test_interrupted_batch_resumes_from_the_last_committed_one(self):
        job = self.start(customers_csv(5), policy="skip")
        self.run_job(job, max_batches=1)

        def conflict(wizard, rows, context):
            raise psycopg2.errors.SerializationFailure("could not serialize access")

        # the second batch meets another transaction: rolled back, the run stops
        with (
            patch.object(PartnerSegmentImport, "_import_apply", conflict),
            self.assertRaises(psycopg2.errors.TransactionRollbackError),
        ):
            self.run_job(job)
        self.assertIsNone(
            job_module._open_file[0], "the file read past row 2 is closed"
        )
        job.invalidate_recordset()
        self.assertEqual((job.state, job.next_row), ("running", 2))
        self.assertEqual(len(self.Partner.search([("ref", "=like", "BG%")])), 2)
        self.assertEqual(self.run_job(job), [("write", 4), ("write", 5)])
        self.assertEqual(len(self.imported()), 5, "every row once")
        self.assertEqual((job.create_count, job.unchanged_count), (5, 0))

    def test_a_file_left_behind_by_the_job_is_not_read_on(self):
        job = self.start(customers_csv(5), policy="skip")
        self.run_job(job, max_batches=1)
        # another worker runs the next batch meanwhile (its own open file)
        behind, job_module._open_file[0] = job_module._open_file[0], None
        self.run_job(job, max_batches=1)
        job.invalidate_recordset()
        self.assertEqual(job.next_row, 4)
        self.forget_open_file()
        job_module._open_file[0] = behind  # this worker's file, at row 2
        self.assertEqual(self.run_job(job), [("write", 5)])
        self.assertEqual(len(self.imported()), 5, "every row once")
        self.assertEqual((job.create_count, job.unchanged_count), (5, 0))

    def test_records_are_kept_as_ranges(self):
        ranges = job_module._add_ranges([[1, 3]], [4, 5, 9, 7, 8])
        self.assertEqual(ranges, [[1, 5], [9, 9], [7, 8]])
        job = self.start(customers_csv(5), policy="skip")
        self.run_job(job)
        partners = self.imported()
        self.assertEqual(sorted(job.sudo()._job_record_ids()), sorted(partners.ids))
        self.assertLessEqual(len(job.sudo().run_state["record_ranges"]), 2)

    def test_batches_follow_the_speed_of_the_server(self):
        wizard_class = type(self.env["partner.segment.import"])
        job = self.start(customers_csv(5), policy="skip")
        with patch.object(wizard_class, "_import_job_batch_max", 100):
            # a fast server: after the first (cautious) batch, the rest at once
            seen = self.run_job(job, budget=CronBudget(wall=600))
        self.assertEqual(seen, [("write", 2), ("write", 5)])
        self.assertGreater(job.run_state["rate"], 0)
        # a slow one (the rate its last batch went at): smaller batches
        job = self.start(customers_csv(5, start=10), policy="skip")
        self.run_job(job, max_batches=1)
        job.sudo().run_state = {**job.run_state, "rate": 0.001}
        with patch.object(wizard_class, "_import_job_batch_max", 100):
            budget = CronBudget(wall=600)
            budget.MARGIN = 0  # never stops for time here
            seen = self.run_job(job, budget=budget, max_batches=1)
        self.assertEqual(seen, [("write", 3)])
        budget = CronBudget(wall=48)
        self.assertEqual(budget.batch_size(None, 200, 5000), 200)
        self.assertEqual(budget.batch_size(100, 200, 5000), 1200)  # 12 s of rows
        self.assertEqual(budget.batch_size(1, 200, 5000), 50)
        self.assertEqual(budget.batch_size(10**6, 200, 5000), 5000)
