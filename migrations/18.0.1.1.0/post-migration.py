"""The scale rules are ``noupdate`` data, so an upgrade does not bring the
corrected scope of the 2017 table's rows (国统字〔2017〕213号) to an existing
database.  Here the rows this version corrects get it: 交通运输业 moves from the
whole of section G to divisions 54-58 and group 591 (53 铁路运输业 is not
covered); 其他未列明行业 loses K and Q and takes 703, 709 and 85 (704 and 84 are
not covered); 住宿业 and 餐饮业 become two rows; every row takes the name the
standard gives it.  Industries a user added to a rule stay on it.  The scale
of the partners of the industries touched is then recomputed, and that of the
partners with a missing indicator (micro on one indicator below the small
bound, whatever is missing).

Also: the classification history records moves of the scale and region, which
are the same in every company: a shared customer's rows have no company.  The
history's company rule (noupdate) is widened so that every company sees those
rows."""

import json
import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MOVES = {
    # rule: (industries removed, industries added)
    "scale_rule_transport": (
        ["G"],
        ["G54", "G55", "G56", "G57", "G58", "G591"],
    ),
    "scale_rule_other": (["K", "Q"], ["K703", "K709", "Q85"]),
    "scale_rule_accommodation": (["H62"], []),
}
NAMES = {
    "scale_rule_agriculture": (
        "Agriculture, forestry, animal husbandry and fishery",
        "农、林、牧、渔业",
    ),
    "scale_rule_industry": ("Industrial sector", "工业"),
    "scale_rule_transport": ("Transport", "交通运输业"),
    "scale_rule_warehousing": ("Warehousing", "仓储业"),
    "scale_rule_accommodation": ("Accommodation", "住宿业"),
    "scale_rule_software": (
        "Software and information technology services",
        "软件和信息技术服务业",
    ),
    "scale_rule_other": ("Other industries not elsewhere classified", "其他未列明行业"),
}


def migrate(cr, version):
    if not version:
        return
    _widen_history_rule(cr)
    _correct_scale_rules(cr)


def _widen_history_rule(cr):
    cr.execute(
        """
        UPDATE ir_rule r
           SET domain_force = %s
          FROM ir_model_data d
         WHERE d.model = 'ir.rule' AND d.res_id = r.id
           AND d.module = 'partner_segment'
           AND d.name = 'partner_segment_history_rule_company'
        """,
        ["['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]"],
    )


def _correct_scale_rules(cr):
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    industries = {
        i.code: i for i in env["res.partner.industry"].search([("code", "!=", False)])
    }
    for xmlid, (removed, added) in MOVES.items():
        rule = env.ref(f"partner_segment.{xmlid}", raise_if_not_found=False)
        if not rule:
            continue
        old = rule.industry_ids
        new = (old - _codes(industries, removed)) | _codes(industries, added)
        if new != old:
            # the rule's write recomputes the scale of the partners of old | new
            rule.industry_ids = new
            _logger.info(
                "Scale rule %s now applies to %s", rule.name, new.mapped("code")
            )
    for xmlid, (name, name_zh) in NAMES.items():
        rule = env.ref(f"partner_segment.{xmlid}", raise_if_not_found=False)
        if rule:  # a name changes no class: no write, no recomputation
            cr.execute(
                SQL(
                    "UPDATE partner_scale_rule SET name = name || %s::jsonb "
                    "WHERE id = %s",
                    json.dumps({"en_US": name, "zh_CN": name_zh}),
                    rule.id,
                )
            )
    env["partner.scale.rule"].invalidate_model(["name"])
    # Micro now needs one entered indicator below the small bound, whatever is
    # missing: the partners with a missing indicator may change class.
    partners = env["res.partner"].search(
        [
            ("industry_id", "!=", False),
            "|",
            "|",
            ("employee_count", "=", 0),
            ("annual_revenue", "=", 0),
            ("total_assets", "=", 0),
        ]
    )
    partners._segment_recompute(["scale_class_computed"])
    env.flush_all()


def _codes(industries, codes):
    records = [industries[code] for code in codes if code in industries]
    return sum(records, next(iter(industries.values())).browse())
