from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_demo_loader_fills_every_class(self):
        self.env["partner.segment.demo"]._load_demo()
        partners = self.env["res.partner"].search(
            [("name", "in", ["华南电子制造有限公司", "Pacific Trading LLC"])]
        )
        self.assertEqual(len(partners), 2)
        demo = self.env.ref("partner_segment.demo_partner_0").commercial_partner_id
        self.assertTrue(demo.invoice_ids)
        customers = self.env["res.partner"].search(
            [
                (
                    "id",
                    "in",
                    [
                        self.env.ref(f"partner_segment.demo_partner_{i}").id
                        for i in range(44)
                    ],
                )
            ]
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
            },
        )
