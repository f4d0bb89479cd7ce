"""The demo data of ``make run``: 44 customer companies across industries,
provinces, sizes and a few countries, with two years of invoices, payments
and red invoices dated from the day the demo is loaded.

Not part of the addon (its ``__init__`` does not import this module), so that
no production database carries it.  ``scripts/run.sh`` runs it in the Odoo
shell of the demo database::

    from odoo.addons.partner_segment.demo import loader
    loader.load(env)
    loader.classify(env)
"""

import random
from datetime import timedelta

from odoo import Command, fields

from ..engine import uscc

# name, industry code, province code (or country code with "@"), employees,
# revenue and assets in 万元, behaviour profile (see _DEMO_PROFILES)
_DEMO_COMPANIES = [
    ("华南电子制造有限公司", "C", "GD", 1200, 52000, 30000, "whale"),
    ("上海精密仪器股份有限公司", "C", "SH", 450, 8000, 6000, "whale"),
    ("北京云端软件有限公司", "I65", "BJ", 320, 12000, 4000, "whale"),
    ("浙江商贸批发有限公司", "F51", "ZJ", 60, 9000, 2000, "big_new"),
    ("江苏建工集团有限公司", "E", "JS", 2500, 90000, 85000, "big_new"),
    ("成都天府餐饮管理有限公司", "H62", "SC", 80, 2500, 800, "small_new"),
    ("武汉光谷物流有限公司", "G", "HB", 350, 4000, 3000, "regular"),
    ("长沙湘江零售连锁有限公司", "F52", "HN", 40, 600, 200, "regular"),
    ("西安古城文化传媒有限公司", "R", "SN", 25, 300, 100, "small_new"),
    ("沈阳重型机械有限公司", "C", "LN", 900, 30000, 25000, "overdue_a"),
    ("哈尔滨冰城食品有限公司", "C", "HL", 150, 3000, 1500, "overdue_b"),
    ("长春汽车配件有限公司", "C", "JL", 60, 800, 500, "overdue_c"),
    ("天津港口仓储有限公司", "G59", "TJ", 120, 2000, 5000, "limit"),
    ("重庆山城物业管理有限公司", "K702", "CQ", 400, 1500, 600, "imp_retain"),
    ("昆明花卉种植合作社", "A", "YN", 30, 600, 300, "imp_keep"),
    ("贵阳大数据科技有限公司", "I64", "GZ", 90, 900, 400, "gen_keep"),
    ("南宁东盟贸易有限公司", "F51", "GX", 15, 1200, 300, "imp_develop"),
    ("海口椰风酒店管理有限公司", "H61", "HI", 8, 80, 50, "lapsed"),
    ("郑州中原农业发展有限公司", "A", "HA", 50, 40, 30, "lapsed"),
    ("合肥新能源电池有限公司", "C", "AH", 700, 45000, 20000, "whale"),
    ("福州海峡建材有限公司", "E", "FJ", 100, 5000, 4000, "regular"),
    ("南昌赣江医药有限公司", "F52", "JX", 320, 25000, 8000, "regular"),
    ("济南泉城机床有限公司", "C", "SD", 18, 250, 100, "small_new"),
    ("太原煤炭运销有限公司", "B", "SX", 2000, 80000, 60000, "overdue_b"),
    ("呼和浩特草原乳业有限公司", "C", "NM", 300, 2500, 1800, "regular"),
    ("石家庄药业有限公司", "C", "HE", 350, 1800, 900, "gen_keep"),
    ("兰州丝路物流有限公司", "G", "GS", 25, 150, 80, "overdue_a"),
    ("西宁高原特产有限公司", "A", "QH", 12, 30, 20, "small_new"),
    ("银川枸杞贸易有限公司", "F51", "NX", 4, 800, 90, "lapsed"),
    ("乌鲁木齐棉纺有限公司", "C", "XJ", 260, 1500, 1200, "imp_develop"),
    ("拉萨雪域旅游服务有限公司", "L", "XZ", 50, 500, 9000, "regular"),
    ("深圳前海咨询有限公司", "M", "GD", 120, 3000, 1000, "imp_retain"),
    ("杭州西湖电商有限公司", "I64", "ZJ", 2100, 120000, 40000, "imp_keep"),
    ("苏州工业园区地产开发有限公司", "K7010", "JS", 300, 250000, 12000, "overdue_c"),
    ("厦门鹭岛金融服务有限公司", "J", "FJ", 200, 30000, 500000, "regular"),
    ("青岛啤酒花园餐厅", "H62", "SD", 9, 90, 30, "gen_keep"),
    ("大连海洋渔业有限公司", "A", "LN", 400, 25000, 9000, "limit"),
    ("广州白云教育培训中心", "P", "GD", 60, 800, 300, "small_new"),
    ("香港维港贸易有限公司", "F51", "HK", 30, 3000, 800, "regular"),
    ("Pacific Trading LLC", "F51", "@us", 45, 6000, 1500, "whale"),
    ("Tokyo Components K.K.", "C", "@jp", 500, 20000, 15000, "regular"),
    ("Hamburg Maschinenbau GmbH", "C", "@de", 80, 1500, 1000, "lapsed"),
    ("Macau Gaming Supplies Ltd", "R", "@mo", 30, 500, 200, "overdue_a"),
    ("中关村孵化器（筹）", "M", "", 0, 0, 0, "prospect"),
]

