from odoo import fields, models

from .res_partner import MONEY_GROUPS


class ResPartner(models.Model):
    """What the segment policies set on a customer, and what they last set.

    The values a policy last applied are kept per company beside the core
    fields they set, so that a value changed by hand since is recognised
    (and not overwritten unless the manager chooses to).  The core fields are
    tracked, as OCA ``account_financial_risk`` tracks ``credit_limit``.
    """

    _inherit = "res.partner"

    credit_limit = fields.Float(tracking=True)
    property_payment_term_id = fields.Many2one(tracking=True)
    specific_property_product_pricelist = fields.Many2one(tracking=True)

    segment_policy_credit_limit = fields.Float(
        "Credit Limit Set by Policy",
        company_dependent=True,
        copy=False,
        groups=MONEY_GROUPS,
        digits="Account",
        help="The credit limit a segment policy last applied in this company.",
    )
    segment_policy_payment_term_id = fields.Many2one(
        "account.payment.term",
        "Payment Term Set by Policy",
        company_dependent=True,
        copy=False,
        groups="base.group_user",
    )
    segment_policy_pricelist_id = fields.Many2one(
        "product.pricelist",
        "Pricelist Set by Policy",
        company_dependent=True,
        copy=False,
        groups="base.group_user",
    )

    def action_segment_policy_propose(self):
        """Customer list action: propose what the policies would set for the
        selected customers (their commercial partners), in the current company."""
        return self.env["partner.segment.policy"]._action_propose(
            self.env.company, partners=self.commercial_partner_id
        )
