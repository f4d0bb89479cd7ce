from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.partner_segment.models.partner_segment_job_mixin import CronBudget

from .common import ClassificationCase, without_queue_job


@tagged("post_install", "-at_install")
class TestReclassifyJob(ClassificationCase):
    """Reclassify above the company's threshold runs in the background, in
    committed batches with their progress, resumable, never failing silently."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.segment_reclassify_background_partners = 3
        cls.customers = cls.Partner.browse()
        for i in range(5):
            customer = cls.company(f"后台分类客户{i}")
            cls.invoices([(customer, 10 + i, 1000 * (i + 1))])
            cls.customers |= customer
        cls.Job = cls.env["partner.segment.reclassify.job"]

    def start(self, partners=None):
        partners = (partners or self.customers).with_user(self.segment_manager)
        return partners.action_segment_reclassify()

    def job_of(self, action):
        self.assertEqual(action["res_model"], "partner.segment.reclassify.job")
        return self.Job.with_user(self.segment_manager).browse(action["res_id"])

    def run_job(self, job, **kwargs):
        job.sudo().with_context(segment_batch_size=2)._job_run(**kwargs)

    def test_below_threshold_runs_in_the_request(self):
        self.assertIs(self.start(self.customers[:3]), True)
        self.assertTrue(all(self.customers[:3].mapped("credit_grade")))
        self.assertFalse(self.Job.search([]))

    def test_above_threshold_hands_off_and_shows_progress(self):
        job = self.job_of(self.start())
        self.assertEqual(job.state, "queued")
        self.assertEqual((job.progress_done, job.progress_total), (0, 5))
        self.assertEqual(job.user_id, self.segment_manager)
        self.assertIn("5", job.name)
        # nothing classified in the request
        self.assertFalse(any(self.customers.mapped("credit_grade")))
        seen = []
        with patch.object(
            type(self.Job),
            "_job_notify_progress",
            lambda job: seen.append((job.progress_done, job.progress_total)),
        ):
            self.run_job(job)
        # after each batch, and once more at the end
        self.assertEqual(seen, [(2, 5), (4, 5), (5, 5), (5, 5)])
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100.0)
        self.assertEqual(job.written_count, 5)
        self.assertFalse(job.partner_ids_todo)
        self.assertTrue(all(self.customers.mapped("credit_grade")))
        # the user is told in the inbox
        message = job.message_ids.filtered(lambda m: "has ended" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn(self.segment_manager.partner_id, message.partner_ids)

    def test_interrupted_job_resumes_after_the_last_batch(self):
        job = self.job_of(self.start())
        self.run_job(job, max_batches=1)
        self.assertEqual(job.state, "running")
        self.assertEqual(job.progress_done, 2)
        self.assertEqual(job.partner_ids_todo, sorted(self.customers.ids)[2:])
        done_first = self.Partner.browse(sorted(self.customers.ids)[:2])
        self.assertTrue(all(done_first.mapped("credit_grade")))
        self.assertFalse(any((self.customers - done_first).mapped("credit_grade")))
        # the scheduled action takes it up again where it stopped
        self.Job.with_context(segment_batch_size=2)._cron_run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress_done, 5)
        self.assertTrue(all(self.customers.mapped("credit_grade")))

    def test_budget_stops_before_a_batch_that_would_pass_it(self):
        job = self.job_of(self.start())
        budget = CronBudget(wall=600)
        budget.MARGIN = 10**7  # the next batch, as long as the first, would pass it
        self.run_job(job, budget=budget)
        self.assertEqual((job.state, job.progress_done), ("running", 2))
        self.run_job(job, budget=CronBudget(wall=600))
        self.assertEqual((job.state, job.progress_done), ("done", 5))
        self.assertTrue(all(self.customers.mapped("credit_grade")))

    def test_double_click_gives_the_same_job(self):
        first = self.job_of(self.start())
        second = self.job_of(self.start())
        self.assertEqual(first, second)
        self.assertEqual(self.Job.search_count([]), 1)
        # other customers make another job
        other = self.job_of(self.start(self.customers[1:]))
        self.assertNotEqual(other, first)

    def test_failure_ends_with_its_message(self):
        job = self.job_of(self.start())
        engine = type(self.env["partner.segment.engine"])
        with (
            patch.object(engine, "_write_batch", side_effect=ValueError("disk full")),
            self.assertLogs(
                "odoo.addons.partner_segment.models.partner_segment_reclassify_job",
                level="ERROR",
            ),
        ):
            self.run_job(job)
        self.assertEqual(job.state, "failed")
        self.assertIn("disk full", job.error_message)
        self.assertFalse(any(self.customers.mapped("credit_grade")))
        self.assertTrue(
            job.message_ids.filtered(lambda m: "failed" in (m.body or "")),
        )

    def test_only_managers_reclassify(self):
        with self.assertRaises(AccessError):
            self.customers.with_user(self.segment_user).action_segment_reclassify()
        self.assertFalse(self.Job.search([]))

    def test_zero_threshold_always_runs_in_the_request(self):
        self.env.company.segment_reclassify_background_partners = 0
        self.assertIs(self.start(), True)
        self.assertTrue(all(self.customers.mapped("credit_grade")))


@tagged("post_install", "-at_install")
class TestReclassifyJobTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        without_queue_job(cls)

    def test_job_form_shows_progress(self):
        manager = new_test_user(
            self.env,
            login="job_tour_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_manager",
        )
        job = self.env["partner.segment.reclassify.job"].create(
            {
                "name": "巡检重新分类",
                "user_id": manager.id,
                "company_id": self.env.company.id,
                "partner_ids_todo": [1, 2, 3],
                "progress_total": 5,
                "progress_done": 2,
                "state": "running",
            }
        )
        self.start_tour(
            "/odoo/action-partner_segment.partner_segment_reclassify_job_action/"
            f"{job.id}",
            "partner_segment_job_progress_tour",
            login="job_tour_manager",
        )
