import shutil
import subprocess
import tempfile

from odoo.tests import Form, HttpCase, tagged

from .common import AS_OF, RedInvoiceCase, SegmentReportCase

# Kangxi radicals and CJK radical supplement: code points a CJK font may share a
# glyph with an ideograph (⼾ U+2F3E and 户 U+6237), which the PDF's text must not use
RADICALS = range(0x2E80, 0x2FE0)


class PdfTextMixin:
    """Real PDF through wkhtmltopdf (tests render HTML unless forced), read back
    with pdftotext exactly as a viewer's search or a copy would read it."""

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
        radicals = sorted({char for char in text if ord(char) in RADICALS})
        self.assertFalse(radicals, f"radicals instead of ideographs: {radicals}")
        return text

    def assertLabels(self, labels, text):
        for label in labels:
            self.assertIn(label, text, f"{label!r} not in the PDF text:\n{text}")

    def assertLetterhead(self, text, page_label):
        """Without the patched Qt, the company's letterhead is in the page body and
        each page is numbered afterwards (the layout's header is not printed)."""
        if not self.env["ir.actions.report"]._segment_letterhead_in_body():
            return
        first_line = next(line for line in text.splitlines() if line.strip())
        self.assertIn(self.env.company.name, first_line)
        # (pdftotext drops the spaces of the stamped page numbers)
        self.assertIn(page_label.replace(" ", ""), text.replace(" ", ""))

    def activate_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])


@tagged("post_install", "-at_install")
class TestSegmentReportPdf(PdfTextMixin, SegmentReportCase, HttpCase):
    """The segment reports print, with their figures, and their text reads back
    exactly as the templates write it, in English and in Chinese."""

    def test_distribution_pdf(self):
        data = {"company_ids": self.env.company.ids, "as_of": str(AS_OF)}
        text = self.pdf_text("partner_segment.report_segment_distribution", data=data)
        self.assertIn("Customer Segment Distribution", text)
        self.assertIn("Revenue Concentration (Pareto)", text)
        self.assertIn("60.0 %", text)  # top 10 % of the customers
        self.assertIn("High Value", text)
        self.assertIn("10,000.00", text)
        self.assertLetterhead(text, "Page 1 of ")

    def test_distribution_pdf_in_chinese(self):
        self.activate_chinese()
        data = {"company_ids": self.env.company.ids, "as_of": str(AS_OF)}
        text = self.pdf_text(
            "partner_segment.report_segment_distribution", data=data, lang="zh_CN"
        )
        self.assertLabels(
            ("客户分类统计报表", "客户群体", "大客户（高价值）", "客户", "高价值"), text
        )
        self.assertLetterhead(text, "第 1 页 / 共 ")

    def test_profile_pdf(self):
        text = self.pdf_text(
            "partner_segment.report_partner_profile", self.customers["a"].ids
        )
        self.assertLabels(
            ("Unified Social Credit Code", "High Value", "Industry", "6,000.00"), text
        )

    def test_profile_pdf_in_chinese(self):
        self.activate_chinese()
        text = self.pdf_text(
            "partner_segment.report_partner_profile",
            self.customers["a"].ids,
            lang="zh_CN",
        )
        self.assertLabels(
            (
                "客户分类",
                "客户规模",
                "统一社会信用代码",
                "行业",
                "地区",
                "高价值",
                "信用等级",
                "交易频率",
                "华南",
                "制造业",
                "6,000.00",
            ),
            text,
        )


@tagged("post_install", "-at_install")
class TestRedInvoiceRegisterPdf(PdfTextMixin, RedInvoiceCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invoice = cls.create_invoice("normal")
        form = Form(
            cls.env["account.move.red.invoice"].with_context(
                active_model="account.move", active_ids=invoice.ids
            )
        )
        form.red_reason = "02"
        form.date = "2025-03-20"
        form.save().action_confirm()
        cls.data = {
            "company_ids": cls.env.company.ids,
            "date_from": "2025-01-01",
            "date_to": "2025-12-31",
            "include_draft": False,
        }

    def test_register_pdf(self):
        text = self.pdf_text(
            "partner_segment.report_red_invoice_register", data=self.data
        )
        self.assertLabels(
            ("Red Invoice Register", "Subtotals by Reason", "广州红字测试有限公司"),
            text,
        )

    def test_register_pdf_in_chinese(self):
        self.activate_chinese()
        text = self.pdf_text(
            "partner_segment.report_red_invoice_register", data=self.data, lang="zh_CN"
        )
        self.assertLabels(
            (
                "红字发票登记簿",
                "按冲红原因小计",
                "客户",
                "冲红原因",
                "广州红字测试有限公司",
            ),
            text,
        )
