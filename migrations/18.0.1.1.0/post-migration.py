"""The classification history also records moves of the scale and region,
which are the same in every company: a shared customer's rows have no company.
The history's company rule (noupdate) lets every company see those rows."""


def migrate(cr, version):
    if not version:
        return
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
