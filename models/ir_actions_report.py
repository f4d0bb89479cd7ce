import functools
import io
import re
import subprocess

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

from odoo import api, models
from odoo.tools.misc import find_in_path
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

# the reports that print the company's letterhead in their body when the
# installed wkhtmltopdf cannot print the layout's header and footer
SEGMENT_REPORTS = (
    "partner_segment.report_segment_distribution",
    "partner_segment.report_partner_profile",
    "partner_segment.report_red_invoice_register",
)
# a CJK font whose glyphs have one code point each (see the reports' styles)
PAGE_NUMBER_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@functools.cache
def wkhtmltopdf_has_patched_qt():
    """True when the wkhtmltopdf on the PATH is built with the patched Qt, the
    only build that prints a header and a footer on every page."""
    try:
        binary = find_in_path("wkhtmltopdf")
        version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:  # not installed: Odoo prints HTML
        return False
    return "patched qt" in version.lower()


@functools.cache
def _page_number_font():
    """Name of a reportlab font that writes Chinese page numbers, or None."""
    for path in PAGE_NUMBER_FONTS:
        try:
            pdfmetrics.registerFont(TTFont("PartnerSegmentCJK", path, subfontIndex=0))
        except (OSError, TTFError):  # absent or unreadable: try the next one
            continue
        return "PartnerSegmentCJK"
    return None


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _segment_letterhead_in_body(self):
        """The segment reports print their letterhead in the page body, and their
        page numbers afterwards, unless wkhtmltopdf prints the layout's header
        and footer itself."""
        return not wkhtmltopdf_has_patched_qt()

    def _render_template(self, template, values=None):
        if template in SEGMENT_REPORTS:
            values = dict(values or {})
            # the HTML preview shows the layout's header already
            values["segment_letterhead_in_body"] = (
                values.get("report_type") == "pdf"
                and self._segment_letterhead_in_body()
            )
        return super()._render_template(template, values)

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        pdf = super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        report = self._get_report(report_ref) if report_ref else None
        if (
            report
            and report.report_name in SEGMENT_REPORTS
            and self._segment_letterhead_in_body()
        ):
            pdf = self._segment_number_pages(pdf)
        return pdf

    def _segment_number_pages(self, pdf):
        """Stamp 第 x 页 / 共 y 页 (Page x of y) at the foot of every page."""
        reader = PdfFileReader(io.BytesIO(pdf), strict=False, overwriteWarnings=False)
        total = reader.getNumPages()
        font = _page_number_font()
        packet = io.BytesIO()
        stamp = canvas.Canvas(packet)
        for number in range(1, total + 1):
            page = reader.getPage(number - 1)
            width = float(abs(page.mediaBox.getWidth()))
            height = float(abs(page.mediaBox.getHeight()))
            stamp.setPageSize((width, height))
            text = self.env._("Page %(page)s of %(total)s", page=number, total=total)
            if not font and re.search(r"[^\x00-\x7f]", text):
                text = f"{number} / {total}"
            stamp.setFont(font or "Helvetica", 8)
            stamp.drawCentredString(width / 2, 18, text)
            stamp.showPage()
        stamp.save()
        numbers = PdfFileReader(packet, overwriteWarnings=False)
        writer = PdfFileWriter()
        for index in range(total):
            page = reader.getPage(index)
            page.mergePage(numbers.getPage(index))
            writer.addPage(page)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
