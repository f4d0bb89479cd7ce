"""Tax identifiers of Chinese partners other than the USCC.

A company registered before the 2015 reform, or an individual business
(个体工商户) registered with its owner's ID card, may still carry an older
纳税人识别号 instead of a 统一社会信用代码.  Each kind is checked by its own
format:

``uscc``
    统一社会信用代码, GB 32100-2015 (:mod:`.uscc`).
``taxpayer``
    the older 纳税人识别号 (税务登记证号):

    - 15 characters: the six-digit administrative area (GB/T 2260) and the
      nine-character 组织机构代码 (GB 11714, with its own check character);
    - 17 digits: a first-generation 15-digit ID card number and a two-digit
      sequence (individual businesses);
    - 18 characters: a second-generation ID card number (GB 11643);
    - 20 characters: an 18-character ID card number and a two-digit sequence.
``id_card``
    居民身份证号码, GB 11643-1999: 18 characters, the last a mod 11-2 check
    character (``X`` for 10).

``stdnum.cn.ric`` computes the ID card's check character and birth date; its
table of birth places lags the administrative changes since, so the area is
only required to be six digits here.
"""

import datetime

from stdnum.cn import ric

from . import uscc

KINDS = ("uscc", "taxpayer", "id_card")


def compact(code):
    return uscc.compact(code)


def _date_error(year, month, day):
    try:
        datetime.date(year, month, day)
    except ValueError:
        return "date"
    return None


def id_card_error(code):
    """Why ``code`` is not a valid 18-character ID card number, or None.

    Keys: ``length``, ``format``, ``date`` (of birth), ``check``.
    """
    code = compact(code)
    if len(code) != 18:
        return "length"
    if not code[:17].isdigit() or code[17] not in "0123456789X":
        return "format"
    if _date_error(int(code[6:10]), int(code[10:12]), int(code[12:14])):
        return "date"
    if ric.calc_check_digit(code) != code[17]:
        return "check"
    return None


def _old_id_card_error(code):
    """A first-generation 15-digit ID card: area, YYMMDD of birth (19YY), sequence."""
    if not code.isdigit():
        return "format"
    return _date_error(1900 + int(code[6:8]), int(code[8:10]), int(code[10:12]))


def taxpayer_id_error(code):
    """Why ``code`` is not a valid older 纳税人识别号, or None.

    Keys: ``length``, ``format``, ``area``, ``organisation`` (the embedded
    组织机构代码's check character), ``date``, ``check``.
    """
    code = compact(code)
    if len(code) == 15:
        if not code[:6].isdigit():
            return "area"
        org = code[6:15]
        if any(c not in uscc.ORG_CHARS for c in org[:8]):
            return "format"
        if uscc.org_check_char(org[:8]) != org[8]:
            return "organisation"
        return None
    if len(code) == 17:
        if not code.isdigit():
            return "format"
        return _old_id_card_error(code[:15])
    if len(code) == 18:
        return id_card_error(code)
    if len(code) == 20:
        if not code[18:].isdigit():
            return "format"
        return id_card_error(code[:18])
    return "length"


def identifier_error(kind, code):
    """Why ``code`` is not a valid identifier of ``kind``, or None."""
    if kind == "taxpayer":
        return taxpayer_id_error(code)
    if kind == "id_card":
        return id_card_error(code)
    return uscc.uscc_error(code)


def guess_kind(code):
    """The kind a valid code is of (USCC first), or None when none fits."""
    for kind in KINDS:
        if identifier_error(kind, code) is None:
            return kind
    return None
