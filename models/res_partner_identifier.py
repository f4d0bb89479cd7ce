from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import identifiers


class ResPartner(models.Model):
    """Which kind of tax identifier a Chinese partner carries, each checked by
    its own format (engine/identifiers.py)."""

    _inherit = "res.partner"

    vat_kind = fields.Selection(
        [
            ("uscc", "Unified Social Credit Code"),
            ("taxpayer", "Taxpayer ID (older)"),
            ("id_card", "Resident ID Card"),
        ],
        string="Identifier Kind",
        default="uscc",
        help="Chinese partners only. Unified Social Credit Code (统一社会信用代码, "
        "18 characters); an older taxpayer identification number (纳税人识别号: "
        "15, 17, 18 or 20 characters) of a company registered before 2015 or of an "
        "individual business; or the owner's resident ID card number (居民身份证号码) "
        "of an individual business.",
    )

    def _requires_uscc(self):
        """Whether the tax ID must be checked as a Chinese identifier: a Chinese
        company's, or any Chinese partner's that says it carries an older
        taxpayer ID or an ID card number."""
        self.ensure_one()
        return bool(
            self.vat
            and self.country_id.code == "CN"
            and (self.is_company or self.vat_kind in ("taxpayer", "id_card"))
        )

    def _vat_kind_message(self):
        self.ensure_one()
        args = {"partner": self.display_name, "code": self.vat}
        if self.vat_kind == "taxpayer":
            return self.env._(
                "%(partner)s: %(code)s is not a valid taxpayer identification number "
                "(纳税人识别号): 15 characters (area code and organisation code with "
                "its check character), 17 digits (a 15-digit ID card number and a "
                "sequence), or 18 or 20 characters starting with an 18-character ID "
                "card number.",
                **args,
            )
        if self.vat_kind == "id_card":
            return self.env._(
                "%(partner)s: %(code)s is not a valid resident ID card number "
                "(居民身份证号码): 18 characters with a date of birth, ending with its "
                "check character (X for 10).",
                **args,
            )
        return self.env._(
            "%(partner)s: %(code)s is not a valid Unified Social Credit "
            "Code (统一社会信用代码): 18 characters, digits and capitals "
            "except I, O, Z, S, V, ending with its check character.",
            **args,
        )

    @api.constrains("vat", "country_id", "is_company", "vat_kind")
    def _check_vat_uscc(self):
        for partner in self:
            if partner._requires_uscc() and identifiers.identifier_error(
                partner.vat_kind or "uscc", partner.vat
            ):
                raise ValidationError(partner._vat_kind_message())
