import base64
import importlib.util
import os
from datetime import date, timedelta
from itertools import count
from unittest.mock import patch

import lxml.html

from odoo import Command
from odoo.tests import Form, TransactionCase, new_test_user

from ..engine import dimensions, uscc


def make_uscc(body="91440101MA5C"):
    """A valid 统一社会信用代码 starting with ``body`` (padded to 16 characters;
    the 组织机构代码's check character and the final one are computed)."""
    return uscc.complete((body + "0" * 16)[:16])


def without_queue_job(case):
    """For the test class ``case``: partner_segment runs as where OCA queue_job
    is not installed (its own scheduled actions), even when the test database
    has it (``make test`` installs it alongside when the venv has it)."""
    case.startClassPatcher(
        patch.object(
            type(case.env["partner.segment.engine"]),
            "_queue_available",
            lambda self: False,
        )
    )


def load_migration(version, name):
    """The migration script ``migrations/<version>/<name>`` as a module."""
    path = os.path.join(
        os.path.dirname(os.path.dirname(__file__)), "migrations", version, name
    )
    spec = importlib.util.spec_from_file_location(
        f"partner_segment_migration_{version.replace('.', '_')}", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SegmentCase(TransactionCase):
    # True: the background work goes to queue_job (tests/test_queue_job.py)
    queue_job = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.queue_job:
            without_queue_job(cls)
        # the registry of dimensions is the process's: start from this database's
        # (a failed tour may have left a rolled-back user dimension in it)
        cls.env["partner.segment.dimension"]._sync_registry_all()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Partner = cls.env["res.partner"]
        cls.cn = cls.env.ref("base.cn")
        cls.env.company.country_id = cls.cn
        cls.industry = {
            i.code: i
            for i in cls.env["res.partner.industry"].search([("code", "!=", False)])
        }
        cls.region = {r.code: r for r in cls.env["partner.region"].search([])}
        cls.segment_user = new_test_user(
            cls.env,
            login="segment_user",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_user",
        )
        cls.segment_manager = new_test_user(
            cls.env,
            login="segment_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_segment.partner_segment_group_manager",
        )
        cls.employee = new_test_user(
            cls.env,
            login="plain_employee",
            groups="base.group_user,base.group_partner_manager",
        )

    @classmethod
    def state(cls, code):
        return cls.env.ref(f"base.state_cn_{code}")

    @classmethod
    def company(cls, name="测试有限公司", **vals):
        vals.setdefault("country_id", cls.cn.id)
        return cls.Partner.create({"name": name, "is_company": True, **vals})


def _instanciate_company_dependent(original):
    """``ir.model.fields._instanciate_attrs`` that keeps a manual field company
    dependent when its record says so (core never makes a manual field so)."""

    def instanciate_attrs(self, field_data):
        attrs = original(self, field_data)
        if attrs is not None and field_data.get("company_dependent"):
            attrs["company_dependent"] = True
        return attrs

    return instanciate_attrs


def add_test_dimension(
    env,
    key="x_test_dim",
    classes=(("gold", "Gold"), ("silver", "Silver")),
    per_company=False,
    *,
    case=None,
    **dimension_kwargs,
):
    """Add a classification dimension as a module would, inside a test.

    Registers ``Dimension(key, ...)`` in ``engine.dimensions`` (``classes``:
    ``(key, label[, aliases])``, best first; ``dimension_kwargs`` go to the
    Dimension, e.g. ``overview_sequence``), then declares its four partner
    fields (``key``, ``key_computed``, ``key_manual``, ``key_locked``) as
    manual fields, which makes Odoo set the registry up again and add their
    columns in the test's transaction.  The effective field is a stored,
    not ORM-computed field, as the per-company dimensions are: writing it by
    hand goes through ``res.partner``'s override (manual value, lock, history).
    ``per_company`` makes the four fields company dependent (jsonb), which core
    offers no manual field: ``ir.model.fields._instanciate_attrs`` is patched
    to honour the record's ``company_dependent``.

    With ``case`` (a TransactionCase class, from ``setUpClass``) the dimension
    is unregistered and the patch stopped when the class ends (the class's
    registry reset then drops the fields); without it, the patch holds only
    while the fields are made and the caller unregisters ``key`` itself.
    Returns the Dimension.
    """
    dimension_kwargs.setdefault("label", "Test Dimension")
    dimension = dimensions.register(
        dimensions.Dimension(
            key,
            classes=tuple(dimensions.SegmentClass(*c) for c in classes),
            per_company=per_company,
            **dimension_kwargs,
        )
    )
    IrModelFields = type(env["ir.model.fields"])
    patcher = patch.object(
        IrModelFields,
        "_instanciate_attrs",
        _instanciate_company_dependent(IrModelFields._instanciate_attrs),
    )
    if case is not None:
        case.addClassCleanup(dimensions.unregister, key)
        if per_company:
            case.startClassPatcher(patcher)
    label = dimension.label
    model_id = env["ir.model"]._get_id("res.partner")
    common = {
        "model_id": model_id,
        "state": "manual",
        "store": True,
        "copied": False,
        "company_dependent": per_company,
    }

    def selection_field(name, string):
        return {
            **common,
            "name": name,
            "field_description": string,
            "ttype": "selection",
            "selection_ids": [
                Command.create({"value": value, "name": name_, "sequence": seq})
                for seq, (value, name_, *_aliases) in enumerate(classes)
            ],
        }

    vals_list = [
        selection_field(key, label),
        selection_field(f"{key}_computed", f"Computed {label}"),
        selection_field(f"{key}_manual", f"Manual {label}"),
        {
            **common,
            "name": f"{key}_locked",
            "field_description": f"{label} Locked",
            "ttype": "boolean",
        },
    ]
    try:
        if per_company and case is None:
            with patcher:
                env["ir.model.fields"].create(vals_list)
        else:
            env["ir.model.fields"].create(vals_list)
    except Exception:
        if case is None:
            dimensions.unregister(key)
        raise
    return dimension


# ---- classification (tests of the engine, reports)
AS_OF = date(2026, 6, 30)
ENGINE_LOGGER = "odoo.addons.partner_segment.models.partner_segment_engine"


class ClassificationCase(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["partner.segment.engine"]
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.env.company.id)], limit=1
        )

    @classmethod
    def invoices(cls, specs, post=True):
        """Create invoices from (partner, days before AS_OF, amount[, due days, type])."""
        vals_list = []
        for spec in specs:
            partner, days, amount = spec[:3]
            due = spec[3] if len(spec) > 3 else 30
            move_type = spec[4] if len(spec) > 4 else "out_invoice"
            invoice_date = AS_OF - timedelta(days=days)
            vals_list.append(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "journal_id": cls.journal.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=due),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "line",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves = cls.env["account.move"].create(vals_list)
        if post:
            moves.action_post()
        return moves

    def reclassify(self, **kwargs):
        return self.engine._reclassify(self.env.company, as_of=AS_OF, **kwargs)