# count: invoices in the last year, spread over span days up to "last" days
# ago; amount: yuan per invoice; before: invoices 13-24 months ago; overdue:
# the last invoice stays unpaid (due 30 days after its date); open: how many
# of the last invoices stay unpaid; limit: credit limit
_DEMO_PROFILES = {
    "whale": {"count": 14, "span": 360, "amount": 90000, "before": 6, "last": 10},
    "big_new": {"count": 5, "span": 150, "amount": 260000, "before": 0, "last": 5},
    "small_new": {"count": 1, "span": 40, "amount": 3000, "before": 0, "last": 40},
    "regular": {"count": 6, "span": 330, "amount": 12000, "before": 4, "last": 20},
    "overdue_a": {
        "count": 4,
        "span": 300,
        "amount": 15000,
        "before": 3,
        "last": 45,
        "overdue": 15,
    },
    "overdue_b": {
        "count": 5,
        "span": 300,
        "amount": 30000,
        "before": 3,
        "last": 90,
        "overdue": 60,
    },
    "overdue_c": {
        "count": 3,
        "span": 300,
        "amount": 20000,
        "before": 2,
        "last": 150,
        "overdue": 120,
    },
    "limit": {
        "count": 4,
        "span": 200,
        "amount": 40000,
        "before": 2,
        "last": 3,
        "open": 2,
        "limit": 30000,
    },
    "imp_retain": {"count": 2, "span": 330, "amount": 200000, "before": 2, "last": 300},
    "imp_keep": {"count": 12, "span": 360, "amount": 45000, "before": 2, "last": 200},
    "gen_keep": {"count": 9, "span": 360, "amount": 2500, "before": 2, "last": 220},
    "imp_develop": {"count": 2, "span": 60, "amount": 180000, "before": 3, "last": 8},
    "lapsed": {"count": 0, "span": 0, "amount": 8000, "before": 4, "last": 400},
    "prospect": {"count": 0, "span": 0, "amount": 0, "before": 0, "last": 0},
}


def load(env):
    """Create the demo customers with two years of invoices, dated from today."""
    rng = random.Random(4754)
    # The demo customers are Chinese: classify them from a Chinese company.
    env.company.country_id = env.ref("base.cn")
    env.company.account_use_credit_limit = True
    partners = env["res.partner"].create(
        [_prepare_partner_vals(env, row, rng) for row in _DEMO_COMPANIES]
    )
    env["ir.model.data"]._update_xmlids(
        [
            {
                "xml_id": f"partner_segment.demo_partner_{index}",
                "record": partner,
                "noupdate": True,
            }
            for index, partner in enumerate(partners)
        ]
    )
    _create_invoices(env, partners, rng)


