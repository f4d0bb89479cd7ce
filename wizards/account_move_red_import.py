import re
from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

from ..importer import specs
from ..importer.cells import (
    normalise_key,
    parse_date,
    parse_number,
    parse_text,
    to_text,
)
from ..importer.rows import CREATE
from ..models.account_move import DIGITAL_KINDS

# Chinese and English names of the kinds, reasons and modes (normalised on use)
KIND_ALIASES = {
    "special": ("专票", "专用发票", "增值税专用发票", "special"),
    "normal": ("普票", "普通发票", "增值税普通发票", "normal", "ordinary"),
    "digital_special": (
        "数电专票",
        "全电专票",
        "数电发票(增值税专用发票)",
        "电子发票(增值税专用发票)",
        "digital special",
    ),
    "digital_normal": (
        "数电普票",
        "全电普票",
        "数电发票(普通发票)",
        "电子发票(普通发票)",
        "digital normal",
        "digital ordinary",
    ),
}
REASON_ALIASES = {
    "01": ("开票有误", "invoicing error"),
    "02": ("销货退回", "sales return"),
    "03": ("服务中止", "service stopped"),
    "04": ("销售折让", "sales allowance"),
}
FORM_STATE_ALIASES = {
    "01": ("无需确认",),
    "02": ("销方录入待购方确认", "待购方确认"),
    "03": ("购方录入待销方确认", "待销方确认"),
    "04": ("购销双方已确认", "已确认"),
}
MODE_ALIASES = {
    "full": ("全额", "全部", "全额冲红", "full"),
    "partial": ("部分", "部分冲红", "partial"),
}
LEADING_CODE = re.compile(r"^0?([1-9])(?!\d)")
TAX_TOLERANCE = 0.01


def _alias_table(aliases):
    return {
        normalise_key(text): value
        for value, texts in aliases.items()
        for text in (value, *texts)
    }


