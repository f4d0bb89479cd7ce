from odoo import api, fields, models
from odoo.tools import SQL, float_compare

from .account_move import RED_COUNTED_SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    red_origin_line_id = fields.Many2one(
        "account.move.line",
        string="Original Invoice Line",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="Line of the original (blue) invoice that this red invoice line reverses.",
    )
    red_line_ids = fields.One2many(
        "account.move.line",
        "red_origin_line_id",
        string="Red Invoice Lines",
        help="Lines of red invoices that reverse this invoice line.",
    )
    red_amount_only = fields.Boolean(
        "Amount-Only Reversal",
        copy=False,
        help="This red line reverses an amount without any quantity (a sales "
        "allowance): it takes no quantity from the original line.",
    )
    red_remaining_quantity = fields.Float(
        "Remaining Reversible Quantity",
        compute="_compute_red_remaining",
        digits="Product Unit of Measure",
        help="Quantity of this invoice line that red invoices (posted, or drafts "
        "entered as red invoices) have not reversed yet.",
    )
    red_remaining_amount = fields.Monetary(
        "Remaining Reversible Untaxed Amount",
        compute="_compute_red_remaining",
        currency_field="currency_id",
        help="Untaxed amount of this invoice line that red invoices (posted, or "
        "drafts entered as red invoices) have not reversed yet.",
    )

    @api.depends(
        "quantity",
        "price_subtotal",
        "red_line_ids.quantity",
        "red_line_ids.price_subtotal",
        "red_line_ids.parent_state",
        "red_line_ids.move_id.red_reason",
        "red_line_ids.move_id.red_form_state",
        "red_line_ids.red_amount_only",
    )
    def _compute_red_remaining(self):
        blue_lines = self.filtered(
            lambda line: line._origin
            and line.display_type == "product"
            and line.move_id.move_type == "out_invoice"
        )
        reversed_by_line = blue_lines._origin._get_red_reversed_by_line()
        for line in self:
            if line not in blue_lines:
                line.red_remaining_quantity = line.red_remaining_amount = 0.0
                continue
            quantity, amount = reversed_by_line.get(line._origin.id, (0.0, 0.0))
            line.red_remaining_quantity = line.quantity - quantity
            line.red_remaining_amount = line.price_subtotal - amount

    # the stored inputs of price_subtotal, not price_subtotal itself: a computed
    # trigger runs the check at every recomputation of the move's lines
    @api.constrains(
        "red_origin_line_id",
        "quantity",
        "price_unit",
        "discount",
        "tax_ids",
        "red_amount_only",
    )
    def _check_red_remaining(self):
        # tax and receivable lines, rewritten while Odoo balances a move, do not
        # change what a red invoice reverses
        self.filtered(
            lambda line: line.display_type == "product"
            and line.move_id.move_type == "out_refund"
        ).move_id._check_red_remaining()

    def _copy_data_extend_business_fields(self, values):
        # _reverse_moves copies with ``move_reverse_cancel`` in the context: link
        # each reversed invoice line to its origin, whatever started the reversal.
        super()._copy_data_extend_business_fields(values)
        if (
            "move_reverse_cancel" in self.env.context
            and self.display_type == "product"
            and self.move_id.move_type == "out_invoice"
        ):
            values["red_origin_line_id"] = self.id

    def _copy_red_data(self):
        """Values of copies of these lines as ``_reverse_moves`` copies them
        (business fields, the origin of each product line)."""
        return self.with_context(
            include_business_fields=True, move_reverse_cancel=False
        ).copy_data()

    def _get_red_tax_key(self):
        """What a tax line of a red invoice and the tax line of its invoice
        that it reverses have in common (the refund's repartition line is not
        the invoice's)."""
        self.ensure_one()
        return (self.tax_line_id.id, self.account_id.id, self.currency_id.id)

    def _get_red_reversed_by_line(self):
        """Quantity and untaxed amount reversed by the red invoices that count
        (``RED_COUNTED_SQL``) per blue line in ``self``, in one grouped query:
        ``{line id: (quantity, amount)}``. An amount-only red line reverses no
        quantity. The rule holds whoever reads it, so no record rule applies."""
        if not self.ids:
            return {}
        self.env["account.move"].flush_model(
            ["move_type", "state", "red_reason", "red_form_state"]
        )
        self.flush_model(
            [
                "move_id",
                "red_origin_line_id",
                "red_amount_only",
                "quantity",
                "price_subtotal",
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT line.red_origin_line_id,
                       SUM(CASE WHEN line.red_amount_only THEN 0.0
                                ELSE line.quantity END),
                       SUM(line.price_subtotal)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE line.red_origin_line_id = ANY(%s)
                   AND move.move_type = 'out_refund'
                   AND %s
              GROUP BY line.red_origin_line_id
                """,
                self.ids,
                RED_COUNTED_SQL,
            )
        )
        return {
            line_id: (quantity or 0.0, amount or 0.0)
            for line_id, quantity, amount in self.env.cr.fetchall()
        }

    def _get_red_reversed_tax_by_line(self):
        """Tax reversed by the red invoices that count (``RED_COUNTED_SQL``) per
        blue line in ``self``, each red line's own (``price_total`` less
        ``price_subtotal``), in one grouped query: ``{line id: tax}``."""
        if not self.ids:
            return {}
        self.env["account.move"].flush_model(
            ["move_type", "state", "red_reason", "red_form_state"]
        )
        self.flush_model(
            ["move_id", "red_origin_line_id", "price_total", "price_subtotal"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT line.red_origin_line_id,
                       SUM(line.price_total - line.price_subtotal)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE line.red_origin_line_id = ANY(%s)
                   AND move.move_type = 'out_refund'
                   AND %s
              GROUP BY line.red_origin_line_id
                """,
                self.ids,
                RED_COUNTED_SQL,
            )
        )
        return dict(self.env.cr.fetchall())

    def _red_tax_exceeds(self, tax):
        """Whether reversing ``tax`` goes beyond this blue line's own tax by
        more than a cent: a red line's tax is computed on its amount and
        rounded per line, as the tax platform prints it, so that the lines of
        several red invoices may together round a cent above the original."""
        self.ensure_one()
        blue_tax = self.price_total - self.price_subtotal
        sign = -1 if blue_tax < 0 else 1
        return (
            self.currency_id.compare_amounts(
                sign * tax, sign * blue_tax + self.currency_id.rounding
            )
            > 0
        )

    def _red_exceeds(self, quantity, amount):
        """Whether reversing ``quantity`` and ``amount`` (untaxed) goes beyond this
        blue line."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        sign = -1 if self.price_subtotal < 0 else 1
        return (
            float_compare(quantity, self.quantity, precision_digits=digits) > 0
            or self.currency_id.compare_amounts(
                sign * amount, sign * self.price_subtotal
            )
            > 0
        )
