"""Before the whole GB/T 4754-2017 tree is loaded (data/res.partner.industry.csv):
earlier versions shipped the sections and a few divisions and groups, and users
added the finer levels they needed (G593 低温仓储, G5930).  An industry a user
created with a code the addon now ships would break the unique code on load;
here it is adopted instead: it takes the addon's external id, so that the load
updates it (the standard's name and parent) and its partners, scale rules and
history keep pointing at it."""

import csv
import logging
import os

_logger = logging.getLogger(__name__)

DATA = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    "data",
    "res.partner.industry.csv",
)


def _shipped_xmlids():
    """{code: external id name} of the industries the data file ships."""
    with open(DATA, encoding="utf-8", newline="") as data:
        return {row["code"]: row["id"] for row in csv.DictReader(data)}


def migrate(cr, version):
    if not version:
        return
    shipped = _shipped_xmlids()
    cr.execute(
        """
        INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
        SELECT 'partner_segment', shipped.name, 'res.partner.industry', i.id, false
          FROM res_partner_industry i
          JOIN unnest(%s::varchar[], %s::varchar[]) AS shipped(code, name)
            ON shipped.code = i.code
         WHERE NOT EXISTS (
                SELECT 1 FROM ir_model_data d
                 WHERE d.module = 'partner_segment' AND d.name = shipped.name)
     RETURNING name
        """,
        [list(shipped), list(shipped.values())],
    )
    adopted = [name for (name,) in cr.fetchall()]
    if adopted:
        _logger.info(
            "%s industries users created are now the shipped GB/T 4754-2017 "
            "records: %s",
            len(adopted),
            ", ".join(sorted(adopted)),
        )
