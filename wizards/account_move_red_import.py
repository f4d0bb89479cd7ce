import re
from collections import defaultdict

import pytz

from odoo import fields, models
from odoo.exceptions import AccessError

from ..engine import red_invoice as red_rules
from ..engine.red_invoice import (
    CHANNEL_ALIASES,
    FORM_STATE_ALIASES,
    INITIATOR_ALIASES,
    KIND_ALIASES,
    MODE_ALIASES,
    REASON_ALIASES,
    RED_FORM_STATES,
)
from ..importer import specs
from ..importer.cells import (
    normalise_key,
    parse_date,
    parse_datetime,
    parse_number,
    parse_text,
    to_text,
)
from ..importer.rows import CREATE


class AccountMoveRedImport(models.TransientModel):
    """Red-letter invoices (红字发票) from a spreadsheet, in batch.

    The red-invoice specification of the import engine
    (``partner.segment.import.mixin``): each row names a posted customer
    invoice and what to reverse; rows are checked with the single entry's
    rules (``account.move``'s red-invoice service, ``models/account_move_red.py``),
    rows against one invoice are summed against its remaining amount
    (``engine/red_invoice.py``), and the credit notes of a batch are made
    together by ``account.move._create_red_invoices`` (one ``create``, then
    one ``action_post``).
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
            "kinds": red_rules.alias_table(KIND_ALIASES, normalise_key),
            "channels": red_rules.alias_table(CHANNEL_ALIASES, normalise_key),
            "reasons": red_rules.alias_table(REASON_ALIASES, normalise_key),
            "form_states": self._import_form_state_table(),
            "initiators": red_rules.alias_table(INITIATOR_ALIASES, normalise_key),
            "modes": red_rules.alias_table(MODE_ALIASES, normalise_key),
            "today": fields.Date.context_today(self),
        }

    def _import_parse_row(self, row, header_map, context):
        vals = row.vals
        for key in ("blue_number", "blue_code", "form_number", "red_number"):
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
        vals["channel"] = self._import_parse_choice(row, "channel", context["channels"])
        vals["form_state"] = self._import_parse_code(
            row, "form_state", context["form_states"], len(RED_FORM_STATES)
        )
        vals["initiator"] = self._import_parse_choice(
            row, "initiator", context["initiators"]
        )
        vals["form_datetime"] = self._import_parse_form_datetime(row)
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
        return [
            (key, row.vals[key])
            for key in ("form_number", "red_number")
            if row.vals.get(key)
        ]

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
            if blue.cn_invoice_digital_number:
                by_number[blue.cn_invoice_digital_number].append(blue)
            by_name[blue.name] = blue
        used_forms = dict(
            self.env["account.move"]._get_used_red_forms(
                {r.vals["form_number"] for r in rows if r.vals["form_number"]},
                self.env.company,
            )
        )
        used_numbers = self.env["account.move"]._get_used_red_numbers(
            {r.vals["red_number"] for r in rows if r.vals["red_number"]},
            self.env.company,
        )
        reserved = defaultdict(list)  # blue id: [(row number, amount)]
        reserved_lines = defaultdict(float)  # blue line id: amount
        for row in rows:
            blue = self._import_match_blue(row, by_number, by_name)
            if not blue:
                continue
            self._import_check_red_row(row, blue, used_forms, used_numbers)
            if row.errors:
                continue
            self._import_allot(
                row, blue, reserved, reserved_lines, context.get("dry_run")
            )

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
        credit_notes = moves._create_red_invoices([r.vals["request"] for r in rows])
        # the file's tax against the credit note actually created; a row that
        # does not match is an error, and its draft is removed before posting
        mismatched = moves.browse()
        for row, credit_note in zip(rows, credit_notes, strict=True):
            if self._import_check_created_tax(row, credit_note):
                mismatched |= credit_note
        if mismatched:
            mismatched.unlink()
        (credit_notes - mismatched)._post_red_invoices()
        for row, credit_note in zip(rows, credit_notes, strict=True):
            if credit_note not in mismatched:
                row.outcome, row.record_id = CREATE, credit_note.id

    def _import_check_created_tax(self, row, credit_note):
        """Whether the row's tax (冲红税额), if given, differs from the tax of
        the credit note made for it by more than the tolerance; the row then
        gets the error."""
        tax = row.vals["tax"]
        if tax is None or not red_rules.tax_differs(tax, credit_note.amount_tax):
            return False
        row.error(
            "tax",
            self.env._(
                "Tax %(tax)s does not match the %(expected)s of the red invoice "
                "made for the untaxed %(amount)s (tolerance 0.01).",
                tax=tax,
                expected=credit_note.amount_tax,
                amount=credit_note.amount_untaxed,
            ),
        )
        return True

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

    def _import_form_state_table(self):
        """Every state by its code, its platform label (作废(...) and all) and
        its label in the user's language and in English and Chinese."""
        table = red_rules.alias_table(FORM_STATE_ALIASES, normalise_key)
        field = self.env["account.move"]._fields["red_form_state"]
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for lang in {self.env.lang or "en_US"} | (installed & set(specs.LANGS)):
            env = self.with_context(lang=lang).env
            for code, label in field._description_selection(env):
                table.setdefault(normalise_key(label), code)
        return table

    def _import_parse_form_datetime(self, row):
        """The form's 填开日期 (platform time, Beijing) as UTC, naive, as Odoo
        stores it."""
        value = self._import_parse_cell(row, "form_datetime", parse_datetime)
        if not value:
            return False
        local = pytz.timezone(red_rules.PLATFORM_TZ).localize(value)
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _import_parse_code(self, row, column, table, highest):
        """A code such as ``02``, ``2`` or ``02 销货退回``, or a name from ``table``."""
        raw = to_text(row.values.get(column))
        if not raw:
            return False
        code = red_rules.leading_code(normalise_key(raw), highest)
        return code or self._import_parse_choice(row, column, table)

    # ------------------------------------------------------------ matching
    def _import_find_blues(self, rows):
        numbers = list({r.vals["blue_number"] for r in rows})
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.env.company.id),
                "|",
                "|",
                ("cn_invoice_number", "in", numbers),
                ("name", "in", numbers),
                ("cn_invoice_digital_number", "in", numbers),
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

    def _import_check_red_row(self, row, blue, used_forms, used_numbers):
        """The single entry's checks on one row (``account.move``'s service),
        each error on its column; the row's request is kept for the batch."""
        vals = row.vals
        error = blue._get_red_reversible_error()
        if error:
            row.error("blue_number", error)
            return
        self._import_cross_check(row, blue)
        kind = blue.cn_invoice_kind
        channel = vals["channel"] or red_rules.infer_channel(
            kind, vals["form_number"], vals["form_state"]
        )
        is_platform = channel == red_rules.CHANNEL_PLATFORM
        # the state is the platform's answer, never assumed (no silent 01)
        form_state = vals["form_state"] if is_platform else False
        initiator = (
            vals["initiator"]
            or red_rules.RED_FORM_STATE_INITIATORS.get(form_state)
            or "seller"
        )
        problem = is_platform and red_rules.confirmation_problem(
            form_state,
            vals["form_number"],
            vals["form_datetime"],
            fields.Datetime.now(),
        )
        confirmation_column = (
            "form_datetime"
            if problem and problem.key in ("raised_at_missing", "lapsed")
            else "form_number"
            if problem and problem.key == "number_missing"
            else "form_state"
        )
        for column, check in (
            ("channel", lambda: blue._get_red_channel_error(kind, channel, blue)),
            (
                "form_number",
                lambda: blue._get_red_form_number_error(
                    kind, channel, vals["form_number"], blue
                ),
            ),
            (
                confirmation_column,
                lambda: problem
                and blue._get_red_confirmation_error(
                    form_state, vals["form_number"], vals["form_datetime"]
                ),
            ),
            (
                "initiator",
                lambda: is_platform
                and blue._get_red_initiator_error(form_state, initiator),
            ),
            (
                "mode",
                lambda: vals["mode"] == red_rules.PARTIAL
                and (
                    (red_rules.one_red_only(kind) and blue._get_red_one_only_error())
                    or blue._get_red_partial_error(vals["reason"])
                ),
            ),
        ):
            error = check()
            if error:
                row.error(column, error)
        if vals["form_number"] in used_forms:
            row.error(
                "form_number",
                blue._get_red_form_used_message(
                    vals["form_number"], used_forms[vals["form_number"]]
                ),
            )
        # the red invoice's number: once issued, unused
        self._import_check_red_number(row, blue, channel, form_state, used_numbers)
        vals["request"] = {
            "move": blue.id,
            "reason": vals["reason"],
            "date": vals["date"],
            "channel": channel,
            "form_number": vals["form_number"],
            "form_state": form_state,
            "form_datetime": vals["form_datetime"] if is_platform else False,
            "initiator": initiator,
            "red_number": vals["red_number"],
            "lines": None,
        }

    def _import_check_red_number(self, row, blue, channel, form_state, used_numbers):
        number = row.vals["red_number"]
        if not number:
            return
        request = {"channel": channel, "red_number": number, "form_state": form_state}
        error = blue._get_red_request_number_error(request, used=used_numbers)
        if error:
            row.error("red_number", error)

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

    def _import_allot(self, row, blue, reserved, reserved_lines, estimate_tax=True):
        """What the row reverses on each line of ``blue``, after the earlier rows
        of the batch; errors when the rows together exceed what remains. With
        ``estimate_tax`` (Test, which creates nothing), the row's tax against
        the tax computed on what it reverses; Import compares it with the
        credit note it makes instead (``_import_check_created_tax``)."""
        vals, currency = row.vals, blue.currency_id
        earlier = reserved[blue.id]
        amount, problem = red_rules.allot_amount(
            vals["mode"], vals["amount"], blue.red_remaining_amount, earlier, currency
        )
        if problem:
            row.error(*self._import_allot_error(problem, blue, vals["amount"]))
            return
        allotment = None
        if vals["mode"] == red_rules.PARTIAL:
            allotment = red_rules.spread(
                amount,
                [
                    (line, line.red_remaining_amount - reserved_lines[line.id])
                    for line in blue._get_red_reversible_lines()
                ],
                currency,
            )
            vals["request"]["lines"] = [
                (line.id, 0.0, line_amount) for line, line_amount in allotment
            ]
            for line, line_amount in allotment:
                reserved_lines[line.id] += line_amount
        if estimate_tax:
            self._import_check_tax(
                row,
                blue,
                amount,
                vals["mode"] == red_rules.FULL and not blue.red_invoice_count,
                allotment,
            )
        if not row.errors:
            reserved[blue.id].append((row.number, amount))
            vals["blue_id"] = blue.id

    def _import_allot_error(self, problem, blue, amount):
        """The column and message of an allotment ``problem``
        (``engine.red_invoice.allot_amount``)."""
        values = problem.values
        if problem.key == "full_after_earlier":
            return "mode", self.env._(
                "A full red invoice of %(invoice)s, but row(s) %(rows)s "
                "already reverse part of it.",
                invoice=blue.display_name,
                rows=values["rows"],
            )
        if problem.key == "full_amount":
            return "amount", self.env._(
                "A full red invoice of %(invoice)s reverses %(remaining)s, "
                "not %(amount)s.",
                invoice=blue.display_name,
                remaining=values["remaining"],
                amount=amount,
            )
        if problem.key == "exceeds_with_earlier":
            return "amount", self.env._(
                "Rows %(rows)s and this row reverse %(total)s of %(invoice)s "
                "in total, more than the %(remaining)s remaining.",
                rows=values["rows"],
                total=values["total"],
                invoice=blue.display_name,
                remaining=blue.red_remaining_amount,
            )
        return "amount", self.env._(
            "%(amount)s is more than the %(remaining)s still reversible "
            "on invoice %(invoice)s.",
            amount=blue.currency_id.round(amount),
            remaining=values["available"],
            invoice=blue.display_name,
        )

    def _import_check_tax(self, row, blue, amount, whole, allotment):
        """The row's tax, if given, against the tax computed on what it
        reverses, for Test (which creates nothing): the invoice's tax for a
        whole invoice, the lines' taxes on their shares for a partial row, else
        the tax that remains on the invoice. Import compares the tax with the
        credit note actually created instead (``_import_check_created_tax``)."""
        tax = row.vals["tax"]
        if tax is None:
            return
        if whole:
            expected = blue.amount_tax
        elif allotment:
            expected = 0.0
            for line, line_amount in allotment:
                taxes = line.tax_ids.compute_all(
                    line_amount,
                    currency=blue.currency_id,
                    quantity=1.0,
                    product=line.product_id,
                    partner=blue.partner_id,
                    handle_price_include=False,
                )
                expected += taxes["total_included"] - taxes["total_excluded"]
        else:  # full reversal: exactly the tax that remains on the invoice
            expected = blue.amount_tax - blue._get_red_reversed_tax_totals().get(
                blue.id, 0.0
            )
        expected = blue.currency_id.round(expected)
        if red_rules.tax_differs(tax, expected):
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
