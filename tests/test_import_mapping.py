import base64
import datetime
import os

from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..importer import specs
from ..importer.cells import CellError, parse_bool, parse_date, parse_number, to_text
from ..importer.headers import header_candidate, header_detector, map_headers
from ..importer.reader import open_table
from .common import ImportCase, csv_bytes
from .data.make_system_fixtures import SYSTEMS

DATA = os.path.join(os.path.dirname(__file__), "data")


class TestImportNormalisation(BaseCase):
    def test_yes_no(self):
        for text, value in (("是", True), ("否", False), ("Y", True), ("ｎｏ", False)):
            self.assertIs(parse_bool(text), value, text)
        self.assertIsNone(parse_bool(" "))
        with self.assertRaises(CellError):
            parse_bool("也许")

    def test_dates_as_chinese_users_write_them(self):
        day = datetime.date(2024, 3, 1)
        for text in (
            "2024年3月1日",
            "2024年3月1号",
            "2024.3.1",
            "2024/03/01",
            "２０２４年３月１日",
            "2024-3-1 08:30",
        ):
            self.assertEqual(parse_date(text), day, text)

    def test_amounts_with_units_and_full_width_digits(self):
        self.assertEqual(parse_number("20万元"), 200000)
        self.assertEqual(parse_number("１２，３４５元"), 12345)
        self.assertEqual(parse_number("¥1,200.50"), 1200.5)
        self.assertEqual(parse_number("1.5万", scale=10000), 15000)
        self.assertEqual(to_text("ＡＢＣ－１２３"), "ABC-123")

    def test_every_system_header_row_maps_what_odoo_has(self):
        """Each system's header row: every column with an Odoo counterpart is
        read as it, the others are listed as ignored."""
        columns = specs.customer_columns()
        for system, (_file, _sheet, spec) in SYSTEMS.items():
            headers = [h for h, _k, _v in spec]
            header_map = map_headers(headers, columns)
            found = {headers[p]: k for k, p in header_map.index.items()}
            expected = {h: k for h, k, _v in spec if k}
            self.assertEqual(found, expected, system)
            self.assertEqual(
                header_map.unknown, [h for h, k, _v in spec if not k], system
            )

    def test_a_header_row_naming_no_required_column_is_offered(self):
        content = csv_bytes(["往来户", "电话"], ["某公司", "020-1"])
        columns = specs.customer_columns()
        table = open_table(
            content,
            "x.csv",
            header_detector(columns),
            fallback_header=header_candidate(columns),
        )
        self.assertEqual(table.headers, ["往来户", "电话"])
        self.assertEqual(next(table.rows)[1], ["某公司", "020-1"])


class MappingCase(ImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="wangxs", name="王销售", groups="base.group_user"
        )
        cls.Mapping = cls.env["partner.segment.import.mapping"]

    def line(self, wizard, header):
        return wizard.column_ids.filtered(lambda line: line.header == header)

    def choose(self, wizard, choices):
        """Change the mapping step's choices {header: column key} in the form."""
        headers = wizard.column_ids.mapped("header")
        with Form(wizard) as form:
            for header, key in choices.items():
                with form.column_ids.edit(headers.index(header)) as line:
                    line.column_key = key
        return wizard


