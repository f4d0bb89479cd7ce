from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """A merge by someone who may not override keeps the destination's scale and region.

        Writing the sources' locks, manual or computed values onto the
        destination through the ORM would set a classification by hand, which
        the partner refuses for anyone but a segment manager: a contact
        manager's merge would fail.  (Core merges the company-dependent values,
        the behavioural classes among them, in SQL before this step; the next
        classification run recomputes them from the invoices the destination
        now carries.)
        """
        if not dst_partner._segment_may_override():
            dst_partner = dst_partner.with_context(
                segment_merge_keep_classification=True
            )
        return super()._update_values(src_partners, dst_partner)
