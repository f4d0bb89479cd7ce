"""OCA queue_job when it is installed, the addon's scheduled actions when not.

The addon does not depend on queue_job: whether it is there is decided at run
time, in one place (``partner.segment.engine._queue_available``).  With it:

- the daily scheduled action only enqueues one job per company (identity key:
  company and as-of date), in the channel ``root.partner_segment``; each job
  runs the same ``_cron_reclassify_company`` path as the scheduled action;
- a background import or reclassification (above the company's threshold)
  is run to its end by one job instead of slices of the scheduled action.
"""

import logging

import psycopg2

from odoo import api, fields, models

from .partner_segment_engine import CompanyBusy
from .partner_segment_job_mixin import CronBudget

_logger = logging.getLogger(__name__)

QUEUE_CHANNEL = "root.partner_segment"
# a company held by another run: try again after this many seconds
BUSY_RETRY_SECONDS = 60
# job states after which the same identity key enqueues nothing more
QUEUE_STATES_TAKEN = ("wait_dependencies", "pending", "enqueued", "started", "done")


def queue_exceptions():
    """queue_job's exceptions (imported only when it is installed)."""
    from odoo.addons.queue_job.exception import (
        FailedJobError,
        RetryableJobError,
    )

    return FailedJobError, RetryableJobError


class PartnerSegmentEngine(models.AbstractModel):
    _inherit = "partner.segment.engine"

    # ------------------------------------------------------------ the decision
    @api.model
    def _queue_available(self):
        """True when OCA queue_job is installed in this database: jobs then go
        to its runner, which spreads them over every worker and server."""
        return "queue.job" in self.env and hasattr(self, "with_delay")

    @api.model
    def _queue_channel(self):
        """The channel of the addon's jobs, created the first time (queue_job's
        channel records exist only where queue_job is installed, so no data
        file of the addon can hold it).  Its capacity is set in odoo.conf."""
        Channel = self.env["queue.job.channel"].sudo()
        parent, name = QUEUE_CHANNEL.rsplit(".", 1)
        if not Channel.search_count([("complete_name", "=", QUEUE_CHANNEL)]):
            root = Channel.search([("complete_name", "=", parent)], limit=1)
            Channel.create({"name": name, "parent_id": root.id})
        return QUEUE_CHANNEL

    # ------------------------------------------------------------ daily run
    @api.model
    def _queue_reclassify_key(self, company, as_of):
        return f"partner_segment.reclassify:{company.id}:{fields.Date.to_string(as_of)}"

    @api.model
    def _queue_enqueue_companies(self, as_of=None):
        """One job per company for the daily run; a company whose job for
        ``as_of`` is already queued, running or done gets none.
        :return: the companies enqueued"""
        as_of = as_of or fields.Date.context_today(self)
        companies = self.env["res.company"].sudo().search([])
        keys = {self._queue_reclassify_key(c, as_of): c for c in companies}
        taken = set(
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("identity_key", "in", list(keys)),
                    ("state", "in", QUEUE_STATES_TAKEN),
                ]
            )
            .mapped("identity_key")
        )
        channel = self._queue_channel()
        enqueued = self.env["res.company"]
        for key, company in keys.items():
            if key in taken:
                continue
            self.with_company(company).with_delay(
                channel=channel,
                identity_key=key,
                description=self.env._(
                    "Classify the customers of %(company)s as of %(date)s",
                    company=company.name,
                    date=fields.Date.to_string(as_of),
                ),
            )._queue_reclassify_company(company, as_of)
            enqueued |= company
        _logger.info(
            "partner_segment: %d companies enqueued for %s, %d already were",
            len(enqueued),
            as_of,
            len(companies) - len(enqueued),
        )
        return enqueued

    @api.model
    def _queue_reclassify_company(self, company, as_of):
        """The job of one company: the scheduled action's path (touched
        customers first, then everyone, then the follow-up rules).  A company
        held by another run retries later; a failure names the company."""
        FailedJobError, RetryableJobError = queue_exceptions()
        try:
            with self._company_transaction():
                written = self.with_company(company)._cron_reclassify_company(
                    company, as_of=as_of
                )
        except CompanyBusy as error:
            raise RetryableJobError(
                str(error.args[0]), seconds=BUSY_RETRY_SECONDS, ignore_retry=True
            ) from None
        except psycopg2.errors.TransactionRollbackError:
            raise  # queue_job retries a serialization failure or deadlock
        except Exception as error:
            _logger.exception(
                "partner_segment: classifying the customers of company %s (%s) failed",
                company.id,
                company.name,
            )
            cause = error.args[0] if error.args else repr(error)
            raise FailedJobError(
                self.env._(
                    "Customers of %(company)s could not be classified as of "
                    "%(date)s: %(error)s",
                    company=company.name,
                    date=fields.Date.to_string(as_of),
                    error=cause,
                )
            ) from error
        return self.env._(
            "%(company)s: customers classified as of %(date)s, %(count)s changed.",
            company=company.name,
            date=fields.Date.to_string(as_of),
            count=written,
        )


