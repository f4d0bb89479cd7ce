"""Plain-Python classification logic: no Odoo import, unit-tested alone."""

from . import behaviour, scale
