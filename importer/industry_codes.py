"""GB/T 4754-2017 《国民经济行业分类》: the codes users' files carry.

The whole classification, 20 sections, 97 divisions, 473 groups and 1,381
classes with their Chinese names, is in ``gbt_4754_2017.csv`` beside this
module (its header says where it comes from and how it was checked); the
addon's ``data/res.partner.industry.csv`` ships the same tree as records.
Files from 用友 and 金蝶 carry bare or lettered codes at any level (``C``,
``39``, ``391``, ``3911``, ``C3911``) or the Chinese name of any level
(计算机、通信和其他电子设备制造业, 计算机整机制造).  This module turns any of
them into the codes to look for, finest first, so that the import takes the
nearest industry the database has.
"""

import csv
import os
import re

TABLE = os.path.join(os.path.dirname(__file__), "gbt_4754_2017.csv")
SECTIONS = "ABCDEFGHIJKLMNOPQRST"

_CODE = re.compile(r"^([A-T])?(\d{2}|\d{3}|\d{4})$")
_LEADING_CODE = re.compile(r"^([A-T]?\d{2,4})[\s\-.、:：]+\S")
_SPACES = re.compile(r"\s+")
# the transcriptions mix full- and half-width brackets (三维（3D)打印…)
_BRACKETS = str.maketrans("（）", "()")


def _name_key(value):
    return _SPACES.sub("", str(value or "")).translate(_BRACKETS)


def _read_table():
    """{code with its letter: (parent code, Chinese name)}, parents first."""
    with open(TABLE, encoding="utf-8", newline="") as table:
        rows = csv.DictReader(line for line in table if not line.startswith("#"))
        return {row["code"]: (row["parent"], row["name"]) for row in rows}


INDUSTRIES = _read_table()
# digits (or the section letter) -> section letter, for bare codes
SECTION_OF = {code.lstrip(SECTIONS) or code: code[0] for code in INDUSTRIES}
DIVISIONS = {
    code[1:]: (code[0], name)
    for code, (_parent, name) in INDUSTRIES.items()
    if len(code) == 3
}
# a name shared by several levels (新闻业: group 861 and its single class
# 8610) names the finest of them
CODE_BY_NAME = {
    _name_key(name): code
    for code, (_parent, name) in sorted(INDUSTRIES.items(), key=lambda i: len(i[0]))
}


def industry_level(code):
    """1 for a section (``C``), 2 a division (``C39``), 3 a group, 4 a class."""
    return len(code) - 1 if len(code) > 1 else 1


def industry_code_candidates(value):
    """Codes, with their section letter, of the industry ``value`` names,
    finest first: ``"3911"`` and ``"C3911"`` give ``C3911, C391, C39, C``;
    the name of any level gives its code and those above it; a section letter
    itself.  A well-formed code the standard does not list (``3918``) still
    gives the levels above it that it does.  Empty when ``value`` is none of
    these, or when its letter is not the section of its division
    (``"D3911"``)."""
    text = _SPACES.sub("", str(value or "")).upper()
    if len(text) == 1 and text in SECTIONS:
        return [text]
    match = _CODE.match(text)
    if not match:
        named = CODE_BY_NAME.get(_name_key(value))
        leading = _LEADING_CODE.match(str(value or "").strip().upper())
        if named:
            return industry_code_candidates(named)
        if leading:
            return industry_code_candidates(leading.group(1))
        return []
    letter, digits = match.groups()
    section = SECTION_OF.get(digits[:2])
    if not section or (letter and letter != section):
        return []
    return [section + digits[:size] for size in range(len(digits), 1, -1)] + [section]
