"""Policy proposals with fewer foreign keys (18.0.1.3.0).

At 100,000 customers a proposal run inserts about 189,000 rows into
``partner_segment_policy_proposal``, and PostgreSQL checks every foreign key of
every row, empty or not: the checks cost the run more than all the rest.

- The log columns go (``create_uid``, ``write_uid``, ``create_date``,
  ``write_date``); what they told is kept in ``proposed_on`` (the creation
  date) and, for a proposal applied or rejected, ``decided_by_id`` and
  ``decided_on`` (its last writer and write date).
- The term and pricelist, current and proposed (four many2one columns, at most
  two of them filled on a row), become ``current_record_id`` and
  ``proposed_record_id``, ids of the model of the row's field.

The old columns are dropped with their foreign keys: the ORM no longer knows
them and would leave them, and their checks, in place.
"""

from odoo.tools.sql import column_exists, create_column

TABLE = "partner_segment_policy_proposal"
LOG_COLUMNS = ("create_uid", "write_uid", "create_date", "write_date")
RECORD_COLUMNS = {
    "payment_term": ("current_payment_term_id", "proposed_payment_term_id"),
    "pricelist": ("current_pricelist_id", "proposed_pricelist_id"),
}


def migrate(cr, version):
    if not version:
        return
    if column_exists(cr, TABLE, "create_uid"):
        _move_log_columns(cr)
    if column_exists(cr, TABLE, "current_payment_term_id"):
        _move_record_columns(cr)


def _move_log_columns(cr):
    create_column(cr, TABLE, "proposed_on", "timestamp")
    create_column(cr, TABLE, "decided_by_id", "int4")
    create_column(cr, TABLE, "decided_on", "timestamp")
    cr.execute(
        f"""
        UPDATE {TABLE}
           SET proposed_on = create_date,
               decided_by_id = CASE WHEN state != 'proposed' THEN write_uid END,
               decided_on = CASE WHEN state != 'proposed' THEN write_date END
        """
    )
    _drop(cr, LOG_COLUMNS)


def _move_record_columns(cr):
    create_column(cr, TABLE, "current_record_id", "int4")
    create_column(cr, TABLE, "proposed_record_id", "int4")
    for target, (current, proposed) in RECORD_COLUMNS.items():
        cr.execute(
            f"""
            UPDATE {TABLE}
               SET current_record_id = {current},
                   proposed_record_id = {proposed}
             WHERE target = %s
            """,
            [target],
        )
    _drop(cr, [column for pair in RECORD_COLUMNS.values() for column in pair])


def _drop(cr, columns):
    cr.execute(
        f"ALTER TABLE {TABLE} "
        + ", ".join(f"DROP COLUMN IF EXISTS {column}" for column in columns)
    )
