from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestHomeCompany(SegmentCase):
    """Scale and region read the partner's company, never the user's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        eur = cls.env.ref("base.EUR")
        eur.active = True
        # 1 EUR = 2 of the main company's currency and of CNY (no rates: 1)
        cls.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": "2000-01-01",
                "rate": 0.5,
                "company_id": False,
            }
        )
        cls.company_jp = cls.env["res.company"].create(
            {
                "name": "日本公司",
                "country_id": cls.env.ref("base.jp").id,
                "currency_id": eur.id,
            }
        )
        groups = "base.group_user,base.group_partner_manager"
        cls.user_main = new_test_user(
            cls.env,
            login="contacts_main",
            groups=groups,
            company_id=cls.main.id,
            company_ids=[Command.set(cls.main.ids)],
        )
        cls.user_jp = new_test_user(
            cls.env,
            login="contacts_jp",
            groups=groups,
            company_id=cls.company_jp.id,
            company_ids=[Command.set(cls.company_jp.ids)],
        )
        # manufacturing: small from 20 employees and 3,000,000 revenue
        cls.vals = {
            "name": "日本客户",
            "is_company": True,
            "country_id": cls.env.ref("base.jp").id,
            "industry_id": cls.industry["C"].id,
            "employee_count": 50,
            "annual_revenue": 2000000,
        }

    def test_shared_partner_is_classified_from_the_main_company(self):
        partner = self.Partner.with_user(self.user_jp).create(self.vals)
        self.assertFalse(partner.company_id)
        # the main company's country (China): Japan is abroad; its currency: 2,000,000
        self.assertEqual(partner.region_id, self.region["international"])
        self.assertEqual(partner.scale_class, "micro")
        self.assertEqual(partner.segment_currency_id, self.main.currency_id)
        partner.with_user(self.user_main).employee_count = 60
        self.assertEqual(partner.with_user(self.user_main).scale_class, "micro")
        partner.with_user(self.user_jp).write({"employee_count": 70, "state_id": False})
        self.assertEqual(partner.region_id, self.region["international"])
        self.assertEqual(partner.scale_class, "micro")
        self.assertEqual(
            partner.with_user(self.user_main).segment_currency_id,
            partner.with_user(self.user_jp).segment_currency_id,
        )

    def test_company_partner_is_classified_from_its_company(self):
        partner = self.Partner.with_user(self.user_jp).create(
            {**self.vals, "company_id": self.company_jp.id}
        )
        # Japan is at home for the Japanese company; 2,000,000 EUR = 4,000,000 CNY
        self.assertEqual(partner.region_id, self.region["domestic"])
        self.assertEqual(partner.scale_class, "small")
        self.assertEqual(partner.segment_currency_id, self.company_jp.currency_id)

    def test_main_company_country_moves_shared_partners(self):
        partner = self.Partner.with_user(self.user_main).create(self.vals)
        self.assertEqual(partner.region_id, self.region["international"])
        self.main.country_id = self.env.ref("base.jp")
        self.assertEqual(partner.region_id, self.region["domestic"])
