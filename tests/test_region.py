from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestRegion(SegmentCase):
    def test_provinces_map_to_their_region(self):
        expected = {
            "BJ": "north",
            "NM": "north",
            "HL": "northeast",
            "SH": "east",
            "TW": "east",
            "HB": "central",
            "GD": "south",
            "HK": "south",
            "MO": "south",
            "XZ": "southwest",
            "XJ": "northwest",
        }
        partners = self.Partner.create(
            [
                {
                    "name": code,
                    "is_company": True,
                    "country_id": self.cn.id,
                    "state_id": self.state(code).id,
                }
                for code in expected
            ]
        )
        for partner, region in zip(partners, expected.values(), strict=True):
            with self.subTest(state=partner.name):
                self.assertEqual(partner.region_id.code, region)

    def test_all_34_provinces_are_mapped(self):
        states = self.env["res.country.state"].search([("country_id", "=", self.cn.id)])
        self.assertEqual(len(states), 34)
        self.assertFalse(states.filtered(lambda s: not s.segment_region_ids))

    def test_foreign_country_is_international(self):
        partner = self.company(country_id=self.env.ref("base.jp").id)
        self.assertEqual(partner.region_id, self.region["international"])
        hong_kong = self.company(country_id=self.env.ref("base.hk").id)
        self.assertEqual(hong_kong.region_id, self.region["international"])

    def test_home_country_without_province_is_domestic(self):
        partner = self.company()
        self.assertEqual(partner.region_id, self.region["domestic"])
        self.assertFalse(
            self.Partner.create({"name": "无国家", "is_company": True}).region_id
        )

    def test_region_of_a_listed_country_wins(self):
        self.region["south"].country_ids = self.env.ref("base.hk")
        partner = self.company(country_id=self.env.ref("base.hk").id)
        self.assertEqual(partner.region_id, self.region["south"])

    def test_moving_a_province_reclassifies_its_partners(self):
        partner = self.company(state_id=self.state("HA").id)
        self.assertEqual(partner.region_id, self.region["central"])
        self.region["north"].state_ids |= self.state("HA")
        self.region["central"].state_ids -= self.state("HA")
        self.assertEqual(partner.region_id, self.region["north"])
        self.region["north"].state_ids -= self.state("HA")
        self.assertEqual(partner.region_id, self.region["domestic"])

    def test_new_region_takes_its_provinces(self):
        partner = self.company(state_id=self.state("SC").id)
        region = self.env["partner.region"].create(
            {
                "name": "成渝",
                "code": "chengyu",
                "sequence": 1,
                "state_ids": [(6, 0, [self.state("SC").id, self.state("CQ").id])],
            }
        )
        self.assertEqual(partner.region_id, region)

    def test_deleting_a_region_in_use_is_refused(self):
        self.company(state_id=self.state("GD").id)
        with self.assertRaisesRegex(UserError, "cannot be deleted.*Archive"):
            self.region["south"].unlink()
        unused = self.env["partner.region"].create({"name": "空", "code": "empty"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_region_partner_count(self):
        self.company(state_id=self.state("GD").id)
        self.company(state_id=self.state("GX").id)
        self.assertGreaterEqual(self.region["south"].partner_count, 2)