# ---- imports
DATA = os.path.join(os.path.dirname(__file__), "data")


def read(name):
    with open(os.path.join(DATA, name), "rb") as file:
        return file.read()


def csv_bytes(*rows, encoding="utf-8"):
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


class ImportCase(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a manager who may also write credit limits (invoicing rights)
        cls.segment_accountant = new_test_user(
            cls.env,
            login="segment_accountant",
            groups="base.group_user,base.group_partner_manager,"
            "account.group_account_invoice,"
            "partner_segment.partner_segment_group_manager",
        )
        # the salesperson (业务员) of the U8 workbook
        cls.salesperson_li = new_test_user(
            cls.env, login="lisi", name="李四", groups="base.group_user"
        )
        cls.Import = cls.env["partner.segment.import"].with_user(cls.segment_accountant)
        cls.History = cls.env["partner.segment.history"]

    def wizard(self, filename, content=None, **vals):
        content = read(filename) if content is None else content
        return self.Import.create(
            {"file": base64.b64encode(content), "filename": filename, **vals}
        )

    def run_import(self, filename, content=None, **vals):
        wizard = self.wizard(filename, content, **vals)
        wizard.action_import()
        return wizard

    def partner(self, ref):
        return self.Partner.search([("ref", "=", ref)])

    def errors(self, wizard):
        return [(e.row_number, e.column, e.message) for e in wizard.error_ids]


# ---- red invoices
_numbers = count(1)


class RedInvoiceCase(TransactionCase):
    """Customer invoices with a 13% sale tax, built once, and helpers that drive the
    red invoice entry through ``Form``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "增值税 13% (red invoice tests)",
                "amount": 13.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "广州红字测试有限公司", "is_company": True}
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="red_invoicing_user",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.plain_user = new_test_user(
            cls.env, login="red_plain_user", groups="base.group_user"
        )

    @classmethod
    def number(cls, digits):
        return str(next(_numbers)).zfill(digits)

    @classmethod
    def create_invoice(
        cls, kind="normal", post=True, move_type="out_invoice", lines=None, **vals
    ):
        """A customer invoice of kind ``kind`` with fresh tax invoice code and number;
        lines default to A 10 x 100 and B 5 x 200 (untaxed 2000, tax 260)."""
        code, number = {
            "special": (cls.number(10), cls.number(8)),
            "normal": (cls.number(12), cls.number(8)),
            "digital_special": (False, cls.number(20)),
            "digital_normal": (False, cls.number(20)),
        }[kind]
        lines = lines or [("A", 10, 100.0), ("B", 5, 200.0)]
        invoice = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "journal_id": cls.journal.id if move_type == "out_invoice" else False,
                "invoice_date": "2025-03-10",
                "cn_invoice_kind": kind if move_type == "out_invoice" else False,
                "cn_invoice_code": code if move_type == "out_invoice" else False,
                "cn_invoice_number": number if move_type == "out_invoice" else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(cls.tax.ids)],
                        }
                    )
                    for name, quantity, price in lines
                ],
                **vals,
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def red_form(self, invoice, user=None):
        wizards = self.env["account.move.red.invoice"]
        if user:
            wizards = wizards.with_user(user)
        return Form(
            wizards.with_context(active_model="account.move", active_ids=invoice.ids)
        )

    def issue_red(self, invoice, reason="02", lines=None, user=None, **values):
        """Issue a red invoice on ``invoice``: full when ``lines`` is None, else
        partial with ``{line index: (quantity, amount or None)}``."""
        action = self.red_wizard(
            invoice, reason, lines, user, **values
        ).action_confirm()
        return self.env["account.move"].browse(action["res_id"])

    def red_wizard(self, invoice, reason="02", lines=None, user=None, **values):
        """The saved entry wizard of ``issue_red``, not confirmed."""
        form = self.red_form(invoice, user)
        form.red_reason = reason
        for field, value in values.items():
            setattr(form, field, value)
        if lines is not None:
            form.reversal_mode = "partial"
            for index in range(len(form.line_ids)):
                quantity, amount = lines.get(index, (0.0, 0.0))
                with form.line_ids.edit(index) as line:
                    line.quantity = quantity
                    if amount is not None:
                        line.amount = amount
        return form.save()


# ---- segment reports
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

    @classmethod
    def restricted_salesman(cls, login):
        """A segment user whose record rule lets him read only his own
        customers (a, b and d) among the report's."""
        own_customers = cls.env["res.groups"].create({"name": "Own customers only"})
        cls.env["ir.rule"].create(
            {
                "name": "Salesman: own customers",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "groups": [Command.link(own_customers.id)],
                "domain_force": "['|', ('user_id', '=', user.id), "
                "('partner_share', '=', False)]",
            }
        )
        salesman = new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,partner_segment.partner_segment_group_user",
        )
        salesman.groups_id += own_customers
        own = cls.customers["a"] | cls.customers["b"] | cls.customers["d"]
        own.user_id = salesman
        return salesman

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


