from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import dimensions


class PartnerSegmentPolicy(models.Model):
    """What a class of customers gets (分级政策): limit, term, pricelist, check.

    A policy applies to the customers of one class: a credit grade
    (``credit_grade``), a class of a user-defined dimension (``class_id``), or
    a class of another built-in dimension (``dimension_key`` and
    ``class_key``).  For each field it sets, the first matching policy in
    ``priority`` order wins.  :meth:`_get_partner_domain` gives the customers
    it covers as a ``res.partner`` domain, evaluated in the policy's company.
    """

    _name = "partner.segment.policy"
    _description = "Customer Segment Policy"
    _order = "priority, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    priority = fields.Integer(
        default=10, help="The first matching policy, lowest first, wins for each field."
    )
    credit_grade = fields.Selection(
        lambda self: dimensions.selection("credit_grade"),
        help="Applies to the customers of this credit grade.",
    )
    class_id = fields.Many2one(
        "partner.segment.class",
        "Class",
        ondelete="cascade",
        help="Applies to the customers of this class of a user-defined dimension.",
    )
    dimension_key = fields.Selection(
        lambda self: self._selection_dimension_key(),
        "Built-in Dimension",
        help="With the class below: applies to the customers of a class of "
        "another built-in dimension (value tier, lifecycle…).",
    )
    class_key = fields.Char(
        "Built-in Class", help="Key of the class of the built-in dimension."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit_mode = fields.Selection(
        [
            ("none", "Not set"),
            ("fixed", "Fixed amount"),
            ("revenue_multiple", "Multiple of the average monthly revenue"),
        ],
        "Credit Limit",
        required=True,
        default="none",
    )
    credit_limit_amount = fields.Monetary(currency_field="currency_id")
    credit_limit_multiple = fields.Float(
        help="Credit limit = this × the customer's window revenue per month."
    )
    credit_limit_rounding = fields.Monetary(
        "Rounded To",
        currency_field="currency_id",
        default=1000.0,
        help="The limit is rounded to a multiple of this amount.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        "Customer Payment Term",
        check_company=True,
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
    )
    check_action = fields.Selection(
        [
            ("none", "None"),
            ("warn", "Warn"),
            ("block", "Block"),
            ("approval", "Block unless approved"),
        ],
        "Credit Check",
        required=True,
        default="none",
    )
    overdue_tolerance_days = fields.Integer(
        "Overdue Tolerance (Days)",
        help="A customer with an invoice overdue beyond this many days is treated "
        "as over the limit. Zero: overdue is not checked.",
    )

    @api.model
    def _selection_dimension_key(self):
        return [
            (d.key, d.label)
            for d in dimensions.all_dimensions()
            if d.per_company and d.override and d.classes and d.key != "credit_grade"
        ]

    @api.constrains("credit_grade", "class_id", "dimension_key", "class_key")
    def _check_target(self):
        for policy in self:
            targets = [
                bool(policy.credit_grade),
                bool(policy.class_id),
                bool(policy.dimension_key or policy.class_key),
            ]
            if sum(targets) != 1 or (
                targets[2] and not (policy.dimension_key and policy.class_key)
            ):
                raise ValidationError(
                    self.env._(
                        "The policy %(name)s applies to exactly one class: a credit "
                        "grade, a class of a user-defined dimension, or a built-in "
                        "dimension and one of its classes.",
                        name=policy.display_name,
                    )
                )
            if (
                policy.dimension_key
                and policy.class_key
                not in dimensions.get(policy.dimension_key).class_keys()
            ):
                raise ValidationError(
                    self.env._(
                        "%(key)s is not a class of %(dimension)s (policy %(name)s).",
                        key=policy.class_key,
                        dimension=dimensions.get(policy.dimension_key).label,
                        name=policy.display_name,
                    )
                )

    def _get_partner_domain(self):
        """The customers this policy covers, as a domain on ``res.partner``.

        Read it with ``with_company(policy.company_id)``: the classes are
        company-dependent fields.
        """
        self.ensure_one()
        if self.credit_grade:
            return [("credit_grade", "=", self.credit_grade)]
        if self.class_id:
            field_name = self.class_id.dimension_id._field_key()
            return [(field_name, "=", self.class_id.code)]
        return [(dimensions.get(self.dimension_key).field_name, "=", self.class_key)]

    @api.model
    def _get_partner_policies(self, partners, company=None, field_name="check_action"):
        """The policy that sets ``field_name`` for each partner: {partner id: policy}.

        The first active policy of ``company`` (the current one by default), in
        ``priority`` order, whose class the partner is in and which sets the
        field (a ``check_action`` other than ``none``).  One search for the
        policies, then each policy's domain is evaluated on the partners in
        memory (``filtered_domain`` in the company, as the classes are company
        dependent): no query per partner.  Partners no policy covers are left
        out.  The policies are returned as superuser: an invoicing user who
        posts need not read the policies to be checked by them.
        """
        company = company or self.env.company
        if not partners:
            return {}
        domain = [("company_id", "=", company.id)]
        if field_name == "check_action":
            domain.append(("check_action", "!=", "none"))
        # one query for the policies and what their domains and the check read
        policies = self.sudo().search_fetch(
            domain,
            [
                "credit_grade",
                "class_id",
                "dimension_key",
                "class_key",
                "check_action",
                "overdue_tolerance_days",
            ],
        )
        result = {}
        remaining = partners.with_company(company)
        for policy in policies:
            if not remaining:
                break
            matched = remaining.filtered_domain(policy._get_partner_domain())
            for partner in matched:
                result[partner.id] = policy
            remaining -= matched
        return result
