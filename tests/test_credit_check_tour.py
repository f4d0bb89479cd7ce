from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCreditCheckTour(HttpCase):
    """In the browser: a blocked customer's invoice is refused; one under an
    approval policy is requested by a clerk, approved by a credit controller
    and posted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="credit_tour_clerk",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.controller = new_test_user(
            cls.env,
            login="credit_tour_controller",
            groups="base.group_user,account.group_account_invoice,"
            "partner_segment.group_credit_controller",
        )
        Partner = cls.env["res.partner"]
        cls.blocked = Partner.create({"name": "丙级巡检有限公司", "is_company": True})
        cls.approval = Partner.create({"name": "甲级巡检有限公司", "is_company": True})
        cls.blocked.write({"credit_grade": "C", "credit_limit": 1000.0})
        cls.approval.write({"credit_grade": "A", "credit_limit": 1000.0})
        cls.env["partner.segment.policy"].create(
            [
                {"name": "C 冻结", "credit_grade": "C", "check_action": "block"},
                {"name": "A 审批", "credit_grade": "A", "check_action": "approval"},
            ]
        )

    def draft_invoice(self, partner, amount):
        return (
            self.env["account.move"]
            .with_user(self.clerk)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-06-30",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "巡检货物",
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def test_credit_check_tour(self):
        blocked = self.draft_invoice(self.blocked, 1500.0)
        # the refusal is a UserError, which odoo.http logs as a warning
        with mute_logger("odoo.http"):
            self.start_tour(
                f"/odoo/action-account.action_move_out_invoice_type/{blocked.id}",
                "partner_segment_credit_block_tour",
                login=self.clerk.login,
            )
        self.assertEqual(blocked.state, "draft")

        invoice = self.draft_invoice(self.approval, 1500.0)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "partner_segment_credit_request_tour",
            login=self.clerk.login,
        )
        request = invoice.segment_credit_approval_ids
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.requester_id, self.clerk)
        self.assertEqual(invoice.state, "draft")

        self.start_tour(
            f"/odoo/action-partner_segment.partner_segment_credit_approval_action/{request.id}",
            "partner_segment_credit_approve_tour",
            login=self.controller.login,
        )
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approver_id, self.controller)
        self.assertEqual(request.decision_reason, "老客户，月底前回款")
        self.assertEqual(invoice.state, "posted")
