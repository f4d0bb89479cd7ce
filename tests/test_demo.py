from odoo.tests import TransactionCase, tagged

from ..demo import loader
from ..models.res_partner import BEHAVIOUR_DIMENSIONS


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_demo_has_members_in_every_class_of_every_dimension(self):
        loader.load(self.env)
        loader.classify(self.env)
        customers = self.env["res.partner"].browse(
            [self.env.ref(f"partner_segment.demo_partner_{i}").id for i in range(44)]
        )
        self.assertTrue(customers[0].invoice_ids)
        red = self.env["account.move"].search(
            [("partner_id", "in", customers.ids), ("red_reason", "=", "04")]
        )
        self.assertGreater(len(red), 5)
        self.assertEqual(set(red.mapped("state")), {"posted"})
        self.assertTrue(
            all(len(number) == 16 for number in red.mapped("red_form_number"))
        )
        self.assertEqual(
            set(customers.mapped("scale_class")),
            {"large", "medium", "small", "micro", False},
        )
        self.assertEqual(
            set(customers.mapped("region_id.code")),
            {
                "north",
                "northeast",
                "east",
                "central",
                "south",
                "southwest",
                "northwest",
                "international",
                "domestic",
            },
        )
        for dimension, (_label, selection) in BEHAVIOUR_DIMENSIONS.items():
            with self.subTest(dimension=dimension):
                self.assertEqual(
                    set(customers.mapped(dimension)) - {False},
                    {key for key, _value in selection},
                )