@tagged("post_install", "-at_install")
class TestImportSystems(MappingCase):
    def run_system(self, system):
        filename = SYSTEMS[system][0]
        wizard = self.run_import(filename)
        self.assertFalse(self.errors(wizard), system)
        self.assertEqual(wizard.create_count, 1, system)
        return wizard, self.partner(f"SYS-{system.upper()}-1")

    def test_u8(self):
        wizard, partner = self.run_system("u8")
        self.assertEqual(partner.name, "系统甲用友客户有限公司")
        self.assertEqual(partner.industry_id, self.industry["C"])
        self.assertEqual(partner.credit_limit, 200000)
        self.assertEqual(partner.credit_grade, "AA")
        self.assertEqual(partner.user_id, self.salesperson)
        self.assertEqual(partner.category_id.mapped("name"), ["重点客户"])
        self.assertEqual(partner.bank_ids.acc_number, "3602000000000001")
        self.assertEqual(partner.bank_ids.bank_id.name, "中国工商银行广州天河支行")
        self.assertEqual(partner.child_ids.name, "陈一")
        self.assertEqual(partner.mobile, "13800000001")
        self.assertEqual(
            wizard.unknown_columns, "客户简称, 地区分类, 信用期限(天), 备注"
        )

    def test_k3cloud(self):
        _wizard, partner = self.run_system("k3cloud")
        self.assertEqual(partner.user_id, self.salesperson)  # by login
        self.assertEqual(partner.state_id, self.state("JS"))
        self.assertEqual(partner.street, "南京市鼓楼区中山路2号")
        self.assertEqual(partner.phone, "025-80000002")
        self.assertEqual(partner.bank_ids.acc_holder_name, "系统乙金蝶客户有限公司")
        self.assertEqual(partner.category_id.mapped("name"), ["经销商"])

    def test_kis(self):
        _wizard, partner = self.run_system("kis")
        self.assertEqual(
            (partner.phone, partner.mobile), ("0571-80000003", "13800000003")
        )
        contact = partner.child_ids
        self.assertEqual(
            (contact.name, contact.phone, contact.mobile, contact.type),
            ("周三", "0571-80000033", "13900000003", "contact"),
        )

    def test_the_crm_export_of_the_issue(self):
        wizard, partner = self.run_system("crm")
        self.assertEqual(partner.region_id, self.region["east"])
        self.assertEqual(partner.industry_id, self.industry["F51"])
        self.assertEqual(partner.user_id, self.salesperson)
        self.assertEqual(partner.email, "12345678@qq.com")
        self.assertEqual(partner.phone, "021-80000004")
        self.assertEqual(partner.street, "上海市浦东新区世纪大道4号")
        self.assertEqual(partner.child_ids.name, "李四")
        self.assertEqual(
            sorted(partner.category_id.mapped("name")), ["A类", "战略客户"]
        )
        self.assertEqual(
            wizard.unknown_columns,
            "初次备案日期, 客户来源, 隶属部门, 档案编号, 品牌, 主要产品",
        )

    def test_unit(self):
        _wizard, partner = self.run_system("unit")
        self.assertEqual(partner.zip, "610000")
        self.assertEqual(partner.bank_ids.acc_number, "1234567890000005")
        self.assertEqual(partner.child_ids.name, "钱五")

    def test_ordering_system_csv_in_gbk(self):
        _wizard, partner = self.run_system("order")
        self.assertEqual(partner.region_id, self.region["southwest"])
        self.assertEqual(partner.employee_count, 80)
        self.assertEqual(partner.annual_revenue, 12_000_000)
        self.assertEqual(partner.website, "https://example.cn")
        contact = partner.child_ids
        self.assertEqual(
            (contact.name, contact.mobile, contact.email),
            ("孙六", "13900000006", "sun6@example.cn"),
        )