def classify(env):
    """Classify every customer once, as the scheduled action does for each
    company (here, not in queue_job jobs where it is installed: the demo
    data are classified when they are loaded)."""
    engine = env["partner.segment.engine"]
    for company in env["res.company"].search([]):
        engine.with_company(company)._cron_reclassify_company(company)


def _prepare_partner_vals(env, row, rng):
    name, industry, place, employees, revenue, assets, profile = row
    vals = {
        "name": name,
        "is_company": True,
        "employee_count": employees,
        "annual_revenue": revenue * 10000,
        "total_assets": assets * 10000,
        "industry_id": env["res.partner.industry"]
        .search([("code", "=", industry)], limit=1)
        .id,
        "credit_limit": _DEMO_PROFILES[profile].get("limit", 0.0),
    }
    if place.startswith("@"):
        vals["country_id"] = env.ref(f"base.{place[1:]}").id
    elif not place:
        vals["country_id"] = env.ref("base.cn").id
    else:
        vals["country_id"] = env.ref("base.cn").id
        vals["state_id"] = env.ref(f"base.state_cn_{place}").id
        code = "9144" + "".join(rng.choice("0123456789") for _ in range(4))
        code += "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        vals["vat"] = uscc.complete(code)
    return vals


def _create_invoices(env, partners, rng):
    today = fields.Date.context_today(env["account.move"])
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    if not journal:
        return
    vals_list, to_leave_open = [], []
    for partner, row in zip(partners, _DEMO_COMPANIES, strict=True):
        profile = _DEMO_PROFILES[row[-1]]
        dates = _invoice_dates(profile, today, rng)
        for index, invoice_date in enumerate(dates):
            amount = round(profile["amount"] * rng.uniform(0.7, 1.3), -2)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=30),
                    # 增值税专用发票: 10-digit code, 8-digit number
                    "cn_invoice_kind": "special",
                    "cn_invoice_code": f"44{invoice_date:%y%m}1130",
                    "cn_invoice_number": f"{len(vals_list) + 1:08d}",
                    "cn_invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods and services",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            open_count = profile.get("open", 1 if profile.get("overdue") else 0)
            to_leave_open.append(index >= len(dates) - open_count)
    invoices = env["account.move"].create(vals_list)
    invoices.action_post()
    leave_open = dict(zip(invoices.ids, to_leave_open, strict=True))
    to_pay = invoices.filtered(
        lambda m: not leave_open[m.id] and m.invoice_date_due < today
    )
    if to_pay:
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=to_pay.ids
        ).create({"group_payment": True})._create_payments()
    # A few credit notes: 10 % back on some paid invoices
    _create_red_invoices(env, to_pay[::9])


def _create_red_invoices(env, invoices):
    """Sales allowances (销售折让) of 10 % on the first line of some paid
    invoices, checked and made by ``account.move``'s red-invoice service (as
    the entry and the import make them), then posted."""
    moves = env["account.move"]
    requests = [
        {
            "move": invoice,
            "reason": "04",
            "form_number": f"4400{invoice.invoice_date:%Y%m}{index:06d}",
            "initiator": "seller",
            "date": invoice.invoice_date + timedelta(days=5),
            "lines": [
                (
                    invoice._get_red_reversible_lines()[:1],
                    0.0,
                    invoice.currency_id.round(invoice.amount_untaxed * 0.1),
                )
            ],
        }
        for index, invoice in enumerate(invoices)
    ]
    for request in requests:
        moves._check_red_request(request)
    moves._create_red_invoices(requests)._post_red_invoices()


def _invoice_dates(profile, today, rng):
    dates = []
    last = profile["last"]
    count, span = profile["count"], profile["span"]
    if count:
        newest = today - timedelta(days=last)
        oldest = today - timedelta(days=max(span, last))
        step = (newest - oldest).days / max(count - 1, 1)
        dates += [oldest + timedelta(days=round(i * step)) for i in range(count)]
    for i in range(profile["before"]):
        dates.append(today - timedelta(days=400 + 60 * i + rng.randint(0, 20)))
    if not count and profile["before"]:
        dates = [d - timedelta(days=max(last - 400, 0)) for d in dates]
    return sorted(dates)
