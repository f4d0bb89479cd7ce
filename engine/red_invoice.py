"""Rules of Chinese red-letter invoices (红字发票), without the ORM.

What a red invoice may be and how its amounts are found, as the tax bureau
and the addon define them: the kinds of tax invoice and the format of their
codes and numbers, the reasons, the states of a confirmation form and its
72-hour lapse, the two channels of a red invoice (the platform's
confirmation form, the tax control software's information form), the
remark the red invoice carries, which credit notes may be
posted, the checks of a partial request, the price of a red line, the share
of each line in a partial amount and the tax cross-check of the import.

The functions return a *problem* (a short key, with the numbers a message
needs) rather than a message: ``account.move`` turns it into a translated
message for the entry, the import and the constraints alike.

Amounts are rounded by the caller's *rounding*: any object with the methods
of ``res.currency`` used here (``round``, ``compare_amounts``, ``is_zero``),
and ``round_down`` where a price is rounded.  ``account.move`` passes the
invoice's currency and Odoo's decimal precisions; :class:`Precision` is a
plain one (half away from zero), for the tests and for callers outside Odoo.
Plain Python: tested without a database in ``tests/test_red_rules.py``.
"""

import re
from datetime import timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import NamedTuple

# ------------------------------------------------------------------ vocabulary
CN_INVOICE_KINDS = [
    ("special", "Special VAT Invoice"),  # 增值税专用发票 (paper)
    ("e_special", "Electronic Special VAT Invoice"),  # 增值税电子专用发票
    ("normal", "Ordinary VAT Invoice"),  # 增值税普通发票 (paper: 折叠票, 卷票)
    ("e_normal", "Electronic Ordinary VAT Invoice"),  # 增值税电子普通发票
    ("digital_special", "Digital Special VAT Invoice"),  # 数电票 (增值税专用发票)
    ("digital_normal", "Digital Ordinary VAT Invoice"),  # 数电票 (普通发票)
    ("digital_paper", "Digital Paper Invoice"),  # 数电纸质发票
    ("vehicle", "Motor Vehicle Sales Invoice"),  # 机动车销售统一发票
]
# 数电发票 (全电, and the paper ones the platform prints): their red invoices
# are issued on the 电子发票服务平台 only, with a confirmation form (确认单)
DIGITAL_KINDS = ("digital_special", "digital_normal", "digital_paper")
# 税控 invoices: reversed on the platform (公告2024年第11号) or, still, by the
# tax control software (公告2016年第47号)
TAX_CONTROL_KINDS = ("special", "e_special", "normal", "e_normal", "vehicle")
# special invoices reversed by tax control software need a 16-digit 信息表
INFO_FORM_KINDS = ("special", "e_special")
# 机动车销售统一发票: one red invoice reverses the whole blue invoice, once
ONE_RED_KINDS = ("vehicle",)


class InvoiceFormat(NamedTuple):
    """The format of a kind's identifiers: the digits the 发票代码 may have
    (none: no code), the digits its code ends with, if fixed, the digits of
    the 发票号码, and whether it carries a 20-digit 数电 number besides."""

    code_digits: tuple = ()
    code_suffix: str = ""
    number_digits: int = 8
    digital_number: bool = False