@tagged("post_install", "-at_install")
class TestImportMappingStep(MappingCase):
    def unknown_file(self, name="映射测试公司", ref="MAP1"):
        return csv_bytes(
            ["客户名称", "客户编码", "往来单位电邮", "对接人手机"],
            [name, ref, "map@example.cn", "13700000000"],
        )

    def test_columns_and_samples_are_shown_after_a_test(self):
        wizard = self.wizard("m.csv", self.unknown_file())
        wizard.action_test()
        self.assertEqual(
            wizard.column_ids.mapped("header"),
            ["客户名称", "客户编码", "往来单位电邮", "对接人手机"],
        )
        self.assertEqual(
            wizard.column_ids.mapped("column_key"), ["name", "ref", False, False]
        )
        self.assertEqual(self.line(wizard, "往来单位电邮").sample_1, "map@example.cn")
        self.assertEqual(wizard.unknown_columns, "往来单位电邮, 对接人手机")
        # two columns read as one: the second says why it is not imported
        self.choose(wizard, {"往来单位电邮": "email", "对接人手机": "email"})
        wizard.action_test()
        self.assertEqual(self.line(wizard, "往来单位电邮").column_key, "email")
        self.assertFalse(self.line(wizard, "对接人手机").column_key)
        self.assertEqual(
            self.line(wizard, "对接人手机").note,
            "Not imported: an earlier column is read as Email.",
        )

    def test_a_changed_mapping_is_imported_and_remembered(self):
        wizard = self.wizard("m.csv", self.unknown_file())
        wizard.action_test()
        self.choose(wizard, {"往来单位电邮": "email", "对接人手机": "contact_mobile"})
        wizard.action_import()
        # a contact's phone without the contact's name is refused, row by row
        self.assertEqual(
            self.errors(wizard),
            [
                (
                    2,
                    "对接人手机",
                    "The contact person's columns need the contact's name.",
                )
            ],
        )
        wizard.action_reset()
        wizard.write({"file": base64.b64encode(self.unknown_file())})
        wizard.action_test()
        self.choose(wizard, {"对接人手机": "mobile"})
        wizard.action_import()
        self.assertFalse(self.errors(wizard))
        partner = self.partner("MAP1")
        self.assertEqual(
            (partner.email, partner.mobile), ("map@example.cn", "13700000000")
        )
        remembered = self.Mapping.with_user(self.segment_accountant).search(
            [("res_model", "=", "partner.segment.import")]
        )
        self.assertEqual(
            {(r.header, r.column_key) for r in remembered},
            {("往来单位电邮", "email"), ("对接人手机", "mobile")},
        )
        self.assertEqual(remembered.company_id, self.env.company)

    def test_the_remembered_mapping_maps_the_next_file(self):
        first = self.wizard("m.csv", self.unknown_file())
        first.action_test()
        self.choose(first, {"往来单位电邮": "email", "对接人手机": "mobile"})
        first.action_import()
        # a new wizard, as a new upload: the same headers map themselves
        second = self.wizard("n.csv", self.unknown_file("映射测试二公司", "MAP2"))
        second.action_test()
        self.assertEqual(
            second.column_ids.mapped("column_key"), ["name", "ref", "email", "mobile"]
        )
        self.assertEqual(self.line(second, "往来单位电邮").note, "Mapped by hand")
        self.assertFalse(second.unknown_columns)
        second.action_import()
        self.assertEqual(self.partner("MAP2").email, "map@example.cn")
        # ... even without a Test first
        self.run_import("o.csv", self.unknown_file("映射测试三公司", "MAP3"))
        self.assertEqual(self.partner("MAP3").mobile, "13700000000")

    def test_the_remembered_mapping_is_the_company_s(self):
        wizard = self.wizard("m.csv", self.unknown_file())
        wizard.action_test()
        self.choose(wizard, {"往来单位电邮": "email"})
        wizard.action_test()
        other = self.env["res.company"].create({"name": "另一公司"})
        self.segment_accountant.company_ids |= other
        in_other = self.Import.with_company(other).create(
            {"file": base64.b64encode(self.unknown_file()), "filename": "p.csv"}
        )
        in_other.action_test()
        self.assertFalse(self.line(in_other, "往来单位电邮").column_key)
        self.assertFalse(
            self.Mapping.with_user(self.segment_accountant)
            .with_company(other)
            .search([("company_id", "=", other.id)])
        )

    def test_a_known_column_can_be_left_out_and_brought_back(self):
        content = csv_bytes(
            ["客户名称", "客户编码", "电话"], ["留空公司", "MAP4", "020-1"]
        )
        wizard = self.wizard("m.csv", content)
        wizard.action_test()
        self.choose(wizard, {"电话": False})
        wizard.action_import()
        self.assertFalse(self.partner("MAP4").phone)
        self.assertEqual(wizard.unknown_columns, "电话")
        self.assertEqual(self.Mapping.search([("header", "=", "电话")]).column_key, "")
        # back to what the aliases say: nothing left to remember
        again = self.wizard("m.csv", content)
        again.action_test()
        self.assertFalse(self.line(again, "电话").column_key)
        self.choose(again, {"电话": "phone"})
        again.action_import()
        self.assertEqual(self.partner("MAP4").phone, "020-1")
        self.assertFalse(self.Mapping.search([("header", "=", "电话")]))

    def test_remarks_are_imported_only_when_mapped(self):
        content = csv_bytes(
            ["客户名称", "客户编码", "备注"], ["备注公司", "MAP5", "月结30天"]
        )
        wizard = self.wizard("m.csv", content)
        wizard.action_test()
        self.assertEqual(wizard.unknown_columns, "备注")
        self.choose(wizard, {"备注": "comment"})
        wizard.action_import()
        self.assertIn("月结30天", self.partner("MAP5").comment)

    def test_a_file_without_a_name_column_asks_for_it(self):
        content = csv_bytes(["往来户", "电话"], ["无名列公司", "020-2"])
        wizard = self.wizard("m.csv", content)
        wizard.action_test()
        self.assertEqual(wizard.state, "mapping")
        self.assertEqual(wizard.missing_columns, "Name")
        self.assertFalse(self.Partner.search([("name", "=", "无名列公司")]))
        self.choose(wizard, {"往来户": "name"})
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.created_count), ("done", 1))
        # a file for the background asks for its name column first, too
        self.env.company.segment_import_background_rows = 1
        rows = [["往来户二", "电话"], ["后台无名一", "1"], ["后台无名二", "2"]]
        big = self.wizard("b.csv", csv_bytes(*rows))
        self.assertEqual(big.action_test()["res_model"], "partner.segment.import")
        self.assertEqual(big.state, "mapping")
        self.choose(big, {"往来户二": "name"})
        action = big.action_import()
        self.assertEqual(action["res_model"], "partner.segment.import.job")
        self.assertEqual(
            self.Partner.search([("name", "=", "无名列公司")]).phone, "020-2"
        )

    def test_columns_the_user_may_not_write_are_not_offered(self):
        Column = self.env["partner.segment.import.column"]
        offered = dict(
            Column.with_user(self.segment_accountant)._selection_column_key()
        )
        self.assertIn("credit_limit", offered)
        self.assertIn("contact_name", offered)
        without = dict(Column.with_user(self.segment_manager)._selection_column_key())
        self.assertNotIn("credit_limit", without)
        self.assertIn("user_id", without)
        # the accountant's remembered choice does not write for the manager
        content = csv_bytes(["客户名称", "授信"], ["授信公司", "5000"])
        wizard = self.wizard("m.csv", content)
        wizard.action_test()
        self.choose(wizard, {"授信": "credit_limit"})
        wizard.action_test()
        mine = self.env["partner.segment.import"].with_user(self.segment_manager)
        theirs = mine.create({"file": base64.b64encode(content), "filename": "m.csv"})
        theirs.action_import()
        line = self.line(theirs, "授信")
        self.assertFalse(line.column_key)
        self.assertTrue(line.note)
        self.assertIn("授信", theirs.refused_columns)
        self.assertEqual(
            self.Partner.search([("name", "=", "授信公司")]).credit_limit, 0
        )
        # a choice sent anyway (RPC) is refused at the run, not written
        forced = mine.create({"file": base64.b64encode(content), "filename": "m.csv"})
        forced.action_test()
        self.line(forced, "授信").column_key = "credit_limit"
        forced.action_test()
        self.assertIn("授信", forced.refused_columns)

    def test_the_mapping_reaches_a_background_import(self):
        self.env.company.segment_import_background_rows = 1
        rows = [["客户名称", "客户编码", "往来单位电邮"]]
        rows += [[f"后台映射{i}", f"BGM{i}", f"bgm{i}@example.cn"] for i in range(3)]
        content = csv_bytes(*rows)
        self.env.company.segment_import_background_rows = 0
        wizard = self.wizard("bg.csv", content)
        wizard.action_test()
        self.choose(wizard, {"往来单位电邮": "email"})
        self.env.company.segment_import_background_rows = 1
        action = wizard.action_import()
        job = self.env["partner.segment.import.job"].browse(action["res_id"])
        self.assertEqual(job.options["column_mapping"]["往来单位电邮"], "email")
        # the remembered choice changes meanwhile: the job keeps its own
        self.Mapping.search([("header", "=", "往来单位电邮")]).column_key = "website"
        for _run in range(3):  # the check phase, then the write phase
            if job.state in ("queued", "running"):
                job.sudo()._job_run()
        self.assertEqual((job.state, job.written), ("done", True))
        self.assertEqual(self.partner("BGM2").email, "bgm2@example.cn")
        self.assertFalse(self.partner("BGM2").website)


