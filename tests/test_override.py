from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestOverride(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.company(
            industry_id=cls.industry["C"].id,
            employee_count=50,
            annual_revenue=5e6,
            state_id=cls.state("GD").id,
        )

    def test_lock_survives_recomputation(self):
        self.assertEqual(self.partner.scale_class, "small")
        self.partner.write({"scale_class_locked": True, "scale_class": "large"})
        self.partner.write({"employee_count": 400, "annual_revenue": 3e7})
        self.assertEqual(self.partner.scale_class_computed, "medium")
        self.assertEqual(self.partner.scale_class, "large")
        self.partner._segment_recompute(["scale_class"])
        self.assertEqual(self.partner.scale_class, "large")

    def test_lock_without_value_keeps_the_current_one(self):
        self.partner.scale_class_locked = True
        self.assertEqual(self.partner.scale_class_manual, "small")
        self.partner.write({"employee_count": 400, "annual_revenue": 3e7})
        self.assertEqual(self.partner.scale_class, "small")
        self.assertEqual(self.partner.scale_class_computed, "medium")

    def test_writing_a_value_locks_it(self):
        self.partner.region_id = self.region["north"]
        self.assertTrue(self.partner.region_id_locked)
        self.assertEqual(self.partner.region_id_manual, self.region["north"])

    def test_unlock_restores_the_computed_value(self):
        self.partner.write({"scale_class_locked": True, "scale_class": "large"})
        self.partner.scale_class_locked = False
        self.assertEqual(self.partner.scale_class, "small")

    def test_region_lock_survives_a_move(self):
        self.partner.write(
            {"region_id_locked": True, "region_id": self.region["east"].id}
        )
        self.partner.state_id = self.state("XJ")
        self.assertEqual(self.partner.region_id_computed, self.region["northwest"])
        self.assertEqual(self.partner.region_id, self.region["east"])

    def test_filter_finds_overrides_that_differ(self):
        Partner = self.Partner
        same = self.company(
            industry_id=self.industry["C"].id, employee_count=50, annual_revenue=5e6
        )
        same.write({"scale_class_locked": True})
        self.partner.write({"scale_class_locked": True, "scale_class": "large"})
        found = Partner.search([("segment_override_differs", "=", True)])
        self.assertIn(self.partner, found)
        self.assertNotIn(same, found)
        self.assertTrue(self.partner.segment_override_differs)
        self.assertFalse(same.segment_override_differs)
        self.assertIn(same, Partner.search([("segment_override_differs", "=", False)]))

    def test_manager_overrides_through_the_form(self):
        with Form(self.partner.with_user(self.segment_manager)) as form:
            form.scale_class_locked = True
            form.scale_class = "micro"
        self.assertEqual(self.partner.scale_class, "micro")
        self.assertTrue(self.partner.scale_class_locked)
        self.assertEqual(self.partner.scale_class_computed, "small")

    def test_lock_is_tracked_in_chatter(self):
        partner = self.partner.with_context(tracking_disable=False)
        # as if the partner had been created in an earlier transaction
        self.env.cr.precommit.data.pop("mail.tracking.res.partner", None)
        partner.write({"scale_class_locked": True, "scale_class": "large"})
        partner.flush_recordset()
        self.env.cr.precommit.run()
        tracked = partner.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("scale_class_locked", tracked)
        self.assertIn("scale_class", tracked)
        self.assertNotIn("commercial_scale_class", tracked)


@tagged("post_install", "-at_install")
class TestNobodyBlocked(SegmentCase):
    """Anyone who may edit partners duplicates, imports and edits them; only a
    segment manager changes a classification by hand, whatever the path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.company(
            "重型机械",
            industry_id=cls.industry["C"].id,
            employee_count=50,
            annual_revenue=5e6,
            state_id=cls.state("GD").id,
        )
        cls.partner.with_user(cls.segment_manager).write(
            {
                "scale_class": "large",
                "region_id": cls.region["north"].id,
                "credit_grade": "C",
            }
        )
        # as the engine leaves it
        cls.partner.with_context(segment_engine=True).write(
            {
                "credit_grade_computed": "AA",
                "value_tier_computed": "high",
                "value_tier": "high",
                "segment_revenue": 56620.0,
                "segment_classified_on": "2026-06-30",
            }
        )

    def test_contact_manager_duplicates_a_locked_company(self):
        copy = self.partner.with_user(self.employee).copy()
        self.assertEqual(copy.employee_count, 50)
        # classified anew from its own data: unlocked, no manual value
        self.assertEqual(copy.scale_class, "small")
        self.assertEqual(copy.region_id, self.region["south"])
        for dimension in ("scale_class", "region_id", "credit_grade", "value_tier"):
            with self.subTest(dimension=dimension):
                self.assertFalse(copy[f"{dimension}_locked"])
                self.assertFalse(copy[f"{dimension}_manual"])
        self.assertFalse(copy.credit_grade)
        self.assertFalse(copy.value_tier_computed)
        self.assertFalse(copy.segment_revenue)
        self.assertFalse(copy.segment_classified_on)
        # the original is untouched
        self.assertEqual(
            (self.partner.scale_class, self.partner.credit_grade), ("large", "C")
        )

    def test_contact_manager_imports_partners(self):
        Partner = self.Partner.with_user(self.employee)
        result = Partner.load(
            [
                "name",
                "is_company",
                "industry_id/.id",
                "employee_count",
                "annual_revenue",
            ],
            [["导入公司", "1", str(self.industry["C"].id), "30", "4000000"]],
        )
        self.assertFalse(result["messages"])
        created = self.Partner.browse(result["ids"])
        self.assertEqual(created.scale_class, "small")
        self.assertFalse(created.scale_class_locked)
        # exported columns imported back unchanged: the classification is kept as it is
        xml_id = self.partner.export_data(["id"])["datas"][0][0]
        result = Partner.load(
            ["id", "phone", "scale_class", "scale_class_locked", "credit_grade"],
            [[xml_id, "020-1234", "large", "True", "C"]],
        )
        self.assertFalse(result["messages"])
        self.assertEqual(self.partner.phone, "020-1234")
        self.assertEqual(self.partner.scale_class, "large")
        # a changed class is refused with its message, not a traceback
        result = Partner.load(["id", "credit_grade"], [[xml_id, "AAA"]])
        self.assertFalse(result["ids"])
        self.assertIn(
            "Only Customer Segments managers", result["messages"][0]["message"]
        )
        self.assertEqual(self.partner.credit_grade, "C")

    def test_contact_manager_imports_through_base_import(self):
        xml_id = self.partner.export_data(["id"])["datas"][0][0]
        csv = (
            "id,name,is_company,phone,scale_class\n"
            f"{xml_id},重型机械,1,020-9,Large\n"
            ",新导入公司,1,020-8,\n"
        )
        wizard = (
            self.env["base_import.import"]
            .with_user(self.employee)
            .create(
                {
                    "res_model": "res.partner",
                    "file": csv.encode(),
                    "file_type": "text/csv",
                }
            )
        )
        options = {"has_headers": True, "quoting": '"', "separator": ","}
        fields = ["id", "name", "is_company", "phone", "scale_class"]
        result = wizard.execute_import(fields, fields, options)
        self.assertFalse(result["messages"])
        self.assertEqual(len(result["ids"]), 2)
        self.assertEqual(self.partner.phone, "020-9")
        self.assertEqual(self.partner.scale_class, "large")
        created = self.Partner.search([("name", "=", "新导入公司")])
        self.assertFalse(created.scale_class_locked)

    def test_contact_manager_merges_classified_partners(self):
        self.partner.email = "merge@example.cn"
        dst = self.company(
            "重型机械（重复）",
            email="merge@example.cn",
            industry_id=self.industry["C"].id,
            employee_count=50,
            annual_revenue=5e6,
            state_id=self.state("GD").id,
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.employee)
            .create({})
        )
        wizard._merge((self.partner | dst).ids, dst.with_env(wizard.env))
        self.assertFalse(self.partner.exists())
        # the destination keeps its own scale and region, unlocked; core merges
        # the company-dependent values (behaviour) of the duplicate in SQL
        self.assertEqual(dst.scale_class, "small")
        self.assertEqual(dst.region_id, self.region["south"])
        self.assertFalse(dst.scale_class_locked or dst.region_id_locked)
        self.assertEqual(dst.credit_grade, "C")

    def test_manager_merge_carries_the_classification(self):
        self.partner.email = "merge@example.cn"
        dst = self.company("重型机械（重复）", email="merge@example.cn")
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.segment_manager)
            .create({})
        )
        wizard._merge((self.partner | dst).ids, dst.with_env(wizard.env))
        self.assertEqual((dst.scale_class, dst.credit_grade), ("large", "C"))
        self.assertTrue(dst.scale_class_locked and dst.credit_grade_locked)

    def test_writes_that_change_no_class_by_hand_go_through(self):
        partner = self.partner.with_user(self.employee)
        partner.write({"phone": "010-1", "employee_count": 400, "annual_revenue": 3e7})
        self.assertEqual(self.partner.scale_class_computed, "medium")
        partner.write({"scale_class_locked": True, "credit_grade": "C"})
        partner.write({"value_tier_locked": False})
        self.assertEqual(self.partner.scale_class, "large")
        with self.assertRaisesRegex(AccessError, "Credit Grade Locked"):
            partner.write({"credit_grade_locked": False})
        # the value it has: nothing to lock
        partner.write({"value_tier": "high"})
        self.assertFalse(self.partner.value_tier_locked)
        with self.assertRaisesRegex(AccessError, "Value Tier"):
            partner.write({"value_tier": "low"})
        self.assertEqual(self.partner.credit_grade, "C")
        self.assertEqual(self.partner.value_tier, "high")

    def test_no_forging_through_computed_values_inputs_or_defaults(self):
        for user in (self.employee, self.segment_user):
            partner = self.partner.with_user(user)
            for vals in (
                {"credit_grade_computed": "AAA"},
                {"scale_class_computed": "micro"},
                {"region_id_computed": self.region["east"].id},
                {"segment_classified_on": "2026-07-01"},
                {"segment_overdue_days": 5},
                {"segment_revenue": 1.0},
                {"segment_invoice_count": 99},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    partner.write(vals)
        self.assertEqual(self.partner.credit_grade_computed, "AA")
        self.assertEqual(self.partner.segment_invoice_count, 0)
        Partner = self.Partner.with_user(self.employee)
        for vals in (
            {"credit_grade": "AAA"},
            {"credit_grade_manual": "AAA", "credit_grade_locked": True},
            {"scale_class": "large"},
            {"region_id_locked": True},
            {"value_tier_computed": "high"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                Partner.create({"name": "伪造", "is_company": True, **vals})
        created = Partner.with_context(
            default_credit_grade_locked=True,
            default_credit_grade_manual="AAA",
            default_credit_grade="AAA",
            default_scale_class_locked=True,
            default_scale_class_manual="large",
            default_region_id_locked=True,
        ).create(
            {
                "name": "默认值",
                "is_company": True,
                "industry_id": self.industry["C"].id,
                "employee_count": 50,
                "annual_revenue": 5e6,
                "country_id": self.cn.id,
                "state_id": self.state("GD").id,
                # empty classification values are no classification
                "credit_grade": False,
                "value_tier_locked": False,
            }
        )
        self.assertEqual(
            (created.credit_grade, created.scale_class, created.region_id),
            (False, "small", self.region["south"]),
        )
        self.assertFalse(
            created.credit_grade_locked
            or created.scale_class_locked
            or created.region_id_locked
            or created.credit_grade_manual
        )

    def test_manager_defaults_and_copies(self):
        Partner = self.Partner.with_user(self.segment_manager)
        created = Partner.with_context(default_credit_grade="B").create(
            {"name": "经理默认", "is_company": True}
        )
        self.assertEqual(created.credit_grade, "B")
        copy = self.partner.with_user(self.segment_manager).copy()
        self.assertFalse(copy.scale_class_locked)
        self.assertFalse(copy.credit_grade)

    def test_locked_value_is_read_only_for_non_managers(self):
        with Form(self.partner.with_user(self.segment_user)) as form:
            for fname in ("scale_class", "region_id", "credit_grade", "value_tier"):
                with self.subTest(field=fname), self.assertRaises(AssertionError):
                    setattr(form, fname, False)
            form.phone = "021-1"
        self.assertEqual(self.partner.phone, "021-1")
        with Form(self.partner.with_user(self.segment_manager)) as form:
            form.credit_grade = "B"
        self.assertEqual(self.partner.credit_grade, "B")


@tagged("post_install", "-at_install")
class TestOverrideOnCreate(SegmentCase):
    """The partner owns the override: a class given on create is locked and
    logged exactly as when it is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "北京分公司"})
        cls.segment_manager.company_ids |= cls.other_company
        cls.Manager = cls.Partner.with_user(cls.segment_manager)
        cls.History = cls.env["partner.segment.history"]

    def history(self, partner):
        return {
            (h.dimension, h.new_value, h.source, h.company_id)
            for h in self.History.search([("partner_id", "=", partner.id)])
        }

    def test_create_with_classes_locks_and_logs(self):
        partner = self.Manager.create(
            {
                "name": "新建即锁定",
                "is_company": True,
                "country_id": self.cn.id,
                "credit_grade": "A",
                "scale_class": "large",
                "region_id": self.region["north"].id,
            }
        )
        self.assertEqual(
            (partner.credit_grade, partner.credit_grade_manual), ("A", "A")
        )
        self.assertEqual(
            (partner.scale_class, partner.scale_class_manual), ("large", "large")
        )
        self.assertEqual(partner.region_id_manual, self.region["north"])
        self.assertTrue(
            partner.credit_grade_locked
            and partner.scale_class_locked
            and partner.region_id_locked
        )
        self.assertFalse(partner.value_tier_locked)
        company = self.env.company
        self.assertEqual(
            self.history(partner),
            {
                ("credit_grade", "A", "override", company),
                ("scale_class", "large", "override", self.env["res.company"]),
                (
                    "region_id",
                    str(self.region["north"].id),
                    "override",
                    self.env["res.company"],
                ),
            },
        )

    def test_create_is_logged_as_write_is(self):
        created = self.Manager.create({"name": "新建", "credit_grade": "B"})
        written = self.Manager.create({"name": "写入"})
        written.credit_grade = "B"
        self.assertEqual(
            {(d, v, s) for d, v, s, _c in self.history(created)},
            {(d, v, s) for d, v, s, _c in self.history(written)},
        )
        for fname in ("credit_grade", "credit_grade_manual", "credit_grade_locked"):
            self.assertEqual(created[fname], written[fname], fname)

    def test_import_source_from_context(self):
        partner = self.Manager.with_context(segment_source="import").create(
            {"name": "导入", "value_tier": "high"}
        )
        self.assertEqual(
            {(d, v, s) for d, v, s, _c in self.history(partner)},
            {("value_tier", "high", "import")},
        )

    def test_create_without_classes_locks_nothing(self):
        partner = self.Manager.create(
            {
                "name": "未分类",
                "is_company": True,
                "country_id": self.cn.id,
                "industry_id": self.industry["C"].id,
                "employee_count": 50,
                "annual_revenue": 5e6,
                "state_id": self.state("GD").id,
            }
        )
        self.assertEqual(partner.scale_class, "small")
        self.assertEqual(partner.region_id, self.region["south"])
        dimensions = self.Partner._segment_dimensions()
        for dimension in dimensions:
            self.assertFalse(partner[f"{dimension}_locked"], dimension)
            self.assertFalse(partner[f"{dimension}_manual"], dimension)
        self.assertFalse(self.History.search([("partner_id", "=", partner.id)]))

    def test_per_company_class_locked_in_the_current_company_only(self):
        partner = self.Manager.create({"name": "两家公司", "credit_grade": "C"})
        self.assertTrue(partner.credit_grade_locked)
        other = partner.with_company(self.other_company)
        self.assertFalse(other.credit_grade_locked)
        self.assertFalse(other.credit_grade_manual)
        self.assertFalse(other.credit_grade)
        # as a write in the other company does
        other.credit_grade = "AA"
        self.assertEqual((other.credit_grade, partner.credit_grade), ("AA", "C"))
        self.assertEqual(
            {(d, v, c) for d, v, _s, c in self.history(partner)},
            {
                ("credit_grade", "C", self.env.company),
                ("credit_grade", "AA", self.other_company),
            },
        )

    def test_segment_user_may_not_create_with_a_class(self):
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.segment_user).create(
                {"name": "用户", "credit_grade": "A"}
            )

    def test_create_with_a_class_and_an_unlock_keeps_the_computed_one(self):
        partner = self.Manager.create(
            {
                "name": "解锁",
                "credit_grade": "B",
                "credit_grade_locked": False,
                "value_tier_locked": False,
            }
        )
        self.assertEqual(
            (partner.credit_grade, partner.credit_grade_locked), (False, False)
        )
        self.assertFalse(partner.value_tier_locked or partner.value_tier)
        self.assertFalse(self.History.search([("partner_id", "=", partner.id)]))
