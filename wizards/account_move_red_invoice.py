from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, float_round

from ..models.account_move import (
    DIGITAL_KINDS,
    RED_FORM_CONFIRM_HOURS,
    RED_FORM_STATES,
    RED_FORM_STATES_ISSUABLE,
    RED_FORM_STATES_PENDING,
    RED_REASONS,
)


class AccountMoveRedInvoice(models.TransientModel):
    _name = "account.move.red.invoice"
    _description = "Red-Letter Invoice Entry"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Original Invoice",
        required=True,
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="move_id.company_id")
    currency_id = fields.Many2one(related="move_id.currency_id")
    cn_invoice_kind = fields.Selection(related="move_id.cn_invoice_kind")
    remaining_amount = fields.Monetary(
        "Remaining Reversible Amount", related="move_id.red_remaining_amount"
    )
    red_reason = fields.Selection(RED_REASONS, string="Reason", required=True)
    red_form_number = fields.Char(
        "Form Number",
        help="16-digit number of the red-letter information form (信息表编号) of a "
        "special VAT invoice, or number of the confirmation form (确认单编号) of a "
        "digital invoice.",
    )
    red_form_state = fields.Selection(
        RED_FORM_STATES,
        string="Confirmation Form State",
        compute="_compute_red_form_state",
        store=True,
        precompute=True,
        readonly=False,
    )
    red_form_datetime = fields.Datetime(
        "Form Raised On", default=lambda self: fields.Datetime.now()
    )
    red_initiator = fields.Selection(
        [("seller", "Seller"), ("buyer", "Buyer")],
        string="Form Raised By",
        required=True,
        default="seller",
    )
    buyer_deducted = fields.Boolean("Buyer Deducted Input VAT")
    date = fields.Date(
        "Red Invoice Date", required=True, default=fields.Date.context_today
    )
    reversal_mode = fields.Selection(
        [("full", "Full"), ("partial", "Partial")],
        string="Reversal",
        compute="_compute_reversal_mode",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Full reverses everything still remaining on the invoice; partial "
        "the quantities and amounts entered per line.",
    )
    partial_allowed = fields.Boolean(compute="_compute_partial_allowed")
    line_ids = fields.One2many("account.move.red.invoice.line", "wizard_id")
    amount_to_reverse = fields.Monetary(
        "Untaxed Amount to Reverse", compute="_compute_amount_to_reverse"
    )

    @api.depends("move_id")
    def _compute_red_form_state(self):
        for wizard in self:
            if wizard.cn_invoice_kind in DIGITAL_KINDS and not wizard.red_form_state:
                wizard.red_form_state = "01"
            elif wizard.cn_invoice_kind not in DIGITAL_KINDS:
                wizard.red_form_state = False

    @api.depends("red_reason")
    def _compute_reversal_mode(self):
        for wizard in self:
            if wizard.red_reason == "01" or not wizard.reversal_mode:
                wizard.reversal_mode = "full"

    @api.depends("red_reason", "company_id.red_partial_invoicing_error")
    def _compute_partial_allowed(self):
        for wizard in self:
            wizard.partial_allowed = (
                wizard.red_reason != "01"
                or wizard.company_id.red_partial_invoicing_error
            )

    @api.depends("reversal_mode", "line_ids.amount", "remaining_amount")
    def _compute_amount_to_reverse(self):
        for wizard in self:
            if wizard.reversal_mode == "full":
                wizard.amount_to_reverse = wizard.remaining_amount
            else:
                wizard.amount_to_reverse = sum(wizard.line_ids.mapped("amount"))

    @api.onchange("buyer_deducted")
    def _onchange_buyer_deducted(self):
        if self.buyer_deducted:
            self.red_initiator = "buyer"

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") != "account.move":
            return res
        moves = self.env["account.move"].browse(self.env.context.get("active_ids", []))
        if len(moves) != 1:
            raise UserError(self.env._("Select exactly one customer invoice."))
        self._check_move(moves)
        res["move_id"] = moves.id
        if "line_ids" in fields_list:
            res["line_ids"] = [
                Command.create(vals) for vals in self._prepare_wizard_line_vals(moves)
            ]
        return res

    def action_confirm(self):
        """Create the red invoice through the reversal machinery, post it when its
        form allows, and open it."""
        self.ensure_one()
        self._check_move(self.move_id)
        self._check_red_data()
        credit_note = self._create_red_invoice()
        if not credit_note._get_red_post_error():
            credit_note.action_post()
        return {
            "name": self.env._("Red Invoice"),
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": credit_note.id,
            "context": {"default_move_type": "out_refund"},
        }

    @api.model
    def _check_move(self, move):
        if move.move_type != "out_invoice":
            raise UserError(
                self.env._(
                    "%(invoice)s is not a customer invoice: red invoices reverse "
                    "customer invoices only.",
                    invoice=move.display_name,
                )
            )
        if move.state != "posted":
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is not posted: only a posted invoice can be "
                    "reversed by a red invoice.",
                    invoice=move.display_name,
                )
            )
        if move.currency_id.compare_amounts(move.red_remaining_amount, 0) <= 0:
            raise UserError(
                self.env._(
                    "Nothing is left to reverse on invoice %(invoice)s.",
                    invoice=move.display_name,
                )
            )

    @api.model
    def _prepare_wizard_line_vals(self, move):
        return [
            {
                "sequence": index,
                "blue_line_id": line.id,
                "quantity": max(line.red_remaining_quantity, 0.0),
                "amount": line.red_remaining_amount,
            }
            for index, line in enumerate(move._get_red_reversible_lines())
        ]

    def _check_red_data(self):
        self.ensure_one()
        self._check_red_form_number()
        if self.cn_invoice_kind in DIGITAL_KINDS:
            self._check_confirmation_form(self._red_form_state_labels())
        if self.red_form_number:
            used = self._get_used_red_forms(
                [self.red_form_number], self.move_id.company_id
            )
            if used:
                raise UserError(self._red_form_used_message(*used[0]))
        if self.reversal_mode == "partial":
            self._check_partial_allowed()
            self.line_ids._check_amounts()

    def _red_form_state_labels(self):
        return dict(self._fields["red_form_state"]._description_selection(self.env))

    def _check_red_form_number(self):
        """The form number a red invoice of this kind needs, well formed."""
        self.ensure_one()
        error = self.env["account.move"]._get_red_form_number_error(
            self.cn_invoice_kind, self.red_form_number, self.move_id
        )
        if error:
            raise UserError(error)

    def _check_partial_allowed(self):
        self.ensure_one()
        if not self.partial_allowed:
            raise UserError(
                self.env._(
                    "Company %(company)s reverses invoices in full for reason 01 "
                    "(invoicing error): a partial red invoice is not allowed.",
                    company=self.move_id.company_id.display_name,
                )
            )

    @api.model
    def _get_used_red_forms(self, numbers, company):
        """Red invoices (not cancelled) of ``company`` that already use one of the
        form ``numbers``, in one search: ``[(number, move)]``. A form is used
        once whoever used it, so the search ignores the user's record rules."""
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("red_form_number", "in", list(numbers)),
                    ("company_id", "=", company.id),
                    ("state", "!=", "cancel"),
                ]
            )
        )
        return [(move.red_form_number, move) for move in moves]

    @api.model
    def _red_form_used_message(self, number, other):
        return self.env._(
            "Form number %(number)s is already used by red invoice "
            "%(other)s: one red invoice per form.",
            number=number,
            other=other.display_name,
        )

    def _check_confirmation_form(self, state_label):
        state = self.red_form_state
        if not state:
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is a digital invoice: enter the state of the "
                    "confirmation form (01 when none is needed).",
                    invoice=self.move_id.display_name,
                )
            )
        if state not in RED_FORM_STATES_ISSUABLE + RED_FORM_STATES_PENDING:
            raise UserError(
                self.env._(
                    'The confirmation form %(number)s is void ("%(state)s"): no red '
                    "invoice can be issued on it.",
                    number=self.red_form_number or "",
                    state=state_label[state],
                )
            )
        if state != "01" and not self.red_form_number:
            raise UserError(
                self.env._(
                    'Enter the number of the confirmation form in state "%(state)s".',
                    state=state_label[state],
                )
            )
        limit = fields.Datetime.now() - timedelta(hours=RED_FORM_CONFIRM_HOURS)
        if (
            state in RED_FORM_STATES_PENDING
            and self.red_form_datetime
            and self.red_form_datetime < limit
        ):
            raise UserError(
                self.env._(
                    "The confirmation form %(number)s was raised on %(date)s and not "
                    "confirmed within 72 hours: it has lapsed. Raise a new form.",
                    number=self.red_form_number,
                    date=fields.Datetime.to_string(self.red_form_datetime),
                )
            )

    def _create_red_invoice(self):
        self.ensure_one()
        return self.move_id._reverse_moves(
            [self._prepare_red_reversal_vals()], cancel=False
        )

    @api.model
    def _create_red_invoices(self, wizards):
        """One credit note per record of ``wizards`` (saved or new), all made by a
        single ``account.move.create``: the batch import's way.

        ``_reverse_moves`` copies its moves one at a time (about 115 queries per
        credit note, bench/README.md); here the headers are copied as it copies
        them, every line is given as the single entry gives partial lines, and
        Odoo computes the tax and receivable lines of all the credit notes
        together. Posting then reconciles a full reversal with its invoice, as
        for the single entry (``_post`` reconciles reversed moves)."""
        vals_list = [wizard._prepare_red_credit_note_vals() for wizard in wizards]
        credit_notes = self.env["account.move"].create(vals_list)
        credit_notes._message_log_batch(
            bodies={
                credit_note.id: self.env._(
                    "This entry has been reversed from %s",
                    credit_note.reversed_entry_id._get_html_link(),
                )
                for credit_note in credit_notes
            }
        )
        return credit_notes

    def _prepare_red_credit_note_vals(self):
        """Values of ``account.move.create`` for this red invoice: the invoice's
        header as ``_reverse_moves`` copies it, the red data, and the lines that
        reverse what was asked (all that remains for a full reversal)."""
        self.ensure_one()
        move = self.move_id
        default = self._prepare_red_reversal_vals()
        if "line_ids" not in default:  # a full reversal: all that remains, as lines
            default["line_ids"] = [
                Command.create(line_vals) for line_vals in self._prepare_red_lines()
            ]
        # what _reverse_moves adds to the values it copies the invoice with
        default.update(
            {
                "move_type": "out_refund",
                "reversed_entry_id": move.id,
                "partner_id": move.partner_id.id,
            }
        )
        return move.with_context(include_business_fields=True).copy_data(default)[0]

    def _prepare_red_reversal_vals(self):
        """Values given to ``_reverse_moves`` for this red invoice."""
        self.ensure_one()
        vals = self._prepare_red_invoice_vals()
        if self.reversal_mode == "partial" or self.move_id.red_invoice_count:
            # Only what remains (or what was entered): the lines are given, so
            # _reverse_moves copies the invoice header but not all its lines.
            vals["line_ids"] = [
                Command.create(line_vals) for line_vals in self._prepare_red_lines()
            ]
        return vals

    def _prepare_red_invoice_vals(self):
        """Default values of the red invoice, as account.move.reversal gives them
        to _reverse_moves, plus the red data."""
        self.ensure_one()
        move = self.move_id
        is_digital = self.cn_invoice_kind in DIGITAL_KINDS
        return {
            "ref": self.env._(
                "Red invoice of %(invoice)s",
                invoice=move.cn_invoice_number or move.name,
            ),
            "date": self.date,
            "invoice_date": self.date,
            "invoice_date_due": self.date,
            "journal_id": move.journal_id.id,
            "invoice_payment_term_id": False,
            "invoice_user_id": move.invoice_user_id.id,
            "auto_post": "no",
            "cn_invoice_kind": move.cn_invoice_kind,
            "red_reason": self.red_reason,
            "red_form_number": self.red_form_number or False,
            "red_form_state": self.red_form_state if is_digital else False,
            "red_form_datetime": self.red_form_datetime if is_digital else False,
            "red_initiator": self.red_initiator,
            "buyer_deducted": self.buyer_deducted,
        }

    def _prepare_red_lines(self):
        """Values of the red invoice lines: copies of the blue lines with the
        quantity and price that reverse what was asked, linked to their origin."""
        self.ensure_one()
        if self.reversal_mode == "full":
            blue_lines = self.move_id._get_red_reversible_lines()
            requests = [
                (line, max(line.red_remaining_quantity, 0.0), line.red_remaining_amount)
                for line in blue_lines
            ]
        else:
            requests = [
                (line.blue_line_id, line.quantity, line.amount)
                for line in self.line_ids.sorted("sequence")
                if line._is_requested()
            ]
        blue_lines = self.env["account.move.line"].concat(*(r[0] for r in requests))
        copies = blue_lines.with_context(include_business_fields=True).copy_data()
        vals_list = []
        for (blue_line, quantity, amount), vals in zip(requests, copies, strict=True):
            for fname in ("move_id", "balance", "amount_currency", "debit", "credit"):
                vals.pop(fname, None)
            vals.update(self._prepare_red_line_price(blue_line, quantity, amount))
            vals["red_origin_line_id"] = blue_line.id
            vals_list.append(vals)
        return vals_list

    @api.model
    def _prepare_red_line_price(self, blue_line, quantity, amount):
        """Quantity and unit price of a red line reversing ``quantity`` and the
        untaxed ``amount`` of ``blue_line``. Without a quantity (an allowance) the
        line takes 1 unit and is flagged amount-only. The price keeps the blue
        line's discount and taxes; it is rounded down so that the red line never
        exceeds the amount asked."""
        uom_digits = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        amount_only = float_is_zero(quantity, precision_digits=uom_digits)
        red_quantity = 1.0 if amount_only else quantity
        unit_amount = blue_line.price_subtotal / blue_line.quantity
        proportional = unit_amount * red_quantity
        if not amount_only and not blue_line.currency_id.compare_amounts(
            amount, proportional
        ):
            price_unit = blue_line.price_unit
        else:
            price_unit = float_round(
                blue_line.price_unit * amount / proportional,
                precision_digits=self.env["decimal.precision"].precision_get(
                    "Product Price"
                ),
                rounding_method="DOWN",
            )
        return {
            "quantity": red_quantity,
            "price_unit": price_unit,
            "red_amount_only": amount_only,
        }


