from odoo.exceptions import ValidationError
from odoo.tests import tagged

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
