import os
import re

import polib

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .common import SegmentCase

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
# terms written in Chinese in the source (the GB/T 4754 names) need no zh_CN
# translation; a term with English words (two letters or more in a row) does
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def needs_translation(msgid):
    return not (CHINESE.search(msgid) and not ENGLISH_WORD.search(msgid))


@tagged("post_install", "-at_install")
class TestTranslations(SegmentCase):
    def test_every_term_has_a_chinese_translation(self):
        pot = polib.pofile(os.path.join(I18N, "partner_segment.pot"))
        po = polib.pofile(os.path.join(I18N, "zh_CN.po"))
        translated = {
            e.msgid for e in po if e.msgstr and not e.obsolete and not e.fuzzy
        }
        missing = [
            e.msgid
            for e in pot
            if e.msgid not in translated and needs_translation(e.msgid)
        ]
        self.assertFalse(missing, f"untranslated in zh_CN.po: {missing[:20]}")
        self.assertGreater(len(pot), 100)

    def test_chinese_user_sees_chinese_labels(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        env = self.env(context={"lang": "zh_CN"})
        self.env["ir.module.module"]._load_module_terms(["partner_segment"], ["zh_CN"])
        partner_fields = env["res.partner"].fields_get(["scale_class", "region_id"])
        self.assertEqual(partner_fields["scale_class"]["string"], "客户规模")
        self.assertEqual(
            dict(partner_fields["scale_class"]["selection"])["large"], "大型"
        )
        self.assertEqual(self.region["south"].with_env(env).name, "华南")
        self.assertEqual(self.industry["C"].with_env(env).name, "制造业")
        self.assertTrue(
            code_translations.get_python_translations("partner_segment", "zh_CN")
        )
