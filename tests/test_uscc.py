from stdnum.cn import uscc as stdnum_uscc

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..engine import uscc
from .common import SegmentCase, make_uscc


@tagged("post_install", "-at_install")
class TestUscc(SegmentCase):
    def test_valid_code_is_accepted(self):
        code = make_uscc()
        partner = self.company(vat=code)
        self.assertEqual(partner.vat, code)

    def test_invalid_code_names_partner_and_code(self):
        bad = make_uscc()[:-1] + ("0" if make_uscc()[-1] != "0" else "1")
        with self.assertRaisesRegex(ValidationError, f"坏公司: {bad} is not a valid"):
            self.company(name="坏公司", vat=bad)
        with self.assertRaisesRegex(ValidationError, "short"):
            self.company(name="短码", vat="short")

    def test_letters_i_o_z_s_v_are_refused(self):
        code = make_uscc()
        for letter in "IOZSV":
            with self.subTest(letter=letter), self.assertRaises(ValidationError):
                self.company(vat=code[:12] + letter + code[13:])

    def test_foreign_and_individual_partners_are_not_checked(self):
        foreign = self.company(country_id=self.env.ref("base.de").id, vat="DE123456789")
        self.assertEqual(foreign.vat, "DE123456789")
        person = self.Partner.create(
            {"name": "李四", "country_id": self.cn.id, "vat": "110101199003074513"}
        )
        self.assertEqual(person.vat, "110101199003074513")

    def test_changing_country_to_china_checks_the_code(self):
        partner = self.company(country_id=self.env.ref("base.de").id, vat="DE123456789")
        with self.assertRaisesRegex(ValidationError, "DE123456789"):
            partner.country_id = self.cn


@tagged("post_install", "-at_install")
class TestUsccLetters(SegmentCase):
    """GB 32100-2015: registration-authority letters, the embedded GB 11714 code."""

    def test_codes_starting_with_a_letter_are_accepted(self):
        codes = {
            "A": make_uscc("A1110000MA01AB12"),  # 军队事业单位
            "N": make_uscc("N2110105CD123456"),  # 村级集体经济组织
            "Y": make_uscc("Y1440300MA5D1234"),  # 其他
        }
        partners = self.Partner.with_user(self.segment_manager).create(
            [
                {"name": f"{letter} 组织", "is_company": True, "vat": code}
                | {"country_id": self.cn.id}
                for letter, code in codes.items()
            ]
        )
        self.assertEqual(partners.mapped("vat"), list(codes.values()))
        for code in codes.values():
            # the library refuses them: the reason for this module
            self.assertFalse(stdnum_uscc.is_valid(code))
            self.assertTrue(uscc.is_valid(code))

    def test_real_codes_are_accepted(self):
        for code in ("91330201MA282UF146", "91330401MA28ADM67R", "91330000755918469E"):
            self.assertIsNone(uscc.uscc_error(code), code)

    def test_each_part_is_checked(self):
        good = make_uscc("N2110105CD123456")
        cases = {
            "authority": "B" + good[1:],  # no registration authority B
            "type": "N5" + good[2:],  # 农业 assigns no type 5
            "area": good[:2] + "11010A" + good[8:],
            "organisation": good[:16] + ("0" if good[16] != "0" else "1") + good[17],
            "check": good[:17] + ("0" if good[17] != "0" else "1"),
            "alphabet": good[:10] + "I" + good[11:],
            "length": good[:17],
        }
        for reason, code in cases.items():
            with self.subTest(reason=reason):
                self.assertEqual(uscc.uscc_error(code), reason)

    def test_invalid_letter_code_refused_naming_partner(self):
        good = make_uscc("N2110105CD123456")
        bad = good[:16] + ("0" if good[16] != "0" else "1")
        bad += stdnum_uscc.calc_check_digit(bad)  # right final character
        with self.assertRaisesRegex(ValidationError, f"村集体: {bad} is not a valid"):
            self.company(name="村集体", vat=bad)
