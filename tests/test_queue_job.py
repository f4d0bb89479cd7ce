"""The background work on OCA queue_job, when it is installed (``make test``
installs it alongside when the venv has it, as ``make setup`` does)."""

import unittest
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import tagged

from .common import AS_OF, ClassificationCase, ImportCase
from .test_import_job import customers_csv

try:
    from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError
    from odoo.addons.queue_job.tests.common import trap_jobs
except ImportError:  # queue_job is optional: these tests then skip
    trap_jobs = None

QUEUE_LOGGER = "odoo.addons.partner_segment.models.partner_segment_queue"
DIMENSIONS = ("value_tier", "credit_grade", "frequency_class")


def queue_job_installed(case):
    if trap_jobs is None or "queue.job" not in case.env:
        raise unittest.SkipTest("OCA queue_job is not installed in this database")


@tagged("post_install", "-at_install")
class TestQueueReclassify(ClassificationCase):
    """The daily scheduled action enqueues one job per company; each job runs
    the scheduled action's own path for its company."""

    queue_job = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        queue_job_installed(cls)
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "队列第二公司",
                "country_id": cls.cn.id,
                "currency_id": cls.company_a.currency_id.id,
            }
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls.env.user.company_ids |= cls.company_b
        cls.customers = cls.Partner.browse()
        for i in range(4):
            customer = cls.company(f"队列客户{i}")
            cls.invoices([(customer, 10 + i, 1000 * (i + 1) ** 2)])
            cls.customers |= customer
        journal_b = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company_b.id)], limit=1
        )
        cls.env["account.move"].with_company(cls.company_b).create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "journal_id": journal_b.id,
                    "invoice_date": AS_OF - timedelta(days=5 + i),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "b",
                                "quantity": 1,
                                "price_unit": 50 * (i + 1),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for i, customer in enumerate(cls.customers[:3])
            ]
        ).action_post()
        cls.companies = cls.env["res.company"].search([])

    def key(self, company, as_of=AS_OF):
        return f"partner_segment.reclassify:{company.id}:{as_of.isoformat()}"

    def classes(self):
        """{(company, customer): (classes...)} of every company."""
        return {
            (company.id, partner.id): tuple(partner[d] for d in DIMENSIONS)
            for company in self.companies
            for partner in self.customers.with_company(company)
        }

    def test_one_job_per_company_with_its_key_channel_and_description(self):
        with trap_jobs() as trap:
            enqueued = self.engine._queue_enqueue_companies(as_of=AS_OF)
            self.assertEqual(enqueued, self.companies)
            trap.assert_jobs_count(len(self.companies))
            for company in self.companies:
                trap.assert_enqueued_job(
                    self.engine._queue_reclassify_company,
                    args=(company, AS_OF),
                    properties={
                        "channel": "root.partner_segment",
                        "identity_key": self.key(company),
                        "description": f"Classify the customers of {company.name} "
                        "as of 2026-06-30",
                    },
                )
            # a second trigger the same day adds none
            self.engine._queue_enqueue_companies(as_of=AS_OF)
            trap.assert_jobs_count(len(self.companies))
        channel = self.env["queue.job.channel"].search(
            [("complete_name", "=", "root.partner_segment")]
        )
        self.assertEqual(len(channel), 1, "created once, on the first enqueue")

    def test_the_scheduled_action_only_enqueues(self):
        cron = self.env.ref("partner_segment.ir_cron_reclassify")
        today = fields.Date.context_today(self.engine)
        Job = self.env["queue.job"]
        cron.method_direct_trigger()
        jobs = Job.search([("identity_key", "like", "partner_segment.reclassify:%")])
        self.assertEqual(
            sorted(jobs.mapped("identity_key")),
            sorted(self.key(c, today) for c in self.companies),
        )
        self.assertEqual(set(jobs.mapped("channel")), {"root.partner_segment"})
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        self.assertFalse(any(self.customers.mapped("value_tier")), "nothing classified")
        # stored jobs: a second trigger the same day, or after they ran, adds none
        cron.method_direct_trigger()
        jobs.write({"state": "done"})
        cron.method_direct_trigger()
        self.assertEqual(
            Job.search_count(
                [("identity_key", "like", "partner_segment.reclassify:%")]
            ),
            len(self.companies),
        )
        # a failed one is enqueued again
        jobs[0].write({"state": "failed"})
        self.engine._queue_enqueue_companies(as_of=today)
        self.assertEqual(
            Job.search_count([("identity_key", "=", jobs[0].identity_key)]), 2
        )

    def test_jobs_classify_as_the_scheduled_action_does(self):
        with trap_jobs() as trap:
            self.engine._queue_enqueue_companies(as_of=AS_OF)
            results = [job.perform() for job in trap.enqueued_jobs]
        queued = self.classes()
        self.assertTrue(
            all(queued[(self.company_a.id, c.id)][0] for c in self.customers)
        )
        self.assertTrue(
            all(queued[(self.company_b.id, c.id)][0] for c in self.customers[:3])
        )
        self.assertIn(
            "队列第二公司: customers classified as of 2026-06-30", "\n".join(results)
        )
        self.assertTrue(self.company_b.segment_last_run)
        # the scheduled action without queue_job, on the same data
        self.env.cr.execute(
            "UPDATE res_partner SET value_tier = NULL, credit_grade = NULL, "
            "frequency_class = NULL"
        )
        self.env.invalidate_all()
        for company in self.companies:
            self.engine.with_company(company)._cron_reclassify_company(
                company, as_of=AS_OF
            )
        self.assertEqual(self.classes(), queued)

    def test_a_held_company_retries_later(self):
        with self.registry.cursor() as other:
            # another run (a worker of another server) holds company B
            other.execute(
                "SELECT pg_advisory_xact_lock(47542017, %s)", [self.company_b.id]
            )
            with self.assertRaises(RetryableJobError) as caught:
                self.engine._queue_reclassify_company(self.company_b, AS_OF)
            other.rollback()
        self.assertIn("队列第二公司", str(caught.exception))
        self.assertTrue(caught.exception.ignore_retry, "never counts as a failure")
        self.assertEqual(caught.exception.seconds, 60)
        self.assertFalse(
            any(self.customers.with_company(self.company_b).mapped("value_tier"))
        )
        # released: the retry classifies
        self.engine._queue_reclassify_company(self.company_b, AS_OF)
        self.assertTrue(self.customers[0].with_company(self.company_b).value_tier)

    def test_a_failure_names_the_company_and_the_cause(self):
        # company B's settings broken behind the ORM's back: its run fails
        self.env.cr.execute(
            "UPDATE res_company SET segment_freq_medium = 99 WHERE id = %s",
            [self.company_b.id],
        )
        self.company_b.invalidate_recordset(["segment_freq_medium"])
        with (
            self.assertLogs(QUEUE_LOGGER, level="ERROR"),
            self.assertRaises(FailedJobError) as caught,
        ):
            self.engine._queue_reclassify_company(self.company_b, AS_OF)
        message = str(caught.exception)
        self.assertIn("队列第二公司", message)
        self.assertIn("2026-06-30", message)
        self.assertIn("frequency", message)  # the cause
        self.assertFalse(
            any(self.customers.with_company(self.company_b).mapped("value_tier"))
        )
        self.assertFalse(self.company_b.segment_last_run)

    def test_without_queue_job_the_scheduled_action_classifies(self):
        with patch.object(type(self.engine), "_queue_available", lambda self: False):
            self.engine._cron_reclassify()
        self.assertTrue(all(self.customers.mapped("value_tier")))
        self.assertFalse(
            self.env["queue.job"].search(
                [("identity_key", "like", "partner_segment.reclassify:%")]
            )
        )

    def test_many_customers_reclassify_as_a_job(self):
        self.company_a.segment_reclassify_background_partners = 2
        Job = self.env["partner.segment.reclassify.job"]
        manager = self.segment_manager
        manager.company_ids |= self.company_a
        with trap_jobs() as trap:
            action = self.customers.with_user(manager).action_segment_reclassify()
            job = Job.browse(action["res_id"])
            self.assertEqual((job.state, job.user_id), ("queued", manager))
            self.assertTrue(job.queue_job_uuid)
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                job.sudo()._job_run_queued,
                properties={
                    "channel": "root.partner_segment",
                    "identity_key": f"partner_segment:{Job._name}:{job.id}",
                    "description": job.name,
                },
            )
            self.assertFalse(any(self.customers.mapped("value_tier")))
            trap.perform_enqueued_jobs()
        job.invalidate_recordset()
        self.assertEqual(job.state, "done")
        self.assertTrue(all(self.customers.mapped("value_tier")))
        ended = job.message_ids.filtered(lambda m: "has ended" in (m.body or ""))
        self.assertIn(manager.partner_id, ended.partner_ids, "in the user's inbox")
        # its scheduled action leaves a queued job to queue_job
        self.assertFalse(
            Job.search(
                [("state", "in", ("queued", "running")), ("queue_job_uuid", "=", False)]
            )
        )

    def test_a_long_job_goes_on_in_a_job_of_its_own(self):
        """A job stops after its time budget (an HTTP worker runs it, killed at
        limit_time_real) and enqueues the rest."""
        self.company_a.segment_reclassify_background_partners = 2
        Job = self.env["partner.segment.reclassify.job"]
        with (
            patch.object(type(self.engine), "_batch_size", 2),
            patch.object(type(Job), "_queue_time_budget", 0),
            trap_jobs() as trap,
        ):
            action = self.customers.with_user(
                self.segment_manager
            ).action_segment_reclassify()
            job = Job.browse(action["res_id"])
            first = job.queue_job_uuid
            trap.perform_enqueued_jobs()
            job.invalidate_recordset()
            self.assertEqual((job.state, job.progress_done), ("running", 2))
            self.assertNotEqual(job.queue_job_uuid, first)
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
            trap.assert_jobs_count(0)
        job.invalidate_recordset()
        self.assertEqual((job.state, job.progress_done), ("done", 4))
        self.assertTrue(all(self.customers.mapped("value_tier")))


