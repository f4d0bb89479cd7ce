from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import dimensions
from .res_partner_credit import CONTROLLER_GROUP


class PartnerSegmentCreditApproval(models.Model):
    """A request to post a customer invoice over the customer's credit (信用审批).

    Raised when posting an invoice whose customer's policy says "block unless
    approved"; a credit controller of the company approves or rejects it with
    a reason.  Once approved, the invoice posts while its amount stays within
    the approved one.
    """

    _name = "partner.segment.credit.approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Credit Approval Request"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        "Approved Amount",
        readonly=True,
        help="The invoice total in company currency when the approval was asked: "
        "the invoice posts while its total does not exceed it.",
    )
    exposure = fields.Monetary(readonly=True)
    credit_limit = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(readonly=True)
    credit_grade = fields.Selection(dimensions.CREDIT_GRADE.selection(), readonly=True)
    policy_id = fields.Many2one(
        "partner.segment.policy", "Policy", ondelete="set null", readonly=True
    )
    message = fields.Text("Credit Check", readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    requester_id = fields.Many2one(
        "res.users",
        "Requested By",
        default=lambda self: self.env.user,
        readonly=True,
    )
    approver_id = fields.Many2one("res.users", "Decided By", readonly=True)
    decision_reason = fields.Text("Reason", readonly=True)
    decided_on = fields.Datetime(readonly=True)

    @api.depends("move_id.name", "partner_id")
    def _compute_display_name(self):
        for approval in self:
            approval.display_name = self.env._(
                "Credit approval of %(invoice)s",
                invoice=approval.move_id.display_name or "",
            )

    def action_open_decide(self):
        """Open the approve / reject dialog (the decision comes in the context)."""
        self.ensure_one()
        self._check_controller()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Approval"),
            "res_model": "partner.segment.credit.approval.decide",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_approval_id": self.id,
                "default_decision": self.env.context.get("decision", "approve"),
            },
        }

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    @api.model
    def _request(self, move, check):
        """The pending request of ``move`` for ``check``, raised if none is.

        A new request schedules an activity for each credit controller of the
        company and is logged on the invoice and the customer.
        """
        pending = self.search(
            [("move_id", "=", move.id), ("state", "=", "pending")], limit=1
        )
        if pending:
            return pending
        request = self.create(
            {
                "move_id": move.id,
                "partner_id": check.partner.id,
                "company_id": check.company.id,
                "amount": check.amount,
                "exposure": check.exposure,
                "credit_limit": check.limit,
                "overdue_days": check.overdue_days,
                "credit_grade": check.grade or False,
                "policy_id": check.policy.id if check.policy else False,
                "message": check.message,
            }
        )
        request._schedule_controller_activities()
        request._log(
            self.env._(
                "Credit approval requested by %(user)s: %(message)s",
                user=self.env.user.name,
                message=check.message,
            )
        )
        return request

    def _decide(self, decision, reason):
        """Approve or reject with a reason (credit controllers only)."""
        self._check_controller()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the decision."))
        for approval in self:
            if approval.state != "pending":
                raise UserError(
                    self.env._(
                        "%(request)s is already %(state)s.",
                        request=approval.display_name,
                        state=dict(
                            approval._fields["state"]._description_selection(self.env)
                        )[approval.state],
                    )
                )
        self.write(
            {
                "state": "approved" if decision == "approve" else "rejected",
                "approver_id": self.env.user.id,
                "decision_reason": reason,
                "decided_on": fields.Datetime.now(),
            }
        )
        for approval in self:
            if decision == "approve":
                text = self.env._(
                    "Credit approval granted by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            else:
                text = self.env._(
                    "Credit approval rejected by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            approval._log(text)
            approval.sudo().activity_ids.action_feedback(feedback=reason)
        if decision == "approve":
            self._post_approved()
        return True

    def _post_approved(self):
        """Post the approved invoices still in draft, when the approver may."""
        moves = self.move_id.filtered(lambda m: m.state == "draft")
        if moves and moves.has_access("write"):
            moves.action_post()

    def _check_controller(self):
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller may approve or reject credit.")
            )

    def _schedule_controller_activities(self):
        group = self.env.ref(CONTROLLER_GROUP)
        for approval in self.sudo():
            users = group.users.filtered(
                lambda u, a=approval: not u.share and a.company_id in u.company_ids
            )
            for user in users:
                approval.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("Approve credit"),
                    note=approval.message,
                )

    def _log(self, text):
        """Log ``text`` on the request, its invoice and its customer."""
        body = Markup("<p>%s</p>") % text
        for approval in self.sudo():
            approval.message_post(body=body)
            approval.move_id.message_post(body=body)
            approval.partner_id.message_post(body=body)
