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
        taxes = self._get_red_target_taxes([request])
        credit_note = request["move"]._reverse_moves(
            [self._prepare_red_reversal_vals(request)], cancel=False
        )
        credit_note._set_red_taxes(taxes)
        return credit_note

    @api.model
    def _create_red_invoices(self, requests):
        """One draft red invoice per request (see the class), all made by a
        single ``account.move.create``: the batch import's way. Checks
        nothing: see ``_check_red_request``; the import checks the batch as a
        whole (rows against one invoice together).

        The batch goes through ``_reverse_moves`` once, with every module's
        overrides (their default values, e.g. sale's UTM fields), but core's
        copy of each move, one at a time (about 115 queries per credit note,
        bench/README.md), only gives its values (``copy`` below): the credit
        notes of all of them are then created together, from exactly the values
        core's copy would have created each with. A full reversal thus copies
        the invoice's lines, tax lines included, as core does, and a partial one
        gets the single entry's lines. What an override does to the moves
        ``_reverse_moves`` returns is not done (none of Odoo's sale-side
        modules does so). Posting then reconciles a full reversal with its
        invoice, as for the single entry (``_post`` reconciles reversed moves)."""
        requests = [self._get_red_request(request) for request in requests]
        if not requests:
            return self
        taxes = self._get_red_target_taxes(requests)
        moves = self.browse([request["move"].id for request in requests])
        vals_list = []
        # an invoice once per request: a recordset may repeat a record
        moves.with_context(red_batch_vals=vals_list)._reverse_moves(
            [self._prepare_red_reversal_vals(request) for request in requests],
            cancel=False,
        )
        self._prepare_red_lines_as_refund(vals_list)
        # created on the invoices, as core's copy creates each copy on its
        # original: Odoo then synchronises the new moves' receivable lines (and
        # keeps the copied tax lines) as it does for a copy
        credit_notes = (
            self.browse(list(dict.fromkeys(moves.ids)))
            .with_context(move_reverse_cancel=False, include_business_fields=True)
            .create(vals_list)
        )
        # what _reverse_moves writes once the copies are made
        cogs_lines = credit_notes.line_ids.filtered(
            lambda line: line.display_type == "cogs"
        )
        if cogs_lines:
            credit_notes.write(
                {
                    "line_ids": [
                        Command.update(
                            line.id,
                            {
                                "balance": -line.balance,
                                "amount_currency": -line.amount_currency,
                            },
                        )
                        for line in cogs_lines
                    ]
                }
            )
        credit_notes = self.browse(credit_notes.ids)
        credit_notes._set_red_taxes(taxes)
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

    @api.model
    def _prepare_red_lines_as_refund(self, vals_list):
        """Give the lines copied from the invoices (``vals_list``, the credit
        notes' values, as core's copy gives them) the amounts and the tax
        repartition of a credit note.

        Core's copy keeps the invoice's signs: each product line's amount and
        each tax line's amount and repartition line are the invoice's, and
        Odoo's synchronisation of the new credit note then rewrites every
        product line, one ``write`` per line, with the refund's amounts, and
        replaces its tax lines. Given the refund's values here, the
        synchronisation computes the same and finds nothing to write: it still
        computes everything, and what differs (a rate, a rounding, tags) it
        writes as before, so the booking is core's."""
        company_currency = {}
        Repartition = self.env["account.tax.repartition.line"]
        invoice_repartitions = Repartition.browse(
            {
                command[2]["tax_repartition_line_id"]
                for vals in vals_list
                for command in vals.get("line_ids", ())
                if command[0] == Command.CREATE
                and command[2].get("display_type") == "tax"
                and command[2].get("tax_repartition_line_id")
            }
        )
        refund_of = {}
        for line in invoice_repartitions.filtered(
            lambda r: r.document_type == "invoice"
        ):
            index = list(line.tax_id.invoice_repartition_line_ids).index(line)
            refund = line.tax_id.refund_repartition_line_ids[index : index + 1]
            if len(refund) == 1 and refund.repartition_type == line.repartition_type:
                refund_of[line.id] = refund
        Company = self.env["res.company"]
        for vals in vals_list:
            company_id = vals.get("company_id")
            if company_id not in company_currency:
                company_currency[company_id] = Company.browse(company_id).currency_id.id
            same_currency = vals.get("currency_id") == company_currency[company_id]
            for command in vals.get("line_ids", ()):
                line_vals = command[2]
                if command[0] != Command.CREATE:
                    continue
                display_type = line_vals.get("display_type")
                if display_type == "product" and line_vals.get("amount_currency"):
                    line_vals["amount_currency"] = -line_vals["amount_currency"]
                    if same_currency:
                        line_vals["balance"] = line_vals["amount_currency"]
                elif display_type == "tax":
                    refund = refund_of.get(line_vals.get("tax_repartition_line_id"))
                    if not refund:
                        continue
                    line_vals["tax_repartition_line_id"] = refund.id
                    for fname in ("balance", "amount_currency"):
                        if line_vals.get(fname):
                            line_vals[fname] = -line_vals[fname]
                    line_vals["tax_tag_ids"] = [Command.set(refund.tag_ids.ids)]

    @api.model
    def _get_red_target_taxes(self, requests):
        """The tax a full red invoice of each request must book, per tax key:
        what remains of each tax line of its invoice (``None`` for a partial
        request, whose tax Odoo computes on its lines). Read before the red
        invoices exist."""
        return [
            None
            if request["lines"] is not None
            else request["move"]._get_red_remaining_taxes()
            for request in requests
        ]

    def _get_red_remaining_taxes(self):
        """What remains of each tax line of this invoice after the red
        invoices that count: ``{tax key: (balance, amount_currency)}``, in the
        invoice's sign."""
        self.ensure_one()
        remaining = {}
        for line in self.line_ids.filtered(lambda line: line.display_type == "tax"):
            key = line._get_red_tax_key()
            balance, amount_currency = remaining.get(key, (0.0, 0.0))
            remaining[key] = (
                balance + line.balance,
                amount_currency + line.amount_currency,
            )
        for key, (balance, amount_currency) in self._get_red_reversed_taxes().items():
            if key in remaining:
                left_balance, left_amount = remaining[key]
                remaining[key] = (left_balance + balance, left_amount + amount_currency)
        return remaining

    def _set_red_taxes(self, taxes):
        """Give the tax lines of these full red invoices (in order, with
        ``taxes`` from ``_get_red_target_taxes``) exactly what remains of their
        invoice's tax lines, in one write: core's copy recomputes the tax of
        the credit note, so a tax adjusted by hand on the invoice (to match the
        tax platform's) would stay open by a cent. Odoo keeps tax amounts
        written on a draft and balances the receivable."""
        commands = []
        for credit_note, targets in zip(self, taxes, strict=True):
            if not targets:
                continue
            for line in credit_note.line_ids.filtered(
                lambda line: line.display_type == "tax"
            ):
                target = targets.pop(line._get_red_tax_key(), None)
                if target is None:
                    continue
                # in the document's currency, converted at the credit
                # note's rate as core converts its lines
                amount_currency = -line.currency_id.round(target[1])
                if line.currency_id.compare_amounts(
                    line.amount_currency, amount_currency
                ):
                    commands.append(
                        Command.update(line.id, {"amount_currency": amount_currency})
                    )
        if commands:
            self.write({"line_ids": commands})

    def copy(self, default=None):
        # _create_red_invoices: core's _reverse_moves copies its moves one at a
        # time; under this key the values of each copy are collected, and the
        # credit notes created together by the caller
        collected = self.env.context.get("red_batch_vals")
        if collected is None:
            return super().copy(default)
        collected.extend(self.with_context(active_test=False).copy_data(default))
        return self.browse()

    def _post_red_invoices(self):
        """Post the red invoices of ``self`` whose form allows it; those whose
        confirmation form is pending stay drafts, and so do those dated in the
        future: they post at their date (``auto_post``), as core's reversal
        leaves them. Returns the posted ones."""
        today = fields.Date.context_today(self)
        to_post = self.filtered(
            lambda move: not move._get_red_post_error()
            and not (move.auto_post == "at_date" and move.date > today)
        )
        if to_post:
            to_post._post_red_invoices_checked()
        return to_post

    def _post_red_invoices_checked(self):
        """``action_post`` of these moves, with core's ``checked`` flag set in
        one write.

        Core's ``_post`` sets ``checked`` when the journal checks on posting
        ("autocheck on post"), move by move, before the one write that posts
        them all: each assignment is a full ``write`` of one move, which
        snapshots and synchronises its tax, payment-term and receivable lines
        and checks its balance, for a value the credit note, copied from its
        posted invoice, usually has already. Here the moves of such journals
        get the flag in one write, and ``_post``'s assignments only meet it in
        the cache: the same flag, without a sync per credit note. The moves of
        other journals are left to core (which, depending on the version,
        clears the flag or leaves it). Nothing booked changes."""
        autocheck = self.filtered(lambda move: move.journal_id.autocheck_on_post)
        autocheck.filtered(lambda move: not move.checked).write({"checked": True})
        with self.env.protecting([self._fields["checked"]], autocheck):
            return self.action_post()

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
    def _prepare_red_reversal_vals(self, request):
        """Values given to ``_reverse_moves`` for the red invoice of
        ``request``. A full reversal of an untouched invoice gives no lines:
        core copies them all, tax lines included (tax amounts adjusted by hand
        to match the tax platform survive). After earlier red invoices it gives
        what remains, tax lines included; a partial one the lines asked."""
        vals = self._prepare_red_invoice_vals(request)
        move = request["move"]
        if request["lines"] is not None:
            vals["line_ids"] = [
                Command.create(line_vals)
                for line_vals in self._prepare_red_lines(request)
            ]
        elif move.red_invoice_count:
            vals["line_ids"] = [
                Command.create(line_vals)
                for line_vals in move._prepare_red_remaining_lines()
            ]
        return vals

    @api.model
    def _prepare_red_invoice_vals(self, request):
        """Default values of the red invoice of ``request``: those core's
        reversal wizard gives ``_reverse_moves``
        (``account.move.reversal._prepare_default_reversal``, with its
        overrides: a future date posts at its date, an early-payment-discount
        term of the "mixed" kind stays), the red reference and the red data."""
        move, date = request["move"], request["date"]
        is_platform = request["channel"] == red_rules.CHANNEL_PLATFORM
        reversal = self.env["account.move.reversal"].new(
            {
                "move_ids": [Command.set(move.ids)],
                "date": date,
                "journal_id": move.journal_id.id,
            }
        )
        vals = reversal._prepare_default_reversal(move)
        vals.update(
            {
                "ref": self.env._(
                    "Red invoice of %(invoice)s",
                    invoice=move.cn_invoice_number or move.name,
                ),
                "invoice_date": date,
                "cn_invoice_kind": move.cn_invoice_kind,
                "red_reason": request["reason"],
                "red_channel": request["channel"],
                "red_invoice_number": request["red_number"],
                "red_form_number": request["form_number"],
                "red_form_state": request["form_state"] if is_platform else False,
                "red_form_datetime": (
                    request["form_datetime"] if is_platform else False
                ),
                "red_initiator": request["initiator"],
                "buyer_deducted": request["buyer_deducted"],
            }
        )
        return vals

    @api.model
    def _prepare_red_lines(self, request):
        """Values of the red invoice lines of a partial ``request``: copies of
        the blue lines (as ``_reverse_moves`` copies them, linked to their
        origin) with the quantity and price that reverse what was asked."""
        move = request["move"]
        requested = move._get_red_requested_lines(request["lines"])
        blue_lines = self.env["account.move.line"].concat(*(r[0] for r in requested))
        copies = blue_lines._copy_red_data()
        vals_list = []
        for (blue_line, quantity, amount), vals in zip(requested, copies, strict=True):
            vals_list += self._prepare_red_line_vals(blue_line, vals, quantity, amount)
        return vals_list

    def _prepare_red_remaining_lines(self):
        """Values of the lines of a full red invoice of this invoice after
        earlier red invoices: what remains of each product line, and of each tax
        line (its amount less what the earlier red invoices' tax lines reversed,
        so that the invoice ends reversed to the cent), sections and notes;
        Odoo computes the receivable from them."""
        self.ensure_one()
        lines = self.line_ids.sorted(lambda line: (line.sequence, line.id))
        copies = lines._copy_red_data()
        reversed_taxes = self._get_red_reversed_taxes()
        vals_list = []
        for line, vals in zip(lines, copies, strict=True):
            if line.display_type == "product":
                if line.currency_id.is_zero(line.red_remaining_amount):
                    continue
                vals_list += self._prepare_red_line_vals(
                    line,
                    vals,
                    max(line.red_remaining_quantity, 0.0),
                    line.red_remaining_amount,
                )
            elif line.display_type == "tax":
                balance, amount_currency = reversed_taxes.pop(
                    line._get_red_tax_key(), (0.0, 0.0)
                )
                vals["balance"] = line.company_currency_id.round(line.balance + balance)
                vals["amount_currency"] = line.currency_id.round(
                    line.amount_currency + amount_currency
                )
                if not (
                    line.company_currency_id.is_zero(vals["balance"])
                    and line.currency_id.is_zero(vals["amount_currency"])
                ):
                    vals_list.append(vals)
            elif line.display_type in ("line_section", "line_note"):
                vals_list.append(vals)
        return vals_list

    def _get_red_reversed_taxes(self):
        """What the red invoices that count (``RED_COUNTED_SQL``) of this
        invoice booked on each tax: ``{tax key: (balance, amount_currency)}``
        (``account.move.line._get_red_tax_key``)."""
        self.ensure_one()
        reds = self.reversal_move_ids.filtered(lambda move: move._is_red_counted())
        reversed_taxes = {}
        for line in reds.line_ids.filtered(lambda line: line.display_type == "tax"):
            key = line._get_red_tax_key()
            balance, amount_currency = reversed_taxes.get(key, (0.0, 0.0))
            reversed_taxes[key] = (
                balance + line.balance,
                amount_currency + line.amount_currency,
            )
        return reversed_taxes

    @api.model
    def _prepare_red_line_vals(self, blue_line, vals, quantity, amount):
        """The red line (or lines) reversing ``quantity`` and the untaxed
        ``amount`` of ``blue_line``, from its copied ``vals``: one line at the
        exact amount, or, when no unit price of Odoo's precision gives the
        amount at that quantity, that line and an amount-only line of the few
        cents left (``engine.red_invoice.red_line_price``)."""
        for fname in ("move_id", "balance", "amount_currency", "debit", "credit"):
            vals.pop(fname, None)
        vals["red_origin_line_id"] = blue_line.id
        price = self._get_red_line_price(blue_line, quantity, amount)
        vals_list = [
            {
                **vals,
                "quantity": price.quantity,
                "price_unit": price.price_unit,
                "red_amount_only": price.amount_only,
            }
        ]
        if price.remainder:
            rest = self._get_red_line_price(blue_line, 0.0, price.remainder)
            vals_list.append(
                {
                    **vals,
                    "quantity": rest.quantity,
                    "price_unit": rest.price_unit,
                    "red_amount_only": True,
                }
            )
        return vals_list

    @api.model
    def _get_red_line_price(self, blue_line, quantity, amount):
        """Quantity, unit price and amount-only flag of a red line reversing
        ``quantity`` and the untaxed ``amount`` of ``blue_line``
        (``engine.red_invoice.red_line_price``), its untaxed amount computed as
        the accounting computes the line's (discount, taxes included in the
        price, fixed taxes)."""
        move, currency = blue_line.move_id, blue_line.currency_id
        AccountTax = self.env["account.tax"]
        base_line = move._prepare_product_base_line_for_taxes_computation(blue_line)

        def subtotal(red_quantity, price_unit):
            line = {**base_line, "quantity": red_quantity, "price_unit": price_unit}
            AccountTax._add_tax_details_in_base_line(line, move.company_id)
            return currency.round(line["tax_details"]["raw_total_excluded_currency"])

        return red_rules.red_line_price(
            blue_line.price_unit,
            quantity,
            amount,
            subtotal,
            currency,
            self._get_red_precision("Product Unit of Measure"),
            self._get_red_precision("Product Price"),
        )

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
