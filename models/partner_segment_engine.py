import logging

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
        """Scheduled action: every company, recently changed customers first."""
        companies = self.env["res.company"].search([])
        for company in companies:
            try:
                self.with_company(company)._reclassify(
                    company, source="cron", commit=True, incremental_first=True
                )
            except UserError as error:  # another run holds the company: it will finish
                _logger.info(
                    "partner_segment: company %s skipped: %s", company.id, error
                )
                continue
            self.env["partner.segment.followup.rule"]._run_periodic(company)
            self._commit()

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("partner_segment.partner_segment_group_manager"):
            raise AccessError(
                self.env._("Only Customer Segments managers may reclassify customers.")
            )

    @api.model
    def _reclassify(
        self,
        company,
        partners=None,
        as_of=None,
        source="cron",
        commit=False,
        incremental_first=False,
    ):
        """Classify the customers of ``company`` (all, or ``partners``) as of ``as_of``.

        Value tiers and RFM means are company-wide, so the aggregates are always
        read for every customer of the company; only the partners whose values
        changed are written.  With ``commit``, each batch is committed and the
        cron progress updated: a run that stops half-way keeps its batches,
        and the next run finds nothing to write for them and goes on.
        :return: number of partners written
        """
        company = company.sudo()
        as_of = as_of or fields.Date.context_today(self)
        started = fields.Datetime.now()
        self._lock_company(company)
        rules = company._get_segment_rules()
        aggregates = self._read_aggregates(company, as_of, rules)
        classes = self._classify(aggregates, as_of, rules)
        stored = self._read_stored(company)
        if source == "manual" and not (aggregates or stored):
            raise UserError(
                self.env._(
                    "%(company)s has no posted customer invoice yet: there is nothing "
                    "to classify customers from.",
                    company=company.name,
                )
            )
        targets = set(aggregates) | set(stored)
        if partners is not None:
            targets &= set(partners.ids)
        ordered = sorted(targets)
        if incremental_first and company.segment_last_run:
            touched = self._touched_partner_ids(company, company.segment_last_run)
            ordered = sorted(targets & touched) + sorted(targets - touched)
        written = done = 0
        for start in range(0, len(ordered), self._batch_size):
            batch = ordered[start : start + self._batch_size]
            written += self._write_batch(
                company, batch, aggregates, classes, stored, as_of, source
            )
            done += len(batch)
            if commit:
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=len(ordered) - done
                )
                self._commit()
                self._lock_company(company)
        if partners is None:
            company.segment_last_run = started
        _logger.info(
            "partner_segment: company %s classified as of %s: %d customers, %d written",
            company.id,
            as_of,
            len(ordered),
            written,
        )
        return written

    # ------------------------------------------------------------ reading
    @api.model
    def _read_aggregates(self, company, as_of, rules):
        """{commercial partner id: Aggregates} for every customer of ``company``."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        aggregates = {}
        for pid, revenue, count, first, last in self._query_invoice_totals(
            company, as_of, rules
        ):
            aggregates[pid] = Aggregates(
                revenue=revenue or 0.0,
                invoice_count=count,
                first_date=first,
                last_date=last,
            )
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
                       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
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
    def _query_receivables(self, company, as_of):
        """Open receivables per customer: oldest overdue days, overdue and open amounts."""
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(p.commercial_partner_id, l.partner_id),
                       MAX(%(as_of)s - l.date_maturity)
                           FILTER (WHERE l.date_maturity < %(as_of)s AND l.amount_residual > 0),
                       SUM(l.amount_residual)
                           FILTER (WHERE l.date_maturity < %(as_of)s AND l.amount_residual > 0),
                       SUM(l.amount_residual)
                  FROM account_move_line l
                  JOIN res_partner p ON p.id = l.partner_id
                  JOIN account_account a ON a.id = l.account_id
                 WHERE l.company_id = %(company)s
                   AND l.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND NOT l.reconciled
                   AND l.amount_residual != 0
              GROUP BY 1
                """,
                as_of=as_of,
                company=company.id,
            )
        )
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
    def _stored_field_names(self):
        Partner = self.env["res.partner"]
        names = list(INPUT_FIELDS.values())
        for dimension in Partner._segment_written_dimensions():
            computed, _manual, locked = Partner._segment_field_names(dimension)
            names += [dimension, computed, locked]
        return names

    @api.model
    def _read_stored(self, company):
        """{partner id: {field: value}} of partners that hold values for ``company``."""
        names = self._stored_field_names()
        self.env["res.partner"].flush_model(names)
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE %s",
                SQL(", ").join(SQL("%s ->> %s", SQL.identifier(n), key) for n in names),
                SQL(" OR ").join(SQL("%s ? %s", SQL.identifier(n), key) for n in names),
            )
        )
        converters = self._stored_converters(names)
        return {
            row[0]: {
                n: conv(v)
                for n, conv, v in zip(names, converters, row[1:], strict=True)
            }
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _stored_converters(self, names):
        Partner = self.env["res.partner"]

        def to_bool(value):
            return value == "true"

        def to_date(value):
            return fields.Date.to_date(value) if value else None

        def to_float(value):
            return float(value) if value is not None else 0.0

        def to_int(value):
            return int(value) if value is not None else 0

        def to_str(value):
            return value or None

        by_type = {
            "boolean": to_bool,
            "date": to_date,
            "float": to_float,
            "integer": to_int,
        }
        return [by_type.get(Partner._fields[n].type, to_str) for n in names]

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
        """Hook: {partner id: {dimension: class}}; extend to add a dimension."""
        return classify(aggregates, as_of, rules)

    # ------------------------------------------------------------ writing
    @api.model
    def _write_batch(
        self, company, partner_ids, aggregates, classes, stored, as_of, source
    ):
        """Write what changed for ``partner_ids``; log history; trigger follow-ups."""
        Partner = self.env["res.partner"]
        dimensions = Partner._segment_written_dimensions()
        empty_classes = dict.fromkeys(dimensions)
        no_aggregates = Aggregates()
        groups = {}  # (field, value) -> [partner ids]
        input_rows = []  # (id, revenue, count, first, last, overdue days, amount)
        changes = []  # (partner id, dimension, old, new) of effective values
        for pid in partner_ids:
            old = stored.get(pid) or {}
            new_classes = classes.get(pid, empty_classes)
            agg = aggregates.get(pid, no_aggregates)
            new_inputs = {f: getattr(agg, a) for a, f in INPUT_FIELDS.items()}
            if any((old.get(f) or None) != (v or None) for f, v in new_inputs.items()):
                input_rows.append((pid, *new_inputs.values()))
            for dimension in dimensions:
                computed, _manual, locked = Partner._segment_field_names(dimension)
                value = new_classes.get(dimension)
                if old.get(computed) != value:
                    groups.setdefault((computed, value), []).append(pid)
                if not old.get(locked) and old.get(dimension) != value:
                    groups.setdefault((dimension, value), []).append(pid)
                    changes.append((pid, dimension, old.get(dimension), value))
        if not (groups or input_rows):
            return 0
        writer = (
            Partner.sudo()
            .with_company(company)
            .with_context(segment_engine=True, tracking_disable=True)
        )
        for (fname, value), ids in groups.items():
            writer.browse(ids).write({fname: value or False})
        self._store_inputs(company, input_rows, as_of)
        self.env["partner.segment.history"].sudo()._log_changes(
            [(pid, company.id, dim, old, new) for pid, dim, old, new in changes],
            source,
            date=as_of,
        )
        self.env["partner.segment.followup.rule"].sudo()._apply_to_changes(
            company, changes
        )
        return len(
            {pid for (_f, _v), ids in groups.items() for pid in ids}
            | {r[0] for r in input_rows}
        )

    @api.model
    def _store_inputs(self, company, rows, as_of):
        """Store the per-customer numbers (all different) with one UPDATE.

        Class values are written through the ORM in groups; these inputs differ
        for every customer, so grouped ORM writes would be one UPDATE per
        partner.  They have no dependent stored field and no tracking.
        """
        if not rows:
            return
        names = list(INPUT_FIELDS.values())
        self.env["res.partner"].flush_model([*names, "segment_classified_on"])
        key = str(company.id)
        columns = list(zip(*rows, strict=True))

        def setter(fname, column):
            return SQL(
                "%s = COALESCE(p.%s, '{}'::jsonb) || jsonb_build_object(%s, v.%s)",
                SQL.identifier(fname),
                SQL.identifier(fname),
                key,
                SQL.identifier(column),
            )

        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %(setters)s,
                       segment_classified_on = COALESCE(p.segment_classified_on, '{}'::jsonb)
                                               || jsonb_build_object(%(key)s, %(as_of)s::date)
                  FROM unnest(%(ids)s::int[], %(revenue)s::float[], %(count)s::int[],
                              %(first)s::date[], %(last)s::date[], %(days)s::int[],
                              %(amount)s::float[])
                       AS v(id, revenue, invoice_count, first_date, last_date, overdue_days,
                            overdue_amount)
                 WHERE p.id = v.id
                """,
                setters=SQL(", ").join(setter(f, a) for a, f in INPUT_FIELDS.items()),
                key=key,
                as_of=as_of,
                ids=list(columns[0]),
                revenue=list(columns[1]),
                count=list(columns[2]),
                first=list(columns[3]),
                last=list(columns[4]),
                days=list(columns[5]),
                amount=list(columns[6]),
            )
        )
        self.env["res.partner"].invalidate_model([*names, "segment_classified_on"])

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
            raise UserError(
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
