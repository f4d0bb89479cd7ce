import importlib.util
import os
from collections import Counter

from odoo.tests import tagged

from ..hooks import post_init_hook
from ..importer.industry_codes import INDUSTRIES, industry_level
from .common import SegmentCase

MIGRATION = os.path.join(
    os.path.dirname(os.path.dirname(__file__)),
    "migrations",
    "18.0.1.2.0",
    "pre-migration.py",
)


def load_migration():
    spec = importlib.util.spec_from_file_location("pre_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestIndustry(SegmentCase):
    def test_gbt_sections_and_classes(self):
        sections = self.env["res.partner.industry"].search(
            [("code", "!=", False), ("parent_id", "=", False)]
        )
        self.assertEqual(sorted(sections.mapped("code")), list("ABCDEFGHIJKLMNOPQRST"))
        self.assertEqual(self.industry["F52"].parent_id, self.industry["F"])
        self.assertEqual(self.industry["F52"].display_name, "F52 Retail")

    def test_nace_industries_are_archived_no_duplicate_names(self):
        nace = self.env.ref("base.res_partner_industry_C")
        self.assertFalse(nace.active)
        names = self.env["res.partner.industry"].search([]).mapped("name")
        self.assertEqual(names.count("Manufacturing"), 1)

    def test_hook_moves_partners_from_nace_to_gbt(self):
        construction = self.env.ref("base.res_partner_industry_F")  # NACE F
        partner = self.company(industry_id=construction.id)
        post_init_hook(self.env)
        self.assertEqual(partner.industry_id, self.industry["E"])

    def test_search_by_code(self):
        found = self.env["res.partner.industry"].name_search("F52")
        self.assertEqual(found[0][0], self.industry["F52"].id)


@tagged("post_install", "-at_install")
class TestIndustryTree(SegmentCase):
    """The whole GB/T 4754-2017 tree ships as data; the scale rule is found at
    the nearest level that has one."""

    def test_counts_of_each_level(self):
        levels = Counter(
            industry_level(code)
            for code in self.env["res.partner.industry"]
            .search([("code", "!=", False)])
            .mapped("code")
        )
        # the standard's foreword counts 1,380 classes; its table lists 1,381
        self.assertEqual(levels, {1: 20, 2: 97, 3: 473, 4: 1381})

    def test_sample_codes_and_names_of_each_level(self):
        expected = {
            "C": "Manufacturing",  # the sections keep their English names
            "C39": "计算机、通信和其他电子设备制造业",
            "F52": "Retail",
            "C391": "计算机制造",
            "G593": "低温仓储",
            "C3911": "计算机整机制造",
            "C3741": "飞机制造",
            "G5930": "低温仓储",
            "L7289": "其他会议、会展及相关服务",
            "T9700": "国际组织",
        }
        for code, name in expected.items():
            with self.subTest(code=code):
                self.assertEqual(self.industry[code].name, name)

    def test_records_are_the_importer_table(self):
        industries = self.env["res.partner.industry"].search([("code", "!=", False)])
        self.assertEqual(set(industries.mapped("code")), set(INDUSTRIES))
        for industry in industries:
            parent, name = INDUSTRIES[industry.code]
            self.assertEqual(industry.parent_id.code or "", parent, industry.code)
            if not industry.name.isascii():  # shipped before with an English name
                self.assertEqual(industry.name, name, industry.code)

    def test_parent_chain(self):
        industry = self.industry["C3911"]
        chain = []
        while industry:
            chain.append(industry.code)
            industry = industry.parent_id
        self.assertEqual(chain, ["C3911", "C391", "C39", "C"])
        self.assertEqual(self.industry["K7010"].parent_id, self.industry["K701"])
        self.assertEqual(self.industry["K702"].parent_id, self.industry["K70"])
        self.assertEqual(self.industry["G591"].parent_id, self.industry["G59"])
        tree = self.env["res.partner.industry"].search(
            [("id", "child_of", self.industry["G59"].id)]
        )
        self.assertEqual(
            sorted(tree.mapped("code")),
            sorted(code for code in INDUSTRIES if code.startswith("G59")),
        )
        self.assertEqual(len(tree), 1 + 7 + 11)

    def test_scale_rule_of_the_nearest_level(self):
        rule = {
            name: self.env.ref(f"partner_segment.scale_rule_{name}")
            for name in ("warehousing", "transport", "industry", "realestate_dev")
        }
        expected = {
            "G5930": rule["warehousing"],  # 低温仓储 -> 59 仓储业
            "G5910": rule["transport"],  # 装卸搬运 -> 591, 交通运输业
            "G5311": False,  # a class under 53 铁路运输业: not covered
            "Q8411": False,  # a class under 84 卫生: not covered
            "K7040": False,  # 房地产租赁经营: not covered
            "K7010": rule["realestate_dev"],
            "C3911": rule["industry"],  # from the section
        }
        industries = self.env["res.partner.industry"].with_user(self.segment_user)
        for code, found in expected.items():
            with self.subTest(code=code):
                industry = industries.browse(self.industry[code].id)
                self.assertEqual(
                    industry.scale_rule_id, found or self.env["partner.scale.rule"]
                )

    def test_segment_user_finds_a_class_by_its_bare_code(self):
        industries = self.env["res.partner.industry"].with_user(self.segment_user)
        self.assertEqual(
            industries.name_search("3911")[0][0], self.industry["C3911"].id
        )
        self.assertEqual(industries.name_search("39")[0][0], self.industry["C39"].id)
        self.assertEqual(
            industries.name_search("计算机整机")[0][0], self.industry["C3911"].id
        )


@tagged("post_install", "-at_install")
class TestIndustryMigration(SegmentCase):
    """An industry a user created with a code the addon now ships is adopted."""

    def test_user_industry_takes_the_shipped_external_id(self):
        industry = self.industry["G5930"]
        data = self.env["ir.model.data"].search(
            [("module", "=", "partner_segment"), ("name", "=", "industry_gbt_G5930")]
        )
        data.unlink()  # as a user would have created it
        self.assertFalse(
            self.env.ref("partner_segment.industry_gbt_G5930", raise_if_not_found=False)
        )
        load_migration().migrate(self.env.cr, "18.0.1.1.0")
        self.env["ir.model.data"].invalidate_model()
        self.env.registry.clear_cache()
        self.assertEqual(self.env.ref("partner_segment.industry_gbt_G5930"), industry)
        self.assertEqual(
            self.env.ref("partner_segment.industry_gbt_C3911").code, "C3911"
        )
