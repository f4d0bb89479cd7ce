import resource
import threading
import time

from odoo import api, models
from odoo.tools import config


class CronBudget:
    """How long one call of a background job's cron may go on working.

    Odoo stops a cron worker whose pass passes ``limit_time_real`` (or
    ``limit_time_real_cron``) seconds of real time or ``limit_time_cpu``
    seconds of CPU, both counted from the start of the worker's pass over the
    database's ready crons (registry loading and the crons before this one
    included).  A call works for a share of those limits and stops before a
    batch that, as long as the longest one so far (with a margin), would pass
    them: a batch is committed whole or not at all, so it must end in time.

    * real time: from the start of the call, minus what the pass already spent
      where the server says when it started (a threaded server's cron thread);
    * CPU: from the start of the pass, which a prefork worker's ``RLIMIT_CPU``
      gives (set to the CPU time at the start of the pass plus the limit).

    ``wall`` (seconds of real time from now) replaces the share of the real
    time limit, e.g. in a shell or a test.
    """

    WALL_SHARE = 0.4  # 48 s of the default 120 s
    CPU_SHARE = 0.5  # 30 s of the default 60 s, from the start of the pass
    MARGIN = 1.5  # the next batch may take this much longer than the longest
    BATCH_SHARE = 0.25  # a batch aims at this share of the call's real time
    DEFAULT_WALL = 60  # no real-time limit (threaded server without limits)

    def __init__(self, wall=None):
        now = time.monotonic()
        if wall is None:
            limit = config.get("limit_time_real_cron") or 0
            if limit <= 0:
                limit = config.get("limit_time_real") or 0
            wall = limit * self.WALL_SHARE if limit > 0 else self.DEFAULT_WALL
            started = getattr(threading.current_thread(), "start_time", None)
            if started:
                wall -= max(time.time() - started, 0)
        self.wall_deadline = now + wall
        self.batch_seconds = max(wall, 1) * self.BATCH_SHARE
        self.cpu_deadline = None
        soft, _hard = resource.getrlimit(resource.RLIMIT_CPU)
        limit_cpu = config.get("limit_time_cpu") or 0
        if soft != resource.RLIM_INFINITY and limit_cpu > 0:
            # a prefork worker set soft = CPU at the start of the pass + limit
            self.cpu_deadline = soft - limit_cpu + limit_cpu * self.CPU_SHARE
        self.longest_wall = self.longest_cpu = 0.0
        self._mark = (now, self._cpu())

    @staticmethod
    def _cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def start_batch(self):
        self._mark = (time.monotonic(), self._cpu())

    def end_batch(self):
        """Count the batch just ended (from ``start_batch``) among the longest;
        its real time."""
        wall, cpu = self._mark
        seconds = time.monotonic() - wall
        self.longest_wall = max(self.longest_wall, seconds)
        self.longest_cpu = max(self.longest_cpu, self._cpu() - cpu)
        return seconds

    def batch_size(self, rate, first, largest):
        """Rows of the next batch at ``rate`` rows per second of real time
        (None: unknown, ``first``), to last about ``batch_seconds``."""
        if not rate:
            return first
        return max(1, first // 4, min(largest, int(rate * self.batch_seconds)))

    def room(self):
        """Whether one more batch ends in time."""
        if time.monotonic() + self.MARGIN * self.longest_wall >= self.wall_deadline:
            return False
        return self.cpu_deadline is None or (
            self._cpu() + self.MARGIN * self.longest_cpu < self.cpu_deadline
        )


class PartnerSegmentJobMixin(models.AbstractModel):
    """What the background jobs (imports, reclassifications) share: their
    progress, their form, and how they tell their user how far they have come
    and that they have ended.

    A job has ``user_id``, ``progress_done`` and ``progress_total`` fields and
    a ``progress`` field computed by ``_compute_progress``; it names the bus
    channel its form listens to (the ``segment_job_progress`` widget).
    """

    _name = "partner.segment.job.mixin"
    _description = "Customer Segments Background Job"

    _job_progress_channel = None

    @api.depends("progress_done", "progress_total")
    def _compute_progress(self):
        for job in self:
            total = job.progress_total
            job.progress = 100.0 * job.progress_done / total if total else 0.0

    def action_refresh(self):
        """Read the progress again (the bus also tells the form when it moves)."""
        self.ensure_one()
        return self._job_open()

    def _job_open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _job_progress_payload(self):
        return {"id": self.id, "done": self.progress_done, "total": self.progress_total}

    def _job_notify_progress(self):
        self.user_id._bus_send(self._job_progress_channel, self._job_progress_payload())

    def _job_post_end(self, body, title, failed):
        """The end in the user's inbox, a pop-up, and the form reads it."""
        self._job_notify_progress()
        self.sudo().message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "danger" if failed else "success",
                "title": title,
                "message": body,
                "sticky": True,
            },
        )
