import base64
import io
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ImportCase, csv_bytes, make_uscc, read
from .data.make_fixtures import USCC_A, USCC_B, USCC_C, USCC_D


@tagged("post_install", "-at_install")
class TestCustomerImport(ImportCase):
    def assert_three_customers(self, wizard):
        self.assertFalse(self.errors(wizard))
        self.assertEqual((wizard.state, wizard.written), ("done", True))
        self.assertEqual(wizard.create_count, 3)
        first, second, third = (
            self.partner("FX001"),
            self.partner("FX002"),
            self.partner("FX003"),
        )
        self.assertEqual(first.name, "广州甲电子有限公司")
        self.assertEqual(first.vat, USCC_A)
        self.assertTrue(first.is_company)
        self.assertEqual(first.country_id, self.cn)
        self.assertEqual(first.state_id, self.state("GD"))
        self.assertEqual(first.industry_id, self.industry["C"])
        self.assertEqual(first.employee_count, 120)
        self.assertEqual(first.annual_revenue, 5e7)
        self.assertEqual(first.total_assets, 3e7)
        self.assertEqual(first.credit_limit, 500000)
        self.assertEqual(first.email, "a@example.cn")
        self.assertEqual(
            (
                first.scale_class,
                first.credit_grade,
                first.value_tier,
                first.frequency_class,
            ),
            ("medium", "AA", "high", "high"),
        )
        self.assertEqual(first.region_id, self.region["south"])
        for dimension in (
            "scale_class",
            "credit_grade",
            "value_tier",
            "frequency_class",
            "region_id",
        ):
            self.assertTrue(first[f"{dimension}_locked"], dimension)
        self.assertEqual(first.value_tier_manual, "high")
        history = self.History.search([("partner_id", "=", first.id)])
        self.assertEqual(len(history), 5)
        self.assertEqual(set(history.mapped("source")), {"import"})
        self.assertEqual(second.employee_count, 1200)
        self.assertEqual(second.annual_revenue, 1.2e7)
        self.assertEqual(second.industry_id, self.industry["F52"])
        self.assertEqual(second.state_id, self.state("SH"))
        self.assertEqual((second.credit_grade, second.credit_grade_locked), ("B", True))
        self.assertFalse(second.scale_class_locked)
        self.assertEqual(third.industry_id, self.industry["I65"])
        self.assertEqual(third.state_id, self.state("BJ"))
        self.assertEqual(third.region_id, self.region["north"])
        self.assertFalse(third.region_id_locked)
        self.assertEqual(
            sorted(wizard.result_record_ids), sorted((first | second | third).ids)
        )

    def test_xlsx(self):
        wizard = self.run_import("customers.xlsx")
        self.assert_three_customers(wizard)
        self.assertEqual(wizard.unknown_columns, "Remarks")

    def test_xls(self):
        self.assert_three_customers(self.run_import("customers.xls"))

    def test_csv_utf8_with_bom(self):
        self.assert_three_customers(self.run_import("customers_utf8.csv"))

    def test_csv_gbk(self):
        self.assert_three_customers(self.run_import("customers_gbk.csv"))

    def test_u8_workbook(self):
        wizard = self.run_import("u8_customers.xlsx")
        self.assertFalse(self.errors(wizard))
        self.assertEqual(wizard.create_count, 2)
        self.assertIn("客户档案", wizard.sheet_info)
        self.assertIn("3", wizard.sheet_info)
        self.assertIn("客户简称", wizard.unknown_columns)
        shenzhen = self.partner("U8001")
        self.assertEqual(shenzhen.vat, USCC_D)
        self.assertEqual(shenzhen.industry_id, self.industry["I65"])
        self.assertEqual(shenzhen.credit_limit, 200000)
        self.assertEqual(shenzhen.street, "深圳市南山区科技园")
        self.assertEqual(shenzhen.credit_grade, "A")
        self.assertEqual(self.partner("U8002").industry_id, self.industry["H62"])
        # the columns the wider vocabulary reads: salesperson, contact, bank, tags
        self.assertEqual(shenzhen.user_id, self.salesperson_li)
        self.assertEqual(shenzhen.child_ids.mapped("name"), ["张三"])
        self.assertEqual(shenzhen.bank_ids.acc_number, "6225880000000001")
        self.assertEqual(shenzhen.bank_ids.bank_id.name, "招商银行")
        self.assertEqual(shenzhen.category_id.mapped("name"), ["01"])

    def test_header_aliases_case_and_spaces(self):
        content = csv_bytes(
            [
                " NAME * ",
                "Tax ID",
                "customer code",
                "Annual Revenue（万元）",
                "REGION",
                "从业人员",
            ],
            ["别名公司", USCC_C, "AL1", "12.5", "east", "8"],
        )
        wizard = self.run_import("aliases.csv", content)
        self.assertFalse(self.errors(wizard))
        partner = self.partner("AL1")
        self.assertEqual(partner.vat, USCC_C)
        self.assertEqual(partner.annual_revenue, 125000)
        self.assertEqual(partner.region_id, self.region["east"])
        self.assertEqual(partner.employee_count, 8)

    def test_test_writes_nothing_then_import_writes(self):
        partners, history = self.Partner.search_count([]), self.History.search_count([])
        with Form(self.Import) as form:
            form.file = base64.b64encode(read("customers.xlsx"))
            form.policy = "skip"
        wizard = form.record
        wizard.action_test()
        self.assertEqual(wizard.state, "tested")
        self.assertEqual(
            (wizard.create_count, wizard.update_count, wizard.error_count), (3, 0, 0)
        )
        self.assertFalse(wizard.written)
        self.assertEqual(self.Partner.search_count([]), partners)
        self.assertEqual(self.History.search_count([]), history)
        wizard.action_import()
        self.assertEqual(self.Partner.search_count([]), partners + 3)

    def test_reimport_is_unchanged_then_updates(self):
        self.run_import("customers.xlsx")
        wizard = self.run_import("customers_gbk.csv")
        self.assertEqual(
            (wizard.create_count, wizard.update_count, wizard.unchanged_count),
            (0, 0, 3),
        )
        content = csv_bytes(
            ["客户名称", "统一社会信用代码", "信用等级"],
            ["x", USCC_A, "C"],
            ["y", USCC_B, "C"],
        )
        wizard = self.run_import("grades.csv", content)
        self.assertEqual(wizard.update_count, 2)
        self.assertEqual(self.partner("FX001").credit_grade, "C")
        self.assertEqual(self.partner("FX001").name, "x")
        changes = self.History.search(
            [
                ("partner_id", "=", self.partner("FX001").id),
                ("dimension", "=", "credit_grade"),
            ]
        )
        self.assertEqual(changes.mapped("new_value"), ["C", "AA"])
        self.assertEqual(changes[0].source, "import")

    def test_locks_survive_reclassification(self):
        existing = self.company(
            "已有客户",
            ref="K1",
            industry_id=self.industry["C"].id,
            employee_count=50,
            annual_revenue=5e6,
        )
        self.assertEqual(existing.scale_class, "small")
        content = csv_bytes(
            ["客户名称", "客户编码", "客户规模", "信用等级", "地区"],
            ["已有客户", "K1", "大型", "aaa", "华东"],
        )
        wizard = self.run_import("lock.csv", content)
        self.assertEqual(wizard.update_count, 1)
        self.assertEqual(
            (existing.scale_class, existing.scale_class_locked), ("large", True)
        )
        self.assertEqual(existing.credit_grade, "AAA")
        self.env["partner.segment.engine"]._reclassify(self.env.company)
        existing._segment_recompute(["scale_class", "region_id"])
        existing.employee_count = 60
        self.assertEqual(existing.scale_class, "large")
        self.assertEqual(existing.scale_class_computed, "small")
        self.assertEqual(existing.credit_grade, "AAA")
        self.assertEqual(existing.region_id, self.region["east"])

    # ------------------------------------------------------------ matching
    def test_match_by_uscc_then_code_then_name(self):
        by_vat = self.company("旧名一", vat=USCC_A)
        by_ref = self.company("旧名二", ref="R2")
        by_name = self.company("名称匹配公司")
        person = self.Partner.create({"name": "名称匹配公司", "is_company": False})
        content = csv_bytes(
            ["客户名称", "统一社会信用代码", "客户编码", "城市"],
            ["新名一", USCC_A, "", "广州"],
            ["新名二", "", "R2", "深圳"],
            ["名称匹配公司", USCC_B, "", "北京"],
        )
        wizard = self.run_import("match.csv", content)
        self.assertFalse(self.errors(wizard))
        self.assertEqual((wizard.update_count, wizard.create_count), (3, 0))
        self.assertEqual((by_vat.name, by_vat.city), ("新名一", "广州"))
        self.assertEqual((by_ref.name, by_ref.city), ("新名二", "深圳"))
        self.assertEqual((by_name.vat, by_name.city), (USCC_B, "北京"))
        self.assertFalse(person.city)

    def test_multiple_matches_are_an_error(self):
        self.company("重名公司")
        self.company("重名公司")
        self.company("另一家", ref="R9")
        self.company("又一家", ref="R9")
        content = csv_bytes(["客户名称", "客户编码"], ["重名公司", ""], ["x", "R9"])
        partners = self.Partner.search_count([])
        wizard = self.run_import("multi.csv", content, policy="skip")
        self.assertEqual(wizard.error_count, 2)
        self.assertIn("2 customers have the name 重名公司", wizard.error_ids[0].message)
        self.assertIn("R9", wizard.error_ids[1].message)
        self.assertEqual(self.Partner.search_count([]), partners)

    def test_conflicting_uscc_is_an_error(self):
        self.company("代码冲突公司", ref="R5", vat=USCC_A)
        content = csv_bytes(
            ["客户名称", "客户编码", "税号"], ["代码冲突公司", "R5", USCC_B]
        )
        wizard = self.run_import("conflict.csv", content)
        self.assertEqual(wizard.error_count, 1)
        self.assertIn(USCC_A, wizard.error_ids.message)

    def test_update_only_and_create_only(self):
        self.company("已存在", ref="E1")
        content = csv_bytes(
            ["客户名称", "客户编码", "城市"],
            ["已存在", "E1", "天津"],
            ["新客户", "N1", "天津"],
        )
        wizard = self.run_import("modes.csv", content, mode="update", policy="skip")
        self.assertEqual(
            (wizard.update_count, wizard.create_count, wizard.error_count), (1, 0, 1)
        )
        self.assertEqual(wizard.error_ids.row_number, 3)
        self.assertFalse(self.partner("N1"))
        wizard = self.run_import("modes.csv", content, mode="create", policy="skip")
        self.assertEqual(
            (wizard.update_count, wizard.create_count, wizard.error_count), (0, 1, 1)
        )
        self.assertEqual(wizard.error_ids.row_number, 2)
        self.assertTrue(self.partner("N1"))

    # ------------------------------------------------------------ errors
    def test_all_or_nothing_leaves_the_database_unchanged(self):
        partners, history = self.Partner.search_count([]), self.History.search_count([])
        wizard = self.run_import("bad_cells.xlsx")
        self.assertEqual((wizard.state, wizard.written), ("done", False))
        self.assertEqual(wizard.error_count, 13)
        self.assertFalse(wizard.result_record_ids)
        self.assertEqual(self.Partner.search_count([]), partners)
        self.assertEqual(self.History.search_count([]), history)
        self.assertFalse(self.partner("BAD01"))

    def test_skip_errors_writes_exactly_the_valid_rows(self):
        partners = self.Partner.search_count([])
        wizard = self.run_import("bad_cells.xlsx", policy="skip")
        self.assertEqual((wizard.create_count, wizard.error_count), (2, 13))
        self.assertEqual(self.Partner.search_count([]), partners + 2)
        self.assertEqual(self.partner("BAD01").vat, USCC_C)
        last = self.partner("BAD15")
        self.assertEqual(last.state_id, self.state("GD"))
        self.assertEqual((last.employee_count, last.annual_revenue), (1000, 25005000))
        errors = {
            row: (column, message) for row, column, message in self.errors(wizard)
        }
        self.assertEqual(sorted(errors), list(range(3, 16)))
        self.assertEqual(errors[3][0], "客户名称")
        self.assertEqual(errors[4][0], "税号")
        self.assertIn("negative", errors[5][1])
        self.assertIn("abc is not a number", errors[6][1])
        self.assertIn("not a whole number", errors[7][1])
        self.assertIn("Z99", errors[8][1])
        self.assertEqual(errors[9], ("省", "Province 火星省 does not exist in China."))
        self.assertIn("巨型", errors[10][1])
        self.assertIn("月球", errors[11][1])
        self.assertEqual(errors[12], ("税号", f"{USCC_C} already appears on row 2."))
        self.assertEqual(errors[13], ("客户编码", "BAD01 already appears on row 2."))
        self.assertIn("not-an-email", errors[14][1])
        self.assertIn("(20)", errors[15][1])
        for ref in ("BAD02", "BAD04", "BAD11", "BAD14"):
            self.assertFalse(self.partner(ref))

    def test_error_report_holds_the_failed_rows(self):
        wizard = self.run_import("bad_cells.xlsx", policy="skip")
        self.assertEqual(wizard.error_filename, "bad_cells-errors.xlsx")
        sheet = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.error_file))
        ).active
        rows = list(sheet.values)
        self.assertEqual(rows[0][:3], ("客户编码", "客户名称", "税号"))
        self.assertEqual(rows[0][-2:], ("原行号 Row", "错误 Error"))
        self.assertEqual(len(rows), 14)
        self.assertEqual([r[0] for r in rows[1:4]], ["BAD02", "BAD03", "BAD04"])
        self.assertEqual(rows[3][4], -5)
        self.assertEqual(rows[3][-2], 5)
        self.assertIn("negative", rows[3][-1])
        # fixed and imported again, the report is a valid import file
        sheet = openpyxl.Workbook().active
        sheet.append(list(rows[0]))
        sheet.append(["BAD04", "负数公司", None, "C", 5])
        buffer = io.BytesIO()
        sheet.parent.save(buffer)
        again = self.run_import("bad_cells-errors.xlsx", buffer.getvalue())
        self.assertFalse(self.errors(again))
        self.assertEqual(self.partner("BAD04").employee_count, 5)
        self.assertEqual(again.unknown_columns, "原行号 Row, 错误 Error")

    def test_a_failing_batch_falls_back_to_rows(self):
        """A row the database refuses fails alone, and is not half written."""
        Import = self.registry["partner.segment.import"]

        def no_check(wizard, row, country):
            row.vals["vat"] = row.values["vat"] or False
            if not row.vals["vat"]:
                del row.vals["vat"]

        content = csv_bytes(
            ["客户名称", "客户编码", "税号", "员工人数"],
            ["好一", "G1", USCC_A, 5],
            ["坏", "G2", "91440101MA5CXXXX00", 6],
            ["好二", "G3", "", 7],
        )
        with patch.object(Import, "_import_parse_vat", no_check):
            wizard = self.run_import("fallback.csv", content, policy="skip")
        self.assertEqual((wizard.create_count, wizard.error_count), (2, 1))
        self.assertIn(
            "not a valid Unified Social Credit Code", wizard.error_ids.message
        )
        self.assertEqual(wizard.error_ids.row_number, 3)
        self.assertEqual(self.partner("G1").employee_count, 5)
        self.assertFalse(self.partner("G2"))

    def test_failing_rows_are_found_by_halves(self):
        """Two rows the database refuses among eight: the batch is split until
        only they fail; the six others are written, each bad row is reported."""
        Import = self.registry["partner.segment.import"]

        def no_check(wizard, row, country):
            row.vals["vat"] = row.values["vat"] or False
            if not row.vals["vat"]:
                del row.vals["vat"]

        # invalid codes (different, or the second would be a duplicate in the file)
        bad = {2: "91440101MA5CXXXX00", 7: "91440101MA5CXXXX07"}
        rows = [[f"批量{n}", f"H{n}", bad.get(n, ""), n + 1] for n in range(1, 9)]
        applied = []
        apply = Import._import_apply

        def counting_apply(wizard, batch, context):
            applied.append(len(batch))
            return apply(wizard, batch, context)

        content = csv_bytes(["客户名称", "客户编码", "税号", "员工人数"], *rows)
        with (
            patch.object(Import, "_import_parse_vat", no_check),
            patch.object(Import, "_import_apply", counting_apply),
        ):
            wizard = self.run_import("halves.csv", content, policy="skip")
        self.assertEqual((wizard.create_count, wizard.error_count), (6, 2))
        self.assertEqual(sorted(wizard.error_ids.mapped("row_number")), [3, 8])
        self.assertEqual(
            [bool(self.partner(f"H{n}")) for n in range(1, 9)],
            [True, False, True, True, True, True, False, True],
        )
        self.assertEqual(self.partner("H8").employee_count, 9)
        # 8 -> 4 + 4 -> (2 + 2) + (2 + 2) -> the two failing pairs by rows
        self.assertEqual(applied, [8, 4, 2, 1, 1, 2, 4, 2, 2, 1, 1])

    def test_bad_files_are_refused(self):
        partners = self.Partner.search_count([])
        for name, message in (
            ("corrupt.xlsx", "cannot be read"),
            ("empty.csv", "is empty"),
            ("customers.pdf", "unsupported file type"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.wizard(name).action_test()
        with self.assertRaisesRegex(UserError, "no sheet has a header row"):
            self.wizard("x.csv", csv_bytes(["a", "b"], [1, 2])).action_import()
        with self.assertRaisesRegex(UserError, "Choose a file"):
            self.Import.create({}).action_test()
        self.assertEqual(self.Partner.search_count([]), partners)

    # ------------------------------------------------------------ template, access
    def test_template_round_trip(self):
        wizard = self.Import.create({})
        action = wizard.action_download_template()
        self.assertIn("template_file", action["url"])
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.template_file))
        )
        self.assertEqual(workbook.sheetnames, ["客户 Customers", "说明 Instructions"])
        sheet = workbook.active
        headers = [c.value for c in sheet[1]]
        self.assertEqual(headers[1], "客户名称* (Name)")
        formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
        self.assertIn('"大型,中型,小型,微型"', formulas)
        self.assertEqual(sheet.max_row, 3)  # header and two examples
        sheet.append(
            [
                "T001",
                "模板客户有限公司",
                make_uscc("91440101MA5CTPL01"),
                "C",
                30,
                2000,
                None,
                "中国",
                "广东",
                "佛山",
                None,
                None,
                None,
                None,
                None,
                "小型",
                "A",
                "低价值",
                "低频",
                "华南",
            ]
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        imported = self.run_import("filled.xlsx", buffer.getvalue())
        self.assertFalse(self.errors(imported))
        self.assertEqual((imported.create_count, imported.sample_count), (1, 2))
        partner = self.partner("T001")
        self.assertEqual(partner.annual_revenue, 2e7)
        self.assertEqual((partner.scale_class, partner.value_tier), ("small", "low"))
        self.assertFalse(self.Partner.search([("name", "like", "示例")]))

    def test_segment_user_cannot_import(self):
        Import = self.env["partner.segment.import"].with_user(self.segment_user)
        with self.assertRaises(AccessError):
            Import.create({"filename": "customers.xlsx"})
        wizard = self.wizard("customers.xlsx")
        with self.assertRaises(AccessError):
            wizard.with_user(self.segment_user).action_import()
        self.assertFalse(self.partner("FX001"))

    def test_chinese_labels_when_zh_cn_is_installed(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        content = csv_bytes(
            ["客户名称", "客户编码", "客户规模", "地区", "所属行业"],
            ["中文标签", "ZH1", "大型", "华南", "制造业"],
        )
        wizard = self.run_import("zh.csv", content)
        self.assertFalse(self.errors(wizard))
        partner = self.partner("ZH1")
        self.assertEqual(
            (partner.scale_class, partner.region_id), ("large", self.region["south"])
        )
        self.assertEqual(partner.industry_id, self.industry["C"])


@tagged("post_install", "-at_install")
class TestImportFieldRights(ImportCase):
    """The import writes no column its user may not write, on create as on update."""

    HEADERS = ["客户编码", "客户名称", "信用额度", "城市"]

    def import_as(self, user, *rows, lang="en_US", **vals):
        content = csv_bytes(self.HEADERS, *rows)
        wizard = (
            self.env["partner.segment.import"]
            .with_user(user)
            .with_context(lang=lang)
            .create(
                {
                    "file": base64.b64encode(content),
                    "filename": "rights.csv",
                    **vals,
                }
            )
        )
        wizard.action_import()
        return wizard

    def assert_credit_limit_refused(self, wizard):
        self.assertFalse(self.errors(wizard))
        self.assertTrue(wizard.written)
        lines = wizard.refused_columns.splitlines()
        self.assertEqual(len(lines), 1, "the column is reported once")
        self.assertTrue(lines[0].startswith("信用额度: "), lines[0])
        self.assertIn("Credit Limit", lines[0])
        self.assertIn(self.env.ref("account.group_account_invoice").full_name, lines[0])

    def test_direct_write_is_refused(self):
        partner = self.company("直接写入有限公司")
        with self.assertRaises(AccessError):
            partner.with_user(self.segment_manager).write({"credit_limit": 888888})

    def test_refused_on_create_other_columns_imported(self):
        wizard = self.import_as(
            self.segment_manager,
            ["FR1", "权限甲有限公司", "888888", "广州"],
            ["FR2", "权限乙有限公司", "5", "深圳"],
        )
        self.assert_credit_limit_refused(wizard)
        self.assertEqual(wizard.create_count, 2)
        partners = self.partner("FR1") | self.partner("FR2")
        self.assertEqual(partners.mapped("city"), ["广州", "深圳"])
        self.assertEqual(partners.mapped("credit_limit"), [0.0, 0.0])

    def test_refused_on_update_other_columns_imported(self):
        partner = self.company("权限丙有限公司", ref="FR3", credit_limit=1000.0)
        wizard = self.import_as(
            self.segment_manager,
            ["FR3", "权限丙有限公司", "888888", "佛山"],
            policy="skip",
        )
        self.assert_credit_limit_refused(wizard)
        self.assertEqual(wizard.update_count, 1)
        self.assertEqual((partner.city, partner.credit_limit), ("佛山", 1000.0))

    def test_test_run_reports_the_column(self):
        content = csv_bytes(self.HEADERS, ["FR4", "权限丁有限公司", "1", "广州"])
        wizard = (
            self.env["partner.segment.import"]
            .with_user(self.segment_manager)
            .create({"file": base64.b64encode(content), "filename": "rights.csv"})
        )
        wizard.action_test()
        self.assertEqual((wizard.state, wizard.create_count), ("tested", 1))
        self.assertIn("信用额度", wizard.refused_columns)
        wizard.action_reset()
        self.assertFalse(wizard.refused_columns)

    def test_written_with_invoicing_rights(self):
        partner = self.company("权限戊有限公司", ref="FR5", credit_limit=1000.0)
        wizard = self.import_as(
            self.segment_accountant,
            ["FR5", "权限戊有限公司", "2000", "佛山"],
            ["FR6", "权限己有限公司", "888888", "广州"],
        )
        self.assertFalse(wizard.refused_columns)
        self.assertEqual((wizard.create_count, wizard.update_count), (1, 1))
        self.assertEqual(partner.credit_limit, 2000.0)
        self.assertEqual(self.partner("FR6").credit_limit, 888888.0)

    def test_reason_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        wizard = self.import_as(
            self.segment_manager,
            ["FR7", "权限庚有限公司", "888888", "广州"],
            lang="zh_CN",
        )
        self.assertTrue(
            wizard.refused_columns.startswith("信用额度：写入"), wizard.refused_columns
        )
        self.assertIn("需要以下权限之一", wizard.refused_columns)
        self.assertEqual(self.partner("FR7").city, "广州")

    def test_every_column_names_fields_of_the_partner(self):
        wizard = self.Import.create({})
        fields_ = self.Partner._fields
        for column in wizard._import_columns():
            for fname in wizard._import_column_fields(column.key):
                self.assertIn(fname, fields_, column.key)

    def test_template_leaves_out_what_the_user_may_not_write(self):
        def template(user):
            wizard = self.env["partner.segment.import"].with_user(user).create({})
            wizard.action_download_template()
            return openpyxl.load_workbook(
                io.BytesIO(base64.b64decode(wizard.template_file))
            )

        workbook = template(self.segment_manager)
        sheet = workbook.active
        headers = [c.value for c in sheet[1]]
        self.assertNotIn("信用额度 (Credit limit)", headers)
        self.assertIn("客户名称* (Name)", headers)
        example = [c.value for c in sheet[2]]
        self.assertEqual(example[headers.index("邮箱 (Email)")], "sales@example.com")
        self.assertEqual(len(example), len(headers))
        instructions = "\n".join(
            str(row[0].value) for row in workbook["说明 Instructions"].iter_rows()
        )
        self.assertIn("信用额度 (Credit limit): writing Credit Limit", instructions)
        headers = [c.value for c in template(self.segment_accountant).active[1]]
        self.assertIn("信用额度 (Credit limit)", headers)


@tagged("post_install", "-at_install")
class TestImportHostileWizard(ImportCase):
    """Hostile files through the wizard: refused with a message giving the limit,
    or read with each bad cell named, never written altered."""

    def test_refused_with_the_limit(self):
        for name, expected in (
            ("attack_shared_strings_bomb.xlsx", "at most 64 MB"),
            ("attack_huge_columns.xlsx", "beyond column 256"),
            ("attack_unreferenced_columns.xlsx", "beyond column 256"),
            ("attack_many_rows.xlsx", "more than 500000 rows"),
        ):
            wizard = self.wizard(name)
            with self.assertRaises(UserError) as caught:
                wizard.action_test()
            self.assertIn(name, caught.exception.args[0])
            self.assertIn(expected, caught.exception.args[0])

    def test_long_numbers_are_refused_not_altered(self):
        wizard = self.run_import("attack_long_numbers.xlsx", policy="skip")
        errors = self.errors(wizard)
        self.assertEqual([(row, column) for row, column, _m in errors], [
            (2, "客户编码"),
            (3, "统一社会信用代码"),
        ])  # fmt: skip
        self.assertIn("1234567890123456", errors[0][2])
        self.assertIn("1.23456789012346e+19", errors[1][2])
        for _row, _column, message in errors:
            self.assertIn("format the column as text", message)
        self.assertEqual(wizard.create_count, 0)
        self.assertFalse(self.Partner.search([("name", "like", "长数字")]))

    def test_formula_cells_stay_text_in_the_error_report(self):
        wizard = self.run_import("attack_formula_headers.xlsx", policy="skip")
        self.assertEqual([e[0] for e in self.errors(wizard)], [2, 3])
        self.assertIn(
            '=HYPERLINK("http://example.com/x","点击")', wizard.unknown_columns
        )
        report = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.error_file))
        ).active
        header, first, _second = list(report.iter_rows())
        self.assertEqual(header[2].value, '=HYPERLINK("http://example.com/x","点击")')
        for cell in (*header[:6], *first[:6]):
            self.assertEqual(cell.data_type, "s", cell.coordinate)
        self.assertEqual(first[0].value, "=1+1 公司")

    def test_ten_thousand_column_scales_once(self):
        content = csv_bytes(
            ["客户编码", "客户名称", "年营业收入(万元)", "资产总额(万元)"],
            ["WY1", "万元测试有限公司", "12.5万", "300"],
        )
        wizard = self.run_import("wan.csv", content)
        self.assertFalse(self.errors(wizard))
        partner = self.partner("WY1")
        self.assertEqual((partner.annual_revenue, partner.total_assets), (125000, 3e6))

    def test_decimal_comma_is_refused(self):
        content = (
            "客户编码;客户名称;员工人数;信用额度\nDC1;逗号测试有限公司;12;1.234,56\n"
        )
        wizard = self.run_import("comma.csv", content.encode())
        errors = self.errors(wizard)
        self.assertEqual(
            [(row, column) for row, column, _m in errors], [(2, "信用额度")]
        )
        self.assertIn("1.234,56", errors[0][2])
        self.assertFalse(self.partner("DC1"))
