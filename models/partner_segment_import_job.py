import base64
import hashlib
import logging
import threading
from collections import deque
from dataclasses import dataclass
from itertools import islice

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..importer.reader import ImportFileError
from ..importer.report import write_error_workbook
from ..importer.rows import ImportResult
from .partner_segment_job_mixin import CronBudget

_logger = logging.getLogger(__name__)

MAX_ERROR_LINES = 1000  # shown on screen; the error report has every row


@dataclass
class _OpenFile:
    """A job's file left open by a cron call, where its committed batches
    stopped: the next call in the same process goes on reading it instead of
    decoding, parsing and skipping it again, and has the keys it has seen."""

    db: str
    job_id: int
    checksum: str
    phase: str
    next_row: int
    table: object
    rows: object
    seen: dict

    def matches(self, job):
        return (self.db, self.job_id, self.checksum, self.phase, self.next_row) == (
            job.env.cr.dbname,
            job.id,
            job.checksum,
            job.phase,
            job.next_row,
        )


# one open file per process at most (a cron worker runs one job at a time)
_open_file = [None]
_open_file_lock = threading.Lock()


def _add_ranges(ranges, ids):
    """Add ``ids`` to ``ranges`` ([[first, last], ...]): the records of an
    import are mostly created in a row, so 100,000 ids take a few ranges."""
    for record_id in ids:
        if ranges and ranges[-1][1] + 1 == record_id:
            ranges[-1][1] = record_id
        else:
            ranges.append([record_id, record_id])
    return ranges


class PartnerSegmentImportJobKey(models.Model):
    """A key (USCC, code...) a background import has seen, and on which row:
    a later row with the same key is an error, even in a later run.  Kept in a
    table, each batch adding its own, not rewritten whole at every batch."""

    _name = "partner.segment.import.job.key"
    _description = "Background Import Key"
    _log_access = False

    job_id = fields.Many2one(
        "partner.segment.import.job", required=True, ondelete="cascade", index=True
    )
    column = fields.Char(required=True)
    key = fields.Char(required=True)
    row_number = fields.Integer(required=True)


