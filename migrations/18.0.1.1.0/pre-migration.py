"""Before the exclusion constraint "one red invoice per form number and
company" (account.move ``red_form_number_company_uniq``) is added: older
versions checked it in Python only, so two users at the same moment (or a user
who could not see the other red invoice) may have stored a number twice.

In each company, the form number stays on one red invoice of a group (a posted
one before a draft, then the oldest); on the others it is cleared, written in
their chatter and logged as a warning, for the accountant to enter the right
number (a form is used once: one of them carries a wrong one)."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        WITH ranked AS (
            SELECT id, company_id, red_form_number,
                   row_number() OVER (
                       PARTITION BY company_id, red_form_number
                       ORDER BY (state = 'posted') DESC, id
                   ) AS rank
              FROM account_move
             WHERE red_form_number IS NOT NULL AND state != 'cancel'
        )
        UPDATE account_move move
           SET red_form_number = NULL
          FROM ranked
         WHERE move.id = ranked.id AND ranked.rank > 1
     RETURNING move.id, ranked.red_form_number
        """
    )
    cleared = cr.fetchall()
    if not cleared:
        return
    cr.executemany(
        """
        INSERT INTO mail_message
               (model, res_id, message_type, body, date, create_date, write_date)
        VALUES ('account.move', %s, 'notification', %s,
                now() at time zone 'UTC', now() at time zone 'UTC',
                now() at time zone 'UTC')
        """,
        [
            (
                move_id,
                f"<p>Red form number {number} was also used by another red invoice "
                "of this company; it was removed from this one on upgrade. Enter "
                "the right form number.</p>",
            )
            for move_id, number in cleared
        ],
    )
    for move_id, number in cleared:
        _logger.warning(
            "account.move %s: red form number %s used twice in its company; "
            "cleared on this red invoice, enter the right one",
            move_id,
            number,
        )
