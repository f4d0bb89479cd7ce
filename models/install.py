"""Installing into a database that already has many customers and invoices.

When a stored computed field is new, Odoo creates its column and computes it
record by record through the ORM for every existing row (tracking each change
of a tracked field with a chatter message).  Where the value of every existing
row is known without computing it, the column is created here first, so that
Odoo finds it and computes nothing:

- a partner's scale: its inputs (employees, revenue, assets) are new columns,
  all empty, so no partner has a scale yet;
- a partner's regions: no region exists yet when the columns are created
  (the region data comes later);
- a move's red remark: the Chinese invoice kind and the red form are new
  columns, so no move carries a remark yet.

The regions then depend on the partners' existing countries and provinces:
the region records of the data file do not each recompute the partners while
the addon is installed; the end of the file computes every partner's regions
once (``partner.region._segment_install_regions``), without a chatter message
per partner.
"""

from odoo import models
from odoo.tools import sql

# column type of each field whose existing rows are all empty at install
EMPTY_AT_INSTALL = {
    "res_partner": {
        "scale_class_computed": "varchar",
        "scale_class": "varchar",
        "region_id_computed": "int4",
        "region_id": "int4",
        "economic_region_id": "int4",
    },
    "account_move": {"red_remark": "varchar"},
}


def precreate_empty_columns(model):
    cr = model.env.cr
    for column, column_type in EMPTY_AT_INSTALL[model._table].items():
        if sql.table_exists(cr, model._table) and not sql.column_exists(
            cr, model._table, column
        ):
            sql.create_column(cr, model._table, column, column_type)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _auto_init(self):
        precreate_empty_columns(self)
        return super()._auto_init()


class AccountMove(models.Model):
    _inherit = "account.move"

    def _auto_init(self):
        precreate_empty_columns(self)
        return super()._auto_init()
