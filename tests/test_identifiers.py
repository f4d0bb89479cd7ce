from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged

from ..engine import identifiers, uscc
from .common import ImportCase, SegmentCase, csv_bytes, make_uscc


def id_card(body17):
    """An 18-character ID card number from its first 17 digits (check computed)."""
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


def old_taxpayer_id(area="440106", org_body="MA5C0001"):
    """A 15-character 纳税人识别号: area code and 组织机构代码 with its check character."""
    return area + org_body + uscc.org_check_char(org_body)


@tagged("post_install", "-at_install")
class TestIdentifierRules(BaseCase):
    """Formats of the older taxpayer IDs and of ID card numbers, without the ORM."""

    def test_id_card(self):
        good = id_card("11010519491231002")
        self.assertIsNone(identifiers.id_card_error(good))
        wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
        self.assertEqual(identifiers.id_card_error(wrong_check), "check")
        self.assertEqual(identifiers.id_card_error(good[:17]), "length")
        self.assertEqual(identifiers.id_card_error("1101051949123A002X"), "format")
        # 30 February does not exist
        self.assertEqual(
            identifiers.id_card_error(id_card("11010519490230002")), "date"
        )

    def test_id_card_check_x(self):
        # the check character 10 is written X
        for seq in range(100, 200):
            code = id_card(f"44010619850101{seq}")
            if code.endswith("X"):
                break
        self.assertTrue(code.endswith("X"))
        self.assertIsNone(identifiers.id_card_error(code))
        self.assertIsNone(identifiers.id_card_error(code.lower()))

    def test_taxpayer_15(self):
        good = old_taxpayer_id()
        self.assertEqual(len(good), 15)
        self.assertIsNone(identifiers.taxpayer_id_error(good))
        bad_org = good[:14] + ("0" if good[14] != "0" else "1")
        self.assertEqual(identifiers.taxpayer_id_error(bad_org), "organisation")
        self.assertEqual(identifiers.taxpayer_id_error("44A106" + good[6:]), "area")

    def test_taxpayer_17_and_20_carry_an_id_card_and_a_sequence(self):
        self.assertIsNone(identifiers.taxpayer_id_error("44010685010112301"))
        self.assertEqual(identifiers.taxpayer_id_error("44010685023012301"), "date")
        card = id_card("44010619850101123")
        self.assertIsNone(identifiers.taxpayer_id_error(card))
        self.assertIsNone(identifiers.taxpayer_id_error(card + "01"))
        self.assertEqual(identifiers.taxpayer_id_error(card + "0A"), "format")
        bad_card = card[:17] + ("0" if card[17] != "0" else "1")
        self.assertEqual(identifiers.taxpayer_id_error(bad_card + "01"), "check")

    def test_other_lengths_are_refused(self):
        for code in ("", "1234", "4401068501011230", "440106850101123011A"):
            self.assertEqual(identifiers.taxpayer_id_error(code), "length", code)

    def test_guess_kind(self):
        self.assertEqual(identifiers.guess_kind(make_uscc()), "uscc")
        self.assertEqual(
            identifiers.guess_kind(id_card("11010519491231002")), "taxpayer"
        )
        self.assertEqual(identifiers.guess_kind(old_taxpayer_id()), "taxpayer")
        self.assertIsNone(identifiers.guess_kind("nonsense"))


@tagged("post_install", "-at_install")
class TestPartnerIdentifierKind(SegmentCase):
    """A Chinese partner says which identifier it carries; each is checked by its
    own format, with a message naming the partner and the code."""

    def setUp(self):
        super().setUp()
        self.env = self.env(user=self.segment_user)
        self.Partner = self.env["res.partner"]

    def company(self, name="测试有限公司", **vals):
        vals.setdefault("country_id", self.cn.id)
        return self.Partner.create({"name": name, "is_company": True, **vals})

    def test_company_with_older_taxpayer_id(self):
        code = old_taxpayer_id()
        partner = self.company(name="老税号公司", vat=code, vat_kind="taxpayer")
        self.assertEqual(partner.vat, code)
        # the same code is not a USCC
        with self.assertRaisesRegex(
            ValidationError, "老税号公司.*Unified Social Credit"
        ):
            partner.vat_kind = "uscc"

    def test_bad_taxpayer_id_names_partner_and_code(self):
        bad = old_taxpayer_id()[:-1] + "Z"
        with self.assertRaisesRegex(
            ValidationError, f"坏税号: {bad} is not a valid taxpayer identification"
        ):
            self.company(name="坏税号", vat=bad, vat_kind="taxpayer")

    def test_individual_business_with_id_card(self):
        card = id_card("44010619850101123")
        person = self.Partner.create(
            {
                "name": "张三五金店",
                "country_id": self.cn.id,
                "vat": card,
                "vat_kind": "id_card",
            }
        )
        self.assertEqual(person.vat, card)
        bad = card[:17] + ("0" if card[17] != "0" else "1")
        with self.assertRaisesRegex(
            ValidationError, f"张三五金店: {bad} is not a valid resident ID card"
        ):
            person.vat = bad

    def test_default_kind_is_uscc(self):
        partner = self.company(vat=make_uscc())
        self.assertEqual(partner.vat_kind, "uscc")
        with self.assertRaisesRegex(ValidationError, "Unified Social Credit"):
            self.company(name="错码", vat=old_taxpayer_id())

    def test_foreign_partner_is_not_checked_whatever_the_kind(self):
        partner = self.company(
            country_id=self.env.ref("base.de").id,
            vat="DE123456789",
            vat_kind="taxpayer",
        )
        self.assertEqual(partner.vat, "DE123456789")


@tagged("post_install", "-at_install")
class TestImportIdentifierKind(ImportCase):
    """The customer import takes an older taxpayer ID where a company has no
    USCC, and says which kind it is."""

    def test_import_older_taxpayer_id_and_id_card(self):
        old = old_taxpayer_id()
        card = id_card("44010619850101123")
        content = csv_bytes(
            ["客户名称", "客户编码", "统一社会信用代码"],
            ["老税号公司", "OT1", old],
            ["个体户", "OT2", card + "01"],
            ["新代码公司", "OT3", make_uscc()],
            ["坏号公司", "OT4", old[:-1] + "Z"],
        )
        wizard = self.run_import("ids.csv", content, policy="skip")
        self.assertEqual(
            [(row, column) for row, column, _message in self.errors(wizard)],
            [(5, "统一社会信用代码")],
        )
        self.assertEqual(
            [
                (self.partner(ref).vat, self.partner(ref).vat_kind)
                for ref in ("OT1", "OT2")
            ],
            [(old, "taxpayer"), (card + "01", "taxpayer")],
        )
        self.assertEqual(self.partner("OT3").vat_kind, "uscc")
        # the same file again finds them by their codes and changes nothing
        wizard = self.run_import("ids.csv", content, policy="skip")
        self.assertEqual((wizard.create_count, wizard.update_count), (0, 0))
