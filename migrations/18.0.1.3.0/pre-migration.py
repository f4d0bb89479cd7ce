"""Policy proposals lose their log columns (18.0.1.3.0).

``partner.segment.policy.proposal`` no longer keeps ``create_uid``,
``write_uid``, ``create_date`` and ``write_date``: at 100,000 customers a
proposal run inserts about 189,000 rows, and PostgreSQL checks each foreign key
row by row.  What they told is kept in the new columns:

- ``proposed_on``: the row's creation date;
- ``decided_by_id`` and ``decided_on``: who applied or rejected it, and when
  (the last writer of a proposal that is no longer open).

The old columns are dropped, their foreign keys with them: the ORM no longer
knows them and would leave them (and their checks) in place.
"""

from odoo.tools.sql import column_exists, create_column

TABLE = "partner_segment_policy_proposal"


def migrate(cr, version):
    if not version or not column_exists(cr, TABLE, "create_uid"):
        return
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
    cr.execute(
        f"""
        ALTER TABLE {TABLE}
            DROP COLUMN create_uid,
            DROP COLUMN write_uid,
            DROP COLUMN create_date,
            DROP COLUMN write_date
        """
    )
