import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, ormcache

from ..engine import credit as credit_rules
from ..engine import dimensions
from ..engine import policy as policy_rules

_logger = logging.getLogger(__name__)

# the shipped grade policies (data: partner_segment_policy_grade_<grade>)
DEFAULT_GRADES = ("aaa", "aa", "a", "b", "c")

# What the policies set on a customer: {proposal target: (res.partner field,
# res.partner field keeping the value a policy last applied)}
POLICY_TARGETS = {
    "credit_limit": ("credit_limit", "segment_policy_credit_limit"),
    "payment_term": ("property_payment_term_id", "segment_policy_payment_term_id"),
    "pricelist": ("specific_property_product_pricelist", "segment_policy_pricelist_id"),
}


# set in a transaction's post-commit data when it changed the check rules
RULES_CHANGED_KEY = "partner_segment.check_rules"

# the fields of a policy the credit check reads: writing one clears the rules
# cached for the check
CHECK_FIELDS = frozenset(
    {
        "active",
        "company_id",
        "priority",
        "credit_grade",
        "class_id",
        "dimension_key",
        "class_key",
        "check_action",
        "overdue_tolerance_days",
    }
)


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
    _inherit = ["mail.thread"]
    _description = "Customer Segment Policy"
    _order = "priority, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    priority = fields.Integer(
        default=10,
        tracking=True,
        help="The first matching policy, lowest first, wins for each field.",
    )
    credit_grade = fields.Selection(
        lambda self: dimensions.selection("credit_grade"),
        tracking=True,
        help="Applies to the customers of this credit grade.",
    )
    class_id = fields.Many2one(
        "partner.segment.class",
        "Class",
        ondelete="cascade",
        tracking=True,
        help="Applies to the customers of this class of a user-defined dimension.",
    )
    dimension_key = fields.Selection(
        lambda self: self._selection_dimension_key(),
        "Built-in Dimension",
        tracking=True,
        help="With the class below: applies to the customers of a class of "
        "another built-in dimension (value tier, lifecycle…).",
    )
    class_key = fields.Char(
        "Built-in Class Key",
        tracking=True,
        help="Key of the class of the built-in dimension.",
    )
    builtin_class = fields.Selection(
        selection="_selection_builtin_class",
        string="Built-in Class",
        compute="_compute_builtin_class",
        readonly=False,
        help="Applies to the customers of a class of another built-in dimension "
        "(value tier, lifecycle…): the dimension and the class in one choice.",
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
        tracking=True,
    )
    credit_limit_amount = fields.Monetary(currency_field="currency_id", tracking=True)
    credit_limit_multiple = fields.Float(
        tracking=True,
        help="Credit limit = this × the customer's window revenue per month.",
    )
    credit_limit_rounding = fields.Monetary(
        "Rounded To",
        currency_field="currency_id",
        default=1000.0,
        tracking=True,
        help="The limit is rounded to a multiple of this amount.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        "Customer Payment Term",
        check_company=True,
        tracking=True,
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        tracking=True,
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
        tracking=True,
    )
    overdue_tolerance_days = fields.Integer(
        "Overdue Tolerance (Days)",
        tracking=True,
        help="A customer with an invoice overdue beyond this many days is treated "
        "as over the limit. Zero: overdue is not checked.",
    )

    target_label = fields.Char("Applies To", compute="_compute_target_label")

    @api.model
    def _selection_dimension_key(self):
        return [
            (d.key, d.label)
            for d in dimensions.all_dimensions()
            if d.per_company and d.override and d.classes and d.key != "credit_grade"
        ]

    @api.model
    def _selection_builtin_class(self):
        """[("<dimension>:<class>", "<Dimension>: <Class>")] of the dimensions
        of ``dimension_key``, with the customer fields' (translated) labels."""
        partner = self.env["res.partner"]
        options = []
        for key, _label in self._selection_dimension_key():
            field = partner._fields.get(dimensions.get(key).field_name)
            if not field:
                continue
            label = field.get_description(self.env)["string"]
            options.extend(
                (f"{key}:{class_key}", f"{label}: {class_label}")
                for class_key, class_label in field._description_selection(self.env)
            )
        return options

    @api.depends("dimension_key", "class_key")
    def _compute_builtin_class(self):
        options = {key for key, _label in self._selection_builtin_class()}
        for policy in self:
            value = f"{policy.dimension_key}:{policy.class_key}"
            policy.builtin_class = value if value in options else False

    @api.model
    def _split_builtin_class(self, value):
        dimension_key, _sep, class_key = (value or "").partition(":")
        return {
            "dimension_key": dimension_key or False,
            "class_key": class_key or False,
        }

    @api.depends("credit_grade", "class_id", "dimension_key", "class_key")
    def _compute_target_label(self):
        for policy in self:
            if policy.class_id:
                policy.target_label = (
                    f"{policy.class_id.dimension_id.name}: {policy.class_id.name}"
                )
                continue
            key = "credit_grade" if policy.credit_grade else policy.dimension_key
            value = policy.credit_grade or policy.class_key
            field = self.env["res.partner"]._fields.get(key or "")
            if not field or not value:
                policy.target_label = value or False
                continue
            description = field.get_description(self.env)
            label = dict(description["selection"]).get(value, value)
            policy.target_label = f"{description['string']}: {label}"

    @api.constrains(
        "credit_limit_mode",
        "credit_limit_amount",
        "credit_limit_multiple",
        "credit_limit_rounding",
        "overdue_tolerance_days",
    )
    def _check_amounts(self):
        for policy in self:
            if (
                min(
                    policy.credit_limit_amount,
                    policy.credit_limit_multiple,
                    policy.credit_limit_rounding,
                    policy.overdue_tolerance_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The policy %(name)s: the credit limit, its multiple, its "
                        "rounding and the overdue tolerance cannot be negative.",
                        name=policy.display_name,
                    )
                )

    @api.constrains(
        "company_id", "credit_grade", "class_id", "dimension_key", "class_key"
    )
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

    @api.model
    def _create_default_policies(self, companies):
        """Give each of ``companies`` that has no policy yet the shipped grade
        policies (data, the main company's), archived, as copies: a manager
        activates those wanted, company by company."""
        defaults = self.browse()
        for grade in DEFAULT_GRADES:
            default = self.env.ref(
                f"partner_segment.partner_segment_policy_grade_{grade}",
                raise_if_not_found=False,
            )
            if default:
                defaults |= default
        Policy = self.sudo().with_context(
            active_test=False, mail_create_nolog=True, tracking_disable=True
        )
        for company in companies:
            if not defaults or Policy.search_count(
                [("company_id", "=", company.id)], limit=1
            ):
                continue
            defaults.with_env(Policy.env).copy(
                {"company_id": company.id, "active": False}
            )

    @api.model
    def _create_default_policies_all(self):
        """At install: every company's defaults (the data made the main's)."""
        self._create_default_policies(
            self.env["res.company"].sudo().with_context(active_test=False).search([])
        )

    def action_propose(self):
        """Propose what the active policies of the companies of these policies
        (the current company's without any) would set, for all their customers."""
        companies = self.company_id or self.env.company
        return self._action_propose(companies)

    @api.model
    def _action_propose(self, companies, partners=None):
        """Compute the proposals of ``companies`` (for ``partners`` only, when
        given) and open the open proposals.  The Propose button, the customer
        list's action and the settings all come here."""
        self._check_policy_manager()
        Proposal = self.env["partner.segment.policy.proposal"]
        count = 0
        for company in companies:
            count += self._propose(company, partners=partners)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segment.partner_segment_policy_proposal_action"
        )
        action["domain"] = [
            ("company_id", "in", companies.ids),
            ("state", "=", "proposed"),
        ]
        if partners is not None:
            action["domain"].append(("partner_id", "in", partners.ids))
        if not count and not Proposal.search_count(action["domain"], limit=1):
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "The policies propose no change: every customer they cover "
                        "already has what they would set."
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return action

    @api.model
    def _check_policy_manager(self):
        if not (
            self.env.su
            or self.env.user.has_group("partner_segment.partner_segment_group_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Segments managers may propose or apply what the "
                    "policies set."
                )
            )

    @api.model
    def _propose(self, company, partners=None):
        """Store what the active policies of ``company`` would change.

        One grouped query reads, for every customer a policy covers (or the
        given ``partners``), the first policy in priority per target, the
        window revenue, the current values and the values a policy last
        applied; only the differences become proposals (inserted in bulk),
        replacing the company's open ones.  A proposal the manager rejected
        is not proposed again while neither value moves.

        :return: the number of proposals stored
        """
        Proposal = self.env["partner.segment.policy.proposal"]
        self._lock_proposals(company)
        # the policies list shows the archived ones too (active_test off):
        # only active policies and customers count
        policies = (
            self.sudo()
            .with_company(company)
            .with_context(active_test=True)
            .search([("company_id", "=", company.id)], order="priority, id")
        )
        rows = self._read_policy_rows(company, policies, partners) if policies else []
        proposals = self._diff_rows(company, policies, rows)
        Proposal._replace_open(company, partners, proposals)
        return len(proposals)

    @api.model
    def _propose_daily(self, company):
        """The scheduled action's step: propose, unless a manager is applying."""
        try:
            with self.env.cr.savepoint():
                return self._propose(company)
        except UserError as error:
            _logger.info(
                "partner_segment: no policy proposals for company %s: %s",
                company.id,
                error,
            )
            return 0

    @api.model
    def _lock_proposals(self, company):
        """One proposal run or application per company at a time."""
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                # a fixed key for this kind of lock, then the company
                16016,
                company.id,
            )
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "The policy proposals of %(company)s are being computed or "
                    "applied right now; try again in a moment.",
                    company=company.name,
                )
            )

    @api.model
    def _policy_match_query(self, company, policies, partners):
        """SQL of (partner id, rank, policy id): every customer each policy covers."""
        Partner = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .with_context(active_test=True)
        )
        base = [("company_id", "in", [False, company.id])]
        if partners is not None:
            base.append(("id", "in", partners.ids))
        parts = []
        for rank, policy in enumerate(policies):
            query = Partner._search(policy._get_partner_domain() + base)
            query.add_where(
                SQL(
                    "%s = %s",
                    SQL.identifier(query.table, "id"),
                    SQL.identifier(query.table, "commercial_partner_id"),
                )
            )
            select = query.select(
                SQL(
                    "%s, %s, %s",
                    SQL.identifier(query.table, "id"),
                    rank,
                    policy.id,
                )
            )
            parts.append(SQL("(%s)", select))
        return SQL(" UNION ALL ").join(parts)

    @api.model
    def _read_policy_rows(self, company, policies, partners):
        """Per covered customer: its winning policy per target, revenue, current
        and last applied values (typed), in one query."""
        Partner = self.env["res.partner"].sudo().with_company(company)
        Partner.flush_model()
        self.env["partner.segment.class"].flush_model()
        key = str(company.id)
        setters = {
            "credit_limit": policies.filtered(
                lambda p: p.credit_limit_mode != "none"
            ).ids,
            "payment_term": policies.filtered("payment_term_id").ids,
            "pricelist": policies.filtered("pricelist_id").ids,
        }

        def fallback(fname):
            value = Partner._fields[fname].get_company_dependent_fallback(Partner)
            return value.id if hasattr(value, "id") else value

        def column(fname, cast, default=None):
            value = SQL("(%s ->> %s)::%s", SQL.identifier("rp", fname), key, SQL(cast))
            if default:
                return SQL("COALESCE(%s, %s)", value, default)
            return value

        self.env.cr.execute(
            SQL(
                """
                WITH matches(partner_id, rank, policy_id) AS (%(matches)s),
                     -- per customer, the first policy in rank that sets each field
                     winners AS (
                         SELECT partner_id,
                                (array_agg(policy_id ORDER BY rank)
                                    FILTER (WHERE policy_id = ANY(%(lim)s)))[1] AS lim,
                                (array_agg(policy_id ORDER BY rank)
                                    FILTER (WHERE policy_id = ANY(%(term)s)))[1] AS term,
                                (array_agg(policy_id ORDER BY rank)
                                    FILTER (WHERE policy_id = ANY(%(pl)s)))[1] AS pl
                           FROM matches
                       GROUP BY partner_id
                     )
                SELECT rp.id, w.lim, w.term, w.pl,
                       %(revenue)s, %(limit)s, %(term_id)s, %(pricelist)s,
                       %(last_limit)s, %(last_term)s, %(last_pricelist)s
                  FROM winners w
                  JOIN res_partner rp ON rp.id = w.partner_id
                 WHERE w.lim IS NOT NULL OR w.term IS NOT NULL OR w.pl IS NOT NULL
                """,
                matches=self._policy_match_query(company, policies, partners),
                lim=setters["credit_limit"],
                term=setters["payment_term"],
                pl=setters["pricelist"],
                revenue=column("segment_revenue", "float", SQL("0.0")),
                limit=column(
                    "credit_limit", "float", SQL("%s", fallback("credit_limit") or 0.0)
                ),
                term_id=column(
                    "property_payment_term_id",
                    "int",
                    fallback("property_payment_term_id")
                    and SQL("%s", fallback("property_payment_term_id")),
                ),
                pricelist=column("specific_property_product_pricelist", "int"),
                last_limit=column("segment_policy_credit_limit", "float"),
                last_term=column("segment_policy_payment_term_id", "int"),
                last_pricelist=column("segment_policy_pricelist_id", "int"),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _diff_rows(self, company, policies, rows):
        """The proposals (dicts of column values) where a policy would change a
        value; plain Python over the rows of :meth:`_read_policy_rows`."""
        # what each policy sets, read once into plain values: the loop below
        # runs once per customer and makes no ORM call
        limits = {
            p.id: (
                p.credit_limit_mode,
                p.credit_limit_amount,
                p.credit_limit_multiple,
                p.credit_limit_rounding,
            )
            for p in policies
        }
        proposed_ids = {
            "payment_term": {p.id: p.payment_term_id.id for p in policies},
            "pricelist": {p.id: p.pricelist_id.id for p in policies},
        }
        digits = company.currency_id.decimal_places
        window_days = company.segment_window_days
        credit_limit, is_hand_set = policy_rules.credit_limit, policy_rules.is_hand_set
        proposals = []
        for row in rows:
            (pid, limit_policy, term_policy, pl_policy, revenue, limit, term) = row[:7]
            pricelist, last_limit, last_term, last_pricelist = row[7:]
            if limit_policy:
                proposed = round(
                    credit_limit(*limits[limit_policy], revenue, window_days), digits
                )
                current = round(limit or 0.0, digits)
                if proposed != current:
                    last = None if last_limit is None else round(last_limit, digits)
                    proposals.append(
                        {
                            "partner_id": pid,
                            "target": "credit_limit",
                            "policy_id": limit_policy,
                            "current_amount": current,
                            "proposed_amount": proposed,
                            "hand_set": is_hand_set(current, last, 0.0),
                        }
                    )
            for target, policy_id, current, last in (
                ("payment_term", term_policy, term, last_term),
                ("pricelist", pl_policy, pricelist, last_pricelist),
            ):
                if not policy_id:
                    continue
                proposed = proposed_ids[target][policy_id]
                if proposed != current:
                    proposals.append(
                        {
                            "partner_id": pid,
                            "target": target,
                            "policy_id": policy_id,
                            "current_record_id": current,
                            "proposed_record_id": proposed,
                            "hand_set": is_hand_set(current, last),
                        }
                    )
        return proposals

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

    # ------------------------------------------------------------ check rules
    @api.model
    def _get_check_rules(self, company):
        """The credit check's policies of ``company``: a tuple of
        :class:`~..engine.credit.CheckRule`, first in priority first.

        The active policies with a check action, as plain data with each
        one's customers as an SQL condition on ``res_partner``, kept in the
        registry's cache: a posting reads no policy from the database.  Any
        change to a policy, or the removal of a class or dimension, clears it
        (:meth:`_clear_check_rules`).  A transaction that changed policies
        reads them afresh until it commits: its changes are not for the other
        requests' eyes yet.
        """
        if self.env.cr.postcommit.data.get(RULES_CHANGED_KEY):
            return self._compute_check_rules(company.id)
        return self._get_check_rules_cached(company.id)

    @api.model
    @ormcache("company_id")
    def _get_check_rules_cached(self, company_id):
        return self._compute_check_rules(company_id)

    @api.model
    def _compute_check_rules(self, company_id):
        # as superuser: an invoicing user who posts need not read the policies
        # or the classes (a user-defined dimension may be kept to segment users)
        company = self.env["res.company"].browse(company_id)
        Policy = self.sudo().with_company(company).with_context(active_test=True)
        Partner = self.env["res.partner"].sudo().with_company(company)
        rules = []
        for policy in Policy.search(
            [("company_id", "=", company_id), ("check_action", "!=", "none")]
        ):
            query = Partner._where_calc(policy._get_partner_domain(), active_test=False)
            # the classes are res.partner's own columns: a condition on the
            # row; a domain that needs a join becomes a subquery
            condition = query.where_clause
            if query._joins:
                condition = SQL(
                    "%s IN %s", SQL.identifier("res_partner", "id"), query.subselect()
                )
            rules.append(
                credit_rules.CheckRule(
                    policy_id=policy.id,
                    action=policy.check_action,
                    tolerance=policy.overdue_tolerance_days,
                    condition=condition,
                )
            )
        return tuple(rules)

    @api.model
    def _rule_index_sql(self, rules):
        """SQL of the index in ``rules`` of the first whose condition the row
        of ``res_partner`` meets, else NULL."""
        if not rules:
            return SQL("NULL::int")
        return SQL(
            "CASE %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", rule.condition, index)
                for index, rule in enumerate(rules)
            ),
        )

    @api.model
    def _get_partner_policies(self, partners, company=None):
        """{partner id: policy} of the policies with a check action that
        cover ``partners`` (their commercial partners are not looked up) in
        ``company`` (the current one by default), first in priority: the
        cached rules and one query.  Partners no policy covers are left out;
        the policies are returned as superuser."""
        company = company or self.env.company
        rules = self._get_check_rules(company)
        if not rules or not partners:
            return {}
        rows = self.env.execute_query(
            SQL(
                "SELECT res_partner.id, %s FROM res_partner"
                " WHERE res_partner.id = ANY(%s)",
                self._rule_index_sql(rules),
                partners.ids,
            )
        )
        Policy = self.sudo()
        return {
            partner_id: Policy.browse(rules[index].policy_id)
            for partner_id, index in rows
            if index is not None
        }

    def _clear_check_rules(self):
        """Clear the cached check rules now and once more after the commit:
        another thread of this server may have filled the cache in between
        (from a snapshot without the change).  The registry tells the other
        servers.  Until the commit, this transaction does not use the cache
        (:meth:`_get_check_rules`).

        A thread whose snapshot predates the commit can still fill the cache
        after that second clear; it stays until the next policy change, as
        any of Odoo's ``ormcache``s in a threaded server (multi-process
        servers clear it at their next request)."""
        self.env.registry.clear_cache()
        postcommit = self.env.cr.postcommit
        if not postcommit.data.get(RULES_CHANGED_KEY):
            postcommit.data[RULES_CHANGED_KEY] = True
            postcommit.add(self.env.registry.clear_cache)

    def _affects_check(self):
        """Whether any of these policies is among the cached check rules:
        active, with a check action."""
        return any(policy.active and policy.check_action != "none" for policy in self)

    @api.model_create_multi
    def create(self, vals_list):
        # the built-in class is stored as its two keys before the constraints
        # run (an inverse would run after them)
        vals_list = [
            {
                **{k: v for k, v in vals.items() if k != "builtin_class"},
                **self._split_builtin_class(vals["builtin_class"]),
            }
            if "builtin_class" in vals
            else vals
            for vals in vals_list
        ]
        policies = super().create(vals_list)
        if policies._affects_check():
            self._clear_check_rules()
        return policies

    def write(self, vals):
        if "builtin_class" in vals:
            vals = dict(vals)
            vals.update(self._split_builtin_class(vals.pop("builtin_class")))
        affected = vals.keys() & CHECK_FIELDS and self.sudo()._affects_check()
        result = super().write(vals)
        if affected or (vals.keys() & CHECK_FIELDS and self.sudo()._affects_check()):
            self._clear_check_rules()
        return result

    def unlink(self):
        affected = self.sudo()._affects_check()
        result = super().unlink()
        if affected:
            self._clear_check_rules()
        return result
