import hashlib
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .partner_segment_job_mixin import CronBudget

_logger = logging.getLogger(__name__)


class PartnerSegmentReclassifyJob(models.Model):
    """A Reclassify of more customers than one HTTP request may take, run by a cron.

    The job keeps the customers still to classify; the scheduled action runs
    the engine on them in committed batches (``partner.segment.engine``'s
    ``on_batch``), takes each committed batch off the list with the progress,
    and stops after its time budget, triggering itself again.  A worker killed
    half-way leaves the list as the last committed batch left it: the next run
    goes on from there, and the engine writes nothing for customers whose
    classes are already current.
    """

    _name = "partner.segment.reclassify.job"
    _inherit = ["mail.thread", "partner.segment.job.mixin"]
    _description = "Background Reclassification"
    _order = "id desc"
    _job_progress_channel = "partner_segment_reclassify_progress"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Started By", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    checksum = fields.Char(readonly=True)
    state = fields.Selection(
        [
            ("queued", "Waiting"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    partner_ids_todo = fields.Json(
        "Customers Left", readonly=True, help="Ids of the customers not yet classified."
    )
    progress_done = fields.Integer("Customers Done", readonly=True)
    progress_total = fields.Integer("Customers", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    written_count = fields.Integer("Customers Changed", readonly=True)
    error_message = fields.Text("Failure", readonly=True)

    def init(self):
        # the double-click guard: one active job per company and set of customers
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s "
                "(company_id, checksum) WHERE state IN ('queued', 'running')",
                SQL.identifier("partner_segment_reclassify_job_active_uniq"),
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------ hand-off
    @api.model
    def _job_start(self, partners):
        """A job classifying ``partners`` in the current company, triggered at
        once; the same customers already queued or running give that job."""
        ids = sorted(partners.ids)
        checksum = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
        company = self.env.company
        running = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("checksum", "=", checksum),
                ("state", "in", ("queued", "running")),
            ],
            limit=1,
        )
        if running:
            return running.sudo(False)
        vals = {
            "name": self.env._(
                "Reclassify %(count)s customers of %(company)s",
                count=len(ids),
                company=company.name,
            ),
            "user_id": self.env.uid,
            "company_id": company.id,
            "checksum": checksum,
            "partner_ids_todo": ids,
            "progress_total": len(ids),
        }
        try:
            with self.env.cr.savepoint():
                job = self.sudo().create(vals).sudo(False)
        except psycopg2.errors.UniqueViolation:
            raise UserError(
                self.env._(
                    "These customers are already being reclassified: wait for that "
                    "run to end."
                )
            ) from None
        job._job_dispatch("partner_segment.ir_cron_reclassify_job")
        return job

    # ------------------------------------------------------------ the cron
    @api.model
    def _cron_run_jobs(self, time_budget=None):
        """Run the waiting jobs, oldest first, within a :class:`CronBudget`
        (``time_budget`` seconds instead), then trigger the cron again while
        work is left (as the import jobs do)."""
        self = self.sudo()
        budget = CronBudget(time_budget)
        cron = self.env["ir.cron"]
        while budget.room():
            job = self.search(
                [
                    ("state", "in", ("queued", "running")),
                    ("queue_job_uuid", "=", False),
                ],
                limit=1,
                order="id",
            )
            if not job:
                break
            job._job_run(budget=budget)
            self.env["partner.segment.engine"]._commit()
        left = self.search_count(
            [("state", "in", ("queued", "running")), ("queue_job_uuid", "=", False)]
        )
        cron._notify_progress(done=0, remaining=0)
        if left:
            self.env.ref("partner_segment.ir_cron_reclassify_job")._trigger()

    def _job_run(self, budget=None, max_batches=None):
        """Classify this job's customers left, until they are all done, the
        end of the ``budget`` (a :class:`CronBudget`: no batch that would pass
        it) or ``max_batches`` batches.  A failure ends the job with its
        message."""
        self.ensure_one()
        todo = list(self.partner_ids_todo or [])
        if self.state == "queued":
            self.state = "running"
        batches = [0]

        def on_batch(batch, written):
            done = set(batch)
            todo[:] = [pid for pid in todo if pid not in done]
            self.write(
                {
                    "partner_ids_todo": todo,
                    "progress_done": self.progress_total - len(todo),
                    "written_count": self.written_count + written,
                }
            )
            self.env["partner.segment.engine"]._commit()
            self._job_notify_progress()
            batches[0] += 1
            if max_batches and batches[0] >= max_batches:
                return False
            if not budget:
                return True
            budget.end_batch()
            budget.start_batch()
            return budget.room()

        engine = (
            self.env["partner.segment.engine"]
            .with_user(self.user_id)
            .with_company(self.company_id)
        )
        if budget:
            budget.start_batch()
        try:
            with engine._company_transaction():  # back to the last committed batch
                if todo:
                    engine._reclassify(
                        self.company_id,
                        partners=self.env["res.partner"].browse(todo),
                        source="manual",
                        commit=True,
                        on_batch=on_batch,
                    )
        except psycopg2.errors.TransactionRollbackError:
            raise  # another transaction wrote the same rows: the next run retries
        except Exception as error:  # ends the job, never silently
            if not isinstance(error, UserError):
                _logger.exception("background reclassification %s failed", self.id)
            message = error.args[0] if error.args else str(error)
            self._job_fail(
                message
                if isinstance(error, UserError)
                else self.env._(
                    "The reclassification stopped on an error: %(error)s", error=error
                )
            )
            return
        if not todo:
            self.write({"state": "done", "progress_done": self.progress_total})
            self._job_notify_end()

    def _job_fail(self, message):
        self.write({"state": "failed", "error_message": message})
        self._job_notify_end()

    def _job_notify_end(self):
        """A message in the user's inbox, and a toast; the form reads the end."""
        if self.state == "failed":
            body = self.env._(
                "The reclassification of %(count)s customers failed: %(error)s",
                count=self.progress_total,
                error=self.error_message,
            )
        else:
            body = self.env._(
                "The reclassification of %(count)s customers has ended: "
                "%(changed)s changed.",
                count=self.progress_total,
                changed=self.written_count,
            )
        self._job_post_end(
            body, self.env._("Background reclassification"), self.state == "failed"
        )
