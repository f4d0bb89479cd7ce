from odoo import api, models


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
