from odoo.tests import TransactionCase, new_test_user

from ..engine import uscc


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
