"""Merge partner_segment.pot into zh_CN.po, keeping existing translations."""

import os
import re
import sys

import polib

# Terms written in Chinese in the source (the GB/T 4754-2017 names, for which no
# faithful English exists): zh_CN shows them as they are.  A term with English
# words (two letters or more in a row) still needs its translation.
CHINESE_SOURCE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def needs_translation(msgid):
    return not (CHINESE_SOURCE.search(msgid) and not ENGLISH_WORD.search(msgid))


def main(folder):
    pot = polib.pofile(os.path.join(folder, "partner_segment.pot"))
    po_path = os.path.join(folder, "zh_CN.po")
    old = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
    known = {e.msgid: e.msgstr for e in old if e.msgstr}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update({"Language": "zh_CN", "Plural-Forms": "nplurals=1; plural=0;"})
    missing = []
    for entry in pot:
        entry.msgstr = known.get(entry.msgid, "")
        if not entry.msgstr and needs_translation(entry.msgid):
            missing.append(entry.msgid)
        po.append(entry)
    po.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid.replace("\n", "\\n")[:120])
    print(f"{len(pot)} terms, {len(missing)} untranslated")


if __name__ == "__main__":
    main(sys.argv[1])
