from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AS_OF, SegmentCase, SegmentReportCase


@tagged("post_install", "-at_install")
class TestAccess(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.company(
            industry_id=cls.industry["C"].id, employee_count=50, annual_revenue=5e6
        )

    def test_segment_user_cannot_edit_rules_or_regions(self):
        rule = self.env.ref("partner_segment.scale_rule_retail").with_user(
            self.segment_user
        )
        self.assertEqual(rule.employees_large, 300)
        with self.assertRaises(AccessError):
            rule.employees_large = 400
        region = self.region["south"].with_user(self.segment_user)
        with self.assertRaises(AccessError):
            region.name = "华南区"
        with self.assertRaises(AccessError):
            self.env["partner.region"].with_user(self.segment_user).create(
                {"name": "x", "code": "x"}
            )

    def test_manager_edits_rules_and_regions(self):
        rule = self.env.ref("partner_segment.scale_rule_retail").with_user(
            self.segment_manager
        )
        rule.employees_large = 400
        self.assertEqual(rule.employees_large, 400)
        self.region["south"].with_user(self.segment_manager).name = "华南区"
        self.assertEqual(self.region["south"].name, "华南区")

    def test_segment_user_cannot_lock_or_override(self):
        partner = self.partner.with_user(self.segment_user)
        with self.assertRaisesRegex(AccessError, "Only Customer Segments managers"):
            partner.write({"scale_class_locked": True, "scale_class": "large"})
        self.partner.with_user(self.segment_manager).write(
            {"scale_class_locked": True, "scale_class": "large"}
        )
        with self.assertRaises(AccessError):
            partner.scale_class = "micro"
        with self.assertRaises(AccessError):
            partner.scale_class_locked = False
        self.assertEqual(self.partner.scale_class, "large")

    def test_user_still_edits_inputs_of_a_partner(self):
        self.partner.with_user(self.segment_user).employee_count = 400
        self.assertEqual(self.partner.employee_count, 400)

    def test_plain_employee_creates_partners_that_get_classified(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.employee)
            .create(
                {
                    "name": "普通员工建的客户",
                    "is_company": True,
                    "country_id": self.cn.id,
                    "state_id": self.state("GD").id,
                    "industry_id": self.industry["C"].id,
                    "employee_count": 30,
                    "annual_revenue": 4e6,
                }
            )
        )
        self.assertEqual(partner.scale_class, "small")
        self.assertEqual(partner.region_id, self.region["south"])

    def test_plain_employee_cannot_create_regions_or_lock(self):
        with self.assertRaises(AccessError):
            self.env["partner.region"].with_user(self.employee).create(
                {"name": "x", "code": "x"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.employee).create(
                {"name": "y", "is_company": True, "region_id_locked": True}
            )


# every field of the classification this module adds to res.partner
PROTECTED_FIELDS = [
    "employee_count",
    "annual_revenue",
    "total_assets",
    "segment_invoice_count",
    "segment_first_invoice_date",
    "segment_last_invoice_date",
    "segment_overdue_days",
    "segment_classified_on",
    "segment_override_differs",
    "commercial_scale_class",
    "commercial_region_id",
]
MONEY_FIELDS = ["segment_revenue", "segment_overdue_amount"]
DIMENSIONS = [
    "scale_class",
    "region_id",
    "value_tier",
    "frequency_class",
    "lifecycle",
    "quadrant",
    "credit_grade",
    "rfm_class",
]
for _dimension in DIMENSIONS:
    PROTECTED_FIELDS += [
        _dimension,
        f"{_dimension}_computed",
        f"{_dimension}_manual",
        f"{_dimension}_locked",
    ]


@tagged("post_install", "-at_install")
class TestWhoSeesWhat(SegmentCase):
    """A customer's portal user never reads its own assessment; money figures
    are for Customer Segments and invoicing users only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.company(
            "沈阳重型机械有限公司",
            industry_id=cls.industry["C"].id,
            employee_count=50,
            annual_revenue=5e6,
        )
        # as the engine leaves it
        cls.customer.with_context(segment_engine=True).write(
            {
                "credit_grade_computed": "A",
                "credit_grade": "A",
                "value_tier_computed": "low",
                "value_tier": "low",
                "segment_revenue": 56620.0,
                "segment_overdue_amount": 12400.0,
                "segment_classified_on": "2026-06-30",
            }
        )
        contact = cls.Partner.create(
            {"name": "门户联系人", "parent_id": cls.customer.id, "email": "p@x.cn"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="segment_portal",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="segment_invoicing",
            groups="base.group_user,account.group_account_invoice",
        )

    def test_portal_user_reads_no_field_of_its_own_assessment(self):
        commercial = self.portal.partner_id.with_user(self.portal).commercial_partner_id
        self.assertEqual(commercial, self.customer)
        self.assertEqual(commercial.read(["name"])[0]["name"], "沈阳重型机械有限公司")
        for fname in PROTECTED_FIELDS + MONEY_FIELDS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                commercial.read([fname])
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.portal).search([("credit_grade", "=", "A")])
        self.assertFalse(
            set(self.Partner.with_user(self.portal).fields_get())
            & set(PROTECTED_FIELDS + MONEY_FIELDS)
        )

    def test_employee_reads_classes_but_not_money(self):
        customer = self.customer.with_user(self.employee)
        values = customer.read(["credit_grade", "value_tier", "scale_class"])[0]
        self.assertEqual(
            (values["credit_grade"], values["value_tier"], values["scale_class"]),
            ("A", "low", "small"),
        )
        for fname in MONEY_FIELDS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                customer.read([fname])
        self.employee.groups_id += self.env.ref("base.group_allow_export")
        with self.assertRaises(AccessError):
            customer.export_data(["name", "segment_revenue"])
        exported = customer.export_data(["name", "credit_grade"])["datas"]
        self.assertEqual(exported, [["沈阳重型机械有限公司", "A"]])
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.employee).read_group(
                [], ["segment_revenue:sum"], ["value_tier"]
            )

    def test_segment_and_invoicing_users_read_money(self):
        for user in (self.segment_user, self.invoicing_user):
            with self.subTest(user=user.login):
                values = self.customer.with_user(user).read(MONEY_FIELDS)[0]
                self.assertEqual(values["segment_revenue"], 56620.0)
                self.assertEqual(values["segment_overdue_amount"], 12400.0)
        self.segment_user.groups_id += self.env.ref("base.group_allow_export")
        exported = self.customer.with_user(self.segment_user).export_data(
            ["name", "credit_grade", "segment_revenue"]
        )["datas"]
        self.assertEqual(exported, [["沈阳重型机械有限公司", "A", 56620.0]])

    def test_partner_views_load_for_every_user(self):
        views = [[False, "form"], [False, "list"], [False, "kanban"], [False, "search"]]
        for user, hidden, shown in (
            (self.portal, PROTECTED_FIELDS + MONEY_FIELDS, ["name"]),
            (self.employee, MONEY_FIELDS, ["scale_class", "region_id"]),
            (self.segment_user, [], ["credit_grade", "segment_revenue"]),
        ):
            with self.subTest(user=user.login):
                result = self.Partner.with_user(user).get_views(views)
                form = result["views"]["form"]["arch"]
                for fname in hidden:
                    self.assertNotIn(f'name="{fname}"', form)
                for fname in shown:
                    self.assertIn(f'name="{fname}"', form)
                self.assertFalse(
                    set(result["models"]["res.partner"]["fields"]) & set(hidden)
                )

    def test_segment_list_and_badges_load_for_every_user(self):
        list_view = self.env.ref("partner_segment.res_partner_segment_view_list")
        shown = ["scale_class", "industry_id", "region_id"]
        behaviour = ["credit_grade", "value_tier", "frequency_class"]
        for user, visible, hidden in (
            (self.portal, [], ["scale_class", "region_id", *behaviour]),
            (self.employee, shown, []),
            (self.segment_user, shown + behaviour, []),
        ):
            with self.subTest(user=user.login):
                result = self.Partner.with_user(user).get_views(
                    [[list_view.id, "list"], [False, "form"]]
                )
                arch = result["views"]["list"]["arch"]
                form = result["views"]["form"]["arch"]
                self.assertEqual(
                    'name="segment_badges"' in form, user != self.portal, form
                )
                for fname in visible:
                    self.assertRegex(arch, f'name="{fname}"[^>]*optional="show"')
                for fname in hidden:
                    self.assertNotIn(f'name="{fname}"', arch)
        # the behaviour classes are badges for Customer Segments users only
        form = self.Partner.with_user(self.employee).get_views([[False, "form"]])
        badges = form["views"]["form"]["arch"].split('name="segment_badges"')[1]
        badges = badges.split("</div>")[0]
        self.assertIn('name="scale_class"', badges)
        self.assertNotIn('name="credit_grade"', badges)


@tagged("post_install", "-at_install")
class TestAggregatesObeyRecordRules(SegmentReportCase):
    """A salesman who may read only his own customers sees their totals only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.restricted_salesman("segment_salesman")

    def test_salesman_reads_his_customers_only(self):
        readable = self.Partner.with_user(self.salesman).search(
            [("id", "in", [p.id for p in self.customers.values()])]
        )
        own = self.customers["a"] | self.customers["b"] | self.customers["d"]
        self.assertEqual(readable, own)

    def test_overview_counts_his_customers_only(self):
        Overview = self.env["partner.segment.overview"]
        domain = [
            ("company_id", "=", self.env.company.id),
            ("dimension", "=", "value_tier"),
        ]
        rows = Overview.with_user(self.salesman).search(domain)
        self.assertEqual(
            {
                r.class_key: (r.customer_count, r.revenue, r.overdue_amount)
                for r in rows
            },
            {"high": (2, 8000, 0), "medium": (1, 500, 500)},
        )
        groups = Overview.with_user(self.salesman).read_group(
            domain, ["customer_count:sum", "revenue:sum"], []
        )
        self.assertEqual((groups[0]["customer_count"], groups[0]["revenue"]), (3, 8500))
        # a segment user without the rule sees every customer
        rows = Overview.with_user(self.segment_user).search(domain)
        self.assertEqual(sum(rows.mapped("customer_count")), 10)

    def test_distribution_and_credit_exposure_cover_his_customers_only(self):
        values = (
            self.env["report.partner_segment.report_segment_distribution"]
            .with_user(self.salesman)
            ._get_report_values(
                [],
                {"company_ids": self.env.company.ids, "as_of": str(AS_OF)},
            )
        )
        section = values["sections"][0]
        self.assertEqual((section["customer_count"], section["revenue"]), (3, 8500))
        credit = section["credit"]
        self.assertEqual(sum(r["count"] for r in credit["rows"]), 3)
        self.assertEqual(credit["open_amount"], 500)
        self.assertEqual(credit["overdue_amount"], 500)
        self.assertEqual(section["pareto"]["count"], 3)
        (table,) = (d for d in section["dimensions"] if d["dimension"] == "value_tier")
        tiers = {row["key"]: row["count"] for row in table["rows"]}
        self.assertEqual(tiers, {"high": 2, "medium": 1, "low": 0})
        # the same report for a segment user without the rule: every customer
        section = (
            self.env["report.partner_segment.report_segment_distribution"]
            .with_user(self.segment_user)
            ._get_report_values(
                [], {"company_ids": self.env.company.ids, "as_of": str(AS_OF)}
            )["sections"][0]
        )
        self.assertEqual(section["customer_count"], 10)
        self.assertEqual(section["credit"]["open_amount"], 900)

    def test_profile_of_another_salesman_customer_is_refused(self):
        with self.assertRaises(AccessError):
            self.render(
                "partner_segment.report_partner_profile",
                self.customers["c"].ids,
                env=self.env(user=self.salesman),
            )
