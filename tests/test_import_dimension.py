import base64
import io

import openpyxl

from odoo.tests import tagged

from .common import ImportCase, add_test_dimension, csv_bytes

CLASSES = (("gold", "Gold", ("金牌",)), ("silver", "Silver", ("银牌",)))


@tagged("post_install", "-at_install")
class TestImportDimension(ImportCase):
    """A dimension registered with import headers and template choices is
    imported (set by hand, locked and logged by the partner) and offered in
    the template, with no change to the import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dimension = add_test_dimension(
            cls.env,
            classes=CLASSES,
            case=cls,
            import_headers=("测试等级", "test grade"),
            import_sequence=60,
            template_header="测试等级 (Test grade)",
            template_choices=("金牌", "银牌"),
        )

    def test_template_has_the_column_and_its_choices(self):
        wizard = self.Import.create({})
        wizard.action_download_template()
        sheet = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.template_file))
        ).active
        headers = [c.value for c in sheet[1]]
        self.assertEqual(headers[-1], "测试等级 (Test grade)")
        self.assertEqual(headers[-2], "地区 (Region)")
        validations = {
            v.formula1: str(v.sqref) for v in sheet.data_validations.dataValidation
        }
        self.assertIn('"金牌,银牌"', validations)
        column = openpyxl.utils.get_column_letter(len(headers))
        self.assertTrue(validations['"金牌,银牌"'].startswith(column))

    def test_import_sets_locks_and_logs(self):
        existing = self.company("已有客户", ref="XD0")
        self.assertFalse(existing.x_test_dim_locked)
        content = csv_bytes(
            ["客户名称", "客户编码", "测试等级"],
            ["已有客户", "XD0", "silver"],
            ["金牌客户", "XD1", "金牌"],
            ["银牌客户", "XD2", "Silver"],
            ["无等级客户", "XD3", ""],
            ["错等级客户", "XD4", "铜牌"],
        )
        wizard = self.run_import("grades.csv", content, policy="skip")
        self.assertEqual(
            [(row, column) for row, column, _message in self.errors(wizard)],
            [(6, "测试等级")],
        )
        self.assertEqual((wizard.create_count, wizard.update_count), (3, 1))
        expected = {"XD0": "silver", "XD1": "gold", "XD2": "silver"}
        for ref, value in expected.items():
            partner = self.partner(ref)
            with self.subTest(ref=ref):
                self.assertEqual(
                    (partner.x_test_dim, partner.x_test_dim_manual), (value, value)
                )
                self.assertTrue(partner.x_test_dim_locked)
                history = self.History.search(
                    [("partner_id", "=", partner.id), ("dimension", "=", "x_test_dim")]
                )
                self.assertEqual((history.new_value, history.source), (value, "import"))
        self.assertFalse(self.partner("XD3").x_test_dim_locked)
        # the same file again changes nothing: the classes are set by hand already
        wizard = self.run_import("grades.csv", content, policy="skip")
        self.assertEqual(
            (wizard.create_count, wizard.update_count, wizard.unchanged_count),
            (0, 0, 4),
        )