class PartnerSegmentJobMixin(models.AbstractModel):
    _inherit = "partner.segment.job.mixin"

    queue_job_uuid = fields.Char(
        "Queue Job",
        readonly=True,
        copy=False,
        help="The queue_job job running this one (its scheduled action then "
        "leaves it alone).",
    )

    # a job's run stops after this many seconds and enqueues the rest: it runs
    # in an HTTP worker, killed at Odoo's limit_time_real (120 s by default)
    _queue_time_budget = 60

    def _job_dispatch(self, cron_xmlid):
        """Start this new job: a queue_job job when queue_job is installed,
        else a trigger of the scheduled action ``cron_xmlid``."""
        self.ensure_one()
        if not self.env["partner.segment.engine"]._queue_available():
            self.env.ref(cron_xmlid)._trigger()
            return
        self._job_enqueue()

    def _job_enqueue(self):
        job = self.sudo()
        delayed = job.with_delay(
            channel=self.env["partner.segment.engine"]._queue_channel(),
            identity_key=f"partner_segment:{self._name}:{self.id}",
            description=job.name,
        )._job_run_queued()
        job.queue_job_uuid = delayed.uuid

    def _job_run_queued(self):
        """The queue_job job: run in committed batches, as the user who started
        it (the import: its check, then its writing), for the time budget; the
        rest goes on in a job enqueued for it."""
        self.ensure_one()
        job = self.sudo()
        # Odoo's limits of the HTTP worker running the job (CPU and real time,
        # counted as a cron call counts them), at most this budget
        budget = CronBudget(wall=self._queue_time_budget)
        for _phase in range(3):  # an import checks, then writes
            if job.state not in ("queued", "running"):
                break
            job._job_run_to_end(budget)
            self.env["partner.segment.engine"]._commit()
            if not budget.room():
                break
        if job.state in ("queued", "running"):
            job._job_enqueue()
            return self.env._(
                "%(job)s: %(done)s of %(total)s done, the rest in job %(uuid)s.",
                job=job.name,
                done=job.progress_done,
                total=job.progress_total,
                uuid=job.queue_job_uuid,
            )
        if job.state == "failed":
            # the job's failure is committed: the queue job fails with it
            FailedJobError = queue_exceptions()[0]
            raise FailedJobError(
                self.env._(
                    "%(job)s failed: %(error)s", job=job.name, error=job.error_message
                )
            )
        return self.env._("%(job)s: done.", job=job.name)

    def _job_run_to_end(self, budget):
        self._job_run(budget=budget)


class PartnerSegmentImportJob(models.Model):
    _inherit = "partner.segment.import.job"

    def _job_run_to_end(self, budget):
        self._job_run(budget=budget, commit=self.env["partner.segment.engine"]._commit)
