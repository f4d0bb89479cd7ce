from odoo import fields, models


class PartnerSegmentCreditApprovalDecide(models.TransientModel):
    """A credit controller approves or rejects a credit approval request."""

    _name = "partner.segment.credit.approval.decide"
    _description = "Approve or Reject Credit"

    approval_id = fields.Many2one(
        "partner.segment.credit.approval", required=True, ondelete="cascade"
    )
    message = fields.Text(related="approval_id.message")
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject")],
        required=True,
        default="approve",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.approval_id._decide(self.decision, self.reason)
        return {"type": "ir.actions.act_window_close"}
