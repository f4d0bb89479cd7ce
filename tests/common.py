from unittest.mock import patch

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from ..engine import dimensions, uscc


def make_uscc(body="91440101MA5C"):
    """A valid 统一社会信用代码 starting with ``body`` (padded to 16 characters;
    the 组织机构代码's check character and the final one are computed)."""
    return uscc.complete((body + "0" * 16)[:16])


class SegmentCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
