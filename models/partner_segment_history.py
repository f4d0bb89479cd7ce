from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from ..engine import dimensions

# res.partner fields the segment policies set (partner.segment.policy.proposal)
POLICY_FIELDS = (
    "credit_limit",
    "property_payment_term_id",
    "specific_property_product_pricelist",
)


class PartnerSegmentHistory(models.Model):
    _name = "partner.segment.history"
    _description = "Customer Classification Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        ondelete="cascade",
        readonly=True,
        help="The company of a per-company class; for the scale and region, the "
        "same in every company, the customer's company (none when shared).",
    )
    dimension = fields.Selection(
        selection="_selection_dimension", required=True, index=True, readonly=True
    )
    old_value = fields.Char(readonly=True, help="Technical key of the previous class.")
    new_value = fields.Char(readonly=True, help="Technical key of the new class.")
    old_label = fields.Char("From", compute="_compute_labels")
    new_label = fields.Char("To", compute="_compute_labels")
    direction = fields.Selection(
        [
            ("up", "Up"),
            ("down", "Down"),
            ("new", "Classified"),
            ("removed", "Unclassified"),
            ("moved", "Moved"),
        ],
        readonly=True,
        index=True,
    )
    date = fields.Date(required=True, index=True, readonly=True)
    source = fields.Selection(
        [
            ("cron", "Scheduled Action"),
            ("manual", "Reclassify Button"),
            ("import", "Import"),
            ("override", "Manual Override"),
            ("unlock", "Override Removed"),
            ("input", "Customer Data Edited"),
            ("scale_rule", "Scale Rule Edited"),
            ("region", "Regions Edited"),
            ("policy", "Segment Policy"),
        ],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", readonly=True)
    change_count = fields.Integer(
        "Changes", compute="_compute_change_count", aggregator="sum"
    )

    @api.model
    def _selection_dimension(self):
        """The classification dimensions, then the fields the policies set."""
        partner = self.env["res.partner"]
        return [
            (d, partner._fields[d].get_description(self.env)["string"])
            for d in [*partner._segment_dimensions(), *POLICY_FIELDS]
        ]

    def _compute_change_count(self):
        for change in self:
            change.change_count = 1

    @api.depends("dimension", "old_value", "new_value")
    def _compute_labels(self):
        partner = self.env["res.partner"]
        for change in self:
            field = partner._fields[change.dimension]
            change.old_label = self._value_label(field, change.old_value)
            change.new_label = self._value_label(field, change.new_value)

    def _value_label(self, field, value):
        if not value:
            return ""
        if field.type == "float":
            return formatLang(self.env, float(value))
        if field.type == "many2one":
            return (
                self.env[field.comodel_name].browse(int(value)).exists().display_name
                or value
            )
        return dict(field._description_selection(self.env)).get(value, value)

    @api.model
    def _direction(self, dimension, old, new, orders=None):
        """up, down, new, removed or moved: the order of the dimension's classes
        (best first, from the registry) says whether a move is up or down;
        dimensions without a direction (region, lifecycle) just move.

        :param orders: ``dimensions.class_orders()``, read once by a caller
            that logs many changes (dimensions registered later are included)
        """
        if (
            dimension in POLICY_FIELDS
            and self.env["res.partner"]._fields[dimension].type == "float"
        ):
            return "up" if float(new or 0) > float(old or 0) else "down"
        if not old:
            return "new"
        if not new:
            return "removed"
        if orders is None:
            orders = dimensions.class_orders()
        order = orders.get(dimension)
        if not order or old not in order or new not in order:
            return "moved"
        return "up" if order.index(new) < order.index(old) else "down"

    @api.model
    def _log_changes(self, changes, source, date=None):
        """Insert one row per change, in bulk.

        :param changes: iterable of (partner_id, company_id, dimension, old, new)
            with old != new (values are class keys or record ids); a company
            of None stands for the partner's own company (none when shared)
        :param source: one of the ``source`` keys

        An append-only log written by the classification runs (up to one row per
        customer and dimension), so it is inserted with one SQL statement rather
        than one ORM create per row; it has no computed stored fields.
        """
        orders = dimensions.class_orders()
        rows = [
            (
                pid,
                cid,
                dim,
                self._key(old),
                self._key(new),
                self._direction(dim, self._key(old), self._key(new), orders),
            )
            for pid, cid, dim, old, new in changes
        ]
        if not rows:
            return 0
        date = date or fields.Date.context_today(self)
        uid = self.env.uid
        self.env["res.partner"].flush_model(["company_id"])
        columns = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO partner_segment_history
                    (partner_id, company_id, dimension, old_value, new_value, direction,
                     date, source, user_id, create_uid, write_uid, create_date, write_date)
                SELECT p, COALESCE(c, rp.company_id), d, o, n, dir, %(date)s, %(source)s,
                       %(uid)s, %(uid)s, %(uid)s,
                       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM unnest(%(p)s::int[], %(c)s::int[], %(d)s::varchar[], %(o)s::varchar[],
                              %(n)s::varchar[], %(dir)s::varchar[]) AS t(p, c, d, o, n, dir)
                  JOIN res_partner rp ON rp.id = t.p
                """,
                date=date,
                source=source,
                uid=uid,
                p=list(columns[0]),
                c=list(columns[1]),
                d=list(columns[2]),
                o=list(columns[3]),
                n=list(columns[4]),
                dir=list(columns[5]),
            )
        )
        self.invalidate_model()
        return len(rows)

    @api.model
    def _key(self, value):
        if isinstance(value, models.BaseModel):
            return str(value.id) if value else None
        return str(value) if value not in (False, None) else None
