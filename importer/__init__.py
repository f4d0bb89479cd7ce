"""Generic spreadsheet import engine, without Odoo: read, map headers, parse cells,
write error reports and templates.  Import kinds (customers, red invoices) are
specifications built on it in ``wizards/``."""

from . import cells, headers, reader, report