# ---- segment policies (issue 16)
class PolicyCase(SegmentCase):
    """Customers with a credit grade and a window revenue, and helpers to make
    policies and propose as the segment manager.

    The window is 365 days, so a window revenue of 120,000 is 10,000 a month.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.segment_window_days = 365
        cls.Policy = cls.env["partner.segment.policy"]
        cls.Proposal = cls.env["partner.segment.policy.proposal"]
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")
        cls.term_45 = cls.env.ref("account.account_payment_term_45days")
        cls.term_now = cls.env.ref("account.account_payment_term_immediate")

    @classmethod
    def customer(cls, name, grade, revenue=0.0, company=None, **vals):
        """A customer of ``grade`` with ``revenue`` in ``company``'s window."""
        company = company or cls.env.company
        partner = cls.company(name, **vals)
        partner.with_company(company).write(
            {"credit_grade": grade, "segment_revenue": revenue}
        )
        return partner

    @classmethod
    def policy(cls, grade=None, company=None, **vals):
        vals.setdefault("name", f"Grade {grade}")
        if grade:
            vals["credit_grade"] = grade
        company = company or cls.env.company
        return cls.Policy.with_company(company).create(
            {"company_id": company.id, **vals}
        )

    def propose(self, company=None, user=None, partners=None):
        """Propose as ``user`` (the segment manager) and return the open proposals."""
        company = company or self.env.company
        user = user or self.segment_manager
        env = self.env(
            user=user, context=dict(self.env.context, allowed_company_ids=[company.id])
        )
        env["partner.segment.policy"]._action_propose(
            company, partners=partners and partners.with_env(env)
        )
        return env["partner.segment.policy.proposal"].search(
            [("company_id", "=", company.id), ("state", "=", "proposed")]
        )

    def proposal(self, proposals, partner, target="credit_limit"):
        found = proposals.filtered(
            lambda p: p.partner_id == partner and p.target == target
        )
        self.assertLessEqual(len(found), 1)
        return found

    def limit(self, partner, company=None):
        return partner.sudo().with_company(company or self.env.company).credit_limit
