"""GB/T 4754-2017 《国民经济行业分类》: the codes users' files carry.

The addon ships the 20 sections and the divisions and groups the 2017
enterprise-scale standard names (see ``data/res_partner_industry_data.xml``).
Files from 用友 and 金蝶 carry finer or bare codes (``39``, ``391``, ``3911``,
``C3911``) and division names (计算机、通信和其他电子设备制造业).  This module
turns any of them into the codes to look for, finest first, so that the import
takes the nearest industry the database has.

The 97 divisions, their sections and Chinese names are those of GB/T 4754-2017
(国家统计局, 2017-06-30, in force 2017-10-01; the division list as printed in the
standard's 《国民经济行业分类和代码表》), taken from the transcription in
github.com/zmshe/capital ``src/utils/category.js`` (commit 0b8f1ae) and checked
against the standard's division list: 20 sections, 97 divisions.
"""

import re

# division -> (section, Chinese name)
DIVISIONS = {
    "01": ("A", "农业"),
    "02": ("A", "林业"),
    "03": ("A", "畜牧业"),
    "04": ("A", "渔业"),
    "05": ("A", "农、林、牧、渔专业及辅助性活动"),
    "06": ("B", "煤炭开采和洗选业"),
    "07": ("B", "石油和天然气开采业"),
    "08": ("B", "黑色金属矿采选业"),
    "09": ("B", "有色金属矿采选业"),
    "10": ("B", "非金属矿采选业"),
    "11": ("B", "开采专业及辅助性活动"),
    "12": ("B", "其他采矿业"),
    "13": ("C", "农副食品加工业"),
    "14": ("C", "食品制造业"),
    "15": ("C", "酒、饮料和精制茶制造业"),
    "16": ("C", "烟草制品业"),
    "17": ("C", "纺织业"),
    "18": ("C", "纺织服装、服饰业"),
    "19": ("C", "皮革、毛皮、羽毛及其制品和制鞋业"),
    "20": ("C", "木材加工和木、竹、藤、棕、草制品业"),
    "21": ("C", "家具制造业"),
    "22": ("C", "造纸和纸制品业"),
    "23": ("C", "印刷和记录媒介复制业"),
    "24": ("C", "文教、工美、体育和娱乐用品制造业"),
    "25": ("C", "石油、煤炭及其他燃料加工业"),
    "26": ("C", "化学原料和化学制品制造业"),
    "27": ("C", "医药制造业"),
    "28": ("C", "化学纤维制造业"),
    "29": ("C", "橡胶和塑料制品业"),
    "30": ("C", "非金属矿物制品业"),
    "31": ("C", "黑色金属冶炼和压延加工业"),
    "32": ("C", "有色金属冶炼和压延加工业"),
    "33": ("C", "金属制品业"),
    "34": ("C", "通用设备制造业"),
    "35": ("C", "专用设备制造业"),
    "36": ("C", "汽车制造业"),
    "37": ("C", "铁路、船舶、航空航天和其他运输设备制造业"),
    "38": ("C", "电气机械和器材制造业"),
    "39": ("C", "计算机、通信和其他电子设备制造业"),
    "40": ("C", "仪器仪表制造业"),
    "41": ("C", "其他制造业"),
    "42": ("C", "废弃资源综合利用业"),
    "43": ("C", "金属制品、机械和设备修理业"),
    "44": ("D", "电力、热力生产和供应业"),
    "45": ("D", "燃气生产和供应业"),
    "46": ("D", "水的生产和供应业"),
    "47": ("E", "房屋建筑业"),
    "48": ("E", "土木工程建筑业"),
    "49": ("E", "建筑安装业"),
    "50": ("E", "建筑装饰、装修和其他建筑业"),
    "51": ("F", "批发业"),
    "52": ("F", "零售业"),
    "53": ("G", "铁路运输业"),
    "54": ("G", "道路运输业"),
    "55": ("G", "水上运输业"),
    "56": ("G", "航空运输业"),
    "57": ("G", "管道运输业"),
    "58": ("G", "多式联运和运输代理业"),
    "59": ("G", "装卸搬运和仓储业"),
    "60": ("G", "邮政业"),
    "61": ("H", "住宿业"),
    "62": ("H", "餐饮业"),
    "63": ("I", "电信、广播电视和卫星传输服务"),
    "64": ("I", "互联网和相关服务"),
    "65": ("I", "软件和信息技术服务业"),
    "66": ("J", "货币金融服务"),
    "67": ("J", "资本市场服务"),
    "68": ("J", "保险业"),
    "69": ("J", "其他金融业"),
    "70": ("K", "房地产业"),
    "71": ("L", "租赁业"),
    "72": ("L", "商务服务业"),
    "73": ("M", "研究和试验发展"),
    "74": ("M", "专业技术服务业"),
    "75": ("M", "科技推广和应用服务业"),
    "76": ("N", "水利管理业"),
    "77": ("N", "生态保护和环境治理业"),
    "78": ("N", "公共设施管理业"),
    "79": ("N", "土地管理业"),
    "80": ("O", "居民服务业"),
    "81": ("O", "机动车、电子产品和日用产品修理业"),
    "82": ("O", "其他服务业"),
    "83": ("P", "教育"),
    "84": ("Q", "卫生"),
    "85": ("Q", "社会工作"),
    "86": ("R", "新闻和出版业"),
    "87": ("R", "广播、电视、电影和录音制作业"),
    "88": ("R", "文化艺术业"),
    "89": ("R", "体育"),
    "90": ("R", "娱乐业"),
    "91": ("S", "中国共产党机关"),
    "92": ("S", "国家机构"),
    "93": ("S", "人民政协、民主党派"),
    "94": ("S", "社会保障"),
    "95": ("S", "群众团体、社会团体和其他成员组织"),
    "96": ("S", "基层群众自治组织及其他组织"),
    "97": ("T", "国际组织"),
}

SECTIONS = "ABCDEFGHIJKLMNOPQRST"

_CODE = re.compile(r"^([A-T])?(\d{2}|\d{3}|\d{4})$")
_LEADING_CODE = re.compile(r"^([A-T]?\d{2,4})[\s\-.、:：]+\S")
_SPACES = re.compile(r"\s+")
DIVISION_BY_NAME = {name: code for code, (_section, name) in DIVISIONS.items()}


def industry_code_candidates(value):
    """Codes, with their section letter, of the industry ``value`` names,
    finest first: ``"3911"`` and ``"C3911"`` give ``C3911, C391, C39, C``;
    a division name gives its division and section; a section letter itself.
    Empty when ``value`` is none of these, or when its letter is not the
    section of its division (``"D3911"``)."""
    text = _SPACES.sub("", str(value or "")).upper()
    if len(text) == 1 and text in SECTIONS:
        return [text]
    match = _CODE.match(text)
    if not match:
        division = DIVISION_BY_NAME.get(_SPACES.sub("", str(value or "")))
        leading = _LEADING_CODE.match(str(value or "").strip().upper())
        if division:
            text = division
        elif leading:
            return industry_code_candidates(leading.group(1))
        else:
            return []
        match = _CODE.match(text)
    letter, digits = match.groups()
    section = DIVISIONS.get(digits[:2], (None,))[0]
    if not section or (letter and letter != section):
        return []
    return [section + digits[:size] for size in range(len(digits), 1, -1)] + [section]
