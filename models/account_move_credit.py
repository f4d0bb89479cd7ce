from dataclasses import dataclass

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .res_partner_credit import CONTROLLER_GROUP

# Context key of the invoices whose credit was cleared in this call (checked by
# action_post, approved, or overridden by a credit controller).  Its value is a
# CreditCleared instance, which an RPC call cannot forge (JSON has no such type).
CLEARED_KEY = "partner_segment_credit_cleared"


@dataclass(frozen=True)
class CreditCleared:
    move_ids: frozenset


def _cleared_ids(env):
    cleared = env.context.get(CLEARED_KEY)
    return cleared.move_ids if isinstance(cleared, CreditCleared) else frozenset()


class AccountMove(models.Model):
    _inherit = "account.move"

    segment_credit_warning = fields.Text(
        "Credit Check",
        compute="_compute_segment_credit_warning",
        groups="account.group_account_invoice,account.group_account_readonly",
        help="What the customer's credit policy does when this invoice is posted.",
    )
    segment_credit_approval_ids = fields.One2many(
        "partner.segment.credit.approval",
        "move_id",
        "Credit Approvals",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    segment_credit_approval_count = fields.Integer(
        compute="_compute_segment_credit_approval_count",
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    @api.depends("partner_id", "company_id", "state", "move_type", "tax_totals")
    def _compute_segment_credit_warning(self):
        # as core's partner_credit_warning: the totals the form shows, which
        # the onchange keeps current (amount_total_signed may lag there)
        checks = self._segment_credit_checks(from_totals=True)
        for move in self:
            check = checks.get(move.id)
            move.segment_credit_warning = (
                check.message if check and check.action != "none" else False
            )

    @api.depends("segment_credit_approval_ids")
    def _compute_segment_credit_approval_count(self):
        for move in self:
            move.segment_credit_approval_count = len(move.segment_credit_approval_ids)

    def _post(self, soft=True):
        self._segment_credit_enforce(soft)
        return super()._post(soft=soft)

    def action_post(self):
        """Post, or ask for what the customers' credit policies require first.

        A credit controller gets a confirmation asking the reason to post over
        the limit; under a "block unless approved" policy anybody else raises an
        approval request; under "block" posting is refused.
        """
        cleared = _cleared_ids(self.env)
        moves = self.filtered(lambda m: m.id not in cleared)
        checks = moves._segment_credit_checks(lock=True)
        for move, check in moves._segment_credit_refusals(checks):
            if self.env.user.has_group(CONTROLLER_GROUP):
                return move._segment_credit_override_action(check)
            if check.action == "approval":
                return move._segment_credit_request_action(check)
            raise UserError(check.message)
        moves._segment_credit_log_warnings(checks)
        cleared_all = CreditCleared(cleared | frozenset(checks))
        return super(
            AccountMove, self.with_context(**{CLEARED_KEY: cleared_all})
        ).action_post()

    def action_open_segment_credit_approvals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Approvals"),
            "res_model": "partner.segment.credit.approval",
            "view_mode": "list,form",
            "domain": [("move_id", "=", self.id)],
        }

    def _segment_credit_moves(self):
        """The documents the credit check covers: draft customer invoices.

        Credit notes, vendor bills and entries are never checked.
        """
        return self.filtered(
            lambda m: m.move_type == "out_invoice"
            and m.state == "draft"
            and m.partner_id
        )

    def _segment_credit_checks(self, from_totals=False, lock=False):
        """{move id: CreditCheck} for the draft customer invoices of ``self``
        whose customer a credit policy covers.

        The companies' check rules come from the registry's cache; in a
        company with any, an invoice costs one query (which finds its
        customer's rule too).  Several invoices first have their customers
        matched in one query, and only the covered ones are checked.
        """
        result = {}
        Policy = self.env["partner.segment.policy"]
        for company, moves in (
            self._segment_credit_moves().grouped("company_id").items()
        ):
            rules = Policy._get_check_rules(company)
            if not rules:
                continue
            if len(moves) > 1:
                covered = Policy._get_partner_policies(
                    moves.commercial_partner_id, company
                )
                moves = moves.browse(
                    [m.id for m in moves if m.commercial_partner_id.id in covered]
                )
            for move in moves:
                amount = move.amount_total_signed
                if from_totals and move.tax_totals:
                    amount = move.tax_totals.get("total_amount", amount)
                check = move.commercial_partner_id._segment_credit_check_rules(
                    rules,
                    amount,
                    document=move,
                    currency=company.currency_id,
                    lock=lock,
                )
                if check.policy:
                    result[move.id] = check
        return result

    def _segment_credit_enforce(self, soft):
        """Refuse the posting the credit policies refuse (any path to _post)."""
        cleared = _cleared_ids(self.env)
        moves = self._segment_credit_moves().filtered(lambda m: m.id not in cleared)
        if soft:
            today = fields.Date.context_today(self)
            # core leaves future-dated moves to the auto-post cron when soft
            moves = moves.filtered(lambda m: not m.date or m.date <= today)
        checks = moves._segment_credit_checks(lock=True)
        for move, check in moves._segment_credit_refusals(checks):
            if check.action == "approval":
                raise UserError(
                    self.env._(
                        "%(message)s\nUse Confirm on the invoice %(invoice)s to "
                        "ask a credit controller for approval.",
                        message=check.message,
                        invoice=move.display_name,
                    )
                )
            raise UserError(check.message)
        moves._segment_credit_log_warnings(checks)

    def _segment_credit_refusals(self, checks):
        """(move, check) of the moves of ``self`` whose check refuses the
        posting and that no approval covers, in order."""
        refusing = {
            move_id: check for move_id, check in checks.items() if check.refuses
        }
        if not refusing:
            return []
        approved = self.browse(list(refusing))._segment_credit_approved_amounts()
        return [
            (move, refusing[move.id])
            for move in self
            if move.id in refusing
            and not move._segment_credit_is_approved(refusing[move.id], approved)
        ]

    def _segment_credit_approved_amounts(self):
        """{move id: largest approved amount} of the approved requests of ``self``."""
        groups = (
            self.env["partner.segment.credit.approval"]
            .sudo()
            ._read_group(
                [("move_id", "in", self.ids), ("state", "=", "approved")],
                ["move_id"],
                ["amount:max"],
            )
        )
        return {move.id: amount for move, amount in groups}

    def _segment_credit_is_approved(self, check, approved):
        """Approved by a credit controller for at least the amount now asked."""
        self.ensure_one()
        if check.action != "approval" or self.id not in approved:
            return False
        rounding = self.company_id.currency_id.rounding
        return (
            float_compare(approved[self.id], check.amount, precision_rounding=rounding)
            >= 0
        )

    def _segment_credit_log_warnings(self, checks):
        for move in self:
            check = checks.get(move.id)
            if check and check.action == "warn":
                move.sudo().message_post(body=Markup("<p>%s</p>") % check.message)

    def _segment_credit_override_action(self, check):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Post over the Credit Limit"),
            "res_model": "account.move.credit.override",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_move_id": self.id,
                "default_message": check.message,
            },
        }

    def _segment_credit_request_action(self, check):
        self.ensure_one()
        request = self.env["partner.segment.credit.approval"]._request(self, check)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("Credit approval requested"),
                "message": self.env._(
                    "%(invoice)s waits for a credit controller's approval "
                    "(%(request)s); it is posted once approved.",
                    invoice=self.display_name,
                    request=request.display_name,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