CN_INVOICE_FORMATS = {
    "special": InvoiceFormat((10,)),
    # 2020 on; its 12-digit code ends in 13
    "e_special": InvoiceFormat((12,), code_suffix="13"),
    # 10 digits on 折叠票, 12 on 卷票
    "normal": InvoiceFormat((10, 12)),
    "e_normal": InvoiceFormat((12,)),
    "digital_special": InvoiceFormat(number_digits=20),
    "digital_normal": InvoiceFormat(number_digits=20),
    # a 12-digit code, an 8-digit number and its 20-digit 数电 number
    "digital_paper": InvoiceFormat((12,), digital_number=True),
    "vehicle": InvoiceFormat((12,)),
}
DIGITAL_NUMBER_DIGITS = 20
# How a red invoice is issued: on the 电子发票服务平台 with a 红字发票信息确认单
# (公告2024年第11号), or by tax control software with a 信息表 for a special
# invoice (公告2016年第47号) and without a form for the others.
CHANNEL_PLATFORM, CHANNEL_TAX_CONTROL = "platform", "tax_control"
RED_CHANNELS = [
    (CHANNEL_PLATFORM, "E-Invoice Service Platform (Confirmation Form)"),
    (CHANNEL_TAX_CONTROL, "Tax Control Software (Information Form)"),
]
# Tax bureau codes (DOMAIN §8); provider APIs number them differently.
RED_REASONS = [
    ("01", "01 Invoicing Error"),
    ("02", "02 Sales Return"),
    ("03", "03 Service Stopped"),
    ("04", "04 Sales Allowance"),
]
# the reason after which a company may require full reversals only
REASON_INVOICING_ERROR = "01"
# States of a 红字发票信息确认单 (公告2024年第11号, 乐企 hzqrxxztDm).
RED_FORM_STATES = [
    ("01", "01 No Confirmation Needed"),
    ("02", "02 Entered by Seller, Awaiting Buyer"),
    ("03", "03 Entered by Buyer, Awaiting Seller"),
    ("04", "04 Confirmed by Both Parties"),
    ("05", "05 Void: Buyer Denied"),
    ("06", "06 Void: Seller Denied"),
    ("07", "07 Void: Not Confirmed Within 72 Hours"),
    ("08", "08 Void: Withdrawn by Initiator"),
    ("09", "09 Void: Withdrawn After Confirmation"),
    ("10", "10 Void: Abnormal Voucher"),
    ("11", "11 Void: Taxpayer Status Blocked"),
    ("12", "12 Void: Rejected by Natural Person"),
    ("13", "13 Void: Refund Application Issued"),
]
RED_FORM_STATES_ISSUABLE = ("01", "04")
RED_FORM_STATES_PENDING = ("02", "03")
RED_FORM_STATES_VOID = tuple(
    code
    for code, _label in RED_FORM_STATES
    if code not in RED_FORM_STATES_ISSUABLE + RED_FORM_STATES_PENDING
)
# the state of a red invoice that the platform lets the seller issue without a
# form (the buyer has not used or booked the blue invoice): never assumed
RED_FORM_STATE_NONE_NEEDED = "01"
# the state a pending form takes when 72 hours pass without confirmation
RED_FORM_STATE_LAPSED = "07"
RED_FORM_CONFIRM_HOURS = 72
# the platform's clock: a form's 填开日期 in a file is Beijing time
PLATFORM_TZ = "Asia/Shanghai"
RED_INITIATORS = [("seller", "Seller"), ("buyer", "Buyer")]
# who raised a form in a state that says so: 02 (and 05) the seller, 03 (and
# 06) the buyer
RED_FORM_STATE_INITIATORS = {
    "02": "seller",
    "03": "buyer",
    "05": "seller",
    "06": "buyer",
}
RED_INFO_FORM_RE = re.compile(r"\d{16}")
# 确认单编号 (hzfpxxqrdbh): 20 characters, in practice 20 digits
RED_CONFIRM_FORM_RE = re.compile(r"[0-9A-Za-z]{20}")
# the number of a red invoice issued on the platform: a 数电 number
RED_NUMBER_RE = re.compile(r"\d{20}")
# the remark of a 数电 red invoice, as the platform prints it: full-width
# colons, an ideographic space between its two parts
REMARK_DIGITAL = "被红冲蓝字数电票号码：%s"
REMARK_DIGITAL_FORM = "\u3000红字发票信息确认单编号：%s"
REMARK_INFO_FORM = "开具红字增值税专用发票信息表编号%s"
REMARK_ORDINARY = "对应正数发票代码:%s号码:%s"
# the import's tax cross-check: a given tax further than this from the
# computed one is an error
TAX_TOLERANCE = 0.01

