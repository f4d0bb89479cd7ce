from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SegmentCase

BANDS = ["large", "medium", "small", "micro"]
INPUT = {
    "employees": "employee_count",
    "revenue": "annual_revenue",
    "assets": "total_assets",
}


@tagged("post_install", "-at_install")
class TestScaleRules(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rules = cls.env["partner.scale.rule"].search([])

    def _inputs(self, rule, band, below=None):
        """Partner values putting every indicator of ``rule`` at ``band``'s bound."""
        vals = {f: 1 for f in INPUT.values()}
        for indicator, bounds in rule._get_engine_rule().items():
            value = getattr(bounds, band)
            vals[INPUT[indicator]] = value - 1 if indicator == below else value
        return vals

    def test_data_covers_the_2017_table(self):
        self.assertEqual(len(self.rules), 16)
        retail = self.env.ref("partner_segment.scale_rule_retail")
        self.assertEqual(
            (retail.employees_large, retail.revenue_large, retail.revenue_small),
            (300, 200000000, 1000000),
        )
        self.assertFalse(self.industry["J"].scale_rule_id)
        self.assertFalse(self.industry["K"].scale_rule_id)
        self.assertEqual(
            self.industry["K7010"].scale_rule_id,
            self.env.ref("partner_segment.scale_rule_realestate_dev"),
        )

    def test_every_sector_at_and_just_below_each_bound(self):
        cases, vals_list = [], []
        for rule in self.rules:
            industry = rule.industry_ids.sorted("code")[0]
            first = next(iter(rule._get_engine_rule()))
            for rank, band in enumerate(BANDS[:3]):
                for indicator in [None, *rule._get_engine_rule()]:
                    vals = self._inputs(rule, band, below=indicator)
                    vals.update(
                        name=f"{rule.name} {band} {indicator}", industry_id=industry.id
                    )
                    vals_list.append(vals)
                    expected = band if indicator is None else BANDS[rank + 1]
                    cases.append((rule.name, band, indicator, expected))
            self.assertTrue(first)
        partners = self.Partner.create(
            [{**v, "is_company": True, "country_id": self.cn.id} for v in vals_list]
        )
        for partner, (rule, band, indicator, expected) in zip(
            partners, cases, strict=True
        ):
            with self.subTest(rule=rule, band=band, below=indicator):
                self.assertEqual(partner.scale_class, expected)
        self.assertGreater(len(cases), 100)

    def test_drop_one_band_on_partner(self):
        partner = self.company(
            industry_id=self.industry["C"].id,
            employee_count=1500,
            annual_revenue=25000000,  # 2,500 万元: medium
        )
        self.assertEqual(partner.scale_class, "medium")

    def test_class_of_a_finer_industry_uses_its_section_rule(self):
        # 1811 运动机织服装制造, under 181, 18 and C: 工业 is on the section
        partner = self.company(
            industry_id=self.industry["C1811"].id,
            employee_count=400,
            annual_revenue=5e7,
        )
        self.assertEqual(partner.scale_class, "medium")

    def test_uncovered_sector_and_missing_inputs(self):
        finance = self.company(
            industry_id=self.industry["J"].id, employee_count=5000, annual_revenue=9e9
        )
        self.assertFalse(finance.scale_class)
        no_inputs = self.company(industry_id=self.industry["C"].id)
        self.assertFalse(no_inputs.scale_class)
        no_industry = self.company(employee_count=5000, annual_revenue=9e9)
        self.assertFalse(no_industry.scale_class)
        half = self.company(industry_id=self.industry["C"].id, employee_count=5000)
        self.assertFalse(half.scale_class)
        # 工业 with 8 employees and no revenue entered: micro under the standard
        micro = self.company(industry_id=self.industry["C"].id, employee_count=8)
        self.assertEqual(micro.scale_class, "micro")
        # 建筑业: revenue below the small bound, no assets entered
        micro = self.company(industry_id=self.industry["E"].id, annual_revenue=2e6)
        self.assertEqual(micro.scale_class, "micro")
        # 建筑业: assets alone at small, revenue missing: undecided
        undecided = self.company(industry_id=self.industry["E"].id, total_assets=3e6)
        self.assertFalse(undecided.scale_class)

    def test_editing_a_rule_reclassifies_its_partners(self):
        partner = self.company(industry_id=self.industry["R"].id, employee_count=150)
        self.assertEqual(partner.scale_class, "medium")
        self.env.ref("partner_segment.scale_rule_other").employees_large = 120
        self.assertEqual(partner.scale_class, "large")

    def test_rule_bounds_must_be_ordered_and_positive(self):
        rule = self.env.ref("partner_segment.scale_rule_retail")
        with self.assertRaisesRegex(ValidationError, "Retail"):
            rule.employees_small = 500
        with self.assertRaisesRegex(ValidationError, "positive"):
            rule.employees_small = 0

    def test_negative_inputs_refused_with_partner_name(self):
        for fname in ("employee_count", "annual_revenue", "total_assets"):
            with (
                self.subTest(field=fname),
                self.assertRaisesRegex(ValidationError, "负数公司.*cannot be negative"),
            ):
                self.company(name="负数公司", **{fname: -1})

    def test_contact_shows_company_values(self):
        company = self.company(
            industry_id=self.industry["F52"].id,
            employee_count=60,
            annual_revenue=6e6,
            state_id=self.state("GD").id,
        )
        contact = self.Partner.create({"name": "张三", "parent_id": company.id})
        self.assertEqual(company.scale_class, "medium")
        self.assertFalse(contact.scale_class)
        self.assertEqual(contact.commercial_scale_class, "medium")
        self.assertEqual(contact.commercial_region_id, self.region["south"])
        self.assertEqual(contact.industry_id, self.industry["F52"])

    def test_form_recomputes_scale_when_inputs_change(self):
        form = Form(self.Partner.with_user(self.segment_user))
        form.company_type = "company"
        form.name = "表单公司"
        form.industry_id = self.industry["I65"]
        form.employee_count = 120
        form.annual_revenue = 2e7
        self.assertEqual(form.scale_class, "medium")
        form.annual_revenue = 4e5
        self.assertEqual(form.scale_class, "micro")
        partner = form.save()
        self.assertEqual(partner.scale_class, "micro")
        self.assertEqual(partner.scale_class_computed, "micro")


@tagged("post_install", "-at_install")
class TestScaleScope(SegmentCase):
    """Which industries each row of the 2017 table applies to (its notes)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.g593 = cls.industry["G593"]  # 低温仓储, group and its single class
        cls.g5930 = cls.industry["G5930"]
        cls.g5910 = cls.industry["G5910"]  # 装卸搬运, under 591
        cls.rule = {
            name: cls.env.ref(f"partner_segment.scale_rule_{name}")
            for name in ("transport", "warehousing", "other", "realestate_dev")
        }

    def test_rule_of_each_boundary_industry(self):
        expected = {
            "G": False,
            "G53": False,
            "G54": self.rule["transport"],
            "G58": self.rule["transport"],
            "G59": self.rule["warehousing"],
            "G591": self.rule["transport"],
            "K": False,
            "K7010": self.rule["realestate_dev"],
            "K703": self.rule["other"],
            "K704": False,
            "K709": self.rule["other"],
            "Q": False,
            "Q84": False,
            "Q85": self.rule["other"],
            "M": self.rule["other"],
            "N": self.rule["other"],
            "O": self.rule["other"],
            "R": self.rule["other"],
            "J": False,
            "P": False,
            "S": False,
            "T": False,
        }
        for code, rule in expected.items():
            with self.subTest(code=code):
                self.assertEqual(
                    self.industry[code].scale_rule_id,
                    rule or self.env["partner.scale.rule"],
                )

    def test_nearest_level_with_a_rule(self):
        self.assertEqual(self.g593.scale_rule_id, self.rule["warehousing"])
        self.assertEqual(self.g5930.scale_rule_id, self.rule["warehousing"])
        self.assertEqual(self.g5910.scale_rule_id, self.rule["transport"])

    def test_partners_at_the_boundaries(self):
        # 250 employees, 2,500 万元 revenue, 6,000 万元 assets
        vals = {"employee_count": 250, "annual_revenue": 25e6, "total_assets": 6e7}
        codes = ["G53", "G54", "G591", "G59", "K", "K703", "K704", "K709", "Q84", "Q85"]
        industries = [self.industry[c] for c in codes] + [self.g5930, self.g5910]
        partners = self.Partner.with_user(self.segment_manager).create(
            [
                {
                    "name": f"边界 {industry.code}",
                    "is_company": True,
                    "country_id": self.cn.id,
                    "industry_id": industry.id,
                    **vals,
                }
                for industry in industries
            ]
        )
        self.assertEqual(
            {p.industry_id.code: p.scale_class for p in partners},
            {
                "G53": False,  # 铁路运输业: not covered
                "G54": "small",  # 交通运输业: 300 / 3000 not reached
                "G591": "small",
                "G5910": "small",
                "G59": "medium",  # 仓储业: 100 / 1000 reached, 200 not
                "G5930": "medium",
                "K": False,  # 房地产业 alone: no single row
                "K703": "medium",  # 其他未列明行业: employees only
                "K704": False,  # 房地产租赁经营: not covered
                "K709": "medium",
                "Q84": False,  # 卫生: not covered
                "Q85": "medium",
            },
        )

    def test_rules_named_as_the_standard_names_them(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        rules = self.env["partner.scale.rule"].with_context(lang="zh_CN").search([])
        self.assertEqual(
            rules.mapped("name"),
            [
                "农、林、牧、渔业",
                "工业",
                "建筑业",
                "批发业",
                "零售业",
                "交通运输业",
                "仓储业",
                "邮政业",
                "住宿业",
                "餐饮业",
                "信息传输业",
                "软件和信息技术服务业",
                "房地产开发经营",
                "物业管理",
                "租赁和商务服务业",
                "其他未列明行业",
            ],
        )
