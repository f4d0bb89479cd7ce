"""Rules of Chinese red-letter invoices (红字发票), without the ORM.

What a red invoice may be and how its amounts are found, as the tax bureau
and the addon define them: the kinds of tax invoice and the format of their
codes and numbers, the reasons, the states of a confirmation form and its
72-hour lapse, the remark the red invoice carries, which credit notes may be
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
    ("special", "Special VAT Invoice"),
    ("normal", "Ordinary VAT Invoice"),
    ("digital_special", "Digital Special VAT Invoice"),
    ("digital_normal", "Digital Ordinary VAT Invoice"),
]
# 数电发票 (全电): a 20-digit number and no code; their red invoices need a
# confirmation form (确认单) instead of an information form (信息表)
DIGITAL_KINDS = ("digital_special", "digital_normal")
# Digits of the 发票代码 and of the 发票号码 per kind (None: no code).
CN_INVOICE_FORMATS = {
    "special": (10, 8),
    "normal": (12, 8),
    "digital_special": (None, 20),
    "digital_normal": (None, 20),
}
# Tax bureau codes (DOMAIN §8); provider APIs number them differently.
RED_REASONS = [
    ("01", "01 Invoicing Error"),
    ("02", "02 Sales Return"),
    ("03", "03 Service Stopped"),
    ("04", "04 Sales Allowance"),
]
# the reason after which a company may require full reversals only
REASON_INVOICING_ERROR = "01"
# States of a 红字发票信息确认单 (公告2024年第11号).
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
]
RED_FORM_STATES_ISSUABLE = ("01", "04")
RED_FORM_STATES_PENDING = ("02", "03")
# the state of a digital invoice's red invoice that needs no confirmation
RED_FORM_STATE_NONE_NEEDED = "01"
RED_FORM_CONFIRM_HOURS = 72
RED_INITIATORS = [("seller", "Seller"), ("buyer", "Buyer")]
RED_INFO_FORM_RE = re.compile(r"\d{16}")
RED_CONFIRM_FORM_RE = re.compile(r"[0-9A-Za-z]{8,32}")
# the import's tax cross-check: a given tax further than this from the
# computed one is an error
TAX_TOLERANCE = 0.01

# Chinese and English names of the kinds, reasons, form states and modes, as
# spreadsheets write them (the import normalises them before looking up)
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
FULL, PARTIAL = "full", "partial"
_LEADING_CODE = re.compile(r"^0?([1-9])(?!\d)")


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


def invoice_number_problem(kind, code, number):
    """Why ``code``/``number`` is not a tax invoice of ``kind``, or None.

    Special: 10-digit code and 8-digit number; ordinary: 12 and 8; digital:
    no code and a 20-digit number.  Problems: ``no_kind``,
    ``code_not_allowed``, ``code_digits`` and ``number_digits`` (with
    ``digits``)."""
    code, number = code or "", number or ""
    if not kind:
        return Problem("no_kind")
    code_digits, number_digits = CN_INVOICE_FORMATS[kind]
    if code_digits is None and code:
        return Problem("code_not_allowed")
    if code_digits and not (code.isdigit() and len(code) == code_digits):
        return Problem("code_digits", {"digits": code_digits})
    if not (number.isdigit() and len(number) == number_digits):
        return Problem("number_digits", {"digits": number_digits})
    return None


def form_number_problem(kind, number):
    """Why ``number`` is not the form number a red invoice of ``kind`` needs,
    or None: the 16-digit 信息表编号 of a special invoice (required), else a
    确认单编号 of 8 to 32 letters or digits, if any.  Problems:
    ``info_form_missing``, ``info_form_format``, ``confirm_form_format``."""
    number = number or ""
    if kind == "special":
        if not number:
            return Problem("info_form_missing")
        if not RED_INFO_FORM_RE.fullmatch(number):
            return Problem("info_form_format")
    elif number and not RED_CONFIRM_FORM_RE.fullmatch(number):
        return Problem("confirm_form_format")
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


def confirmation_problem(state, number, raised_at, now):
    """Why no red invoice of a digital invoice can be issued on the
    confirmation form in ``state`` numbered ``number``, or None.  Problems:
    ``no_state``, ``void`` (states 05 to 09), ``number_missing`` (a form
    other than 01 needs its number), ``lapsed`` (see :func:`is_lapsed`)."""
    if not state:
        return Problem("no_state")
    if state not in RED_FORM_STATES_ISSUABLE + RED_FORM_STATES_PENDING:
        return Problem("void")
    if state != RED_FORM_STATE_NONE_NEEDED and not number:
        return Problem("number_missing")
    if is_lapsed(state, raised_at, now):
        return Problem("lapsed")
    return None


def post_problem(kind, form_state, form_number):
    """Why a red invoice of a tax invoice of ``kind`` may not be posted yet, or
    None: its confirmation form must allow issuing (01, 04), a digital
    invoice's red invoice needs that state, a special invoice's its
    information form.  Problems: ``state_not_issuable``, ``no_state``,
    ``no_info_form``."""
    if form_state and form_state not in RED_FORM_STATES_ISSUABLE:
        return Problem("state_not_issuable")
    if is_digital(kind) and not form_state:
        return Problem("no_state")
    if kind == "special" and not form_number:
        return Problem("no_info_form")
    return None


def red_remark(kind, form_number, blue_code, blue_number):
    """The remark a red invoice of a tax invoice of ``kind`` must carry
    (公告2016年第47号, 2024年第11号), or None.  The wording is fixed by the tax
    bureau, hence never translated."""
    if kind == "special":
        return "开具红字增值税专用发票信息表编号%s" % (form_number or "")
    if is_digital(kind):
        remark = "被红冲蓝字数电发票号码:%s" % (blue_number or "")
        if form_number:
            remark += " 红字发票信息确认单编号:%s" % form_number
        return remark
    if kind == "normal":
        return "对应正数发票代码:%s号码:%s" % (blue_code or "", blue_number or "")
    return None


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
    ``02 销货退回``), if it is between 1 and ``highest``, else None."""
    match = _LEADING_CODE.match(key)
    if match and int(match.group(1)) <= highest:
        return f"0{match.group(1)}"
    return None