# Chinese and English names of the kinds, channels, reasons, form states,
# initiators and modes, as spreadsheets write them (the import normalises them,
# NFKC and without spaces, before looking up)
KIND_ALIASES = {
    "special": ("专票", "专用发票", "增值税专用发票", "纸质专票", "special"),
    "e_special": (
        "电子专票",
        "增值税电子专用发票",
        "电子专用发票",
        "electronic special",
    ),
    "normal": (
        "普票",
        "普通发票",
        "增值税普通发票",
        "纸质普票",
        "增值税普通发票(卷票)",
        "卷票",
        "normal",
        "ordinary",
    ),
    "e_normal": (
        "电子普票",
        "增值税电子普通发票",
        "电子普通发票",
        "electronic normal",
        "electronic ordinary",
    ),
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
    "digital_paper": (
        "数电纸质发票",
        "数电纸票",
        "数电纸质发票(增值税专用发票)",
        "数电纸质发票(普通发票)",
        "digital paper",
    ),
    "vehicle": (
        "机动车销售统一发票",
        "机动车发票",
        "机动车",
        "vehicle",
        "motor vehicle",
    ),
}
CHANNEL_ALIASES = {
    CHANNEL_PLATFORM: (
        "电子发票服务平台",
        "平台",
        "数电",
        "确认单",
        "红字确认单",
        "红字发票信息确认单",
        "2024年第11号",
        "e-invoice service platform",
    ),
    CHANNEL_TAX_CONTROL: (
        "税控",
        "税控系统",
        "税控开票",
        "增值税发票管理系统",
        "信息表",
        "红字信息表",
        "2016年第47号",
        "tax control",
        "tax control software",
    ),
}
REASON_ALIASES = {
    "01": ("开票有误", "invoicing error"),
    "02": ("销货退回", "sales return"),
    "03": ("服务中止", "service stopped"),
    "04": ("销售折让", "sales allowance"),
}
# each state by its platform label (with and without 作废(...)) and short names
FORM_STATE_ALIASES = {
    "01": ("无需确认",),
    "02": ("销方录入待购方确认", "待购方确认"),
    "03": ("购方录入待销方确认", "待销方确认"),
    "04": ("购销双方已确认", "双方已确认", "已确认"),
    "05": ("作废(销方录入购方否认)", "销方录入购方否认", "购方否认"),
    "06": ("作废(购方录入销方否认)", "购方录入销方否认", "销方否认"),
    "07": ("作废(超72小时未确认)", "超72小时未确认", "超时作废"),
    "08": ("作废(发起方已撤销)", "发起方已撤销", "已撤销"),
    "09": ("作废(确认后撤销)", "确认后撤销"),
    "10": ("作废(异常凭证)", "异常凭证"),
    "11": ("作废(纳税人状态异常阻断)", "纳税人状态异常阻断"),
    "12": ("作废(自然人拒收)", "自然人拒收"),
    "13": ("作废(已开具退税申请单)", "已开具退税申请单"),
}
INITIATOR_ALIASES = {
    "seller": ("销方", "销售方", "销方发起", "销方录入", "卖方", "seller"),
    "buyer": ("购方", "购买方", "购方发起", "购方录入", "买方", "buyer"),
}
MODE_ALIASES = {
    "full": ("全额", "全部", "全额冲红", "full"),
    "partial": ("部分", "部分冲红", "partial"),
}
FULL, PARTIAL = "full", "partial"
_LEADING_CODE = re.compile(r"^(\d{1,2})(?!\d)")


class Problem(NamedTuple):
    """Why a rule refuses: a key, and the values its message names."""

    key: str
    values: dict = {}


# ------------------------------------------------------------------ rounding
class Precision:
    """Rounding to ``digits`` decimals, half away from zero, with the methods
    of ``res.currency`` the rules use (and ``round_down`` for prices)."""

    def __init__(self, digits):
        self.digits = digits
        self._step = Decimal(1).scaleb(-digits)

    def _quantize(self, value, rounding):
        return float(Decimal(repr(float(value))).quantize(self._step, rounding))

    def round(self, value):
        return self._quantize(value, ROUND_HALF_UP)

    def round_down(self, value):
        return self._quantize(value, ROUND_DOWN)

    def is_zero(self, value):
        return self.round(value) == 0

    def compare_amounts(self, value1, value2):
        delta = self.round(value1) - self.round(value2)
        if self.is_zero(delta):
            return 0
        return -1 if delta < 0 else 1


# ------------------------------------------------------------------ formats
def is_digital(kind):
    """Whether tax invoices of ``kind`` are digital (数电, 全电) invoices."""
    return kind in DIGITAL_KINDS


def red_channels(kind):
    """The channels a red invoice of a tax invoice of ``kind`` may take: the
    platform only for a 数电 invoice, either for a 税控 one, both when the
    kind is unknown."""
    if is_digital(kind):
        return (CHANNEL_PLATFORM,)
    return (CHANNEL_PLATFORM, CHANNEL_TAX_CONTROL)