@tagged("post_install", "-at_install")
class TestQueueImport(ImportCase):
    """An import above the company's threshold is a queue_job job, with the
    result an import in the request gives."""

    queue_job = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        queue_job_installed(cls)
        cls.Job = cls.env["partner.segment.import.job"]

    def result(self, record):
        return (
            record.create_count,
            record.update_count,
            record.error_count,
            [(e.row_number, e.column, e.message) for e in record.error_ids],
            bool(record.error_file),
        )

    def test_an_import_above_the_threshold_is_a_job_with_the_same_result(self):
        self.env.company.segment_import_background_rows = 0
        inline = self.wizard("inline.csv", customers_csv(6, bad_row=4), policy="skip")
        inline.action_import()
        self.assertEqual((inline.create_count, inline.error_count), (5, 1))
        # the same file of other customers, above the threshold
        content = customers_csv(6, start=100, bad_row=4)
        self.env.company.segment_import_background_rows = 3
        with trap_jobs() as trap:
            action = self.wizard("big.csv", content, policy="skip").action_import()
            job = self.Job.with_user(self.segment_accountant).browse(action["res_id"])
            self.assertEqual(job.state, "queued")
            trap.assert_enqueued_job(
                job.sudo()._job_run_queued,
                properties={
                    "channel": "root.partner_segment",
                    "description": "big.csv",
                },
            )
            self.assertFalse(self.Partner.search([("ref", "=like", "BG01%")]))
            trap.perform_enqueued_jobs()
        job.invalidate_recordset()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.result(job), self.result(inline))
        self.assertEqual(len(self.Partner.search([("ref", "=like", "BG01%")])), 5)

    def test_an_all_or_nothing_job_checks_then_writes(self):
        self.env.company.segment_import_background_rows = 3
        with trap_jobs() as trap:
            action = self.wizard("all.csv", customers_csv(5)).action_import()
            job = self.Job.browse(action["res_id"])
            trap.perform_enqueued_jobs()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.written, job.create_count), ("done", True, 5))

    def test_a_failed_import_names_its_file(self):
        self.env.company.segment_import_background_rows = 3
        with trap_jobs() as trap:
            action = self.wizard("broken.csv", customers_csv(5)).action_import()
            job = self.Job.browse(action["res_id"])
            job.sudo().file = b"bm90IGEgZmlsZQ=="  # "not a file", after the hand-off
            queued = trap.enqueued_jobs[0]
            # no assertRaises: its savepoint would undo the job's failed state,
            # which the job commits before it raises
            error = None
            try:
                queued.perform()
            except FailedJobError as raised:
                error = raised
        job.invalidate_recordset()
        self.assertEqual(job.state, "failed")
        self.assertIn("broken.csv", str(error))
        self.assertIn(job.error_message, str(error))