class PartnerSegmentImportJob(models.Model):
    """An import (or its Test) too large for one HTTP request, run by a cron.

    The wizard is transient and its request is killed at Odoo's time limits;
    the job keeps the file, the options and what the run has done so far, so
    that the scheduled action works in committed batches, reports its progress
    and, when it is interrupted, resumes after the last committed batch.
    An all-or-nothing import first checks every row (a Test), and writes only
    when no row failed.
    """

    _name = "partner.segment.import.job"
    _inherit = ["mail.thread", "partner.segment.job.mixin"]
    _description = "Background Import"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    res_model = fields.Char("Import Kind", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Started By", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    file = fields.Binary(attachment=True, readonly=True)
    filename = fields.Char(readonly=True)
    checksum = fields.Char(readonly=True)
    policy = fields.Selection(
        [("all", "All or nothing"), ("skip", "Skip rows with errors")],
        string="On Errors",
        required=True,
        readonly=True,
    )
    options = fields.Json(readonly=True)
    dry_run = fields.Boolean("Test Only", readonly=True)
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
    phase = fields.Selection(
        [("check", "Checking"), ("write", "Writing")],
        default="check",
        required=True,
        readonly=True,
    )
    progress_done = fields.Integer("Rows Done", readonly=True)
    progress_total = fields.Integer("Rows", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    next_row = fields.Integer(
        readonly=True, help="Data rows of the file consumed by committed batches."
    )
    create_count = fields.Integer("Created", readonly=True)
    update_count = fields.Integer("Updated", readonly=True)
    unchanged_count = fields.Integer("Unchanged", readonly=True)
    error_count = fields.Integer("Rows with Errors", readonly=True)
    sample_count = fields.Integer("Example Rows Ignored", readonly=True)
    written = fields.Boolean(readonly=True)
    sheet_info = fields.Char("Read From", readonly=True)
    unknown_columns = fields.Char("Ignored Columns", readonly=True)
    refused_columns = fields.Text("Columns Not Written", readonly=True)
    error_message = fields.Text("Failure", readonly=True)
    error_ids = fields.One2many(
        "partner.segment.import.error",
        "res_id",
        string="Errors",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )
    error_file = fields.Binary("Error Report", attachment=True, readonly=True)
    error_filename = fields.Char(readonly=True)
    run_state = fields.Json(
        readonly=True,
        help="What the committed batches leave to the next ones: keys seen, "
        "failed rows, records written.",
    )

    def init(self):
        # the double-click guard: one active job per file, import kind and run kind
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s "
                "(res_model, checksum, dry_run) WHERE state IN ('queued', 'running')",
                SQL.identifier("partner_segment_import_job_active_file_uniq"),
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------ actions
    def action_download_errors(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_file/"
            f"{self.error_filename}?download=true",
            "target": "self",
        }

    def action_open_records(self):
        """The records the import created or updated."""
        self.ensure_one()
        return self._job_wizard().action_open_records()

    # ------------------------------------------------------------ hand-off
    @api.model
    def _job_start(self, wizard, dry_run, total):
        """A job for ``wizard``'s file, triggered at once; the same file already
        queued or running gives that job, not a second one."""
        content = base64.b64decode(wizard.file)
        checksum = hashlib.sha256(content).hexdigest()
        domain = [
            ("res_model", "=", wizard._name),
            ("checksum", "=", checksum),
            ("dry_run", "=", dry_run),
            ("state", "in", ("queued", "running")),
        ]
        running = self.sudo().search(domain, limit=1)
        if running:
            return running.sudo(False)
        vals = {
            "name": wizard.filename or wizard._description,
            "res_model": wizard._name,
            "user_id": self.env.uid,
            "company_id": self.env.company.id,
            "file": wizard.file,
            "filename": wizard.filename,
            "checksum": checksum,
            "policy": wizard.policy,
            "options": wizard._import_job_options(),
            "dry_run": dry_run,
            "phase": "write" if not dry_run and wizard.policy == "skip" else "check",
            "progress_total": total,
        }
        try:
            with self.env.cr.savepoint():
                job = self.sudo().create(vals).sudo(False)
        except psycopg2.errors.UniqueViolation:
            # a second click whose first one committed meanwhile
            raise UserError(
                self.env._(
                    "%(filename)s is already being imported: wait for that "
                    "import to end.",
                    filename=wizard.filename,
                )
            ) from None
        job._job_dispatch("partner_segment.ir_cron_import_job")
        return job

    # ------------------------------------------------------------ the cron
    @api.model
    def _cron_run_jobs(self, time_budget=None):
        """Run the waiting jobs, oldest first, within a :class:`CronBudget`
        (``time_budget`` seconds instead, from a shell or a test).

        Every batch is committed with the job's progress.  The cron runner
        would call this ten times in one pass of the cron worker, whose
        time limits count from the start of the whole pass; so one call works
        as long as its budget lets it and triggers the cron again while work
        is left.
        """
        self = self.sudo()  # the jobs are the cron's; each runs as its user
        budget = CronBudget(time_budget)
        cron = self.env["ir.cron"]
        engine = self.env["partner.segment.engine"]  # commits, never in tests
        done = 0
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
            before = job.progress_done

            def commit(job=job, before=before, done=done):
                # progress committed with the batch: a worker killed later
                # leaves the cron ready, and Odoo runs it again at once
                cron._notify_progress(
                    done=done + max(job.progress_done - before, 0), remaining=1
                )
                engine._commit()

            job._job_run(budget=budget, commit=commit)
            engine._commit()
            done += max(job.progress_done - before, 0)
        left = self.search_count(
            [("state", "in", ("queued", "running")), ("queue_job_uuid", "=", False)]
        )
        # remaining=0: the runner would otherwise call again within the same
        # pass of the cron worker; the trigger runs the next slice in a new one
        cron._notify_progress(done=done, remaining=0)
        if left:
            self.env.ref("partner_segment.ir_cron_import_job")._trigger()

    def _job_run(self, budget=None, max_batches=None, commit=None):
        """Run this job from its last committed batch until the end of the
        file, the end of the ``budget`` (a :class:`CronBudget`) or
        ``max_batches`` batches; ``commit`` is called after every batch.  A
        failure ends the job with its message."""
        self.ensure_one()
        commit = commit or (lambda: None)
        try:
            # each batch runs in its own savepoint: no outer one, the batches commit
            finished = self._job_run_batches(budget, max_batches, commit)
        except (UserError, ImportFileError) as error:
            self._job_fail(str(error.args[0]) if error.args else str(error))
            return
        except psycopg2.errors.TransactionRollbackError:
            raise  # another transaction wrote the same rows: the next run retries
        except Exception as error:  # ends the job, never silently
            _logger.exception("background import %s failed", self.id)
            self._job_fail(
                self.env._("The import stopped on an error: %(error)s", error=error)
            )
            return
        if finished:
            self._job_phase_end()

    def _job_run_batches(self, budget, max_batches, commit):
        """Process batches; True when the file's end is reached.

        The file is read from where the last committed batch stopped: still
        open in this process when the previous call left it there, else
        decoded again and its rows done skipped."""
        opened = self._job_take_open_file()
        # a wizard in memory only: its file is not written again at every call
        wizard = self._job_wizard(new=True, with_file=not opened)
        wizard._import_check_access()
        if opened:
            table, rows_iter, seen = opened.table, opened.rows, opened.seen
        else:
            table = wizard._import_open()
            rows_iter = iter(table.rows)
            deque(islice(rows_iter, self.next_row), maxlen=0)
            seen = self._job_read_keys()
        keep = False
        try:
            # the mapping the wizard fixed when the job started (its options)
            header_map = wizard._import_map_headers(table)
            refused = wizard._import_refuse_columns(header_map, table.headers)
            context = wizard._import_prepare(header_map)
            context["dry_run"] = self.phase == "check"
            context["_seen_keys"] = seen
            stored = [len(seen)]
            if self.state == "queued":
                self.write({"state": "running"})
            batches = 0
            first = wizard._import_job_batch_size
            size = first
            if budget:  # at the speed the last committed batch went
                rate = (self.run_state or {}).get("rate")
                size = budget.batch_size(rate, first, wizard._import_job_batch_max)
            while chunk := list(islice(rows_iter, size)):
                if budget:
                    budget.start_batch()
                result = ImportResult()
                with self.env.cr.savepoint() as savepoint:
                    rows = wizard._import_parse_chunk(
                        chunk, header_map, context, result
                    )
                    wizard._import_check_duplicates(rows, context)
                    wizard._import_match([r for r in rows if not r.errors], context)
                    wizard._import_apply_batch(rows, context)
                    result.add(rows)
                    if self.phase == "check":
                        self.env.flush_all()
                        savepoint.rollback()
                        self.env.invalidate_all()
                rate = None
                if budget:
                    rate = len(chunk) / max(budget.end_batch(), 0.001)
                    size = budget.batch_size(rate, first, wizard._import_job_batch_max)
                self._job_add(
                    wizard, result, len(chunk), context, header_map, table, rate
                )
                self._job_write_keys(context["_seen_keys"], stored)
                self.refused_columns = "\n".join(refused)
                self.env.invalidate_all()
                commit()
                self._job_notify_progress()
                batches += 1
                if (max_batches and batches >= max_batches) or (
                    budget and not budget.room()
                ):
                    # the next run finds the end, if this was the last batch
                    keep = True
                    return False
            return True
        finally:
            if keep:
                self._job_keep_open_file(table, rows_iter, seen)
            else:
                table.close()

    def _job_take_open_file(self):
        """The file this process left open at this job's last committed batch,
        or None (another process went on, another job, a rolled back batch)."""
        with _open_file_lock:
            opened, _open_file[0] = _open_file[0], None
        if opened and opened.matches(self):
            return opened
        if opened:
            opened.table.close()
        return None

    def _job_keep_open_file(self, table, rows, seen):
        """Keep the file open where the batch just committed stopped."""
        opened = _OpenFile(
            self.env.cr.dbname,
            self.id,
            self.checksum,
            self.phase,
            self.next_row,
            table,
            rows,
            seen,
        )
        with _open_file_lock:
            previous, _open_file[0] = _open_file[0], opened
        if previous:
            previous.table.close()

    def _job_add(self, wizard, result, consumed, context, header_map, table, rate):
        """Add a batch's outcome to the job (committed with it), and the rows
        per second it went at (the next call's first batch is sized by it)."""
        state = dict(self.run_state or {})
        if rate:
            state["rate"] = rate
        failed = state.get("failed", [])
        for row in result.failed:
            failed.append(
                [
                    row.number,
                    [str(c) if c is not None else "" for c in row.cells],
                    [
                        [
                            wizard._import_column_title(
                                column, header_map, table.headers
                            ),
                            message,
                        ]
                        for column, message in row.errors
                    ],
                ]
            )
        state["failed"] = failed
        state["record_ranges"] = _add_ranges(
            state.get("record_ranges", []), result.record_ids
        )
        state["headers"] = [str(h) if h is not None else "" for h in table.headers]
        state["sheet"] = table.sheet
        self.write(
            {
                "run_state": state,
                "next_row": self.next_row + consumed,
                "progress_done": self.next_row + consumed,
                "create_count": self.create_count + result.created,
                "update_count": self.update_count + result.updated,
                "unchanged_count": self.unchanged_count + result.unchanged,
                "error_count": len(failed),
                "sample_count": self.sample_count + result.samples,
                "sheet_info": self.env._(
                    "Sheet %(sheet)s, header on row %(row)s",
                    sheet=table.sheet,
                    row=table.header_row,
                ),
                "unknown_columns": ", ".join(header_map.unknown),
            }
        )

    def _job_read_keys(self):
        self.env["partner.segment.import.job.key"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s, %s FROM %s WHERE %s = %s",
                SQL.identifier("column"),
                SQL.identifier("key"),
                SQL.identifier("row_number"),
                SQL.identifier("partner_segment_import_job_key"),
                SQL.identifier("job_id"),
                self.id,
            )
        )
        return {(column, key): row for column, key, row in self.env.cr.fetchall()}

    def _job_write_keys(self, seen, stored):
        """Store the keys the batch added to ``seen``, whose first ``stored[0]``
        are stored (a dict keeps its order of insertion)."""
        new = list(islice(seen, stored[0], None))
        if not new:
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (job_id, %s, %s, row_number) "
                "SELECT %s, unnest(%s::varchar[]), unnest(%s::varchar[]), "
                "unnest(%s::int[])",
                SQL.identifier("partner_segment_import_job_key"),
                SQL.identifier("column"),
                SQL.identifier("key"),
                self.id,
                [c for c, _k in new],
                [str(k) for _c, k in new],
                [seen[key] for key in new],
            )
        )
        stored[0] = len(seen)

    def _job_clear_keys(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE job_id = %s",
                SQL.identifier("partner_segment_import_job_key"),
                self.id,
            )
        )

    def _job_phase_end(self):
        """After the check: the write phase of an all-or-nothing import whose
        rows all passed; otherwise the job is done."""
        self._job_clear_keys()
        if self.phase == "check" and not self.dry_run and not self.error_count:
            self.write(
                {
                    "phase": "write",
                    "next_row": 0,
                    "progress_done": 0,
                    "run_state": {},
                    "create_count": 0,
                    "update_count": 0,
                    "unchanged_count": 0,
                    "sample_count": 0,
                }
            )
            return
        self._job_store_errors()
        self.write({"state": "done", "written": self.phase == "write"})
        self._job_notify_end()

    def _job_store_errors(self):
        state = self.run_state or {}
        failed = state.get("failed", [])
        self.error_ids.unlink()
        self.env["partner.segment.import.error"].create(
            [
                {
                    "res_model": self._name,
                    "res_id": self.id,
                    "row_number": number,
                    "column": column,
                    "message": message,
                }
                for number, _cells, errors in failed[:MAX_ERROR_LINES]
                for column, message in errors
            ]
        )
        if not failed:
            return
        content = write_error_workbook(
            state.get("headers", []),
            (
                (n, cells, "; ".join(m for _c, m in errors))
                for n, cells, errors in failed
            ),
            "原行号 Row",
            "错误 Error",
            state.get("sheet") or "Errors",
        )
        stem = (self.filename or "import").rsplit(".", 1)[0]
        self.write(
            {
                "error_file": base64.b64encode(content),
                "error_filename": f"{stem}-errors.xlsx",
            }
        )

    def _job_fail(self, message):
        self.write({"state": "failed", "error_message": message})
        self._job_notify_end()

    # ------------------------------------------------------------ helpers
    def _job_record_ids(self):
        """The records the committed batches created or updated."""
        state = self.run_state or {}
        return state.get("records", []) + [
            record_id
            for first, last in state.get("record_ranges", [])
            for record_id in range(first, last + 1)
        ]

    def _job_wizard(self, new=False, with_file=True):
        """A wizard of the job's kind, as the user who started it: transient,
        or ``new`` (in memory only, never written); ``with_file`` False leaves
        the file out (it is already open)."""
        env = self.env(
            user=self.user_id.id,
            su=False,
            context=dict(
                self.env.context,
                allowed_company_ids=[self.company_id.id],
                lang=self.user_id.lang,
            ),
        )
        vals = {
            "filename": self.filename,
            "policy": self.policy,
            **(self.options or {}),
        }
        if with_file:
            vals["file"] = self.file
        if self.state == "done" and self.written:
            vals["result_record_ids"] = self._job_record_ids()
        if new:
            return env[self.res_model].new(vals)
        return env[self.res_model].create(vals)

    _job_progress_channel = "partner_segment_import_progress"

    def _job_progress_payload(self):
        return {**super()._job_progress_payload(), "phase": self.phase}

    def _job_notify_end(self):
        """A message in the user's inbox with a link to the result, and a toast;
        the form reads the end."""
        if self.state == "failed":
            body = self.env._(
                "The import of %(filename)s failed: %(error)s",
                filename=self.filename,
                error=self.error_message,
            )
        elif self.dry_run:
            body = self.env._(
                "The test of %(filename)s has ended: %(errors)s row(s) with errors.",
                filename=self.filename,
                errors=self.error_count,
            )
        else:
            body = self.env._(
                "The import of %(filename)s has ended: %(created)s created, "
                "%(updated)s updated, %(errors)s row(s) with errors.",
                filename=self.filename,
                created=self.create_count,
                updated=self.update_count,
                errors=self.error_count,
            )
        self._job_post_end(
            body, self.env._("Background import"), self.state == "failed"
        )