def default_channel(kind):
    """The channel of a red invoice of ``kind`` when none is chosen: the
    platform for a 数电 invoice, the tax control software that issued a 税控
    invoice, none for a document without a kind."""
    if is_digital(kind):
        return CHANNEL_PLATFORM
    if kind in TAX_CONTROL_KINDS:
        return CHANNEL_TAX_CONTROL
    return False


def _digits(value, counts):
    return value.isdigit() and len(value) in counts


def invoice_number_problem(kind, code, number, digital_number=None):
    """Why ``code``/``number`` (and the 20-digit ``digital_number`` of a
    数电纸质发票) is not a tax invoice of ``kind``, or None
    (``CN_INVOICE_FORMATS``).  Problems: ``no_kind``, ``code_not_allowed``,
    ``code_digits`` (``digits``: "10", "10/12"), ``code_suffix``
    (``suffix``), ``number_digits`` (``digits``), ``digital_number_missing``,
    ``digital_number_digits`` (``digits``), ``digital_number_not_allowed``."""
    code, number = code or "", number or ""
    digital_number = digital_number or ""
    if not kind:
        return Problem("no_kind")
    spec = CN_INVOICE_FORMATS[kind]
    if not spec.code_digits and code:
        return Problem("code_not_allowed")
    if spec.code_digits and not _digits(code, spec.code_digits):
        digits = "/".join(str(d) for d in spec.code_digits)
        return Problem("code_digits", {"digits": digits})
    if spec.code_suffix and not code.endswith(spec.code_suffix):
        return Problem("code_suffix", {"suffix": spec.code_suffix})
    if not _digits(number, (spec.number_digits,)):
        return Problem("number_digits", {"digits": spec.number_digits})
    if spec.digital_number:
        if not digital_number:
            return Problem("digital_number_missing")
        if not _digits(digital_number, (DIGITAL_NUMBER_DIGITS,)):
            return Problem("digital_number_digits", {"digits": DIGITAL_NUMBER_DIGITS})
    elif digital_number:
        return Problem("digital_number_not_allowed")
    return None


def infer_channel(kind, form_number, form_state):
    """The channel of an import row that names none: the platform for a 数电
    invoice, or when the row gives a confirmation form (a state, or a form
    number of 20 characters); else the kind's default."""
    if is_digital(kind) or form_state:
        return CHANNEL_PLATFORM
    if form_number and RED_CONFIRM_FORM_RE.fullmatch(form_number):
        return CHANNEL_PLATFORM
    return default_channel(kind) or (CHANNEL_TAX_CONTROL if form_number else False)


def channel_problem(kind, channel):
    """Why a red invoice of a tax invoice of ``kind`` cannot take ``channel``,
    or None.  Problems: ``channel_missing`` (a tax invoice's red invoice
    names its channel), ``channel_not_allowed`` (a 数电 invoice is reversed on
    the platform only)."""
    if not channel:
        return Problem("channel_missing") if kind else None
    if channel not in red_channels(kind):
        return Problem("channel_not_allowed")
    return None


def form_number_problem(kind, channel, number):
    """Why ``number`` is not the form number a red invoice of ``kind`` issued
    through ``channel`` needs, or None.  On the platform: a 确认单编号 of 20
    letters or digits (whether one is needed depends on the form's state, see
    :func:`confirmation_problem`); by tax control software: the 16-digit
    信息表编号 of a special invoice (required), no form for the others.
    Without a channel (a credit note of no tax invoice), either format.
    Problems: ``info_form_missing``, ``info_form_format``,
    ``confirm_form_format``, ``form_not_needed``."""
    number = number or ""
    if channel == CHANNEL_TAX_CONTROL:
        if kind in INFO_FORM_KINDS:
            if not number:
                return Problem("info_form_missing")
            if not RED_INFO_FORM_RE.fullmatch(number):
                return Problem("info_form_format")
        elif number:
            return Problem("form_not_needed")
        return None
    if not number:
        return None
    if channel == CHANNEL_PLATFORM:
        if not RED_CONFIRM_FORM_RE.fullmatch(number):
            return Problem("confirm_form_format")
        return None
    if not (
        RED_INFO_FORM_RE.fullmatch(number) or RED_CONFIRM_FORM_RE.fullmatch(number)
    ):
        return Problem("confirm_form_format")
    return None


