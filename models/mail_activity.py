from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    segment_followup_rule_id = fields.Many2one(
        "partner.segment.followup.rule",
        string="Follow-up Rule",
        index="btree_not_null",
        ondelete="set null",
    )
