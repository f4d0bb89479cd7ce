"""Merge partner_segment.pot into zh_CN.po, keeping existing translations."""

import os
import sys

import polib


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
        if not entry.msgstr:
            missing.append(entry.msgid)
        po.append(entry)
    po.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid.replace("\n", "\\n")[:120])
    print(f"{len(pot)} terms, {len(missing)} untranslated")


if __name__ == "__main__":
    main(sys.argv[1])
