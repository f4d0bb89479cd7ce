import shutil
import subprocess
import tempfile
import unicodedata

from odoo.tests import HttpCase, tagged

from .test_reclassify import AS_OF
from .test_segment_report_common import SegmentReportCase


@tagged("post_install", "-at_install")
class TestSegmentReportPdf(SegmentReportCase, HttpCase):
    """Real PDF through wkhtmltopdf (tests render HTML unless forced), read back
    with pdftotext: the layout prints, with its figures and Chinese glyphs."""

    def setUp(self):
        super().setUp()
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed")
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is not installed")

    def pdf_text(self, report, docids=None, data=None, lang="en_US"):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(
                force_report_rendering=True, report_pdf_no_attachment=True, lang=lang
            )
            ._render_qweb_pdf(report, docids, data=data)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", file.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        # CJK fonts may map glyphs to compatibility code points (⾼ for 高)
        return unicodedata.normalize("NFKC", text)

    def test_distribution_pdf(self):
        data = {"company_ids": self.env.company.ids, "as_of": str(AS_OF)}
        text = self.pdf_text("partner_segment.report_segment_distribution", data=data)
        self.assertIn("Customer Segment Distribution", text)
        self.assertIn("Revenue Concentration (Pareto)", text)
        self.assertIn("60.0 %", text)  # top 10 % of the customers
        self.assertIn("High Value", text)
        self.assertIn("10,000.00", text)

    def test_profile_pdf_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        text = self.pdf_text(
            "partner_segment.report_partner_profile",
            self.customers["a"].ids,
            lang="zh_CN",
        )
        # (pdftotext reads 户 back as its variant 戶 from Noto CJK: not asserted)
        for label in ("高价值", "信用等级", "交易频率", "华南", "制造业", "6,000.00"):
            self.assertIn(label, text)
