from datetime import timedelta

import lxml.html

from .test_reclassify import AS_OF, ClassificationCase

# name, [(days before AS_OF, amount)], paid
CUSTOMERS = {
    "a": [(10 + 25 * i, 500) for i in range(12)] + [(400, 1000)],  # 12 in window
    "b": [(20, 500), (60, 500), (90, 500), (120, 500)],
    "c": [(30, 800)],
    "d": [(50, 500)],  # unpaid, 20 days overdue: grade A
    "e": [(150, 300)],  # unpaid, 120 days overdue: grade C
    "f": [(70, 200)],
    "g": [(5, 100)],  # unpaid, not due: open receivable, grade AA
    "h": [(80, 60)],
    "i": [(85, 40)],
    "lapsed": [(500, 900)],
}
UNPAID = ("d", "e", "g")


def html_tree(html):
    return lxml.html.fromstring(html.decode() if isinstance(html, bytes) else html)


def text_of(node):
    text = node.text_content().replace("\xa0", " ").replace("\ufeff", "")
    return " ".join(text.split())


class SegmentReportCase(ClassificationCase):
    """Ten customers with a known distribution, classified as of AS_OF:

    revenue a 6,000 · b 2,000 · c 800 · d 500 · e 300 · f 200 · g 100 · h 60 ·
    i 40 · lapsed 0 (history only): 10,000 in the window.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.currency_id.active = True
        cls.customers = {}
        specs = []
        for key, invoices in CUSTOMERS.items():
            partner = cls.company(f"报表客户 {key.upper()}")
            cls.customers[key] = partner
            specs += [(partner, days, amount) for days, amount in invoices]
        cls.customers["a"].write(
            {"state_id": cls.state("GD").id, "industry_id": cls.industry["C"].id}
        )
        cls.customers["b"].write({"state_id": cls.state("GD").id})
        cls.customers["c"].write({"state_id": cls.state("BJ").id})
        moves = cls.invoices(specs)
        unpaid = {cls.customers[key] for key in UNPAID}
        paid = moves.filtered(lambda m: m.partner_id not in unpaid)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"group_payment": True})._create_payments()
        cls.engine._reclassify(cls.env.company, as_of=AS_OF)
        company_id = cls.env.company.id
        c = cls.customers
        history = cls.env["partner.segment.history"]
        history._log_changes(
            [
                (c["a"].id, company_id, "value_tier", "medium", "high"),
                (c["c"].id, company_id, "value_tier", "high", "medium"),
                (c["e"].id, company_id, "credit_grade", "AA", "C"),
            ],
            "cron",
            date=AS_OF - timedelta(days=10),
        )
        # before the movement period: not counted
        history._log_changes(
            [(c["b"].id, company_id, "value_tier", "low", "high")],
            "cron",
            date=AS_OF - timedelta(days=400),
        )

    def render(self, report, docids=None, data=None, env=None):
        env = env or self.env
        html, _type = env["ir.actions.report"]._render_qweb_html(
            report, docids, data=data
        )
        return html_tree(html)

    def render_distribution(self, env=None, **data):
        data.setdefault("company_ids", self.env.company.ids)
        data.setdefault("as_of", str(AS_OF))
        return self.render(
            "partner_segment.report_segment_distribution", [], data=data, env=env
        )

    def table_rows(self, tree, table_xpath, key="data-class"):
        """{row key: {cell class: text}} of a table's body rows that carry ``key``."""
        rows = {}
        for row in tree.xpath(f"{table_xpath}/tbody/tr[@{key}]"):
            rows[row.get(key)] = self.cells(row)
        return rows

    def cells(self, node):
        """{o_* class: text} of the cells (and spans) under ``node``."""
        return {
            cls: text_of(cell)
            for cell in node.xpath(".//*[@class]")
            for cls in cell.get("class").split()
            if cls.startswith("o_") and cls != "o_segment_bar"
        }

    def dimension_table(self, tree, dimension):
        return self.table_rows(tree, f"//table[@data-dimension='{dimension}']")

    def share(self, text):
        return float(text.replace("%", "").replace(",", "").strip())
