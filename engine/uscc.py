"""统一社会信用代码 (Unified Social Credit Code), GB 32100-2015.

``stdnum.cn.uscc`` computes the mod-31 check character right but demands that
the first 8 characters be digits, so it refuses every valid code whose
registration-authority character is a letter (A 中央军委改革和编制办公室,
N 农业, Y 其他).  This module checks the code as the standard writes it and
still uses the library for the check character:

====  ===========================================================
1     登记管理部门代码 (registration authority), :data:`AUTHORITIES`
2     机构类别代码 (type), allowed per authority in :data:`AUTHORITIES`
3-8   登记管理机关行政区划码: six digits (GB/T 2260)
9-17  主体标识码 = 组织机构代码 (GB 11714), with its own check character
18    校验码: mod 31 over the alphabet below
====  ===========================================================
"""

from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V

# registration authority -> type characters it assigns (GB 32100-2015 table 1,
# with the authorities A and N added since by the standard's administration)
AUTHORITIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_check_char(body):
    """GB 11714 check character of the first 8 characters of an 组织机构代码."""
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def compact(code):
    """The code without spaces and hyphens, in capitals."""
    return stdnum_uscc.compact(code or "")


def uscc_error(code):
    """Why ``code`` is not a valid USCC, as a short English key, or None.

    Keys: ``length``, ``alphabet``, ``authority``, ``type``, ``area``,
    ``organisation`` (the embedded 组织机构代码's check character) and
    ``check`` (the final character).
    """
    code = compact(code)
    if len(code) != 18:
        return "length"
    if any(c not in ALPHABET for c in code):
        return "alphabet"
    types = AUTHORITIES.get(code[0])
    if types is None:
        return "authority"
    if code[1] not in types:
        return "type"
    if not code[2:8].isdigit():
        return "area"
    if org_check_char(code[8:16]) != code[16]:
        return "organisation"
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code):
    """Whether ``code`` is a valid 统一社会信用代码 under GB 32100-2015."""
    return uscc_error(code) is None


def complete(body):
    """A valid code from its first 16 characters (tests, demo data, benches):
    the 组织机构代码's check character and the final one are computed."""
    body = compact(body)[:16]
    body += org_check_char(body[8:16])
    return body + stdnum_uscc.calc_check_digit(body)
