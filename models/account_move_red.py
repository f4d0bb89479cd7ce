from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, float_round

from ..engine import red_invoice as red_rules


class DigitsPrecision:
    """An Odoo decimal precision as the rounding of ``engine.red_invoice``
    (the methods of ``res.currency`` it uses, and ``round_down``)."""

    def __init__(self, digits):
        self.digits = digits

    def round(self, value):
        return float_round(value, precision_digits=self.digits)

    def round_down(self, value):
        return float_round(value, precision_digits=self.digits, rounding_method="DOWN")

    def is_zero(self, value):
        return float_is_zero(value, precision_digits=self.digits)

    def compare_amounts(self, value1, value2):
        return float_compare(value1, value2, precision_digits=self.digits)


class AccountMove(models.Model):
    """Red invoices (红字发票) as a service of ``account.move``.

    The entry wizard (``account.move.red.invoice``), the import
    (``account.move.red.import``) and the demo all make red invoices here,
    from plain *requests*, over the rules of ``engine/red_invoice.py``.

    A request is a dict:

    - ``move``: the customer invoice to reverse (``account.move`` or its id),
      posted;
    - ``reason``: ``01`` to ``04`` (``RED_REASONS``);
    - ``date``: the red invoice's date;
    - ``channel``: ``platform`` (the 电子发票服务平台 and its 确认单) or
      ``tax_control`` (税控 software, with a 信息表 for a special invoice);
      absent: the kind's default (``engine.red_invoice.default_channel``);
    - ``form_number``: the 确认单编号 (20 characters) on the platform, the
      信息表编号 (16 digits, required for a special invoice) by tax control
      software, else False;
    - ``form_state``: on the platform, the state of the confirmation form as
      the platform gives it (``01`` only when the platform says none is
      needed: never assumed); ignored by tax control software;
    - ``form_datetime``: on the platform, when the form was raised (填开日期;
      required while it is pending: its 72 hours run from it);
    - ``initiator``: ``seller`` (default) or ``buyer``; it must agree with
      the state (02 the seller's form, 03 the buyer's);
    - ``red_number``: the red invoice's own number, once the platform has
      issued it (20 digits), else False;
    - ``buyer_deducted``: whether the buyer deducted the input VAT (False);
    - ``lines``: None (or absent) for a full red invoice, reversing all that
      remains; else ``[(line, quantity, amount)]`` for a partial one: a
      product line of ``move`` (record or id), the quantity and the untaxed
      amount to reverse on it (quantity 0: an allowance on the price); lines
      asking nothing are ignored.
    """

    _inherit = "account.move"

    # ------------------------------------------------------------ checks
    def _check_red_reversible(self):
        """Refuse (``UserError``) a move that no red invoice may reverse: a
        posted customer invoice with something left."""
        self.ensure_one()
        error = self._get_red_reversible_error()
        if error:
            raise UserError(error)

    def _get_red_reversible_error(self):
        """Why no red invoice may reverse this move, or False."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            return self.env._(
                "%(invoice)s is not a customer invoice: red invoices reverse "
                "customer invoices only.",
                invoice=self.display_name,
            )
        if self.state != "posted":
            return self.env._(
                "Invoice %(invoice)s is not posted: only a posted invoice can be "
                "reversed by a red invoice.",
                invoice=self.display_name,
            )
        if self.currency_id.compare_amounts(self.red_remaining_amount, 0) <= 0:
            return self.env._(
                "Nothing is left to reverse on invoice %(invoice)s.",
                invoice=self.display_name,
            )
        return False

    @api.model
    def _check_red_request(self, request):
        """Refuse (``UserError``, the first problem) a request that the rules
        do not allow: the invoice, the form number, the confirmation form, a
        form already used, a partial reversal and its lines. The constraints
        check again when the credit note is written; this check names the
        problem first."""
        request = self._get_red_request(request)
        move = request["move"]
        move._check_red_reversible()
        kind, channel = move.cn_invoice_kind, request["channel"]
        is_platform = channel == red_rules.CHANNEL_PLATFORM
        checks = (
            lambda: self._get_red_channel_error(kind, channel, move),
            lambda: self._get_red_form_number_error(
                kind, channel, request["form_number"], move
            ),
            lambda: is_platform
            and move._get_red_confirmation_error(
                request["form_state"], request["form_number"], request["form_datetime"]
            ),
            lambda: is_platform
            and move._get_red_initiator_error(
                request["form_state"], request["initiator"]
            ),
            lambda: self._get_red_form_used_error(
                request["form_number"], move.company_id
            ),
            lambda: move._get_red_request_number_error(request),
            lambda: red_rules.one_red_only(kind)
            and request["lines"] is not None
            and move._get_red_one_only_error(),
            lambda: request["lines"] is not None
            and (
                move._get_red_partial_error(request["reason"])
                or move._get_red_lines_error(request["lines"])
            ),
        )
        for check in checks:
            error = check()
            if error:
                raise UserError(error)

    def _get_red_confirmation_error(self, state, number, raised_at):
        """Why no red invoice of this digital invoice can be issued on the
        confirmation form in ``state`` numbered ``number``, or False."""
        self.ensure_one()
        problem = red_rules.confirmation_problem(
            state, number, raised_at, fields.Datetime.now()
        )
        if not problem:
            return False
        labels = dict(self._fields["red_form_state"]._description_selection(self.env))
        if problem.key == "no_state":
            return self.env._(
                "Red invoice of %(invoice)s on the platform: enter the state the "
                "platform gives the confirmation form (01 only if the platform says "
                "none is needed).",
                invoice=self.display_name,
            )
        if problem.key == "void":
            return self.env._(
                'The confirmation form %(number)s is void ("%(state)s"): no red '
                "invoice can be issued on it.",
                number=number or "",
                state=labels[state],
            )
        if problem.key == "number_missing":
            return self.env._(
                'Enter the number of the confirmation form in state "%(state)s".',
                state=labels[state],
            )
        if problem.key == "raised_at_missing":
            return self.env._(
                "Enter when the confirmation form %(number)s was raised (填开日期): "
                "its 72 hours run from then.",
                number=number,
            )
        return self.env._(
            "The confirmation form %(number)s was raised on %(date)s and not "
            "confirmed within 72 hours: it has lapsed. Raise a new form.",
            number=number,
            date=fields.Datetime.to_string(raised_at),
        )

    def _get_red_request_number_error(self, request, used=None):
        """Why the red invoice number of ``request`` cannot be given, or False:
        the platform's 20-digit number, given once the red invoice is issued
        (a form that allows issuing), not yet carried by another red invoice
        of the company (``used``: ``_get_used_red_numbers`` of a batch, else
        searched)."""
        self.ensure_one()
        number = request["red_number"]
        if not number:
            return False
        error = self._get_red_number_error(request["channel"], number)
        if error:
            return error
        if request["form_state"] not in red_rules.RED_FORM_STATES_ISSUABLE:
            return self.env._(
                "Red invoice number %(number)s: the platform gives a red invoice its "
                "number when it issues it, on a confirmation form in state 01 or 04.",
                number=number,
            )
        if used is None:
            used = self._get_used_red_numbers([number], self.company_id)
        other = used.get((self.company_id.id, number))
        return other and self._get_red_number_used_message(number, other)

    def _get_red_one_only_error(self):
        """Why this invoice cannot be reversed in part: a motor vehicle sales
        invoice is reversed by one red invoice, in full."""
        self.ensure_one()
        return self.env._(
            "Invoice %(invoice)s is a motor vehicle sales invoice: one red invoice "
            "reverses it, in full.",
            invoice=self.display_name,
        )

    def _get_red_partial_error(self, reason):
        """Why this invoice may not be reversed in part for ``reason``, or
        False (the company's setting for invoicing errors)."""
        self.ensure_one()
        if red_rules.partial_allowed(
            reason, self.company_id.red_partial_invoicing_error
        ):
            return False
        return self.env._(
            "Company %(company)s reverses invoices in full for reason 01 "
            "(invoicing error): a partial red invoice is not allowed.",
            company=self.company_id.display_name,
        )

    def _get_red_lines_error(self, lines):
        """Why the partial request ``lines`` (``[(line, quantity, amount)]``)
        cannot be reversed on this invoice, or False: at least one line asks
        something, and no line asks a negative quantity or amount, or more
        than remains on it."""
        self.ensure_one()
        quantities = self._get_red_precision("Product Unit of Measure")
        requested = self._get_red_requested_lines(lines)
        if not requested:
            return self.env._(
                "Enter a quantity or an amount to reverse on at least one line "
                "of %(invoice)s.",
                invoice=self.display_name,
            )
        for line, quantity, amount in requested:
            remaining_quantity = line.red_remaining_quantity
            remaining_amount = line.red_remaining_amount
            problem = red_rules.line_request_problem(
                quantity,
                amount,
                remaining_quantity,
                remaining_amount,
                line.currency_id,
                quantities,
            )
            if not problem:
                continue
            label = {
                "line": line.name or line.product_id.display_name,
                "invoice": line.move_id.display_name,
            }
            if problem.key == "negative":
                return self.env._(
                    'Line "%(line)s" of %(invoice)s: the quantity and the amount '
                    "to reverse cannot be negative.",
                    **label,
                )
            if problem.key == "quantity_exceeds":
                return self.env._(
                    'Line "%(line)s" of %(invoice)s: quantity %(quantity)s is '
                    "more than the %(remaining)s still reversible.",
                    quantity=quantity,
                    remaining=remaining_quantity,
                    **label,
                )
            if problem.key == "amount_exceeds":
                return self.env._(
                    'Line "%(line)s" of %(invoice)s: amount %(amount)s is more '
                    "than the %(remaining)s still reversible.",
                    amount=amount,
                    remaining=remaining_amount,
                    **label,
                )
            return self.env._(
                'Line "%(line)s" of %(invoice)s: enter the untaxed amount to '
                "reverse for quantity %(quantity)s.",
                quantity=quantity,
                **label,
            )
        return False

    @api.model
    def _get_used_red_forms(self, numbers, company):
        """Red invoices (not cancelled) of ``company`` that already use one of the
        form ``numbers``, in one search: ``[(number, move)]``. A form is used
        once whoever used it, so the search ignores the user's record rules."""
        moves = self.sudo().search(
            [
                ("red_form_number", "in", list(numbers)),
                ("company_id", "=", company.id),
                ("state", "!=", "cancel"),
            ]
        )
        return [(move.red_form_number, move) for move in moves]

    @api.model
    def _get_red_form_used_error(self, number, company):
        """Why form ``number`` cannot be used in ``company`` (a red invoice
        already uses it), or False."""
        if not number:
            return False
        used = self._get_used_red_forms([number], company)
        return self._get_red_form_used_message(*used[0]) if used else False

    @api.model
    def _get_red_form_used_message(self, number, other):
        return self.env._(
            "Form number %(number)s is already used by red invoice "
            "%(other)s: one red invoice per form.",
            number=number,
            other=other.display_name,
        )

    # ------------------------------------------------------------ creation
    @api.model
    def _create_red_invoice(self, request):
        """The draft red invoice of one request (see the class), made by core's
        ``_reverse_moves`` as the single entry always made it. Checks nothing:
        see ``_check_red_request``."""
        request = self._get_red_request(request)
        return request["move"]._reverse_moves(
            [self._prepare_red_reversal_vals(request)], cancel=False
        )

    @api.model
    def _create_red_invoices(self, requests):
        """One draft red invoice per request (see the class), all made by a
        single ``account.move.create``: the batch import's way. Checks
        nothing: see ``_check_red_request``; the import checks the batch as a
        whole (rows against one invoice together).

        ``_reverse_moves`` copies its moves one at a time (about 115 queries per
        credit note, bench/README.md); here the headers are copied as it copies
        them, every line is given as the single entry gives partial lines, and
        Odoo computes the tax and receivable lines of all the credit notes
        together. Posting then reconciles a full reversal with its invoice, as
        for the single entry (``_post`` reconciles reversed moves)."""
        requests = [self._get_red_request(request) for request in requests]
        vals_list = [self._prepare_red_credit_note_vals(r) for r in requests]
        credit_notes = self.create(vals_list)
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

    def _post_red_invoices(self):
        """Post the red invoices of ``self`` whose form allows it; those whose
        confirmation form is pending stay drafts. Returns the posted ones."""
        to_post = self.filtered(lambda move: not move._get_red_post_error())
        if to_post:
            to_post.action_post()
        return to_post

    @api.model
    def _get_red_request(self, request):
        """``request`` with every key, records for ids (see the class)."""
        move = request["move"]
        if not isinstance(move, models.BaseModel):
            move = self.browse(move)
        lines = request.get("lines")
        if lines is not None:
            Line = self.env["account.move.line"]
            lines = [
                (
                    line if isinstance(line, models.BaseModel) else Line.browse(line),
                    quantity or 0.0,
                    amount or 0.0,
                )
                for line, quantity, amount in lines
            ]
        return {
            "move": move,
            "reason": request["reason"],
            "date": request["date"],
            "channel": request.get("channel")
            or red_rules.default_channel(move.cn_invoice_kind),
            "red_number": request.get("red_number") or False,
            "form_number": request.get("form_number") or False,
            "form_state": request.get("form_state") or False,
            "form_datetime": request.get("form_datetime") or False,
            "initiator": request.get("initiator") or "seller",
            "buyer_deducted": bool(request.get("buyer_deducted")),
            "lines": lines,
        }

    @api.model
    def _prepare_red_credit_note_vals(self, request):
        """Values of ``account.move.create`` for the red invoice of ``request``:
        the invoice's header as ``_reverse_moves`` copies it, the red data, and
        the lines that reverse what was asked (all that remains for a full
        reversal)."""
        move = request["move"]
        default = self._prepare_red_reversal_vals(request)
        if "line_ids" not in default:  # a full reversal: all that remains, as lines
            default["line_ids"] = [
                Command.create(line_vals)
                for line_vals in self._prepare_red_lines(request)
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

    @api.model
    def _prepare_red_reversal_vals(self, request):
        """Values given to ``_reverse_moves`` for the red invoice of
        ``request``."""
        vals = self._prepare_red_invoice_vals(request)
        if request["lines"] is not None or request["move"].red_invoice_count:
            # Only what remains (or what was entered): the lines are given, so
            # _reverse_moves copies the invoice header but not all its lines.
            vals["line_ids"] = [
                Command.create(line_vals)
                for line_vals in self._prepare_red_lines(request)
            ]
        return vals

    @api.model
    def _prepare_red_invoice_vals(self, request):
        """Default values of the red invoice of ``request``, as
        account.move.reversal gives them to _reverse_moves, plus the red
        data."""
        move, date = request["move"], request["date"]
        is_platform = request["channel"] == red_rules.CHANNEL_PLATFORM
        return {
            "ref": self.env._(
                "Red invoice of %(invoice)s",
                invoice=move.cn_invoice_number or move.name,
            ),
            "date": date,
            "invoice_date": date,
            "invoice_date_due": date,
            "journal_id": move.journal_id.id,
            "invoice_payment_term_id": False,
            "invoice_user_id": move.invoice_user_id.id,
            "auto_post": "no",
            "cn_invoice_kind": move.cn_invoice_kind,
            "red_reason": request["reason"],
            "red_channel": request["channel"],
            "red_invoice_number": request["red_number"],
            "red_form_number": request["form_number"],
            "red_form_state": request["form_state"] if is_platform else False,
            "red_form_datetime": request["form_datetime"] if is_platform else False,
            "red_initiator": request["initiator"],
            "buyer_deducted": request["buyer_deducted"],
        }

    @api.model
    def _prepare_red_lines(self, request):
        """Values of the red invoice lines of ``request``: copies of the blue
        lines with the quantity and price that reverse what was asked, linked
        to their origin."""
        move = request["move"]
        if request["lines"] is None:
            requested = [
                (line, max(line.red_remaining_quantity, 0.0), line.red_remaining_amount)
                for line in move._get_red_reversible_lines()
            ]
        else:
            requested = move._get_red_requested_lines(request["lines"])
        blue_lines = self.env["account.move.line"].concat(*(r[0] for r in requested))
        copies = blue_lines.with_context(include_business_fields=True).copy_data()
        vals_list = []
        for (blue_line, quantity, amount), vals in zip(requested, copies, strict=True):
            for fname in ("move_id", "balance", "amount_currency", "debit", "credit"):
                vals.pop(fname, None)
            vals.update(self._prepare_red_line_price(blue_line, quantity, amount))
            vals["red_origin_line_id"] = blue_line.id
            vals_list.append(vals)
        return vals_list

    @api.model
    def _prepare_red_line_price(self, blue_line, quantity, amount):
        """Quantity, unit price and amount-only flag of a red line reversing
        ``quantity`` and the untaxed ``amount`` of ``blue_line``
        (``engine.red_invoice.red_line_price``)."""
        price = red_rules.red_line_price(
            blue_line.price_unit,
            blue_line.quantity,
            blue_line.price_subtotal,
            quantity,
            amount,
            blue_line.currency_id,
            self._get_red_precision("Product Unit of Measure"),
            self._get_red_precision("Product Price"),
        )
        return {
            "quantity": price.quantity,
            "price_unit": price.price_unit,
            "red_amount_only": price.amount_only,
        }

    def _get_red_requested_lines(self, lines):
        """The lines of a partial request that ask something, in their order."""
        quantities = self._get_red_precision("Product Unit of Measure")
        return [
            (line, quantity, amount)
            for line, quantity, amount in lines
            if red_rules.is_requested(quantity, amount, line.currency_id, quantities)
        ]

    @api.model
    def _get_red_precision(self, name):
        """The decimal precision ``name`` as the rules' rounding."""
        return DigitsPrecision(self.env["decimal.precision"].precision_get(name))
