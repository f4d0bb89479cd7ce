"""Every company gets the shipped grade policies (18.0.1.3.0).

18.0.1.2.0 shipped the archived AAA–C grade policies for the main company only;
each other company without a policy of its own now gets archived copies, as a
company created from now on does.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["partner.segment.policy"]._create_default_policies_all()
