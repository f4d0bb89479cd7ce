from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..models.account_move_credit import CLEARED_KEY, CreditCleared
from ..models.res_partner_credit import CONTROLLER_GROUP


class AccountMoveCreditOverride(models.TransientModel):
    """A credit controller posts an invoice over the customer's credit, with a
    reason logged on the invoice and the customer."""

    _name = "account.move.credit.override"
    _description = "Post over the Credit Limit"

    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, ondelete="cascade"
    )
    message = fields.Text("Credit Check", readonly=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller may post over the credit limit.")
            )
        if not (self.reason or "").strip():
            raise UserError(
                self.env._("Give the reason to post over the credit limit.")
            )
        move = self.move_id
        body = Markup("<p>%s</p>") % self.env._(
            "Posted over the credit limit by %(user)s: %(reason)s (%(message)s)",
            user=self.env.user.name,
            reason=self.reason,
            message=self.message or "",
        )
        move.with_context(
            **{CLEARED_KEY: CreditCleared(frozenset(move.ids))}
        ).action_post()
        move.sudo().message_post(body=body)
        move.commercial_partner_id.sudo().message_post(body=body)
        return {"type": "ir.actions.act_window_close"}
