import re
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import AccessError

from ..engine import red_invoice as red_rules
from ..engine.red_invoice import (
    FORM_STATE_ALIASES,
    KIND_ALIASES,
    MODE_ALIASES,
    REASON_ALIASES,
)
from ..importer.cells import (
    normalise_key,
    parse_date,
    parse_number,
    parse_text,
    to_text,
)
from ..importer.headers import Column
from ..importer.report import TemplateColumn
from ..importer.rows import CREATE

COLUMNS = [
    Column("kind", ("发票种类", "发票类型", "原发票种类", "kind", "invoice kind")),
    Column(
        "blue_code",
        ("原发票代码", "原蓝字发票代码", "蓝字发票代码", "blue code", "original code"),
    ),
    Column(
        "blue_number",
        (
            "原发票号码",
            "原蓝字发票号码",
            "蓝字发票号码",
            "blue number",
            "original number",
            "original invoice",
        ),
        required=True,
    ),
    Column(
        "blue_date",
        ("原开票日期", "蓝字开票日期", "原发票日期", "blue date", "original date"),
    ),
    Column("reason", ("冲红原因", "红冲原因", "reason", "red reason"), required=True),
    Column(
        "form_number",
        (
            "红字信息表编号/确认单编号",
            "红字信息表编号",
            "信息表编号",
            "确认单编号",
            "红字发票信息确认单编号",
            "form number",
        ),
    ),
    Column("form_state", ("确认单状态", "form state", "confirmation state")),
    Column("mode", ("全额/部分", "全额部分", "冲红方式", "full/partial", "mode")),
    Column("amount", ("冲红金额", "红冲金额", "amount", "red amount")),
    Column("tax", ("冲红税额", "红冲税额", "tax", "red tax")),
    Column("date", ("冲红日期", "红冲日期", "开票日期", "date", "red date")),
]
# fields of the credit note each column writes; the other columns find and
# cross-check the original invoice and write nothing
COLUMN_FIELDS = {
    "reason": ["red_reason"],
    "form_number": ["red_form_number"],
    "form_state": ["red_form_state"],
    "date": ["date", "invoice_date"],
    "amount": ["invoice_line_ids"],
    "mode": ["invoice_line_ids"],
}
SAMPLE_MARKERS = ("示例", "example")


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
        return COLUMNS

    def _import_column_fields(self, key):
        return COLUMN_FIELDS.get(key, [])

    def _import_required_titles(self):
        return ["原发票号码 / Original number", "冲红原因 / Reason"]

    def _import_is_sample_row(self, row):
        number = normalise_key(row.values.get("blue_number"))
        return number.startswith(SAMPLE_MARKERS)

    def _import_prepare(self, header_map):
        return {
            "kinds": red_rules.alias_table(KIND_ALIASES, normalise_key),
            "reasons": red_rules.alias_table(REASON_ALIASES, normalise_key),
            "form_states": red_rules.alias_table(FORM_STATE_ALIASES, normalise_key),
            "modes": red_rules.alias_table(MODE_ALIASES, normalise_key),
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
            self.env["account.move"]._get_used_red_forms(
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
            self._import_check_red_row(row, blue, used_forms)
            if row.errors:
                continue
            self._import_allot(row, blue, reserved, reserved_lines)

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
        credit_notes._post_red_invoices()
        for row, credit_note in zip(rows, credit_notes, strict=True):
            row.outcome, row.record_id = CREATE, credit_note.id

    def _import_template(self):
        columns = [
            TemplateColumn(
                "发票种类 (Kind)", choices=("专票", "普票", "数电专票", "数电普票")
            ),
            TemplateColumn("原发票代码 (Original code)", text=True, width=16),
            TemplateColumn(
                "原发票号码* (Original number)", required=True, text=True, width=24
            ),
            TemplateColumn("原开票日期 (Original date)", width=14),
            TemplateColumn(
                "冲红原因* (Reason)",
                required=True,
                choices=("01 开票有误", "02 销货退回", "03 服务中止", "04 销售折让"),
            ),
            TemplateColumn(
                "红字信息表编号/确认单编号 (Form number)", text=True, width=24
            ),
            TemplateColumn(
                "确认单状态 (Form state)",
                choices=(
                    "01 无需确认",
                    "02 销方录入待购方确认",
                    "03 购方录入待销方确认",
                    "04 购销双方已确认",
                ),
                width=22,
            ),
            TemplateColumn("全额/部分 (Full/partial)", choices=("全额", "部分")),
            TemplateColumn("冲红金额 (Untaxed amount)"),
            TemplateColumn("冲红税额 (Tax)"),
            TemplateColumn("冲红日期 (Red invoice date)", width=14),
        ]
        examples = [
            (
                "普票",
                "144002500001",
                "示例00000001",
                "2025-03-10",
                "02 销货退回",
                "",
                "",
                "部分",
                -500,
                -65,
                "2025-04-01",
            ),
            (
                "数电专票",
                "",
                "示例25440000000000000001",
                "2025-03-10",
                "01 开票有误",
                "44000025000000000001",
                "04 购销双方已确认",
                "全额",
                "",
                "",
                "2025-04-01",
            ),
        ]
        instructions = [
            "红字发票批量导入模板 Red-letter invoice import template",
            "",
            "1. 带 * 的列必填：原发票号码、冲红原因。Columns marked * are required: "
            "original number, reason.",
            "2. 示例行（原发票号码以“示例”开头）导入时会被忽略。Example rows (original "
            "number starting with 示例) are ignored.",
            "3. 原发票号码按税务发票号码（可加原发票代码）或 Odoo 发票编号匹配已过账的客户"
            "发票。The original number matches a posted customer invoice by its tax "
            "invoice number (with the code if given) or by its Odoo number.",
            "4. 冲红原因填代码 01–04 或 开票有误/销货退回/服务中止/销售折让。Reason: code "
            "01-04 or its name.",
            "5. 专票必须填写16位红字信息表编号；数电发票填确认单编号和状态，01、04 直接开具"
            "并过账，02、03 保存为草稿，05–09 作废不可开具。每个编号只能用一次。Special "
            "invoices need the 16-digit information form number; digital invoices the "
            "confirmation form number and state: 01 and 04 are posted, 02 and 03 kept "
            "as draft, 05-09 are void and refused. A form number is used once.",
            "6. 全额冲红冲销原发票的全部剩余金额，冲红金额可不填。部分冲红必须填冲红金额"
            "（不含税，正负号均可），按原发票各行剩余金额比例分摊到各行，只冲金额、不冲数量。"
            " Full reverses all that remains. A partial row needs the untaxed amount "
            "(sign ignored); without line detail it is spread over the original "
            "invoice's lines in proportion to what remains on each line, as an amount "
            "(the quantities are not reversed).",
            "7. 同一张原发票的多行合计不得超过其剩余可红冲金额。Rows against one "
            "invoice are summed against its remaining reversible amount.",
            "8. 冲红税额用于核对，与系统计算的税额相差超过 0.01 即报错。The tax is a "
            "cross-check: more than 0.01 away from the computed tax is an error.",
            "9. 冲红日期默认今天。The red invoice date defaults to today.",
            "10. 支持 .xlsx、.xls 和 CSV（UTF-8 或 GBK）。Formats: .xlsx, .xls, CSV "
            "(UTF-8 or GBK).",
        ]
        return columns, examples, instructions

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
        code = red_rules.leading_code(normalise_key(raw), highest)
        return code or self._import_parse_choice(row, column, table)

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
        """The single entry's checks on one row (``account.move``'s service),
        each error on its column; the row's request is kept for the batch."""
        vals = row.vals
        error = blue._get_red_reversible_error()
        if error:
            row.error("blue_number", error)
            return
        self._import_cross_check(row, blue)
        is_digital = red_rules.is_digital(blue.cn_invoice_kind)
        form_state = (
            vals["form_state"] or red_rules.RED_FORM_STATE_NONE_NEEDED
            if is_digital
            else False
        )
        for column, check in (
            (
                "form_number",
                lambda: blue._get_red_form_number_error(
                    blue.cn_invoice_kind, vals["form_number"], blue
                ),
            ),
            (
                "form_state",
                lambda: is_digital
                and blue._get_red_confirmation_error(
                    form_state, vals["form_number"], False
                ),
            ),
            (
                "mode",
                lambda: vals["mode"] == red_rules.PARTIAL
                and blue._get_red_partial_error(vals["reason"]),
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
        # no form datetime: a form of a file never lapses here
        vals["request"] = {
            "move": blue.id,
            "reason": vals["reason"],
            "date": vals["date"],
            "form_number": vals["form_number"],
            "form_state": form_state,
            "initiator": "seller",
            "lines": None,
        }

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

    def _import_allot(self, row, blue, reserved, reserved_lines):
        """What the row reverses on each line of ``blue``, after the earlier rows
        of the batch; errors when the rows together exceed what remains."""
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
        reverses: the invoice's tax for a whole invoice, the lines' taxes on
        their shares for a partial row, else the invoice's tax in proportion
        (``engine.red_invoice``)."""
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
        else:  # full reversal of what remains after earlier reds
            expected = red_rules.tax_of_remaining(
                blue.amount_tax, blue.amount_untaxed, amount
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
