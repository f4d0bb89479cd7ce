import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import red_invoice as red_rules
from ..engine.red_invoice import (
    CN_INVOICE_KINDS,
    RED_CHANNELS,
    RED_FORM_STATES,
    RED_INITIATORS,
    RED_REASONS,
)

_logger = logging.getLogger(__name__)

# The credit notes that count against their invoice's remaining amount: posted
# ones (those being posted are posted when the constraints run), and drafts
# made as red invoices (a red reason: the entry's pending confirmation forms)
# whose form is not void: a form lapsed after 72 hours (07) or voided on the
# platform (05, 06, 08 to 13) never issues its red invoice, so its draft holds
# nothing. A draft from core's Reverse reserves nothing. Shared by the SQL of
# account.move and account.move.line, where the credit note is ``move``.
RED_COUNTED_SQL = SQL(
    "(move.state = 'posted' OR (move.state = 'draft' AND move.red_reason IS NOT NULL"
    " AND (move.red_form_state IS NULL OR move.red_form_state <> ALL(%s))))",
    list(red_rules.RED_FORM_STATES_VOID),
)


class AccountMove(models.Model):
    _inherit = "account.move"

    # Tax invoice identity (blue and red). When l10n_cn is installed its 8-digit
    # ``fapiao`` field is hidden from the form (see _get_view): ``cn_invoice_number``
    # also holds the 20-digit number of a digital invoice, so it is the one shown.
    cn_invoice_kind = fields.Selection(
        CN_INVOICE_KINDS,
        string="Tax Invoice Kind",
        index="btree_not_null",
        tracking=True,
        help="Kind of the Chinese VAT invoice (发票种类) issued for this document.",
    )
    cn_invoice_code = fields.Char(
        "Tax Invoice Code",
        copy=False,
        tracking=True,
        help="发票代码: 10 digits for a paper special VAT invoice, 10 or 12 for a paper "
        "ordinary one, 12 for an electronic special (ending in 13) or ordinary "
        "invoice, a digital paper invoice and a motor vehicle sales invoice, empty "
        "for a digital invoice.",
    )
    cn_invoice_number = fields.Char(
        "Tax Invoice Number",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="发票号码: 8 digits, or 20 digits for a digital invoice.",
    )
    cn_invoice_digital_number = fields.Char(
        "Digital Invoice Number",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="数电票号码: the 20-digit number of a digital paper invoice (数电纸质发票), "
        "besides its code and 8-digit number.",
    )
    cn_invoice_date = fields.Date("Tax Invoice Date", copy=False)

    # Red-letter invoice (红字发票) data, on the credit note
    red_reason = fields.Selection(
        RED_REASONS,
        string="Red Invoice Reason",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Reason of the red-letter invoice, with the tax bureau's code.",
    )
    red_channel = fields.Selection(
        RED_CHANNELS,
        string="Red Invoice Channel",
        copy=False,
        tracking=True,
        help="How the red invoice is issued: on the e-invoice service platform with a "
        "confirmation form (红字发票信息确认单, Notice 2024 No. 11), or by tax "
        "control software with an information form for a special VAT invoice "
        "(红字信息表, Notice 2016 No. 47). A digital invoice is reversed on the "
        "platform only.",
    )
    red_form_number = fields.Char(
        "Red Form Number",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Number of the red-letter information form (信息表编号, 16 digits) of a "
        "special VAT invoice reversed by tax control software, or of the "
        "confirmation form (确认单编号, 20 characters) of the platform. One red "
        "invoice per form.",
    )
    red_form_state = fields.Selection(
        RED_FORM_STATES,
        string="Confirmation Form State",
        copy=False,
        tracking=True,
        help="State of the confirmation form on the platform, as the platform "
        "gives it: only 01 and 04 allow issuing the red invoice; 02 and 03 are "
        "pending, 05 to 13 void.",
    )
    red_form_datetime = fields.Datetime(
        "Form Raised On",
        copy=False,
        help="When the confirmation form was raised (填开日期): the other party must "
        "confirm it within 72 hours or it lapses.",
    )
    red_form_hours_left = fields.Integer(
        "Hours Left to Confirm",
        compute="_compute_red_form_hours_left",
        help="Hours left before a pending confirmation form lapses.",
    )
    red_initiator = fields.Selection(
        RED_INITIATORS,
        string="Form Raised By",
        copy=False,
    )
    buyer_deducted = fields.Boolean(
        "Buyer Deducted Input VAT",
        copy=False,
        help="The buyer already deducted the input VAT of the original invoice.",
    )
    red_invoice_number = fields.Char(
        "Red Invoice Number",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The number the platform gave the red invoice when it issued it (20 "
        "digits). Unique in the company.",
    )
    red_remark = fields.Char(
        "Red Invoice Remark",
        compute="_compute_red_remark",
        store=True,
        help="Remark that the red invoice must carry.",
    )
    red_form_expired = fields.Boolean(
        "Confirmation Lapsed",
        compute="_compute_red_form_expired",
        help="A digital invoice's confirmation form still pending 72 hours after it "
        "was raised: it has lapsed.",
    )
    red_origin_invoice_code = fields.Char(
        "Original Tax Invoice Code", related="reversed_entry_id.cn_invoice_code"
    )
    red_origin_invoice_number = fields.Char(
        "Original Tax Invoice Number", related="reversed_entry_id.cn_invoice_number"
    )

    # On the blue invoice
    red_remaining_amount = fields.Monetary(
        "Remaining Reversible Amount",
        compute="_compute_red_remaining",
        currency_field="currency_id",
        help="Untaxed amount that red invoices (posted, or drafts entered as red "
        "invoices) have not reversed yet.",
    )
    red_invoice_count = fields.Integer(
        "Red Invoice Count", compute="_compute_red_remaining"
    )

    # One red invoice per form number and company, cancelled ones aside: the
    # database refuses a second one even when two users (or a user and an
    # import) enter it at the same moment. An exclusion constraint, because a
    # unique constraint cannot leave the cancelled ones out; Odoo shows its
    # message when the database refuses a write.
    _sql_constraints = [
        (
            "red_form_number_company_uniq",
            "EXCLUDE USING btree (company_id WITH =, red_form_number WITH =) "
            "WHERE (red_form_number IS NOT NULL AND state <> 'cancel')",
            "A red form number (information or confirmation form) is used by "
            "one red invoice only in a company.",
        ),
        (
            "red_invoice_number_company_uniq",
            "EXCLUDE USING btree (company_id WITH =, red_invoice_number WITH =) "
            "WHERE (red_invoice_number IS NOT NULL AND state <> 'cancel')",
            "A red invoice number is used by one red invoice only in a company.",
        ),
    ]

    @api.depends(
        "cn_invoice_kind",
        "red_channel",
        "red_form_number",
        "reversed_entry_id.cn_invoice_code",
        "reversed_entry_id.cn_invoice_number",
        "reversed_entry_id.cn_invoice_digital_number",
    )
    def _compute_red_remark(self):
        for move in self:
            move.red_remark = move._get_red_remark()

    @api.depends("cn_invoice_kind", "red_form_state", "red_form_datetime", "state")
    def _compute_red_form_expired(self):
        now = fields.Datetime.now()
        for move in self:
            move.red_form_expired = bool(
                move.state == "draft"
                and red_rules.is_lapsed(
                    move.red_form_state, move.red_form_datetime, now
                )
            )

    @api.depends("red_form_state", "red_form_datetime", "state")
    def _compute_red_form_hours_left(self):
        now = fields.Datetime.now()
        for move in self:
            hours = red_rules.hours_left(
                move.red_form_state, move.red_form_datetime, now
            )
            move.red_form_hours_left = hours if move.state == "draft" else 0

    @api.depends(
        "amount_untaxed",
        "reversal_move_ids.amount_untaxed",
        "reversal_move_ids.state",
        "reversal_move_ids.red_reason",
        "reversal_move_ids.red_form_state",
    )
    def _compute_red_remaining(self):
        blues = self.filtered(lambda m: m.move_type == "out_invoice" and m._origin)
        reversed_by_blue = blues._origin._get_red_reversed_totals()
        for move in self:
            amount, count = reversed_by_blue.get(move._origin.id, (0.0, 0))
            move.red_invoice_count = count
            move.red_remaining_amount = (
                move.amount_untaxed - amount if move in blues else 0.0
            )

    @api.constrains(
        "cn_invoice_kind",
        "cn_invoice_code",
        "cn_invoice_number",
        "cn_invoice_digital_number",
    )
    def _check_cn_invoice_format(self):
        for move in self.filtered(
            lambda m: m.cn_invoice_code
            or m.cn_invoice_number
            or m.cn_invoice_digital_number
        ):
            error = move._get_cn_invoice_format_error()
            if error:
                raise ValidationError(error)
        self._check_cn_invoice_unique()

    @api.constrains("red_form_number", "cn_invoice_kind", "red_channel")
    def _check_red_form_number(self):
        for move in self.filtered(lambda m: m.red_form_number or m.red_channel):
            # a credit note made otherwise than as a red invoice (core's
            # Reverse, RPC) takes its kind's channel
            kind = move.cn_invoice_kind
            channel = move.red_channel or red_rules.default_channel(kind)
            error = self._get_red_channel_error(
                kind, channel, move
            ) or self._get_red_form_number_error(
                kind, channel, move.red_form_number, move
            )
            if error:
                raise ValidationError(error)
        self._check_red_form_unique()

    @api.model
    def _get_red_channel_error(self, kind, channel, invoice):
        """Why a red invoice of tax invoice ``kind`` cannot be issued through
        ``channel``, or None (``engine.red_invoice.channel_problem``)."""
        problem = red_rules.channel_problem(kind, channel)
        if not problem:
            return None
        if problem.key == "channel_missing":
            return self.env._(
                "Red invoice of %(invoice)s: choose how it is issued, on the "
                "e-invoice service platform (confirmation form) or by tax control "
                "software (information form).",
                invoice=invoice.display_name,
            )
        return self.env._(
            "Invoice %(invoice)s is a digital invoice: its red invoice is issued on "
            "the e-invoice service platform, with a confirmation form.",
            invoice=invoice.display_name,
        )

    @api.model
    def _get_red_form_number_error(self, kind, channel, number, invoice):
        """Why ``number`` is not the form number a red invoice of tax invoice
        ``kind`` issued through ``channel`` needs, or None: a 确认单编号 of 20
        letters or digits on the platform; by tax control software the
        16-digit 信息表编号 of a special invoice and no form for the others.
        ``invoice`` is named in the message. The constraint, the entry and the
        import (which check before they write) share this rule."""
        problem = red_rules.form_number_problem(kind, channel, number)
        if not problem:
            return None
        if problem.key == "info_form_missing":
            return self.env._(
                "Invoice %(invoice)s is a special VAT invoice: enter the "
                "16-digit red-letter information form number.",
                invoice=invoice.display_name,
            )
        if problem.key == "info_form_format":
            return self.env._(
                "The red-letter information form number %(number)s of "
                "invoice %(invoice)s must be exactly 16 digits.",
                number=number,
                invoice=invoice.display_name,
            )
        if problem.key == "form_not_needed":
            return self.env._(
                "Invoice %(invoice)s is not a special VAT invoice: its red invoice "
                "by tax control software has no form (got %(number)s). A "
                "confirmation form belongs to the platform channel.",
                number=number,
                invoice=invoice.display_name,
            )
        return self.env._(
            "The confirmation form number %(number)s must be 20 letters or digits.",
            number=number,
        )

    @api.constrains("red_form_state", "red_initiator")
    def _check_red_initiator(self):
        # an initiator given must agree (the entry and the import always give
        # one; a credit note made otherwise may have none)
        for move in self.filtered(lambda m: m.red_form_state and m.red_initiator):
            error = move._get_red_initiator_error(
                move.red_form_state, move.red_initiator
            )
            if error:
                raise ValidationError(error)

    def _get_red_initiator_error(self, state, initiator):
        """Why a confirmation form in ``state`` cannot have been raised by
        ``initiator``, or False: 02 is the seller's form, 03 the buyer's."""
        problem = red_rules.initiator_problem(state, initiator)
        if not problem:
            return False
        states = dict(self._fields["red_form_state"]._description_selection(self.env))
        initiators = dict(
            self._fields["red_initiator"]._description_selection(self.env)
        )
        return self.env._(
            'A confirmation form in state "%(state)s" was raised by the %(expected)s: '
            "set the initiator accordingly.",
            state=states[state],
            expected=initiators[problem.values["expected"]].lower(),
        )

    @api.constrains("red_invoice_number", "red_channel", "state", "company_id")
    def _check_red_invoice_number(self):
        """The red invoice's own number: 20 digits on the platform, once in a
        company (the database's exclusion constraint guards concurrency; this
        check names the other red invoice, whatever the user's record
        rules)."""
        moves = self.filtered("red_invoice_number")
        for move in moves:
            error = move._get_red_number_error(
                move.red_channel or red_rules.default_channel(move.cn_invoice_kind),
                move.red_invoice_number,
            )
            if error:
                raise ValidationError(error)
        moves = moves.filtered(lambda m: m.state != "cancel")
        if not moves:
            return
        # as _check_red_form_unique: SQL, without flushing these moves (the
        # exclusion constraint would refuse the flush before this message)
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, red_invoice_number, MIN(id)
                  FROM account_move
                 WHERE red_invoice_number = ANY(%s)
                   AND company_id = ANY(%s)
                   AND state != 'cancel'
                   AND id != ALL(%s)
              GROUP BY company_id, red_invoice_number
                """,
                list(set(moves.mapped("red_invoice_number"))),
                moves.company_id.ids,
                moves.ids,
            )
        )
        used = {(c, n): self.sudo().browse(i) for c, n, i in self.env.cr.fetchall()}
        seen = {}
        for move in moves:
            key = (move.company_id.id, move.red_invoice_number)
            other = used.get(key) or seen.get(key)
            if other:
                raise ValidationError(
                    move._get_red_number_used_message(move.red_invoice_number, other)
                )
            seen[key] = move

    def _get_red_number_error(self, channel, number):
        problem = red_rules.red_number_problem(channel, number)
        if not problem:
            return False
        if problem.key == "red_number_not_allowed":
            return self.env._(
                "Red invoice number %(number)s: a red invoice of tax control "
                "software has its own tax invoice code and number (Tax Invoice "
                "tab); the red invoice number is the platform's.",
                number=number,
            )
        return self.env._(
            "The red invoice number %(number)s must be the %(digits)s-digit number "
            "the platform gave the red invoice.",
            number=number,
            digits=problem.values["digits"],
        )

    @api.model
    def _get_used_red_numbers(self, numbers, companies):
        """Red invoices (not cancelled) of ``companies`` that already carry one
        of the red invoice ``numbers``: ``{(company id, number): move}``, in one
        search that ignores the user's record rules."""
        domain = [
            ("red_invoice_number", "in", list(numbers)),
            ("company_id", "in", companies.ids),
            ("state", "!=", "cancel"),
        ]
        moves = self.sudo().search(domain)
        return {(m.company_id.id, m.red_invoice_number): m for m in moves}

    @api.model
    def _get_red_number_used_message(self, number, other):
        return self.env._(
            "Red invoice number %(number)s is already carried by %(other)s.",
            number=number,
            other=other.sudo().display_name,
        )

    @api.constrains("red_form_number", "state", "company_id")
    def _check_red_form_unique(self):
        """Name the red invoices that share a form number. The database's
        exclusion constraint is the guard under concurrency; this check runs
        first, so it reads the other moves without flushing these (the
        constraint would refuse the flush before a readable message), and it
        sees every move, whatever the user's record rules."""
        moves = self.filtered(lambda m: m.red_form_number and m.state != "cancel")
        if not moves:
            return
        by_key = moves.grouped(lambda m: (m.company_id.id, m.red_form_number))
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, red_form_number, array_agg(id ORDER BY id)
                  FROM account_move
                 WHERE red_form_number = ANY(%s)
                   AND company_id = ANY(%s)
                   AND state != 'cancel'
                   AND id != ALL(%s)
              GROUP BY company_id, red_form_number
                """,
                list({number for _company, number in by_key}),
                list({company for company, _number in by_key}),
                moves.ids,
            )
        )
        others = {(c, n): ids for c, n, ids in self.env.cr.fetchall()}
        for (company_id, number), group in by_key.items():
            other_ids = others.get((company_id, number), [])
            if len(group) + len(other_ids) > 1:
                duplicates = group | self.sudo().browse(other_ids)
                raise ValidationError(
                    self.env._(
                        "Form number %(number)s is used by several red invoices of "
                        "%(company)s (%(invoices)s): one red invoice per form.",
                        number=number,
                        company=group.company_id.display_name,
                        invoices=", ".join(duplicates.sudo().mapped("display_name")),
                    )
                )

    # Amounts are checked through the lines' own fields (account.move.line):
    # a trigger on the computed amount_untaxed would run the check at every
    # recomputation while Odoo builds a move (5 times per core reversal).
    @api.constrains("reversed_entry_id", "state", "red_reason", "red_form_state")
    def _check_red_remaining(self):
        # the invoices in the rule's scope, and those that a red invoice (one
        # with a red reason, as the entry and the import make them) reverses
        refunds = self.filtered(lambda m: m._is_red_counted())
        reds = refunds.filtered("red_reason")
        blues = refunds._get_red_originals().filtered(
            lambda m: m._is_red_rule_applied()
        ) | reds._get_red_originals().filtered(lambda m: m.move_type == "out_invoice")
        blues._check_red_within_original()
        blues._check_red_one_per_invoice()

    def _check_red_one_per_invoice(self):
        """A motor vehicle sales invoice (机动车销售统一发票) is reversed by one red
        invoice, which takes it whole."""
        blues = self.filtered(lambda m: red_rules.one_red_only(m.cn_invoice_kind))
        if not blues:
            return
        totals = blues._get_red_reversed_totals()
        for blue in blues:
            amount, count = totals.get(blue.id, (0.0, 0))
            if count > 1 or (
                count and blue.currency_id.compare_amounts(amount, blue.amount_untaxed)
            ):
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s is a motor vehicle sales invoice: one "
                        "red invoice reverses it, in full.",
                        invoice=blue.display_name,
                    )
                )

    def _get_red_originals(self):
        return self.reversed_entry_id | self.line_ids.red_origin_line_id.move_id

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form" and "fapiao" in self._fields:
            # l10n_cn's fapiao holds 8 digits only; cn_invoice_number is shown instead
            # (it also takes the 20-digit number of a digital invoice).
            for node in arch.xpath("//field[@name='fapiao']"):
                node.set("invisible", "1")
        return arch, view

    def _post(self, soft=True):
        for move in self:
            error = move._get_red_post_error()
            if error:
                raise UserError(error)
        return super()._post(soft=soft)

    def _reconcile_reversed_moves(self, reverse_moves, move_reverse_cancel):
        """Reconcile each reverse move with its own reversed entry, in two
        reconciliation plans for the whole batch.

        ``_post`` calls this on ``reverse_moves.reversed_entry_id``, where an
        invoice appears once however many of the posted moves reverse it, and
        core pairs the two recordsets by position: posting two red invoices of
        one invoice together paired the second with the next invoice. Here each
        reversed entry is grouped with all its reverse moves, and the groups are
        reconciled by ``_reconcile_plan`` (two syncs of all the moves, instead
        of one per pair: a batch of red invoices posts in a fraction of the
        time), in core's order: receivable and payable first (Odoo 18.0 since
        2025 skips what that first step reconciled)."""
        reversed_entries = reverse_moves.reversed_entry_id
        if reversed_entries != self or not all(
            move.reversed_entry_id for move in reverse_moves
        ):
            return super()._reconcile_reversed_moves(reverse_moves, move_reverse_cancel)
        # as core: receivable and payable first; then the other accounts whose
        # lines that first step left open (a cash-basis tax's transition lines
        # are reconciled by their CABA entries, not with each other)
        first, then = [], []
        for move, reverses in reverse_moves.grouped("reversed_entry_id").items():
            lines = (move.line_ids | reverses.line_ids).filtered(
                lambda line: not line.reconciled
            )
            groups = lines.grouped(lambda line: (line.account_id, line.currency_id))
            for (account, _currency), group in groups.items():
                if account.account_type in ("asset_receivable", "liability_payable"):
                    first.append(group)
                elif account.reconcile or account.account_type in (
                    "asset_cash",
                    "liability_credit_card",
                ):
                    then.append(group)
        lines = self.env["account.move.line"].with_context(
            move_reverse_cancel=move_reverse_cancel
        )
        if first:
            lines._reconcile_plan(first)
        then = [
            group
            for group in then
            if group.account_id.account_type in ("asset_cash", "liability_credit_card")
            or not any(group.mapped("reconciled"))
        ]
        if then:
            lines._reconcile_plan(then)
        return reverse_moves

    def action_open_red_invoice_wizard(self):
        """Open the red-invoice entry on a posted customer invoice."""
        self.ensure_one()
        return {
            "name": self.env._("Red Invoice"),
            "type": "ir.actions.act_window",
            "res_model": "account.move.red.invoice",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    def action_open_red_invoices(self):
        """List the red invoices of this blue invoice, in the register's views."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.account_move_red_register_action"
        )
        action["domain"] = [
            ("reversed_entry_id", "=", self.id),
            ("move_type", "=", "out_refund"),
        ]
        action["context"] = {"default_move_type": "out_refund"}
        return action

    @api.model
    def _cron_red_form_lapse(self):
        """Mark the confirmation forms still pending 72 hours after they were
        raised as 07 (not confirmed within 72 hours), as the platform does:
        their red invoices stay drafts that cannot be posted. One search and
        one write."""
        limit = fields.Datetime.now() - timedelta(
            hours=red_rules.RED_FORM_CONFIRM_HOURS
        )
        moves = self.search(
            [
                ("move_type", "=", "out_refund"),
                ("state", "=", "draft"),
                ("red_form_state", "in", red_rules.RED_FORM_STATES_PENDING),
                ("red_form_datetime", "<", limit),
            ]
        )
        if moves:
            moves.write({"red_form_state": red_rules.RED_FORM_STATE_LAPSED})
            _logger.info(
                "%s confirmation form(s) lapsed after 72 hours: %s",
                len(moves),
                moves.ids,
            )
        return moves

    def _get_red_reversed_totals(self):
        """Untaxed amount and count of the red invoices that count
        (``RED_COUNTED_SQL``: posted, or drafts entered as red invoices) of each
        blue invoice in ``self``, in one grouped query:
        ``{blue id: (amount, count)}``.

        The amount is the sum of the red invoices' product lines
        (``price_subtotal``), not their ``amount_untaxed``: Odoo computes that
        from balances only once it has synchronised a new move, after the
        constraints of its lines ran; and the rule holds whoever reads it, so
        no record rule applies."""
        if not self.ids:
            return {}
        self.env["account.move"].flush_model(
            ["reversed_entry_id", "move_type", "state", "red_reason", "red_form_state"]
        )
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "price_subtotal"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT move.reversed_entry_id,
                       COALESCE(SUM(line.price_subtotal), 0.0),
                       COUNT(DISTINCT move.id)
                  FROM account_move move
             LEFT JOIN account_move_line line
                    ON line.move_id = move.id AND line.display_type = 'product'
                 WHERE move.reversed_entry_id = ANY(%s)
                   AND move.move_type = 'out_refund'
                   AND %s
              GROUP BY move.reversed_entry_id
                """,
                self.ids,
                RED_COUNTED_SQL,
            )
        )
        return {
            blue_id: (amount, count)
            for blue_id, amount, count in self.env.cr.fetchall()
        }

    def _get_red_reversed_tax_totals(self):
        """Tax booked by the red invoices that count (``RED_COUNTED_SQL``) of
        each blue invoice in ``self`` (their tax lines, in the document's
        currency), in one grouped query: ``{blue id: tax}``."""
        if not self.ids:
            return {}
        self.env["account.move"].flush_model(
            ["reversed_entry_id", "move_type", "state", "red_reason", "red_form_state"]
        )
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "amount_currency"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT move.reversed_entry_id, SUM(line.amount_currency)
                  FROM account_move move
                  JOIN account_move_line line
                    ON line.move_id = move.id AND line.display_type = 'tax'
                 WHERE move.reversed_entry_id = ANY(%s)
                   AND move.move_type = 'out_refund'
                   AND %s
              GROUP BY move.reversed_entry_id
                """,
                self.ids,
                RED_COUNTED_SQL,
            )
        )
        return dict(self.env.cr.fetchall())

    def _check_red_within_original(self):
        """Red invoices never reverse more than their blue invoice, in total and
        line by line (quantity and untaxed amount).

        The invoices' rows are locked and rewritten first: a second transaction
        reversing one of them at the same moment waits for this one, then fails
        to serialise (Odoo retries the request, which then sees this red
        invoice) instead of counting without it."""
        if not self:
            return
        self._lock_red_originals()
        lines = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        reversed_by_line = lines._get_red_reversed_by_line()
        for line in lines:
            quantity, amount = reversed_by_line.get(line.id, (0.0, 0.0))
            if line._red_exceeds(quantity, amount):
                raise ValidationError(
                    self.env._(
                        "Red invoices of %(invoice)s would reverse more than line "
                        '"%(line)s": quantity %(quantity)s of %(original_quantity)s, '
                        "amount %(amount)s of %(original_amount)s.",
                        invoice=line.move_id.display_name,
                        line=line.name or line.product_id.display_name,
                        quantity=quantity,
                        original_quantity=line.quantity,
                        amount=amount,
                        original_amount=line.price_subtotal,
                    )
                )
        reversed_tax_by_line = lines._get_red_reversed_tax_by_line()
        for line in lines:
            tax = reversed_tax_by_line.get(line.id, 0.0)
            if line._red_tax_exceeds(tax):
                raise ValidationError(
                    self.env._(
                        "Red invoices of %(invoice)s would reverse more tax than "
                        'line "%(line)s": %(tax)s of %(original_tax)s.',
                        invoice=line.move_id.display_name,
                        line=line.name or line.product_id.display_name,
                        tax=tax,
                        original_tax=line.price_total - line.price_subtotal,
                    )
                )
        reversed_taxes = self._get_red_reversed_tax_totals()
        for blue in self:
            tax = reversed_taxes.get(blue.id, 0.0)
            if blue.currency_id.compare_amounts(tax, blue.amount_tax) > 0:
                raise ValidationError(
                    self.env._(
                        "Red invoices of %(invoice)s would reverse %(reversed)s "
                        "of tax in total, more than the %(original)s invoiced.",
                        invoice=blue.display_name,
                        reversed=tax,
                        original=blue.amount_tax,
                    )
                )
        totals = self._get_red_reversed_totals()
        for blue in self:
            amount = totals.get(blue.id, (0.0, 0))[0]
            if blue.currency_id.compare_amounts(amount, blue.amount_untaxed) > 0:
                raise ValidationError(
                    self.env._(
                        "Red invoices of %(invoice)s would reverse %(reversed)s "
                        "untaxed in total, more than the %(original)s invoiced.",
                        invoice=blue.display_name,
                        reversed=amount,
                        original=blue.amount_untaxed,
                    )
                )

    def _lock_red_originals(self):
        """Lock the rows of these invoices until the end of the transaction.
        The row is rewritten, not only locked: under Odoo's repeatable-read
        isolation only an update makes a concurrent transaction that started
        earlier fail when it reaches the same rows.  That failure is expected
        (Odoo retries the request), so it is not logged as a bad query."""
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET write_date = write_date WHERE id = ANY(%s)",
                sorted(self.ids),
            ),
            log_exceptions=False,
        )

    def _get_red_reversible_lines(self):
        """Product lines of this blue invoice that still have something to reverse,
        in the invoice's line order."""
        self.ensure_one()
        return self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and line.currency_id.compare_amounts(line.red_remaining_amount, 0)
        ).sorted(lambda line: (line.sequence, line.id))

    def _is_red_rule_applied(self):
        """Whether the red-invoice rule (never reverse more than invoiced) holds
        for this invoice: a customer invoice that carries a Chinese tax invoice
        (kind, code or number), or any customer invoice of a company whose
        settings say so. Other invoices are credited as core does."""
        self.ensure_one()
        return self.move_type == "out_invoice" and bool(
            self.cn_invoice_kind
            or self.cn_invoice_code
            or self.cn_invoice_number
            or self.company_id.red_rule_all_invoices
        )

    def _is_red_counted(self):
        """Whether this credit note counts against its invoice's remaining
        amount (see ``RED_COUNTED_SQL``)."""
        self.ensure_one()
        return self.move_type == "out_refund" and (
            self.state == "posted"
            or (
                self.state == "draft"
                and bool(self.red_reason)
                and self.red_form_state not in red_rules.RED_FORM_STATES_VOID
            )
        )

    def _is_red_invoice(self):
        self.ensure_one()
        return self.move_type == "out_refund" and bool(
            self.reversed_entry_id or self.red_reason
        )

    def _get_red_post_error(self):
        """Why this red invoice may not be posted yet, or False."""
        self.ensure_one()
        if not self._is_red_invoice():
            return False
        problem = red_rules.post_problem(
            self.cn_invoice_kind,
            self.red_channel,
            self.red_form_state,
            self.red_form_number,
        )
        if not problem:
            return False
        if problem.key == "state_not_issuable":
            return self.env._(
                "Red invoice %(invoice)s cannot be posted: its confirmation form is "
                'in state "%(state)s"; only 01 and 04 allow issuing.',
                invoice=self.display_name,
                state=dict(
                    self._fields["red_form_state"]._description_selection(self.env)
                )[self.red_form_state],
            )
        if problem.key == "no_state":
            return self.env._(
                "Red invoice %(invoice)s cannot be posted: enter the state the "
                "platform gives its confirmation form (01 if the platform says "
                "none is needed).",
                invoice=self.display_name,
            )
        return self.env._(
            "Red invoice %(invoice)s cannot be posted: a special VAT invoice "
            "needs the 16-digit red-letter information form number.",
            invoice=self.display_name,
        )

    def _get_red_remark(self):
        """The remark a red invoice must carry (公告2016年第47号, 2024年第11号).
        The wording is fixed by the tax bureau, hence not translated."""
        self.ensure_one()
        blue = self.reversed_entry_id
        if self.move_type != "out_refund" or not (blue or self.red_form_number):
            return False
        return (
            red_rules.red_remark(
                self.cn_invoice_kind,
                self.red_channel,
                self.red_form_number,
                blue.cn_invoice_code,
                blue.cn_invoice_number,
                blue.cn_invoice_digital_number,
            )
            or False
        )

    def _get_cn_invoice_format_error(self):
        self.ensure_one()
        code, number = self.cn_invoice_code or "", self.cn_invoice_number or ""
        code_number = f"{code}/{number}"  # no f-string in _(): Babel cannot extract it
        problem = red_rules.invoice_number_problem(
            self.cn_invoice_kind, code, number, self.cn_invoice_digital_number
        )
        if not problem:
            return False
        if problem.key == "no_kind":
            return self.env._(
                "Invoice %(invoice)s: choose the tax invoice kind of code/number "
                "%(number)s.",
                invoice=self.display_name,
                number=code_number,
            )
        if problem.key == "code_not_allowed":
            return self.env._(
                "Invoice %(invoice)s: a digital invoice has no tax invoice code "
                "(got %(code)s).",
                invoice=self.display_name,
                code=code,
            )
        if problem.key == "code_digits":
            return self.env._(
                "Invoice %(invoice)s: the tax invoice code %(code)s must have "
                "%(digits)s digits for this kind of invoice.",
                invoice=self.display_name,
                code=code,
                digits=problem.values["digits"],
            )
        if problem.key == "code_suffix":
            return self.env._(
                "Invoice %(invoice)s: the code %(code)s of an electronic special "
                "VAT invoice ends in %(suffix)s.",
                invoice=self.display_name,
                code=code,
                suffix=problem.values["suffix"],
            )
        if problem.key == "digital_number_missing":
            return self.env._(
                "Invoice %(invoice)s: a digital paper invoice also carries its "
                "20-digit digital invoice number.",
                invoice=self.display_name,
            )
        if problem.key == "digital_number_digits":
            return self.env._(
                "Invoice %(invoice)s: the digital invoice number %(number)s must "
                "have %(digits)s digits.",
                invoice=self.display_name,
                number=self.cn_invoice_digital_number,
                digits=problem.values["digits"],
            )
        if problem.key == "digital_number_not_allowed":
            return self.env._(
                "Invoice %(invoice)s: only a digital paper invoice carries a "
                "digital invoice number besides its number.",
                invoice=self.display_name,
            )
        return self.env._(
            "Invoice %(invoice)s: the tax invoice number %(number)s must have "
            "%(digits)s digits for this kind of invoice.",
            invoice=self.display_name,
            number=number,
            digits=problem.values["digits"],
        )

    def _check_cn_invoice_unique(self):
        moves = self.filtered("cn_invoice_number")
        if not moves:
            return
        groups = self.sudo()._read_group(
            [
                ("cn_invoice_number", "in", moves.mapped("cn_invoice_number")),
                ("company_id", "in", moves.company_id.ids),
                ("state", "!=", "cancel"),
            ],
            ["company_id", "cn_invoice_kind", "cn_invoice_code", "cn_invoice_number"],
            ["id:recordset"],
            having=[("__count", ">", 1)],
        )
        for _company, _kind, code, number, duplicates in groups:
            raise ValidationError(
                self.env._(
                    "Tax invoice %(code)s %(number)s is recorded on several "
                    "documents: %(invoices)s.",
                    code=code or "",
                    number=number,
                    invoices=", ".join(duplicates.mapped("display_name")),
                )
            )