def red_number_problem(channel, number):
    """Why ``number`` is not the number of a red invoice issued through
    ``channel``, or None: the 20-digit 数电 number the platform gives.  A red
    invoice of tax control software has a code and a number of its own, in
    the tax invoice fields.  Problems: ``red_number_digits``,
    ``red_number_not_allowed``."""
    if not number:
        return None
    if channel == CHANNEL_TAX_CONTROL:
        return Problem("red_number_not_allowed")
    if not RED_NUMBER_RE.fullmatch(number):
        return Problem("red_number_digits", {"digits": DIGITAL_NUMBER_DIGITS})
    return None


# ------------------------------------------------------------------ forms
def is_lapsed(state, raised_at, now):
    """Whether a confirmation form in ``state``, raised at ``raised_at``, has
    lapsed at ``now``: still pending 72 hours after it was raised."""
    return bool(
        state in RED_FORM_STATES_PENDING
        and raised_at
        and raised_at < now - timedelta(hours=RED_FORM_CONFIRM_HOURS)
    )


def hours_left(state, raised_at, now):
    """Hours left (rounded down, never below 0) before a pending form raised at
    ``raised_at`` lapses, or None for a form that is not pending or whose
    date is unknown."""
    if state not in RED_FORM_STATES_PENDING or not raised_at:
        return None
    left = raised_at + timedelta(hours=RED_FORM_CONFIRM_HOURS) - now
    return max(int(left.total_seconds() // 3600), 0)


def confirmation_problem(state, number, raised_at, now):
    """Why no red invoice can be issued on the platform on the confirmation
    form in ``state`` numbered ``number``, raised at ``raised_at``, or None.
    The state is never assumed: 01 is the platform's answer that no form is
    needed.  Problems: ``no_state``, ``void`` (states 05 to 13),
    ``number_missing`` (a form other than 01 needs its number),
    ``raised_at_missing`` (a pending form needs its date and time: its 72
    hours run from it), ``lapsed`` (see :func:`is_lapsed`)."""
    if not state:
        return Problem("no_state")
    if state not in RED_FORM_STATES_ISSUABLE + RED_FORM_STATES_PENDING:
        return Problem("void")
    if state != RED_FORM_STATE_NONE_NEEDED and not number:
        return Problem("number_missing")
    if state in RED_FORM_STATES_PENDING and not raised_at:
        return Problem("raised_at_missing")
    if is_lapsed(state, raised_at, now):
        return Problem("lapsed")
    return None


def initiator_problem(state, initiator):
    """Why a form in ``state`` cannot have been raised by ``initiator``, or
    None: 02 (and 05) are the seller's forms, 03 (and 06) the buyer's.
    Problem: ``initiator_mismatch`` (``expected``)."""
    expected = RED_FORM_STATE_INITIATORS.get(state)
    if expected and initiator != expected:
        return Problem("initiator_mismatch", {"expected": expected})
    return None


def post_problem(kind, channel, form_state, form_number):
    """Why a red invoice of a tax invoice of ``kind`` issued through
    ``channel`` (none: the kind's default) may not be posted yet, or None: its
    confirmation form must allow issuing (01, 04), a platform red invoice
    needs that state, a special invoice's red invoice by tax control
    software its information form.  Problems: ``state_not_issuable``,
    ``no_state``, ``no_info_form``."""
    channel = channel or default_channel(kind)
    if form_state and form_state not in RED_FORM_STATES_ISSUABLE:
        return Problem("state_not_issuable")
    if channel == CHANNEL_PLATFORM and kind and not form_state:
        return Problem("no_state")
    if channel == CHANNEL_TAX_CONTROL and kind in INFO_FORM_KINDS and not form_number:
        return Problem("no_info_form")
    return None


def blue_digital_number(kind, code, number, digital_number):
    """The number by which the platform names a blue invoice: its 20-digit
    number for a 数电 invoice (the 数电 number of a 数电纸质发票), its code
    followed by its number for a 税控 invoice."""
    if kind == "digital_paper":
        return digital_number or ""
    if is_digital(kind):
        return number or ""
    return f"{code or ''}{number or ''}"


def red_remark(kind, channel, form_number, blue_code, blue_number, digital_number=None):
    """The remark a red invoice of a tax invoice of ``kind`` issued through
    ``channel`` (none: the kind's default) must carry, as the platform or the
    tax control software prints it (公告2016年第47号, 2024年第11号), or None.
    The wording is fixed by the tax bureau, hence never translated."""
    channel = channel or default_channel(kind)
    if not kind or not channel:
        return None
    if channel == CHANNEL_PLATFORM:
        remark = REMARK_DIGITAL % blue_digital_number(
            kind, blue_code, blue_number, digital_number
        )
        if form_number:
            remark += REMARK_DIGITAL_FORM % form_number
        return remark
    if kind in INFO_FORM_KINDS:
        return REMARK_INFO_FORM % (form_number or "")
    return REMARK_ORDINARY % (blue_code or "", blue_number or "")


def one_red_only(kind):
    """Whether a tax invoice of ``kind`` is reversed by one red invoice, in
    full (机动车销售统一发票)."""
    return kind in ONE_RED_KINDS


def partial_allowed(reason, partial_invoicing_error):
    """Whether a red invoice for ``reason`` may reverse part of its invoice:
    always, but for an invoicing error (01) in a company that reverses those
    in full (``partial_invoicing_error`` false)."""
    return reason != REASON_INVOICING_ERROR or bool(partial_invoicing_error)


# ------------------------------------------------------------------ lines
def is_requested(quantity, amount, currency, quantities):
    """Whether a line of a partial request asks anything (a quantity or an
    amount)."""
    return not (quantities.is_zero(quantity) and currency.is_zero(amount))


def line_request_problem(
    quantity, amount, remaining_quantity, remaining_amount, currency, quantities
):
    """Why a requested line of a partial red invoice cannot reverse
    ``quantity`` and the untaxed ``amount`` of a blue line that has
    ``remaining_quantity`` and ``remaining_amount`` left, or None.
    Problems: ``negative``, ``quantity_exceeds``, ``amount_exceeds``,
    ``amount_missing``."""
    if quantity < 0 or currency.compare_amounts(amount, 0) < 0:
        return Problem("negative")
    if quantities.compare_amounts(quantity, remaining_quantity) > 0:
        return Problem("quantity_exceeds")
    if currency.compare_amounts(amount, remaining_amount) > 0:
        return Problem("amount_exceeds")
    if currency.is_zero(amount):
        return Problem("amount_missing")
    return None


def amount_of_quantity(quantity, remaining_quantity, remaining_amount, currency):
    """The untaxed amount that reversing ``quantity`` takes from a line with
    ``remaining_quantity`` and ``remaining_amount`` left: its share, no more
    than what remains."""
    return currency.round(
        remaining_amount * min(quantity, remaining_quantity) / remaining_quantity
    )


class LinePrice(NamedTuple):
    quantity: float
    price_unit: float
    amount_only: bool
    # untaxed amount that no price of the precision reaches at this quantity:
    # a companion amount-only line of the same origin reverses it
    remainder: float = 0.0


# how many steps of the price precision around the ideal price are tried
_PRICE_STEPS = (0, -1, 1, -2, 2, -3, 3)


def red_line_price(
    blue_price_unit, quantity, amount, subtotal, currency, quantities, prices
):
    """Quantity and unit price of a red line reversing ``quantity`` and the
    untaxed ``amount`` of a blue line priced ``blue_price_unit``, such that
    the red line's untaxed amount is ``amount`` to the cent.

    ``subtotal(quantity, price_unit)`` is the untaxed amount of such a line as
    the accounting computes it (discount, price-included and fixed taxes:
    the caller's).  Without a quantity (an allowance) the line takes 1 unit
    and is flagged amount-only.  The price is the blue one when it gives the
    amount, else the price of the precision (``prices``) nearest the ideal one
    that gives it exactly.  A unit price has the precision's digits only
    (Odoo rounds the field), so at a quantity above one some amounts have no
    such price: the line then takes the nearest price below, and the
    ``remainder`` (a few cents) is reversed by a companion amount-only line,
    so that the red invoice's amount is still the form's to the cent."""
    amount_only = quantities.is_zero(quantity)
    red_quantity = 1.0 if amount_only else quantity
    if not amount_only and not currency.compare_amounts(
        subtotal(red_quantity, blue_price_unit), amount
    ):
        return LinePrice(red_quantity, blue_price_unit, False)
    blue_amount = subtotal(red_quantity, blue_price_unit)
    if currency.is_zero(blue_amount):
        ideal = amount / red_quantity
    else:
        ideal = blue_price_unit * amount / blue_amount
    step = 10.0**-prices.digits
    base = prices.round(ideal)
    sign = -1.0 if amount < 0 else 1.0
    below = None
    for offset in _PRICE_STEPS:
        price = prices.round(base + offset * step)
        difference = currency.compare_amounts(subtotal(red_quantity, price), amount)
        if not difference:
            return LinePrice(red_quantity, price, amount_only)
        if difference * sign < 0 and (below is None or price * sign > below * sign):
            below = price
    if below is None:
        below = prices.round_down(ideal) - sign * 3 * step
    remainder = currency.round(amount - subtotal(red_quantity, below))
    return LinePrice(red_quantity, below, amount_only, remainder)


# ------------------------------------------------------------------ batch
def allot_amount(mode, amount, remaining, earlier, currency):
    """The untaxed amount a request of ``mode`` (full or partial) reverses on
    an invoice with ``remaining`` left, after the ``earlier`` requests of the
    same batch on it (``[(row, amount)]``), and the problem, if any:
    ``(amount, problem)``.

    A full request reverses all that remains (``amount``, if given, must say
    so) and cannot follow an earlier one; a partial one reverses its rounded
    ``amount``, no more than what the earlier ones left.  Problems:
    ``full_after_earlier`` (``rows``), ``full_amount`` (``remaining``),
    ``exceeds_with_earlier`` (``rows``, ``total``), ``exceeds``
    (``available``)."""
    rows = ", ".join(str(row) for row, _amount in earlier)
    reserved = sum(a for _row, a in earlier)
    if mode == FULL:
        if earlier:
            return None, Problem("full_after_earlier", {"rows": rows})
        if amount and currency.compare_amounts(amount, remaining):
            return None, Problem("full_amount", {"remaining": remaining})
        return remaining, None
    available = remaining - reserved
    amount = currency.round(amount)
    if currency.compare_amounts(amount, available) > 0:
        if earlier:
            total = currency.round(amount + reserved)
            return None, Problem("exceeds_with_earlier", {"rows": rows, "total": total})
        return None, Problem("exceeds", {"available": available})
    return amount, None


def spread(amount, lefts, currency):
    """``amount`` spread over lines in proportion to what is ``left`` on each:
    ``lefts`` is ``[(key, left)]`` in line order, the result ``[(key,
    share)]``.  A line with less than nothing left (a discount line, 折扣行,
    of negative amount) is netted against the goods line before it, as the
    tax platform nets them, and takes nothing itself.  Lines with nothing
    left take nothing; the last line takes the rounding difference; zero
    shares are left out."""
    netted = []
    for key, left in lefts:
        if currency.compare_amounts(left, 0) < 0 and netted:
            netted[-1][1] += left
        else:
            netted.append([key, left])
    lines = [
        (key, left) for key, left in netted if currency.compare_amounts(left, 0) > 0
    ]
    total = sum(left for _key, left in lines)
    allotment, allotted = [], 0.0
    for index, (key, left) in enumerate(lines):
        if index == len(lines) - 1:
            share = currency.round(amount - allotted)
        else:
            share = currency.round(amount * left / total)
        allotted += share
        if not currency.is_zero(share):
            allotment.append((key, share))
    return allotment


def tax_of_remaining(amount_tax, amount_untaxed, amount):
    """The tax of reversing the untaxed ``amount`` of an invoice as a whole
    (what remains after earlier red invoices): the invoice's tax in
    proportion."""
    return amount_tax * amount / amount_untaxed


def tax_differs(given, expected, tolerance=TAX_TOLERANCE):
    """Whether a ``given`` tax is further than ``tolerance`` from the
    ``expected`` one (both positive amounts of the red invoice)."""
    return abs(given - expected) > tolerance + 1e-6


# ------------------------------------------------------------------ import
def alias_table(aliases, normalise):
    """``{normalised name: value}`` for every value and name of ``aliases``."""
    return {
        normalise(text): value
        for value, texts in aliases.items()
        for text in (value, *texts)
    }


def leading_code(key, highest):
    """The two-digit code a normalised cell starts with (``02``, ``2``,
    ``02 销货退回``, ``13作废...``), if it is between 1 and ``highest``, else
    None."""
    match = _LEADING_CODE.match(key)
    if match and 1 <= int(match.group(1)) <= highest:
        return f"{int(match.group(1)):02d}"
    return None
