from datetime import timedelta

from odoo import api, fields, models


class PartnerSegmentFollowupRule(models.Model):
    _name = "partner.segment.followup.rule"
    _description = "Customer Follow-up Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    trigger = fields.Selection(
        [
            ("enter", "Customer enters the class"),
            ("leave", "Customer leaves the class"),
            ("periodic", "Every N days while in the class"),
        ],
        required=True,
        default="enter",
    )
    class_key = fields.Selection(
        selection="_selection_class_key",
        string="Class",
        required=True,
        help="Dimension and class the rule watches, e.g. Credit Grade: C.",
    )
    dimension = fields.Char(compute="_compute_dimension", store=True)
    interval_days = fields.Integer("Every (days)", default=30)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity Type",
        required=True,
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
    )
    assign_to = fields.Selection(
        [("salesperson", "The customer's salesperson"), ("user", "A fixed user")],
        required=True,
        default="salesperson",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Fixed User",
        help="Also used when the customer has no salesperson.",
    )
    summary = fields.Char(translate=True)
    note = fields.Html(translate=True)
    deadline_days = fields.Integer("Deadline (days)", default=3)
    activity_count = fields.Integer(
        compute="_compute_activity_count", string="Open Activities"
    )

    _sql_constraints = [
        (
            "interval_positive",
            "CHECK(trigger != 'periodic' OR interval_days > 0)",
            "A periodic follow-up needs an interval of at least one day.",
        ),
        (
            "deadline_positive",
            "CHECK(deadline_days >= 0)",
            "The deadline cannot be negative.",
        ),
    ]

    @api.model
    def _selection_class_key(self):
        partner = self.env["res.partner"]
        options = []
        for dimension in partner._segment_dimensions():
            field = partner._fields[dimension]
            label = field.get_description(self.env)["string"]
            if field.type == "many2one":
                # sudo: the labels of the classes, whoever opens the rule
                classes = [
                    (str(record.id), record.display_name)
                    for record in self.env[field.comodel_name]
                    .sudo()
                    .with_context(active_test=False)
                    .search([])
                ]
            else:
                classes = field._description_selection(self.env)
            for key, value_label in classes:
                options.append((f"{dimension}:{key}", f"{label}: {value_label}"))
        return options

    @api.depends("class_key")
    def _compute_dimension(self):
        for rule in self:
            rule.dimension = (rule.class_key or "").split(":")[0] or False

    def _compute_activity_count(self):
        counts = dict(
            self.env["mail.activity"]._read_group(
                [("segment_followup_rule_id", "in", self.ids)],
                ["segment_followup_rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.activity_count = counts.get(rule, 0)

    def _class_value(self):
        self.ensure_one()
        return self.class_key.split(":", 1)[1]

    def _class_domain(self):
        """Domain of the partners in the rule's class."""
        self.ensure_one()
        value = self._class_value()
        if self.env["res.partner"]._fields[self.dimension].type == "many2one":
            value = int(value)
        return [(self.dimension, "=", value)]

    def _matches_change(self, dimension, old, new):
        self.ensure_one()
        if self.dimension != dimension or self.trigger == "periodic":
            return False
        value = self._class_value()
        if self.trigger == "enter":
            return new == value and old != value
        return old == value and new != value

    def _create_activities(self, partners):
        """One activity of this rule per partner, unless one is already open."""
        self.ensure_one()
        if not partners:
            return self.env["mail.activity"]
        # sudo: the activities are assigned to the rule's users, whom the user
        # who triggered the run (a Reclassify, the cron) may not assign work to;
        # their values come from the rule, none from that user, and no partner
        # field is written here
        Activity = self.env["mail.activity"].sudo()
        open_ids = set(
            Activity.search(
                [
                    ("segment_followup_rule_id", "=", self.id),
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                ]
            ).mapped("res_id")
        )
        if self.trigger == "periodic":
            since = fields.Datetime.now() - timedelta(days=self.interval_days)
            open_ids |= set(
                Activity.with_context(active_test=False)
                .search(
                    [
                        ("segment_followup_rule_id", "=", self.id),
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", partners.ids),
                        ("create_date", ">", since),
                    ]
                )
                .mapped("res_id")
            )
        todo = partners.filtered(lambda p: p.id not in open_ids)
        if not todo:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id("res.partner")
        deadline = fields.Date.context_today(self) + timedelta(days=self.deadline_days)
        return Activity.create(
            [self._prepare_activity_vals(p, model_id, deadline) for p in todo]
        )

    def _prepare_activity_vals(self, partner, model_id, deadline):
        user = partner.user_id if self.assign_to == "salesperson" else self.user_id
        return {
            "res_model_id": model_id,
            "res_id": partner.id,
            "activity_type_id": self.activity_type_id.id,
            "summary": self.summary or self.name,
            "note": self.note,
            "date_deadline": deadline,
            "user_id": (user or self.user_id or self.env.user).id,
            "segment_followup_rule_id": self.id,
        }

    @api.model
    def _apply_to_changes(self, company, changes):
        """Create the activities the enter/leave rules ask for these changes.

        :param company: the company whose rules apply, or None for the rules
            of every company (moves of the scale or region, the same everywhere)
        :param changes: list of (partner_id, dimension, old, new), values as
            class keys or record ids

        A rule acts only on the customers of its own company.
        """
        key = self.env["partner.segment.history"]._key
        changes = [(pid, dim, key(old), key(new)) for pid, dim, old, new in changes]
        domain = [
            ("trigger", "!=", "periodic"),
            ("dimension", "in", list({change[1] for change in changes})),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        rules = self.search(domain)
        for rule_company, company_rules in rules.grouped("company_id").items():
            matches = {
                rule: {
                    pid
                    for pid, dim, old, new in changes
                    if rule._matches_change(dim, old, new)
                }
                for rule in company_rules
            }
            candidates = set().union(*matches.values())
            if not candidates:
                continue
            customers = self._company_customers(rule_company, candidates)
            for rule, partner_ids in matches.items():
                rule._create_activities(
                    customers.filtered(lambda p, ids=partner_ids: p.id in ids)
                )

    @api.model
    def _run_periodic(self, company):
        """The daily pass: remind about every customer in the class of a periodic rule."""
        rules = self.search(
            [("company_id", "=", company.id), ("trigger", "=", "periodic")]
        )
        Partner = self.env["res.partner"].with_company(company)
        for rule in rules:
            partners = Partner.search(
                [*rule._class_domain(), *self._company_customer_domain(company)]
            )
            rule._create_activities(partners)

    @api.model
    def _company_customer_domain(self, company):
        """Customers of ``company``: commercial partners of the company (or shared)
        that bought from it or that its classification runs classified."""
        return [
            ("company_id", "in", [False, company.id]),
            "|",
            ("parent_id", "=", False),
            ("is_company", "=", True),
            "|",
            ("customer_rank", ">", 0),
            ("segment_classified_on", "!=", False),
        ]

    @api.model
    def _company_customers(self, company, partner_ids):
        """The customers of ``company`` among ``partner_ids``."""
        return (
            self.env["res.partner"]
            .with_company(company)
            .search(
                [
                    ("id", "in", sorted(partner_ids)),
                    *self._company_customer_domain(company),
                ]
            )
        )

    def action_open_activities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": [("segment_followup_rule_id", "=", self.id)],
        }
