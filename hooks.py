from odoo.tools import SQL

# Odoo's default industries follow NACE, whose letters differ from GB/T 4754
# from D on.  So that a user never sees two "Manufacturing", the addon archives
# the NACE records and moves their partners to the matching GB/T section; on
# uninstall it does the reverse.
NACE_TO_GBT = {
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "D",
    "F": "E",
    "G": "F",
    "H": "G",
    "I": "H",
    "J": "I",
    "K": "J",
    "L": "K",
    "M": "M",
    "N": "L",
    "O": "S",
    "P": "P",
    "Q": "Q",
    "R": "R",
    "S": "O",
    "T": "O",
    "U": "T",
}


def _nace_pairs(env):
    industries = env["res.partner.industry"].with_context(active_test=False)
    by_code = {i.code: i for i in industries.search([("code", "!=", False)])}
    for letter, code in NACE_TO_GBT.items():
        nace = env.ref(f"base.res_partner_industry_{letter}", raise_if_not_found=False)
        if nace and code in by_code:
            yield nace, by_code[code]


def _move_partners(env, sources, target):
    partners = env["res.partner"].with_context(active_test=False)
    partners.search([("industry_id", "in", sources.ids)]).write(
        {"industry_id": target.id}
    )


def post_init_hook(env):
    # At install the scale inputs are all empty, so a partner's scale does not
    # depend on which of the two records names its industry: the partners are
    # moved in one UPDATE per industry, with no recompute and no chatter
    # message per partner (a database may hold 100,000 of them).
    partners = env["res.partner"]
    partners.flush_model(["industry_id"])
    for nace, gbt in _nace_pairs(env):
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET industry_id = %s WHERE industry_id = %s",
                gbt.id,
                nace.id,
            )
        )
        nace.active = False
    partners.invalidate_model(["industry_id"])


def uninstall_hook(env):
    # the customer fields of user-defined dimensions are manual fields this
    # addon makes company dependent: without it they could not be read
    env["partner.segment.dimension"].with_context(
        active_test=False, segment_dimension_unlink=True
    ).search([]).unlink()
    seen = set()
    for nace, gbt in _nace_pairs(env):
        nace.active = True
        if gbt.id not in seen:
            seen.add(gbt.id)
            tree = gbt.search([("id", "child_of", gbt.id)])
            _move_partners(env, tree, nace)
