from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..engine import red_invoice as red_rules
from ..engine.red_invoice import (
    RED_CHANNELS,
    RED_FORM_STATES,
    RED_INITIATORS,
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
    red_channel = fields.Selection(
        RED_CHANNELS,
        string="Channel",
        compute="_compute_red_channel",
        store=True,
        precompute=True,
        readonly=False,
        help="On the e-invoice service platform with a confirmation form (Notice "
        "2024 No. 11), or by tax control software, with an information form for a "
        "special VAT invoice (Notice 2016 No. 47). A digital invoice is reversed "
        "on the platform only.",
    )
    is_platform = fields.Boolean(compute="_compute_is_platform")
    needs_info_form = fields.Boolean(compute="_compute_is_platform")
    red_form_number = fields.Char(
        "Form Number",
        help="Number of the confirmation form (确认单编号, 20 characters) on the "
        "platform, or 16-digit number of the red-letter information form "
        "(信息表编号) of a special VAT invoice reversed by tax control software.",
    )
    red_form_state = fields.Selection(
        RED_FORM_STATES,
        string="Confirmation Form State",
        help="The state the platform gives the confirmation form: 01 only when the "
        "platform says no confirmation is needed (the buyer has not used or booked "
        "the invoice).",
    )
    red_form_datetime = fields.Datetime(
        "Form Raised On",
        help="When the confirmation form was raised (填开日期): a pending form lapses "
        "72 hours later.",
    )
    red_initiator = fields.Selection(
        RED_INITIATORS,
        string="Form Raised By",
        compute="_compute_red_initiator",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    red_invoice_number = fields.Char(
        "Red Invoice Number",
        help="The 20-digit number the platform gave the red invoice, if it is "
        "already issued.",
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
    def _compute_red_channel(self):
        for wizard in self:
            if wizard.red_channel not in red_rules.red_channels(wizard.cn_invoice_kind):
                wizard.red_channel = red_rules.default_channel(wizard.cn_invoice_kind)

    @api.depends("red_channel", "cn_invoice_kind")
    def _compute_is_platform(self):
        for wizard in self:
            wizard.is_platform = wizard.red_channel == red_rules.CHANNEL_PLATFORM
            wizard.needs_info_form = (
                wizard.red_channel == red_rules.CHANNEL_TAX_CONTROL
                and wizard.cn_invoice_kind in red_rules.INFO_FORM_KINDS
            )

    @api.depends("red_form_state", "buyer_deducted")
    def _compute_red_initiator(self):
        for wizard in self:
            expected = red_rules.RED_FORM_STATE_INITIATORS.get(wizard.red_form_state)
            if expected:
                wizard.red_initiator = expected
            elif wizard.buyer_deducted:
                wizard.red_initiator = "buyer"
            elif not wizard.red_initiator:
                wizard.red_initiator = "seller"

    @api.depends("red_reason", "cn_invoice_kind")
    def _compute_reversal_mode(self):
        for wizard in self:
            if (
                wizard.red_reason == red_rules.REASON_INVOICING_ERROR
                or red_rules.one_red_only(wizard.cn_invoice_kind)
                or not wizard.reversal_mode
            ):
                wizard.reversal_mode = red_rules.FULL

    @api.depends(
        "red_reason", "cn_invoice_kind", "company_id.red_partial_invoicing_error"
    )
    def _compute_partial_allowed(self):
        for wizard in self:
            wizard.partial_allowed = not red_rules.one_red_only(
                wizard.cn_invoice_kind
            ) and red_rules.partial_allowed(
                wizard.red_reason, wizard.company_id.red_partial_invoicing_error
            )

    @api.depends("reversal_mode", "line_ids.amount", "remaining_amount")
    def _compute_amount_to_reverse(self):
        for wizard in self:
            if wizard.reversal_mode == "full":
                wizard.amount_to_reverse = wizard.remaining_amount
            else:
                wizard.amount_to_reverse = sum(wizard.line_ids.mapped("amount"))

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") != "account.move":
            return res
        moves = self.env["account.move"].browse(self.env.context.get("active_ids", []))
        if len(moves) != 1:
            raise UserError(self.env._("Select exactly one customer invoice."))
        moves._check_red_reversible()
        res["move_id"] = moves.id
        if "line_ids" in fields_list:
            res["line_ids"] = [
                Command.create(vals) for vals in self._prepare_wizard_line_vals(moves)
            ]
        return res

    def action_confirm(self):
        """Make the red invoice through ``account.move``'s service (checked, by
        the reversal machinery), post it when its form allows, and open it."""
        self.ensure_one()
        request = self._get_red_request()
        moves = self.env["account.move"]
        moves._check_red_request(request)
        credit_note = moves._create_red_invoice(request)
        credit_note._post_red_invoices()
        return {
            "name": self.env._("Red Invoice"),
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": credit_note.id,
            "context": {"default_move_type": "out_refund"},
        }

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

    def _get_red_request(self):
        """The request of ``account.move``'s red-invoice service that this
        screen holds (see ``models/account_move_red.py``)."""
        self.ensure_one()
        lines = None
        if self.reversal_mode == "partial":
            lines = [
                (line.blue_line_id, line.quantity, line.amount)
                for line in self.line_ids.sorted("sequence")
            ]
        return {
            "move": self.move_id,
            "reason": self.red_reason,
            "date": self.date,
            "channel": self.red_channel,
            "red_number": self.red_invoice_number if self.is_platform else False,
            "form_number": self.red_form_number,
            "form_state": self.red_form_state if self.is_platform else False,
            "form_datetime": self.red_form_datetime if self.is_platform else False,
            "initiator": self.red_initiator,
            "buyer_deducted": self.buyer_deducted,
            "lines": lines,
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
            self.amount = red_rules.amount_of_quantity(
                self.quantity,
                self.remaining_quantity,
                self.remaining_amount,
                self.currency_id,
            )
