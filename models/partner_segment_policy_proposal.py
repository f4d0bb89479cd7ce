import io
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from .partner_segment_policy import POLICY_TARGETS

# the columns of a proposal's values, in the order _replace_open reads them
VALUE_COLUMNS = (
    "current_amount",
    "proposed_amount",
    "current_record_id",
    "proposed_record_id",
)
# the model of the record a term or pricelist proposal holds
TARGET_MODELS = {
    "payment_term": "account.payment.term",
    "pricelist": "product.pricelist",
}


class PartnerSegmentPolicyProposal(models.Model):
    """A change the policies propose for one customer and one field.

    Only differences are stored: what a policy would set where the customer
    has something else.  The manager applies or rejects them; applying writes
    the values, grouped, with the chatter's tracking and a history row.
    """

    _name = "partner.segment.policy.proposal"
    _description = "Customer Segment Policy Proposal"
    _order = "hand_set, partner_id, target, id"
    _rec_name = "partner_id"
    # A run stores one row per customer and field (189,000 at 100,000
    # customers): each foreign key costs PostgreSQL a check per row, so the
    # log columns (two of them foreign keys) give way to when the row was
    # proposed and who applied or rejected it.
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    target = fields.Selection(
        [
            ("credit_limit", "Credit Limit"),
            ("payment_term", "Payment Term"),
            ("pricelist", "Pricelist"),
        ],
        "Field",
        required=True,
        readonly=True,
    )
    policy_id = fields.Many2one(
        "partner.segment.policy", required=True, ondelete="cascade", readonly=True
    )
    class_label = fields.Char("Class", related="policy_id.target_label")
    current_amount = fields.Monetary("Current Limit", readonly=True)
    proposed_amount = fields.Monetary("Proposed Limit", readonly=True)
    # The term or pricelist, current and proposed, as plain ids of the
    # target's model (TARGET_MODELS): four foreign keys, each checked by
    # PostgreSQL on every row inserted (and empty on most), cost a proposal
    # run more than everything else it does.  The records are computed below.
    current_record_id = fields.Integer(readonly=True)
    proposed_record_id = fields.Integer(readonly=True)
    current_payment_term_id = fields.Many2one(
        "account.payment.term", "Current Term", compute="_compute_records"
    )
    proposed_payment_term_id = fields.Many2one(
        "account.payment.term", "Proposed Term", compute="_compute_records"
    )
    current_pricelist_id = fields.Many2one(
        "product.pricelist", "Current Pricelist", compute="_compute_records"
    )
    proposed_pricelist_id = fields.Many2one(
        "product.pricelist", "Proposed Pricelist", compute="_compute_records"
    )
    current_value = fields.Char("Current", compute="_compute_values")
    proposed_value = fields.Char("Proposed", compute="_compute_values")
    state = fields.Selection(
        [("proposed", "Proposed"), ("applied", "Applied"), ("rejected", "Rejected")],
        default="proposed",
        required=True,
        index=True,
        readonly=True,
    )
    proposed_on = fields.Datetime(
        "Proposed On",
        readonly=True,
        default=fields.Datetime.now,
        help="When a proposal run first proposed this change.",
    )
    decided_by_id = fields.Many2one(
        "res.users", "Decided By", readonly=True, ondelete="set null"
    )
    decided_on = fields.Datetime("Decided On", readonly=True)
    hand_set = fields.Boolean(
        "Set by Hand",
        readonly=True,
        help="The customer's value was set by hand after a policy last applied one "
        "(or before any policy did): Apply leaves it; Overwrite replaces it.",
    )

    @api.depends("target", "current_record_id", "proposed_record_id")
    def _compute_records(self):
        """The term or pricelist of each side; one deleted since is empty."""
        existing = {
            model: set(
                self.env[model]
                .browse(
                    {
                        record_id
                        for proposal in self
                        if proposal.target == target
                        for record_id in (
                            proposal.current_record_id,
                            proposal.proposed_record_id,
                        )
                        if record_id
                    }
                )
                .exists()
                .ids
            )
            for target, model in TARGET_MODELS.items()
        }
        for proposal in self:
            for target, model in TARGET_MODELS.items():
                for side in ("current", "proposed"):
                    record_id = proposal[f"{side}_record_id"]
                    proposal[f"{side}_{target}_id"] = (
                        record_id
                        if proposal.target == target and record_id in existing[model]
                        else False
                    )

    @api.depends(
        "target",
        "current_amount",
        "proposed_amount",
        *(
            f"{side}_{target}_id"
            for target in TARGET_MODELS
            for side in ("current", "proposed")
        ),
    )
    def _compute_values(self):
        for proposal in self:
            if proposal.target == "credit_limit":
                proposal.current_value = formatLang(
                    self.env, proposal.current_amount, currency_obj=proposal.currency_id
                )
                proposal.proposed_value = formatLang(
                    self.env,
                    proposal.proposed_amount,
                    currency_obj=proposal.currency_id,
                )
            else:
                proposal.current_value = proposal[
                    f"current_{proposal.target}_id"
                ].display_name
                proposal.proposed_value = proposal[
                    f"proposed_{proposal.target}_id"
                ].display_name

    # ------------------------------------------------------------ actions
    def action_apply(self):
        """Apply the selected proposals, leaving the values set by hand."""
        return self._apply(overwrite=False)

    def action_overwrite(self):
        """Apply the selected proposals, values set by hand included."""
        return self._apply(overwrite=True)

    def action_reject(self):
        self.env["partner.segment.policy"]._check_policy_manager()
        open_proposals = self.filtered(lambda p: p.state == "proposed")
        open_proposals._decide("rejected")
        return self._notify(
            self.env._("%(count)s proposals rejected.", count=len(open_proposals))
        )

    # ------------------------------------------------------------ helpers
    def _apply(self, overwrite):
        Policy = self.env["partner.segment.policy"]
        Policy._check_policy_manager()
        self.check_access("write")
        applied = self.browse()
        skipped = self.browse()
        for company, proposals in self.grouped("company_id").items():
            Policy._lock_proposals(company)
            proposals = proposals.filtered(lambda p: p.state == "proposed")
            # a term or pricelist deleted since it was proposed: nothing to apply
            stale = proposals.filtered(
                lambda p: p.target != "credit_limit" and not p._proposed_value()
            )
            stale.unlink()
            proposals -= stale
            proposals._mark_changed_since(company)
            todo = (
                proposals if overwrite else proposals.filtered(lambda p: not p.hand_set)
            )
            todo._write_partners(company)
            applied |= todo
            skipped |= proposals - todo
        applied._decide("applied")
        message = self.env._("%(count)s proposals applied.", count=len(applied))
        if skipped:
            message = self.env._(
                "%(count)s proposals applied; %(skipped)s left for values set by hand "
                "(select them and use Overwrite to replace those).",
                count=len(applied),
                skipped=len(skipped),
            )
        return self._notify(message)

    def _decide(self, state):
        self.write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )

    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _current_values(self, company):
        """{(partner id, target): current value} of these proposals' customers."""
        Partner = self.env["res.partner"].sudo().with_company(company)
        result = {}
        for target, (fname, _last) in POLICY_TARGETS.items():
            partners = self.filtered(lambda p, t=target: p.target == t).partner_id
            if not partners:
                continue
            values = Partner.browse(partners.ids)
            for partner in values:
                value = partner[fname]
                result[partner.id, target] = (
                    value.id if target != "credit_limit" else value
                )
        return result

    def _mark_changed_since(self, company):
        """Proposals whose customer's value moved since they were computed become
        set by hand: someone changed it in between."""
        currency = company.currency_id
        current = self._current_values(company)
        changed_ids = []
        for proposal in self:
            value = current.get((proposal.partner_id.id, proposal.target))
            if proposal.target == "credit_limit":
                moved = currency.compare_amounts(value or 0.0, proposal.current_amount)
            else:
                moved = (value or False) != proposal._current()
            if moved:
                changed_ids.append(proposal.id)
        self.browse(changed_ids).write({"hand_set": True})

    def _proposed_value(self):
        self.ensure_one()
        if self.target == "credit_limit":
            return self.proposed_amount
        return self[f"proposed_{self.target}_id"].id

    def _current(self):
        self.ensure_one()
        if self.target == "credit_limit":
            return self.current_amount
        return self[f"current_{self.target}_id"].id

    def _write_partners(self, company):
        """Write the proposed values, one write per field and value, with
        tracking and one history row per change."""
        groups = defaultdict(list)
        for proposal in self:
            groups[proposal.target, proposal._proposed_value()].append(proposal)
        Partner = self.env["res.partner"].sudo().with_company(company)
        for (target, value), proposals in groups.items():
            fname, last_fname = POLICY_TARGETS[target]
            partners = Partner.browse([p.partner_id.id for p in proposals])
            # sudo: a segment manager applies the policies' values, which the
            # fields' own groups (invoicing) would refuse; the author stays
            partners.write({fname: value or False, last_fname: value or False})
        self.env["partner.segment.history"].sudo()._log_changes(
            [
                (
                    p.partner_id.id,
                    company.id,
                    POLICY_TARGETS[p.target][0],
                    p._current(),
                    p._proposed_value(),
                )
                for p in self
            ],
            "policy",
        )

    @api.model
    def _replace_open(self, company, partners, proposals):
        """Make ``proposals`` (dicts) the open proposals of ``company`` (of
        ``partners`` only, when given), leaving out those equal to a rejected
        one.  An open proposal the run proposes again unchanged stays as it
        is; only the others are deleted and the new ones inserted, in one
        statement each: the daily run of a stable customer base writes little.

        :return: the number of open proposals the run leaves
        """
        self.flush_model()
        partner_filter = SQL()
        if partners is not None:
            partner_filter = SQL("AND partner_id = ANY(%s)", partners.ids)
        self.env.cr.execute(
            SQL(
                """
                SELECT id, state, policy_id, hand_set, partner_id, target, %s
                  FROM partner_segment_policy_proposal
                 WHERE company_id = %s AND state IN ('proposed', 'rejected') %s
                """,
                SQL(", ").join(SQL.identifier(c) for c in VALUE_COLUMNS),
                company.id,
                partner_filter,
            )
        )
        key_of = self._proposal_key
        rejected = set()
        kept = {}
        open_ids = set()
        for proposal_id, state, policy_id, hand_set, *values in self.env.cr.fetchall():
            key = key_of(*values)
            if state == "rejected":
                rejected.add(key)
            else:
                kept[key, policy_id, bool(hand_set)] = proposal_id
                open_ids.add(proposal_id)
        if not rejected and not kept:
            # nothing open nor rejected (a first run): every row is new
            self._insert_rows(company, proposals)
            self.invalidate_model()
            return len(proposals)
        rows = []
        new_rows = []
        for row in proposals:
            key = key_of(
                *(row.get(c) for c in ("partner_id", "target", *VALUE_COLUMNS))
            )
            if key in rejected:
                continue
            rows.append(row)
            kept_id = kept.pop((key, row["policy_id"], bool(row["hand_set"])), None)
            if kept_id is None:
                new_rows.append(row)
            else:
                open_ids.discard(kept_id)
        if open_ids and len(rows) == len(new_rows):
            # none kept: the company's (or these customers') open ones go
            self.env.cr.execute(
                SQL(
                    """
                    DELETE FROM partner_segment_policy_proposal
                     WHERE company_id = %s AND state = 'proposed' %s
                    """,
                    company.id,
                    partner_filter,
                )
            )
        elif open_ids:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM partner_segment_policy_proposal WHERE id = ANY(%s)",
                    sorted(open_ids),
                )
            )
        if new_rows:
            self._insert_rows(company, new_rows)
        self.invalidate_model()
        return len(rows)

    @api.model
    def _insert_rows(self, company, rows):
        """Insert open proposals (dicts) of ``company`` with one ``COPY``.

        A run stores up to two or three rows per customer: 189,000 at 100,000
        customers.  As parameters of one ``INSERT`` (arrays to unnest) they
        cost psycopg2 a second to quote and PostgreSQL another to parse and
        plan; ``COPY`` streams them.  Every value is a number, a boolean, a
        selection key or empty: nothing to escape.
        """
        columns = ("partner_id", "target", "policy_id", "hand_set", *VALUE_COLUMNS)
        fixed = f"\t{company.id}\tproposed\t{self.env.cr.now().isoformat(' ')}\n"

        def text(column, value):
            if column == "hand_set":
                return "t" if value else "f"
            # every other column holds a number, a selection key or nothing
            return "\\N" if value is None or value is False else str(value)

        buffer = io.StringIO()
        buffer.writelines(
            "\t".join([text(column, row.get(column)) for column in columns]) + fixed
            for row in rows
        )
        buffer.seek(0)
        self.env.cr.copy_expert(
            SQL(
                "COPY partner_segment_policy_proposal (%s, company_id, state, "
                "proposed_on) FROM STDIN",
                SQL(", ").join(SQL.identifier(c) for c in columns),
            ).code,
            buffer,
        )

    @api.model
    def _proposal_key(
        self, partner_id, target, current_amount, proposed_amount, *record_ids
    ):
        """What makes two proposals the same: customer, field and both values
        (the columns of ``VALUE_COLUMNS`` in order; amounts to 6 digits)."""
        return (
            partner_id,
            target,
            round(float(current_amount or 0.0), 6),
            round(float(proposed_amount or 0.0), 6),
            *(record_id or None for record_id in record_ids),
        )
