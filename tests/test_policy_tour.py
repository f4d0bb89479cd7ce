from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPolicyTour(HttpCase):
    def test_policy_tour(self):
        manager = new_test_user(
            self.env,
            login="policy_tour_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_manager",
        )
        company = self.env.company
        customer = self.env["res.partner"].create(
            {"name": "政策巡检客户", "is_company": True}
        )
        customer.with_company(company).write(
            {"credit_grade": "AA", "segment_revenue": 120000.0}
        )
        self.env["partner.segment.policy"].create(
            {
                "name": "Tour grade AA",
                "company_id": company.id,
                "credit_grade": "AA",
                "credit_limit_mode": "revenue_multiple",
                "credit_limit_multiple": 2.0,
                "credit_limit_rounding": 1000.0,
            }
        )
        self.start_tour(
            "/odoo/action-partner_segment.partner_segment_policy_action",
            "partner_segment_policy_tour",
            login=manager.login,
        )
        # 120,000 over a 365-day window: 10,000 a month, × 2
        self.assertEqual(customer.with_company(company).sudo().credit_limit, 20000.0)
        proposal = self.env["partner.segment.policy.proposal"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(proposal.state, "applied")
        self.assertEqual(proposal.decided_by_id, manager)