class AccountMoveRedImport(models.TransientModel):
    """Red-letter invoices (红字发票) from a spreadsheet, in batch.

    The red-invoice specification of the import engine
    (``partner.segment.import.mixin``): each row names a posted customer
    invoice and what to reverse; rows are checked with the single entry's
    rules (``account.move.red.invoice``), rows against one invoice are summed
    against its remaining amount, and the credit notes of a batch are made
    together by ``account.move.red.invoice._create_red_invoices`` (one
    ``create``, then one ``action_post``).
    """

    _name = "account.move.red.import"
    _inherit = "partner.segment.import.mixin"
    _description = "Red Invoice Import"

    # ------------------------------------------------------------ specification
    def _import_group(self):
        return "account.group_account_invoice"

    def _import_check_access(self):
        if not self.env.user.has_group(self._import_group()):
            raise AccessError(
                self.env._("Only users with invoicing rights may import red invoices.")
            )

    def _import_target_model(self):
        return "account.move"

    def _import_columns(self):
        return list(specs.RED_COLUMNS)

    def _import_column_fields(self, key):
        return specs.RED_COLUMN_FIELDS.get(key, [])

    def _import_required_titles(self):
        return ["原发票号码 / Original number", "冲红原因 / Reason"]

    def _import_is_sample_row(self, row):
        number = normalise_key(row.values.get("blue_number"))
        return number.startswith(specs.SAMPLE_MARKERS)

    def _import_prepare(self, header_map):
        return {
            "kinds": _alias_table(KIND_ALIASES),
            "reasons": _alias_table(REASON_ALIASES),
            "form_states": _alias_table(FORM_STATE_ALIASES),
            "modes": _alias_table(MODE_ALIASES),
            "today": fields.Date.context_today(self),
        }

    def _import_parse_row(self, row, header_map, context):
        vals = row.vals
        for key in ("blue_number", "blue_code", "form_number"):
            text = self._import_parse_cell(row, key, parse_text)
            vals[key] = re.sub(r"\s", "", text or "")
        if not vals["blue_number"] and not row.errors_of("blue_number"):
            row.error(
                "blue_number", self.env._("The original invoice number is required.")
            )
        vals["kind"] = self._import_parse_choice(row, "kind", context["kinds"])
        vals["reason"] = self._import_parse_code(row, "reason", context["reasons"], 4)
        if not vals["reason"] and not row.errors:
            row.error("reason", self.env._("The reason (01 to 04) is required."))
        vals["form_state"] = self._import_parse_code(
            row, "form_state", context["form_states"], 9
        )
        vals["blue_date"] = self._import_parse_cell(row, "blue_date", parse_date)
        vals["date"] = (
            self._import_parse_cell(row, "date", parse_date) or context["today"]
        )
        for key in ("amount", "tax"):
            value = self._import_parse_cell(row, key, parse_number, allow_negative=True)
            vals[key] = abs(value) if value is not None else None
        mode = self._import_parse_choice(row, "mode", context["modes"])
        vals["mode"] = mode or ("partial" if vals["amount"] else "full")
        if vals["mode"] == "partial" and not vals["amount"]:
            row.error(
                "amount",
                self.env._(
                    "A partial red invoice needs the untaxed amount to reverse."
                ),
            )

    def _import_row_keys(self, row):
        number = row.vals.get("form_number")
        return [("form_number", number)] if number else []

    def _import_match(self, rows, context):
        """Find every row's invoice with one search, check the row as the single
        entry would, and sum the rows of one invoice against what remains."""
        if not rows:
            return
        blues = self._import_find_blues(rows)
        blues.invoice_line_ids.mapped("red_remaining_amount")  # one grouped query
        by_number, by_name = defaultdict(list), {}
        for blue in blues:
            if blue.cn_invoice_number:
                by_number[blue.cn_invoice_number].append(blue)
            by_name[blue.name] = blue
        used_forms = dict(
            self.env["account.move.red.invoice"]._get_used_red_forms(
                {r.vals["form_number"] for r in rows if r.vals["form_number"]},
                self.env.company,
            )
        )
        reserved = defaultdict(list)  # blue id: [(row number, amount)]
        reserved_lines = defaultdict(float)  # blue line id: amount
        for row in rows:
            blue = self._import_match_blue(row, by_number, by_name)
            if not blue:
                continue
            wizard = self._import_check_red_row(row, blue, used_forms)
            if row.errors:
                continue
            self._import_allot(row, blue, wizard, reserved, reserved_lines)

    def _import_apply(self, rows, context):
        if context.get("dry_run"):
            # Test: the rows were checked and their amounts and taxes computed
            # by _import_match; creating and posting credit notes only to roll
            # them back would consume ids and run posting's side effects.
            for row in rows:
                row.outcome, row.record_id = CREATE, 0
            return
        moves = self.env["account.move"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        wizards = self.env["account.move.red.invoice"].with_env(moves.env)
        credit_notes = wizards._create_red_invoices(
            wizards.concat(*(wizards.new(r.vals["wizard"]) for r in rows))
        )
        credit_notes.filtered(lambda m: not m._get_red_post_error()).action_post()
        for row, credit_note in zip(rows, credit_notes, strict=True):
            row.outcome, row.record_id = CREATE, credit_note.id

    def _import_template(self):
        return specs.red_template()

    def _import_template_sheet_title(self):
        return "红字发票 Red invoices"

    def _import_template_filename(self):
        return "red_invoice_import_template.xlsx"

    def action_open_records(self):
        """The red invoices the import created, in the register's views."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.account_move_red_register_action"
        )
        action["domain"] = [("id", "in", self.result_record_ids or [])]
        action["context"] = {"default_move_type": "out_refund"}
        return action

    # ------------------------------------------------------------ parsing
    def _import_parse_choice(self, row, column, table):
        raw = to_text(row.values.get(column))
        if not raw:
            return False
        value = table.get(normalise_key(raw))
        if not value:
            row.error(column, self.env._("%(value)s is not understood.", value=raw))
        return value or False

    def _import_parse_code(self, row, column, table, highest):
        """A code such as ``02``, ``2`` or ``02 销货退回``, or a name from ``table``."""
        raw = to_text(row.values.get(column))
        if not raw:
            return False
        key = normalise_key(raw)
        match = LEADING_CODE.match(key)
        if match and int(match.group(1)) <= highest:
            return f"0{match.group(1)}"
        return self._import_parse_choice(row, column, table)

    # ------------------------------------------------------------ matching
    def _import_find_blues(self, rows):
        numbers = list({r.vals["blue_number"] for r in rows})
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.env.company.id),
                "|",
                ("cn_invoice_number", "in", numbers),
                ("name", "in", numbers),
            ]
        )

    def _import_match_blue(self, row, by_number, by_name):
        number, code = row.vals["blue_number"], row.vals["blue_code"]
        candidates = by_number.get(number, [])
        if code and candidates:
            candidates = [m for m in candidates if m.cn_invoice_code == code]
            if not candidates:
                row.error(
                    "blue_code",
                    self.env._(
                        "Invoice number %(number)s exists, but not with code %(code)s.",
                        number=number,
                        code=code,
                    ),
                )
                return False
        if not candidates and number in by_name:
            candidates = [by_name[number]]
        if not candidates:
            row.error(
                "blue_number",
                self.env._(
                    "No invoice of %(company)s has the tax invoice number or the "
                    "number %(number)s.",
                    company=self.env.company.display_name,
                    number=number,
                ),
            )
            return False
        if len(candidates) > 1:
            row.error(
                "blue_code",
                self.env._(
                    "Several invoices carry number %(number)s: give the original "
                    "invoice code.",
                    number=number,
                ),
            )
            return False
        return candidates[0]

    def _import_check_red_row(self, row, blue, used_forms):
        """The single entry's checks on one row; returns the in-memory entry."""
        vals = row.vals
        wizards = self.env["account.move.red.invoice"]
        try:
            wizards._check_move(blue)
        except UserError as error:
            row.error("blue_number", error.args[0])
            return wizards
        self._import_cross_check(row, blue)
        is_digital = blue.cn_invoice_kind in DIGITAL_KINDS
        wizard_vals = {
            "move_id": blue.id,
            "red_reason": vals["reason"],
            "red_form_number": vals["form_number"] or False,
            "red_form_state": (vals["form_state"] or "01") if is_digital else False,
            "red_initiator": "seller",
            "date": vals["date"],
            "reversal_mode": vals["mode"],
        }
        wizard = wizards.new(wizard_vals)
        for column, check in (
            ("form_number", wizard._check_red_form_number),
            (
                "form_state",
                lambda: is_digital
                and wizard._check_confirmation_form(wizard._red_form_state_labels()),
            ),
            (
                "mode",
                lambda: vals["mode"] == "partial" and wizard._check_partial_allowed(),
            ),
        ):
            try:
                check()
            except UserError as error:
                row.error(column, error.args[0])
        if vals["form_number"] in used_forms:
            row.error(
                "form_number",
                wizards._red_form_used_message(
                    vals["form_number"], used_forms[vals["form_number"]]
                ),
            )
        vals["wizard"] = wizard_vals
        return wizard

    def _import_cross_check(self, row, blue):
        vals = row.vals
        if (
            vals["kind"]
            and blue.cn_invoice_kind
            and vals["kind"] != blue.cn_invoice_kind
        ):
            labels = dict(
                blue._fields["cn_invoice_kind"]._description_selection(self.env)
            )
            row.error(
                "kind",
                self.env._(
                    "Invoice %(invoice)s is of kind %(kind)s, not the kind given.",
                    invoice=blue.display_name,
                    kind=labels[blue.cn_invoice_kind],
                ),
            )
        if vals["blue_code"] and vals["blue_code"] != (blue.cn_invoice_code or ""):
            if not row.errors:
                row.error(
                    "blue_code",
                    self.env._(
                        "Invoice %(invoice)s has tax invoice code %(code)s.",
                        invoice=blue.display_name,
                        code=blue.cn_invoice_code or "-",
                    ),
                )
        blue_date = blue.cn_invoice_date or blue.invoice_date
        if vals["blue_date"] and vals["blue_date"] != blue_date:
            row.error(
                "blue_date",
                self.env._(
                    "Invoice %(invoice)s is dated %(date)s.",
                    invoice=blue.display_name,
                    date=fields.Date.to_string(blue_date),
                ),
            )

    def _import_allot(self, row, blue, wizard, reserved, reserved_lines):
        """What the row reverses on each line of ``blue``, after the earlier rows
        of the batch; errors when the rows together exceed what remains."""
        vals, currency = row.vals, blue.currency_id
        earlier = reserved[blue.id]
        available = blue.red_remaining_amount - sum(a for _n, a in earlier)
        if vals["mode"] == "full":
            if earlier:
                row.error(
                    "mode",
                    self.env._(
                        "A full red invoice of %(invoice)s, but row(s) %(rows)s "
                        "already reverse part of it.",
                        invoice=blue.display_name,
                        rows=", ".join(str(n) for n, _a in earlier),
                    ),
                )
                return
            amount = blue.red_remaining_amount
            if vals["amount"] and currency.compare_amounts(vals["amount"], amount):
                row.error(
                    "amount",
                    self.env._(
                        "A full red invoice of %(invoice)s reverses %(remaining)s, "
                        "not %(amount)s.",
                        invoice=blue.display_name,
                        remaining=amount,
                        amount=vals["amount"],
                    ),
                )
                return
        else:
            amount = currency.round(vals["amount"])
            if currency.compare_amounts(amount, available) > 0:
                if earlier:
                    message = self.env._(
                        "Rows %(rows)s and this row reverse %(total)s of %(invoice)s "
                        "in total, more than the %(remaining)s remaining.",
                        rows=", ".join(str(n) for n, _a in earlier),
                        total=currency.round(amount + sum(a for _n, a in earlier)),
                        invoice=blue.display_name,
                        remaining=blue.red_remaining_amount,
                    )
                else:
                    message = self.env._(
                        "%(amount)s is more than the %(remaining)s still reversible "
                        "on invoice %(invoice)s.",
                        amount=amount,
                        remaining=available,
                        invoice=blue.display_name,
                    )
                row.error("amount", message)
                return
            allotment = self._import_spread(blue, amount, reserved_lines)
            vals["wizard"]["line_ids"] = [
                Command.create(
                    {
                        "sequence": index,
                        "blue_line_id": line.id,
                        "quantity": 0.0,
                        "amount": line_amount,
                    }
                )
                for index, (line, line_amount) in enumerate(allotment)
            ]
            for line, line_amount in allotment:
                reserved_lines[line.id] += line_amount
        self._import_check_tax(
            row, blue, amount, vals["mode"] == "full" and not blue.red_invoice_count
        )
        if not row.errors:
            reserved[blue.id].append((row.number, amount))
            vals["blue_id"] = blue.id

    def _import_spread(self, blue, amount, reserved_lines):
        """``amount`` spread over the reversible lines of ``blue`` in proportion
        to what remains on each: ``[(line, amount)]``, the last line taking the
        rounding difference."""
        currency = blue.currency_id
        lines = [
            (line, line.red_remaining_amount - reserved_lines[line.id])
            for line in blue._get_red_reversible_lines()
        ]
        lines = [
            (line, left)
            for line, left in lines
            if currency.compare_amounts(left, 0) > 0
        ]
        total = sum(left for _line, left in lines)
        allotment, allotted = [], 0.0
        for index, (line, left) in enumerate(lines):
            if index == len(lines) - 1:
                share = currency.round(amount - allotted)
            else:
                share = currency.round(amount * left / total)
            allotted += share
            if not currency.is_zero(share):
                allotment.append((line, share))
        return allotment

    def _import_check_tax(self, row, blue, amount, whole):
        tax = row.vals["tax"]
        if tax is None:
            return
        if whole:
            expected = blue.amount_tax
        else:
            allotment = row.vals["wizard"].get("line_ids")
            expected = 0.0
            lines = self.env["account.move.line"].browse(
                [command[2]["blue_line_id"] for command in allotment or []]
            )
            for line, command in zip(lines, allotment or [], strict=True):
                taxes = line.tax_ids.compute_all(
                    command[2]["amount"],
                    currency=blue.currency_id,
                    quantity=1.0,
                    product=line.product_id,
                    partner=blue.partner_id,
                    handle_price_include=False,
                )
                expected += taxes["total_included"] - taxes["total_excluded"]
            if not allotment:  # full reversal of what remains after earlier reds
                expected = blue.amount_tax * amount / blue.amount_untaxed
        expected = blue.currency_id.round(expected)
        if abs(tax - expected) > TAX_TOLERANCE + 1e-6:
            row.error(
                "tax",
                self.env._(
                    "Tax %(tax)s does not match the %(expected)s computed on the "
                    "untaxed %(amount)s (tolerance 0.01).",
                    tax=tax,
                    expected=expected,
                    amount=amount,
                ),
            )
