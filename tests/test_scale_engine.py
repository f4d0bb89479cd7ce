from collections import Counter

from odoo.tests import BaseCase, tagged

from ..engine.scale import LARGE, MEDIUM, MICRO, SMALL, Bounds, classify_scale
from ..importer.industry_codes import (
    DIVISIONS,
    INDUSTRIES,
    SECTIONS,
    industry_code_candidates,
    industry_level,
)

INDUSTRY = {"employees": Bounds(1000, 300, 20), "revenue": Bounds(4e8, 2e7, 3e6)}


@tagged("post_install", "-at_install")
class TestScaleEngine(BaseCase):
    """The band computation alone, without the ORM."""

    def test_every_indicator_reaches_large(self):
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": 1000, "revenue": 4e8}), LARGE
        )

    def test_drop_one_band_when_one_indicator_is_lower(self):
        # Large on employees, medium on revenue: not large, drops to medium.
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": 5000, "revenue": 2e7}), MEDIUM
        )
        # Large on revenue, small on employees: drops twice, to small.
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": 20, "revenue": 9e8}), SMALL
        )

    def test_micro_on_any_one_indicator(self):
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": 19, "revenue": 9e8}), MICRO
        )
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": 5000, "revenue": 2999999}), MICRO
        )

    def test_missing_input_gives_no_class(self):
        self.assertIsNone(classify_scale(INDUSTRY, {"employees": 5000}))
        self.assertIsNone(classify_scale(INDUSTRY, {"employees": 5000, "revenue": 0}))
        self.assertIsNone(classify_scale(INDUSTRY, {"employees": None, "revenue": 4e8}))
        self.assertIsNone(classify_scale(INDUSTRY, {"employees": 20}))
        self.assertIsNone(classify_scale(INDUSTRY, {}))

    def test_micro_on_one_indicator_whatever_is_missing(self):
        self.assertEqual(classify_scale(INDUSTRY, {"employees": 8}), MICRO)
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": None, "revenue": 2999999}), MICRO
        )
        self.assertEqual(
            classify_scale(INDUSTRY, {"employees": 19, "revenue": 0}), MICRO
        )

    def test_uncovered_sector_gives_no_class(self):
        self.assertIsNone(classify_scale({}, {"employees": 5000, "revenue": 9e8}))

    def test_unused_indicator_is_ignored(self):
        rule = {"employees": Bounds(300, 100, 10)}
        self.assertEqual(classify_scale(rule, {"employees": 100, "revenue": 1}), MEDIUM)

    def test_bounds_band_edges(self):
        bounds = Bounds(300, 100, 10)
        self.assertEqual(
            [bounds.band(v) for v in (300, 299, 100, 99, 10, 9)],
            [LARGE, MEDIUM, MEDIUM, SMALL, SMALL, MICRO],
        )


@tagged("post_install", "-at_install")
class TestIndustryCodes(BaseCase):
    """GB/T 4754-2017 codes in the forms users' files carry, without the ORM."""

    def test_the_whole_standard(self):
        levels = Counter(industry_level(code) for code in INDUSTRIES)
        # the standard's foreword counts 1,380 classes; its table lists 1,381
        self.assertEqual(levels, {1: 20, 2: 97, 3: 473, 4: 1381})
        self.assertEqual(len(DIVISIONS), 97)
        self.assertEqual({s for s, _name in DIVISIONS.values()}, set(SECTIONS))
        self.assertEqual(DIVISIONS["39"], ("C", "计算机、通信和其他电子设备制造业"))
        self.assertEqual(DIVISIONS["85"], ("Q", "社会工作"))
        self.assertEqual(DIVISIONS["53"], ("G", "铁路运输业"))
        self.assertEqual(INDUSTRIES["C391"], ("C39", "计算机制造"))
        self.assertEqual(INDUSTRIES["C3911"], ("C391", "计算机整机制造"))
        self.assertEqual(INDUSTRIES["C3741"], ("C374", "飞机制造"))
        self.assertEqual(INDUSTRIES["T9700"], ("T970", "国际组织"))
        for code, (parent, _name) in INDUSTRIES.items():
            if parent:
                self.assertEqual(industry_level(parent), industry_level(code) - 1)
                self.assertIn(parent, INDUSTRIES)

    def test_candidates_finest_first(self):
        expected = ["C3911", "C391", "C39", "C"]
        for raw in ("3911", "C3911", "c3911", " C 3911 ", "计算机整机制造"):
            self.assertEqual(industry_code_candidates(raw), expected, raw)
        self.assertEqual(industry_code_candidates("39"), ["C39", "C"])
        self.assertEqual(industry_code_candidates("G"), ["G"])
        self.assertEqual(industry_code_candidates("制造业"), ["C"])
        self.assertEqual(industry_code_candidates("装卸搬运和仓储业"), ["G59", "G"])
        self.assertEqual(industry_code_candidates("计算机制造"), ["C391", "C39", "C"])
        # a group and its single class share their name: the class
        self.assertEqual(
            industry_code_candidates("低温仓储"), ["G5930", "G593", "G59", "G"]
        )
        # full- or half-width brackets alike
        for raw in ("三维（3D)打印技术推广服务", "三维(3D)打印技术推广服务"):
            self.assertEqual(industry_code_candidates(raw)[0], "M7517", raw)
        # a well-formed code the standard does not list: the levels it does
        self.assertEqual(
            industry_code_candidates("3918"), ["C3918", "C391", "C39", "C"]
        )
        self.assertEqual(industry_code_candidates("D3911"), [])
        self.assertEqual(industry_code_candidates("98"), [])
        self.assertEqual(industry_code_candidates("制造"), [])
