from odoo.tests import HttpCase, tagged

from .common import SegmentReportCase


@tagged("post_install", "-at_install")
class TestSegmentDashboardTour(SegmentReportCase, HttpCase):
    """In headless Chromium: the dashboard, a dimension picked, a bar clicked,
    the customers behind it listed (six of grade AA)."""

    def test_dashboard_opens_the_customers_of_a_bar(self):
        self.start_tour(
            "/odoo/segment-dashboard",
            "partner_segment_dashboard_tour",
            login=self.segment_user.login,
        )
