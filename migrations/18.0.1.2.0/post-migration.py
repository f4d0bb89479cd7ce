"""Red invoices made before 18.0.1.2.0 get the data of the 2024 rules.

- ``red_channel``: the platform (确认单) for a digital invoice's red invoice,
  for one with a confirmation form state, and for an ordinary invoice's red
  invoice with a form number that is not a 16-digit 信息表编号; tax control
  software (信息表) for the others of a 税控 invoice.
- ``red_initiator`` agrees with the form state: 02 (and 05) the seller, 03
  (and 06) the buyer (the import used to write "seller" on every row).
- ``red_invoice_number``: a platform red invoice whose tax invoice number is
  20 digits carries it as its red invoice number too (once per company).
- ``red_remark`` is recomputed: the wording now follows the channel and the
  platform's print (被红冲蓝字数电票号码：…　红字发票信息确认单编号：…).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

REDS = """
    move_type = 'out_refund'
    AND (reversed_entry_id IS NOT NULL OR red_reason IS NOT NULL)
"""


def migrate(cr, version):
    if not version:
        return
    _set_channels(cr)
    _set_initiators(cr)
    _set_red_numbers(cr)
    _recompute_remarks(cr)


def _set_channels(cr):
    cr.execute(
        f"""
        UPDATE account_move
           SET red_channel = CASE
                 WHEN cn_invoice_kind IN ('digital_special', 'digital_normal')
                   OR red_form_state IS NOT NULL
                   OR (cn_invoice_kind = 'normal' AND red_form_number IS NOT NULL
                       AND red_form_number !~ '^[0-9]{{16}}$')
                 THEN 'platform'
                 ELSE 'tax_control'
               END
         WHERE {REDS}
           AND cn_invoice_kind IS NOT NULL
           AND red_channel IS NULL
        """
    )
    _logger.info("Red invoices: channel set on %s", cr.rowcount)


def _set_initiators(cr):
    cr.execute(
        """
        UPDATE account_move
           SET red_initiator = CASE WHEN red_form_state IN ('02', '05')
                                    THEN 'seller' ELSE 'buyer' END
         WHERE red_form_state IN ('02', '03', '05', '06')
           AND red_initiator IS DISTINCT FROM
               CASE WHEN red_form_state IN ('02', '05') THEN 'seller' ELSE 'buyer' END
        """
    )
    _logger.info("Red invoices: initiator set from the form state on %s", cr.rowcount)


def _set_red_numbers(cr):
    cr.execute(
        f"""
        WITH numbered AS (
            SELECT DISTINCT ON (company_id, cn_invoice_number) id
              FROM account_move
             WHERE {REDS}
               AND red_channel = 'platform'
               AND state != 'cancel'
               AND red_invoice_number IS NULL
               AND cn_invoice_number ~ '^[0-9]{{20}}$'
          ORDER BY company_id, cn_invoice_number, (state = 'posted') DESC, id
        )
        UPDATE account_move move
           SET red_invoice_number = move.cn_invoice_number
          FROM numbered
         WHERE move.id = numbered.id
           AND NOT EXISTS (
                SELECT 1 FROM account_move other
                 WHERE other.company_id = move.company_id
                   AND other.red_invoice_number = move.cn_invoice_number
                   AND other.state != 'cancel'
           )
        """
    )
    _logger.info("Red invoices: red invoice number set on %s", cr.rowcount)


def _recompute_remarks(cr):
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    cr.execute(f"SELECT id FROM account_move WHERE {REDS}")
    moves = env["account.move"].browse([row[0] for row in cr.fetchall()])
    if not moves:
        return
    env.add_to_compute(moves._fields["red_remark"], moves)
    moves.flush_recordset(["red_remark"])
    _logger.info("Red invoices: remark recomputed on %s", len(moves))
