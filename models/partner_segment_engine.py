import contextlib
import logging
import time

from psycopg2 import errors as pg_errors
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine.behaviour import Aggregates, classify, window_start

_logger = logging.getLogger(__name__)

# Inputs written with the classes: engine aggregate attribute -> partner field
INPUT_FIELDS = {
    "revenue": "segment_revenue",
    "invoice_count": "segment_invoice_count",
    "first_date": "segment_first_invoice_date",
    "last_date": "segment_last_invoice_date",
    "overdue_days": "segment_overdue_days",
    "overdue_amount": "segment_overdue_amount",
}
ADVISORY_LOCK_KEY = 47542017  # pg advisory lock namespace of the classification runs
# a batch whose rows a user changed while the engine wrote them is written again
BATCH_ATTEMPTS = 5
CONCURRENT_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)


class CompanyBusy(UserError):
    """Another classification run holds the company: it will finish the work."""


class PartnerSegmentEngine(models.AbstractModel):
    """Invoices -> aggregates -> classes -> grouped writes, for one company.

    The cron, the Reclassify button and the import all go through
    :meth:`_reclassify`: one method reads the aggregates with grouped queries,
    the plain-Python engine classifies, one method writes what changed.
    """

    _name = "partner.segment.engine"
    _description = "Customer Classification Engine"

    _batch_size = 5000

    # ------------------------------------------------------------ entry points
    @api.model
    def _cron_reclassify(self):
        """Scheduled action: every company, recently changed customers first.

        A company that fails is rolled back to its last committed batch, logged
        with its cause, and the other companies go on.  The job then fails as a
        whole (after committing the others, with no work left to report), so
        that ``ir.cron`` counts the failure and deactivates a job that keeps
        failing, instead of rerunning it at once as a job that made progress.

        With OCA queue_job installed, it only enqueues one job per company
        (``_queue_enqueue_companies``), which its runner spreads over the
        workers and servers.
        """
        if self._queue_available():
            self._queue_enqueue_companies()
            return
        companies = self.env["res.company"].search([])
        failed = self.env["res.company"]
        for company in companies:
            try:
                with self._company_transaction():
                    self.with_company(company)._cron_reclassify_company(company)
            except CompanyBusy as error:
                _logger.info(
                    "partner_segment: company %s skipped: %s", company.id, error
                )
            except Exception:
                _logger.exception(
                    "partner_segment: classifying the customers of company %s (%s) "
                    "failed; the other companies go on",
                    company.id,
                    company.name,
                )
                failed |= company
            self._commit()
        if failed:
            self.env["ir.cron"]._notify_progress(
                done=len(companies) - len(failed), remaining=0
            )
            self._commit()
            raise UserError(
                self.env._(
                    "Customers of %(companies)s could not be classified; the other "
                    "companies were. The server log gives the cause.",
                    companies=", ".join(failed.mapped("name")),
                )
            )

    @api.model
    def _cron_reclassify_company(self, company, as_of=None):
        """One company's daily run: one read of its aggregates, touched customers first.
        :return: number of partners written"""
        touched = set()
        if company.segment_last_run:
            touched = self._touched_partner_ids(company, company.segment_last_run)
        written = self._reclassify(
            company, as_of=as_of, source="cron", commit=True, first_ids=touched
        )
        self.env["partner.segment.followup.rule"]._run_periodic(company)
        if company.segment_policy_propose_daily:
            self.env["partner.segment.policy"]._propose_daily(company)
        return written

    @api.model
    def _queue_available(self):
        """Whether OCA queue_job runs the background work (partner_segment_queue.py)."""
        return False

    @contextlib.contextmanager
    def _company_transaction(self):
        """Undo what a failing company did since its last committed batch.

        The scheduled action commits after each batch, so a savepoint cannot
        span a company; in tests, where nothing is committed, it can.
        """
        if modules.module.current_test:
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
        except Exception:
            self.env.cr.rollback()
            raise

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("partner_segment.partner_segment_group_manager"):
            raise AccessError(
                self.env._("Only Customer Segments managers may reclassify customers.")
            )

    @api.model
    def _reclassify_incremental(self, company, as_of=None, commit=False):
        """First pass of the daily run: customers whose invoices changed since the last run.

        They see their new classes within seconds; the full pass that follows
        ages the windows of everyone else.
        """
        if not company.segment_last_run:
            return 0
        touched = self._touched_partner_ids(company, company.segment_last_run)
        if not touched:
            return 0
        return self._reclassify(
            company,
            partners=self.env["res.partner"].browse(sorted(touched)),
            as_of=as_of,
            commit=commit,
        )

    @api.model
    def _reclassify(
        self,
        company,
        partners=None,
        as_of=None,
        source="cron",
        commit=False,
        first_ids=None,
        on_batch=None,
    ):
        """Classify the customers of ``company`` (all, or ``partners``) as of ``as_of``.

        Value tiers and RFM means are company-wide, so the aggregates are always
        read for every customer of the company; only the partners whose values
        changed are written.  ``first_ids`` are written in the first batches
        (the customers whose invoices changed since the last run).  With
        ``commit``, each batch is committed and the cron progress updated: a run
        that stops half-way keeps its batches, and the next run finds nothing
        to write for them and goes on.  The batch size can be lowered with the
        ``segment_batch_size`` context key.  ``on_batch(batch, written)`` is
        called after each batch (committed, with ``commit``) with its partner
        ids and how many of them were written; when it returns False the run
        stops there (a background job resumes it later).
        :return: number of partners written
        """
        company = company.sudo()
        as_of = as_of or fields.Date.context_today(self)
        started = fields.Datetime.now()
        self._lock_company(company)
        rules = company._get_segment_rules()
        aggregates = self._read_aggregates(company, as_of, rules)
        classes = self.with_company(company)._classify(aggregates, as_of, rules)
        if partners is None:
            # every customer, and those classified before that lost their invoices
            targets = set(aggregates) | self._classified_partner_ids(company)
        else:
            targets = set(partners.exists().ids)
        if source == "manual" and not targets:
            raise UserError(
                self.env._(
                    "%(company)s has no posted customer invoice yet: there is nothing "
                    "to classify customers from.",
                    company=company.name,
                )
            )
        first = sorted(targets & set(first_ids or ()))
        ordered = first + sorted(targets.difference(first))
        batch_size = self.env.context.get("segment_batch_size") or self._batch_size
        if commit:
            self._commit()  # each batch in a transaction of its own, started below
        written = done = 0
        stopped = False
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start : start + batch_size]
            done += len(batch)
            args = (company, batch, aggregates, classes, as_of, source)
            if commit:
                batch_written = self._write_batch_committed(
                    *args, done=done, remaining=len(ordered) - done
                )
            else:
                batch_written = self._write_batch(*args)
            written += batch_written
            if on_batch is not None and on_batch(batch, batch_written) is False:
                stopped = True
                break
        if partners is None and not stopped:
            company.segment_last_run = started
        _logger.info(
            "partner_segment: company %s classified as of %s: %d customers, %d written",
            company.id,
            as_of,
            len(ordered),
            written,
        )
        return written

    @api.model
    def _write_batch_committed(self, company, *args, done, remaining):
        """Write a batch in a transaction of its own, report progress and commit.

        The transaction is read committed: the batch locks the partners it
        writes and reads them again, so it sees every change a user committed
        before, and a change in progress waits for the batch (and is retried
        by Odoo like any concurrent update).  Where the isolation level cannot
        be changed (or on a deadlock with a user's transaction), a conflict
        rolls the batch back and writes it again from the rows as they are.
        """
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                self._begin_batch_transaction(company)
                written = self._write_batch(company, *args)
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                self._commit()
            except CONCURRENT_ERRORS as error:
                if attempt == BATCH_ATTEMPTS or modules.module.current_test:
                    raise
                _logger.info(
                    "partner_segment: company %s: rows changed while written (%s), "
                    "writing the batch again",
                    company.id,
                    error.pgcode,
                )
                self.env.cr.rollback()
                time.sleep(0.1 * attempt)
                continue
            return written
        return 0  # unreachable: the last attempt returns or raises

    @api.model
    def _begin_batch_transaction(self, company):
        """Start a batch's transaction: read committed when it is new, the company held.

        Odoo's transactions are repeatable read: a row a user changed after
        the batch's first statement could only make the batch fail.
        """
        cr = self.env.cr
        if (
            not modules.module.current_test
            and cr._cnx.info.transaction_status == TRANSACTION_STATUS_IDLE
        ):
            cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
        self._lock_company(company)

    # ------------------------------------------------------------ reading
    @api.model
    def _read_aggregates(self, company, as_of, rules):
        """{commercial partner id: Aggregates} for every customer of ``company``."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        aggregates = {}
        for (
            pid,
            revenue,
            count,
            first,
            last,
            invoice_amount,
            refund_count,
        ) in self._query_invoice_totals(company, as_of, rules):
            aggregates[pid] = Aggregates(
                revenue=revenue or 0.0,
                invoice_count=count,
                first_date=first,
                last_date=last,
                invoice_amount=invoice_amount or 0.0,
                refund_count=refund_count,
            )
        if self.env.context.get("segment_without_receivables"):
            # a preview of a dimension that reads no receivable (nothing written)
            self.env["partner.segment.dimension"]._read_custom_aggregates(
                company, as_of, rules, aggregates
            )
            return aggregates
        for pid, overdue_days, overdue_amount, open_amount in self._query_receivables(
            company, as_of
        ):
            agg = aggregates.get(pid)
            if agg is not None:
                agg.overdue_days = overdue_days or 0
                agg.overdue_amount = overdue_amount or 0.0
                agg.open_receivable = open_amount or 0.0
        for pid, limit in self._query_credit_limits(company, list(aggregates)):
            aggregates[pid].credit_limit = limit
        self.env["partner.segment.dimension"]._read_custom_aggregates(
            company, as_of, rules, aggregates
        )
        return aggregates

    @api.model
    def _query_invoice_totals(self, company, as_of, rules):
        self.env.cr.execute(
            SQL(
                """
                SELECT m.commercial_partner_id,
                       SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(start)s),
                       COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                                          AND m.invoice_date > %(start)s),
                       MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice'),
                       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice'),
                       SUM(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_invoice'
                                                              AND m.invoice_date > %(start)s),
                       COUNT(*) FILTER (WHERE m.move_type = 'out_refund'
                                          AND m.invoice_date > %(start)s)
                  FROM account_move m
                 WHERE m.company_id = %(company)s
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date <= %(as_of)s
                   AND m.commercial_partner_id IS NOT NULL
              GROUP BY m.commercial_partner_id
                HAVING COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') > 0
                """,
                start=window_start(as_of, rules),
                company=company.id,
                as_of=as_of,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _receivables_query(self, company, as_of, partner_ids=None):
        """SQL of the open receivables per customer (commercial partner) of ``company``.

        Columns: partner_id, overdue_days (oldest past-due open debit, as of
        ``as_of``), overdue_amount, open_amount (all open items, credits
        included), in company currency.  The engine and the reports use it.
        """
        self.env["account.move.line"].flush_model()
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND COALESCE(p.commercial_partner_id, l.partner_id) = ANY(%s)",
                list(partner_ids),
            )
        return SQL(
            """
            SELECT COALESCE(p.commercial_partner_id, l.partner_id) AS partner_id,
                   MAX(%(as_of)s - l.date_maturity)
                       FILTER (WHERE l.date_maturity < %(as_of)s AND l.amount_residual > 0)
                       AS overdue_days,
                   SUM(l.amount_residual)
                       FILTER (WHERE l.date_maturity < %(as_of)s AND l.amount_residual > 0)
                       AS overdue_amount,
                   SUM(l.amount_residual) AS open_amount
              FROM account_move_line l
              JOIN res_partner p ON p.id = l.partner_id
              JOIN account_account a ON a.id = l.account_id
             WHERE l.company_id = %(company)s
               AND l.parent_state = 'posted'
               AND a.account_type = 'asset_receivable'
               AND NOT l.reconciled
               AND l.amount_residual != 0
               %(partner_filter)s
          GROUP BY 1
            """,
            as_of=as_of,
            company=company.id,
            partner_filter=partner_filter,
        )

    @api.model
    def _query_receivables(self, company, as_of):
        """(partner id, overdue days, overdue amount, open amount) of every customer."""
        self.env.cr.execute(self._receivables_query(company, as_of))
        return self.env.cr.fetchall()

    @api.model
    def _query_credit_limits(self, company, partner_ids):
        """Credit limits in use: (partner id, limit) where the company uses limits."""
        if not company.account_use_credit_limit or not partner_ids:
            return []
        Partner = self.env["res.partner"].with_company(company)
        default = Partner._fields["credit_limit"].get_company_dependent_fallback(
            Partner
        )
        self.env["res.partner"].flush_model(["credit_limit"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, COALESCE((credit_limit ->> %(company)s)::float, %(default)s)
                  FROM res_partner
                 WHERE id = ANY(%(ids)s)
                """,
                company=str(company.id),
                default=default or 0.0,
                ids=partner_ids,
            )
        )
        return [
            (pid, limit) for pid, limit in self.env.cr.fetchall() if limit and limit > 0
        ]

    @api.model
    def _engine_dimensions(self):
        """The dimensions the engine writes: the per-company ones (company-dependent
        fields not computed by the ORM).  A plain stored dimension that a module
        registers without a compute is written by hand or by the import only."""
        Partner = self.env["res.partner"]
        Dimension = self.env["partner.segment.dimension"]
        active = Dimension._active_field_keys()
        return [
            d
            for d in Partner._segment_written_dimensions()
            if Partner._fields[d].company_dependent
            # a user dimension archived by another worker stays registered here
            # until this registry reloads: it is never written while archived
            and (not Dimension._is_field_key(d) or d in active)
        ]

    @api.model
    def _stored_field_names(self):
        Partner = self.env["res.partner"]
        names = list(INPUT_FIELDS.values())
        for dimension in self._engine_dimensions():
            computed, _manual, locked = Partner._segment_field_names(dimension)
            names += [dimension, computed, locked]
        return names

    @api.model
    def _read_stored(self, company, partner_ids):
        """{partner id: {field: value}} of what is stored for ``company``.

        Values are cast in SQL, so they arrive typed.
        """
        Partner = self.env["res.partner"]
        names = self._stored_field_names()
        Partner.flush_model(names)
        key = str(company.id)
        casts = {
            "boolean": "boolean",
            "date": "date",
            "float": "float",
            "integer": "int",
        }

        def column(name):
            cast = casts.get(Partner._fields[name].type)
            value = SQL("(%s ->> %s)", SQL.identifier(name), key)
            return SQL("%s::%s", value, SQL(cast)) if cast else value

        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
                SQL(", ").join(column(name) for name in names),
                list(partner_ids),
            )
        )
        return {
            row[0]: dict(zip(names, row[1:], strict=True))
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _classified_partner_ids(self, company):
        """Partners the engine ever classified in ``company``."""
        self.env["res.partner"].flush_model(["segment_classified_on"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE segment_classified_on ? %s",
                str(company.id),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _touched_partner_ids(self, company, since):
        """Customers with invoices posted, cancelled or paid since ``since``."""
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT commercial_partner_id
                  FROM account_move
                 WHERE company_id = %s AND write_date >= %s
                   AND move_type IN ('out_invoice', 'out_refund')
                   AND commercial_partner_id IS NOT NULL
                """,
                company.id,
                since,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    # ------------------------------------------------------------ classifying
    @api.model
    def _classify(self, aggregates, as_of, rules):
        """Hook: {partner id: {dimension: class}}; extend to add a dimension.

        The company classified is the environment's (``_reclassify`` sets it);
        the user-defined dimensions of that company are classified here too,
        after the built-in ones, whose classes of this run their conditions read.
        """
        result = classify(aggregates, as_of, rules)
        custom = self.env["partner.segment.dimension"]._classify_custom(
            self.env.company, aggregates, as_of, classes=result
        )
        for key, classes in custom.items():
            for pid, values in result.items():
                values[key] = classes.get(pid)
        return result

    # ------------------------------------------------------------ writing
    @api.model
    def _write_batch(self, company, partner_ids, aggregates, classes, as_of, source):
        """Write what changed for ``partner_ids``; log history; trigger follow-ups.

        The stored values are read here, batch by batch; the partners to write
        are then locked and read again, so that a lock or a manual value set
        while the run goes is seen by the batch that writes it.
        """
        stored = self._read_stored(company, partner_ids)
        rows, _changes = self._get_batch_changes(
            partner_ids, aggregates, classes, stored
        )
        if not rows:
            return 0
        changed_ids = [row[0] for row in rows]
        self._lock_partner_rows(changed_ids)
        stored = self._read_stored(company, changed_ids)
        rows, changes = self._get_batch_changes(
            changed_ids, aggregates, classes, stored
        )
        if not rows:
            return 0
        dimensions = self._engine_dimensions()
        self._store_rows(company, rows, dimensions, as_of)
        # a customer's first class in a dimension is not a move between classes
        self.env["partner.segment.history"].sudo()._log_changes(
            [(pid, company.id, dim, old, new) for pid, dim, old, new in changes if old],
            source,
            date=as_of,
        )
        self.env["partner.segment.followup.rule"].sudo()._apply_to_changes(
            company, changes
        )
        return len(rows)

    @api.model
    def _get_batch_changes(self, partner_ids, aggregates, classes, stored):
        """What to write: (rows, changes).

        ``rows``: one per changed partner, id, inputs, then (computed,
        effective) per dimension; ``changes``: (partner id, dimension, old,
        new) of effective values.  A locked dimension keeps its value.
        """
        Partner = self.env["res.partner"]
        dimensions = self._engine_dimensions()
        names = {d: Partner._segment_field_names(d) for d in dimensions}
        empty_classes = dict.fromkeys(dimensions)
        no_aggregates = Aggregates()
        rows, changes = [], []
        for pid in partner_ids:
            old = stored.get(pid) or {}
            new_classes = classes.get(pid, empty_classes)
            agg = aggregates.get(pid, no_aggregates)
            inputs = [getattr(agg, attribute) for attribute in INPUT_FIELDS]
            changed = any(
                (old.get(fname) or None) != (value or None)
                for fname, value in zip(INPUT_FIELDS.values(), inputs, strict=True)
            )
            class_values = []
            for dimension in dimensions:
                computed, _manual, locked = names[dimension]
                value = new_classes.get(dimension)
                effective = old.get(dimension) if old.get(locked) else value
                if old.get(computed) != value:
                    changed = True
                if old.get(dimension) != effective:
                    changed = True
                    changes.append((pid, dimension, old.get(dimension), effective))
                class_values += [value, effective]
            if changed:
                rows.append((pid, *inputs, *class_values))
        return rows, changes

    @api.model
    def _lock_partner_rows(self, partner_ids):
        """Lock the partners a batch writes until it commits (users' changes wait)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id "
                "FOR NO KEY UPDATE",
                partner_ids,
            ),
            log_exceptions=False,  # a concurrent change is retried, not an error
        )

    @api.model
    def _store_rows(self, company, rows, dimensions, as_of):
        """Write the changed partners of a batch with one UPDATE.

        The values are company-dependent (jsonb).  Through the ORM, every
        partner would be one UPDATE per field (it merges each record's dict in
        Python); grouping by value would still rewrite each partner row once per
        field.  One UPDATE joined with the batch's arrays rewrites each changed
        partner once.  Whether a dimension is locked is decided by the row as
        the UPDATE writes it, never by what was read before: a locked
        dimension keeps its effective value.  ``write_date``/``write_uid`` are
        set as by a write, and the cache of these fields and of what depends on
        them is invalidated (stored dependents are marked to recompute).  No
        tracking in this path: the engine logs its own history.
        """
        Partner = self.env["res.partner"]
        sql_types = {"float": "float", "integer": "int", "date": "date"}
        columns = [("id", "int")]
        columns += [
            (fname, sql_types[Partner._fields[fname].type])
            for fname in INPUT_FIELDS.values()
        ]
        effective = {}  # effective field -> its lock field
        for dimension in dimensions:
            computed, _manual, locked = Partner._segment_field_names(dimension)
            columns += [(computed, "varchar"), (dimension, "varchar")]
            effective[dimension] = locked
        fnames = [name for name, _type in columns[1:]]
        Partner.flush_model([*fnames, *effective.values(), "segment_classified_on"])
        key = str(company.id)

        def merged(name):
            return SQL(
                "COALESCE(p.%s, '{}'::jsonb) || jsonb_build_object(%s, v.%s)",
                SQL.identifier(name),
                key,
                SQL.identifier(name),
            )

        def setter(name):
            if name not in effective:
                return SQL("%s = %s", SQL.identifier(name), merged(name))
            return SQL(
                "%s = CASE WHEN COALESCE((p.%s ->> %s)::boolean, FALSE) THEN p.%s "
                "ELSE %s END",
                SQL.identifier(name),
                SQL.identifier(effective[name]),
                key,
                SQL.identifier(name),
                merged(name),
            )

        arrays = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %(setters)s,
                       segment_classified_on = COALESCE(p.segment_classified_on, '{}'::jsonb)
                                               || jsonb_build_object(%(key)s, %(as_of)s::date),
                       write_date = %(now)s,
                       write_uid = %(uid)s
                  FROM unnest(%(arrays)s) AS v(%(names)s)
                 WHERE p.id = v.id
                """,
                setters=SQL(", ").join(setter(name) for name in fnames),
                key=key,
                as_of=as_of,
                now=self.env.cr.now(),
                uid=self.env.uid,
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", list(values), SQL(sql_type))
                    for values, (_name, sql_type) in zip(arrays, columns, strict=True)
                ),
                names=SQL(", ").join(SQL.identifier(name) for name, _type in columns),
            ),
            log_exceptions=False,  # a concurrent change is retried, not an error
        )
        partners = Partner.browse(arrays[0])
        written = [*fnames, "segment_classified_on", "write_date", "write_uid"]
        partners.invalidate_recordset(written)
        partners.modified(written)

    # ------------------------------------------------------------ helpers
    @api.model
    def _lock_company(self, company):
        """Never two classification runs at once for a company.

        A transaction-level advisory lock: released by every commit, so a run
        that commits between batches takes it again after each commit, and a
        run that dies releases it with its transaction.
        """
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                ADVISORY_LOCK_KEY,
                company.id,
            )
        )
        if not self.env.cr.fetchone()[0]:
            raise CompanyBusy(
                self.env._(
                    "The customers of %(company)s are being classified right now; "
                    "try again in a few minutes.",
                    company=company.name,
                )
            )

    @api.model
    def _commit(self):
        """Commit between batches of the scheduled action (never in tests)."""
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit
