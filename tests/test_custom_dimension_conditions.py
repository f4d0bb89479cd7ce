from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, new_test_user, tagged

from ..engine import custom
from .common import AS_OF
from .test_custom_dimension import CustomDimensionCase


@tagged("post_install", "-at_install")
class TestCustomConditions(CustomDimensionCase):
    """Each kind of condition alone, on the three customers of
    CustomDimensionCase, whose other attributes are set here:

    ======  ============  =========  ========  =============  ==========
    who     company type  tags       country   province       industry
    ======  ============  =========  ========  =============  ==========
    甲      company       重点客户   China     广东 (GD)      C13 (C)
    乙      company       经销商     China     北京 (BJ)      F52 (F)
    丙      person        -          Hong Kong -              -
    ======  ============  =========  ========  =============  ==========

    Salesperson: 甲 张三, 乙 李四, 丙 none.  As of AS_OF the engine gives the
    credit grades 甲 AA (new, nothing overdue), 乙 AAA (old, nothing overdue),
    丙 C (170 days overdue) and the value tiers high, medium, low (revenue
    40,000 / 4,000 / 500: 0 %, 89.9 %, 98.9 % of it before each).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tag = cls.env["res.partner.category"]
        cls.key_tag = Tag.create({"name": "重点客户"})
        cls.dealer_tag = Tag.create({"name": "经销商"})
        cls.zhang = new_test_user(cls.env, login="cond_zhang", name="张三")
        cls.li = new_test_user(cls.env, login="cond_li", name="李四")
        cls.jia.write(
            {
                "category_id": cls.key_tag.ids,
                "state_id": cls.state("GD").id,
                "industry_id": cls.industry["C13"].id,
                "user_id": cls.zhang.id,
            }
        )
        cls.yi.write(
            {
                "category_id": cls.dealer_tag.ids,
                "state_id": cls.state("BJ").id,
                "industry_id": cls.industry["F52"].id,
                "user_id": cls.li.id,
            }
        )
        cls.bing.country_id = cls.env.ref("base.hk")

    def conditions(self, code, classes):
        # a name of its own: a field label equal to a core one (Tags,
        # Country...) makes Odoo log a warning
        name = f"Segment by {code}"
        return self.dimension(code, classes, kind="conditions", name=name)

    def test_company_type(self):
        # as the shipped example 客户类型 (企业客户 / 个人客户)
        kind = self.conditions(
            "kind",
            [
                ("enterprise", "[('is_company', '=', True)]"),
                ("individual", "[('is_company', '=', False)]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(kind), ["enterprise", "enterprise", "individual"])

    def test_partner_tags(self):
        tags = self.conditions(
            "tags",
            [
                ("key", f"[('category_id', 'in', {self.key_tag.ids})]"),
                ("dealer", f"[('category_id', '=', {self.dealer_tag.id})]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(tags), ["key", "dealer", False])

    def test_country(self):
        country = self.conditions(
            "country",
            [
                ("domestic", "[('country_id.code', '=', 'CN')]"),
                ("abroad", "[('country_id', '!=', False)]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(country), ["domestic", "domestic", "abroad"])

    def test_province(self):
        province = self.conditions(
            "province",
            [
                ("south", "[('state_id.code', 'in', ['粤', '桂', '琼'])]"),
                ("elsewhere", "[('state_id', '!=', False)]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(province), ["south", "elsewhere", False])

    def test_industry(self):
        # the section C holds C13: child_of reaches the partner's division
        industry = self.conditions(
            "industry",
            [
                (
                    "manufacturing",
                    f"[('industry_id', 'child_of', {self.industry['C'].id})]",
                ),
                ("retail", f"[('industry_id', '=', {self.industry['F52'].id})]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(industry), ["manufacturing", "retail", False])

    def test_salesperson(self):
        salesperson = self.conditions(
            "salesperson",
            [
                ("zhang", f"[('user_id', '=', {self.zhang.id})]"),
                ("assigned", "[('user_id', '!=', False)]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(salesperson), ["zhang", "assigned", False])

    def test_sales_team(self):
        """``team_id`` is on customers only with Sales installed (this addon
        needs Invoicing, which does not bring it): without it a condition on
        the team is refused, naming its class."""
        domain = "[('team_id.name', '=', '华南销售部')]"
        if "team_id" not in self.Partner._fields:
            with self.assertRaisesRegex(ValidationError, "South"):
                self.conditions("team", [("south", domain)])
            return
        team = self.env["crm.team"].create({"name": "华南销售部"})
        self.jia.team_id = team
        by_team = self.conditions("team", [("south", domain)])
        self.reclassify()
        self.assertEqual(self.classes(by_team), ["south", False, False])

    def test_scale(self):
        # a scale set by hand is stored at once: the condition reads it
        self.jia.with_user(self.segment_manager).scale_class = "large"
        self.yi.with_user(self.segment_manager).scale_class = "small"
        scale = self.conditions(
            "scale",
            [
                ("big", "[('scale_class', 'in', ['large', 'medium'])]"),
                ("sme", "[('scale_class', 'in', ['small', 'micro'])]"),
            ],
        )
        self.reclassify()
        self.assertEqual(self.classes(scale), ["big", "sme", False])

    def test_credit_grade_of_the_same_run(self):
        # nothing was classified before: the conditions read this run's grades
        self.assertFalse(self.jia.credit_grade)
        credit = self.conditions(
            "credit",
            [
                ("good", "[('credit_grade', 'in', ['AAA', 'AA'])]"),
                ("bad", "[('credit_grade', '=', 'C')]"),
            ],
        )
        not_c = self.conditions("not_c", [("ok", "[('credit_grade', '!=', 'C')]")])
        self.reclassify()
        self.assertEqual([p.credit_grade for p in self.customers], ["AA", "AAA", "C"])
        self.assertEqual(self.classes(credit), ["good", "good", "bad"])
        self.assertEqual(self.classes(not_c), ["ok", "ok", False])
        # a grade set by hand (locked) is the one the condition reads
        self.yi.with_user(self.segment_manager).credit_grade = "C"
        self.reclassify()
        self.assertEqual(self.classes(credit), ["good", "bad", "bad"])
        self.assertEqual(self.classes(not_c), ["ok", False, False])
        # Preview counts the same, computing the grades itself
        with freeze_time(AS_OF):  # Preview counts as of today
            counts = credit.with_user(self.segment_user)._preview_counts(
                self.env.company
            )
        self.assertEqual(
            {c.code if c else None: n for c, n in counts.items()}, {"good": 1, "bad": 2}
        )

    def test_value_tier_changed_by_this_run(self):
        vip = self.conditions("vip", [("vip", "[('value_tier', '=', 'high')]")])
        self.reclassify()
        self.assertEqual(
            [p.value_tier for p in self.customers], ["high", "medium", "low"]
        )
        self.assertEqual(self.classes(vip), ["vip", False, False])
        # 乙 buys 500,000: of 544,500, 乙 is first (high) and 甲 has 500,000
        # (91.8 %) before it (medium); the condition reads the new tiers, not
        # the ones stored by the run before
        self.invoices([(self.yi, 5, 500000)])
        self.reclassify()
        self.assertEqual(
            [p.value_tier for p in self.customers], ["medium", "high", "low"]
        )
        self.assertEqual(self.classes(vip), [False, "vip", False])

    def test_condition_on_another_user_dimension(self):
        # measures are classified before conditions: the condition reads the
        # average invoice amount's class of this run
        self.dimension(
            "amount_grade",
            [("large", 10000), ("small", 0)],
            measure="average_invoice_amount",
        )
        big = self.conditions(
            "big_amount", [("yes", "[('x_seg_amount_grade', '=', 'large')]")]
        )
        self.reclassify()
        self.assertEqual(self.classes(big), ["yes", False, False])


@tagged("post_install", "-at_install")
class TestFreshDomain(BaseCase):
    """The rewriting of a condition on a class computed in the same run."""

    def test_matching_keys_as_the_database(self):
        keys = ("AAA", "AA", "C")
        self.assertEqual(custom.matching_keys("=", "AA", keys), {"AA"})
        self.assertEqual(custom.matching_keys("=", False, keys), {False})
        self.assertEqual(custom.matching_keys("!=", "C", keys), {"AAA", "AA", False})
        self.assertEqual(custom.matching_keys("in", ["C", "X"], keys), {"C"})
        self.assertEqual(custom.matching_keys("not in", [], keys), {*keys, False})
        self.assertIsNone(custom.matching_keys("ilike", "A", keys))

    def test_leaves_rewritten_others_kept(self):
        fresh = {"credit_grade": (("AAA", "C"), {1: "AAA", 2: "C", 3: None})}
        locks = {"credit_grade": "credit_grade_locked"}
        domain = ["|", ("credit_grade", "=", "C"), ("name", "=", "x")]
        self.assertEqual(
            custom.fresh_domain(domain, fresh, locks),
            [
                "|",
                "|",
                "&",
                ("credit_grade_locked", "=", True),
                ("credit_grade", "=", "C"),
                "&",
                ("credit_grade_locked", "!=", True),
                ("id", "in", [2]),
                ("name", "=", "x"),
            ],
        )
        kept = [("credit_grade", "ilike", "A")]
        self.assertEqual(custom.fresh_domain(kept, fresh, locks), kept)