@tagged("post_install", "-at_install")
class TestImportRelatedRecords(MappingCase):
    def content(self, mobile="13600000000", tags="VIP", account="6222000000000009"):
        return csv_bytes(
            [
                "客户名称",
                "客户编码",
                "联系人",
                "联系人手机",
                "职务",
                "客户类别",
                "开户行",
                "银行账号",
                "业务员",
            ],
            [
                "关联公司",
                "REL1",
                "吴七",
                mobile,
                "采购经理",
                tags,
                "建设银行",
                account,
                "王销售",
            ],
        )

    def test_contact_tags_bank_created_then_updated_not_duplicated(self):
        self.run_import("r.csv", self.content())
        partner = self.partner("REL1")
        contact = partner.child_ids
        self.assertEqual(
            (contact.name, contact.mobile, contact.function),
            ("吴七", "13600000000", "采购经理"),
        )
        self.assertEqual(partner.category_id.mapped("name"), ["VIP"])
        self.assertEqual(partner.bank_ids.acc_number, "6222000000000009")
        self.assertEqual(partner.user_id, self.salesperson)
        # the same file again: nothing changes, nothing is duplicated
        again = self.run_import("r.csv", self.content())
        self.assertEqual((again.updated_count, again.unchanged_count), (0, 1))
        self.assertEqual(len(partner.child_ids), 1)
        self.assertEqual(len(partner.bank_ids), 1)
        # a new mobile, a second tag, a second account: updated
        third = self.run_import(
            "r.csv", self.content("13611111111", "VIP、华东大客户", "6222000000000010")
        )
        self.assertEqual(third.updated_count, 1)
        self.assertEqual(partner.child_ids.mobile, "13611111111")
        self.assertEqual(
            sorted(partner.category_id.mapped("name")), ["VIP", "华东大客户"]
        )
        self.assertEqual(len(partner.bank_ids), 2)
        self.assertEqual(
            self.env["res.partner.category"].search_count([("name", "=", "VIP")]), 1
        )

    def test_salesperson_by_name_or_login_never_a_guess(self):
        new_test_user(self.env, login="wang2", name="王销售", groups="base.group_user")
        rows = [
            ["客户名称", "业务员"],
            ["甲业务公司", "wangxs"],
            ["乙业务公司", "王销售"],
            ["丙业务公司", "没这个人"],
        ]
        wizard = self.wizard("s.csv", csv_bytes(*rows), policy="skip")
        wizard.action_import()
        self.assertEqual(
            self.Partner.search([("name", "=", "甲业务公司")]).user_id, self.salesperson
        )
        self.assertEqual(
            [(e.row_number, e.column) for e in wizard.error_ids],
            [(3, "业务员"), (4, "业务员")],
        )
        self.assertIn("write the login", wizard.error_ids[0].message)

    def test_a_test_run_leaves_no_tag_bank_or_contact(self):
        counts = [
            self.env[m].search_count([])
            for m in (
                "res.partner",
                "res.partner.category",
                "res.bank",
                "res.partner.bank",
            )
        ]
        wizard = self.wizard("r.csv", self.content())
        wizard.action_test()
        self.assertEqual(wizard.create_count, 1)
        self.assertEqual(
            counts,
            [
                self.env[m].search_count([])
                for m in (
                    "res.partner",
                    "res.partner.category",
                    "res.bank",
                    "res.partner.bank",
                )
            ],
        )


@tagged("post_install", "-at_install")
class TestImportWithoutMappingStep(ImportCase):
    def test_the_red_invoice_import_has_no_mapping_step(self):
        """An invoicing user (no Customer Segments rights) resets the
        red-invoice import: it has no mapping step, and no mapping lines."""
        accountant = new_test_user(
            self.env,
            login="red_only_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        wizard = self.env["account.move.red.import"].with_user(accountant).create({})
        self.assertFalse(type(wizard)._import_mapping_step)
        wizard.action_reset()
        self.assertEqual(wizard.state, "upload")
        self.assertEqual(wizard._import_job_options()["column_mapping"], {})