class AccountMoveRedInvoiceLine(models.TransientModel):
    _name = "account.move.red.invoice.line"
    _description = "Red-Letter Invoice Entry Line"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "account.move.red.invoice", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    blue_line_id = fields.Many2one(
        "account.move.line", string="Invoice Line", required=True, ondelete="cascade"
    )
    name = fields.Char("Description", related="blue_line_id.name")
    product_id = fields.Many2one(related="blue_line_id.product_id")
    currency_id = fields.Many2one(related="blue_line_id.currency_id")
    remaining_quantity = fields.Float(
        "Remaining Quantity",
        compute="_compute_remaining",
        digits="Product Unit of Measure",
    )
    remaining_amount = fields.Monetary("Remaining Amount", compute="_compute_remaining")
    quantity = fields.Float("Quantity to Reverse", digits="Product Unit of Measure")
    amount = fields.Monetary(
        "Untaxed Amount to Reverse",
        help="Untaxed amount to reverse on this line. Without a quantity it is an "
        "allowance on the price.",
    )

    @api.depends("blue_line_id")
    def _compute_remaining(self):
        blue_lines = self.blue_line_id
        reversed_by_line = blue_lines._get_red_reversed_by_line()
        for line in self:
            quantity, amount = reversed_by_line.get(line.blue_line_id.id, (0.0, 0.0))
            line.remaining_quantity = line.blue_line_id.quantity - quantity
            line.remaining_amount = line.blue_line_id.price_subtotal - amount

    @api.onchange("quantity")
    def _onchange_quantity(self):
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        if float_compare(self.remaining_quantity, 0, precision_digits=digits) > 0:
            self.amount = self.currency_id.round(
                self.remaining_amount
                * min(self.quantity, self.remaining_quantity)
                / self.remaining_quantity
            )

    def _is_requested(self):
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        return not (
            float_is_zero(self.quantity, precision_digits=digits)
            and self.currency_id.is_zero(self.amount)
        )

    def _check_amounts(self):
        requested = self.filtered(lambda line: line._is_requested())
        if not requested:
            raise UserError(
                self.env._(
                    "Enter a quantity or an amount to reverse on at least one line "
                    "of %(invoice)s.",
                    invoice=self.wizard_id.move_id.display_name,
                )
            )
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for line in requested:
            label = {
                "line": line.name or line.product_id.display_name,
                "invoice": line.blue_line_id.move_id.display_name,
            }
            if (
                line.quantity < 0
                or line.currency_id.compare_amounts(line.amount, 0) < 0
            ):
                raise UserError(
                    self.env._(
                        'Line "%(line)s" of %(invoice)s: the quantity and the amount '
                        "to reverse cannot be negative.",
                        **label,
                    )
                )
            if (
                float_compare(
                    line.quantity, line.remaining_quantity, precision_digits=digits
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        'Line "%(line)s" of %(invoice)s: quantity %(quantity)s is '
                        "more than the %(remaining)s still reversible.",
                        quantity=line.quantity,
                        remaining=line.remaining_quantity,
                        **label,
                    )
                )
            if line.currency_id.compare_amounts(line.amount, line.remaining_amount) > 0:
                raise UserError(
                    self.env._(
                        'Line "%(line)s" of %(invoice)s: amount %(amount)s is more '
                        "than the %(remaining)s still reversible.",
                        amount=line.amount,
                        remaining=line.remaining_amount,
                        **label,
                    )
                )
            if line.currency_id.is_zero(line.amount):
                raise UserError(
                    self.env._(
                        'Line "%(line)s" of %(invoice)s: enter the untaxed amount to '
                        "reverse for quantity %(quantity)s.",
                        quantity=line.quantity,
                        **label,
                    )
                )
