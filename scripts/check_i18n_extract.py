"""Fail when Babel cannot extract the translatable terms of a Python file.

Odoo's term export logs such a file and goes on without the terms that come
after the problem (an f-string inside ``_()`` is one), so they silently go
untranslated. Run by ``make lint``.
"""

import sys
from pathlib import Path

from babel.messages import extract

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("models", "wizards", "reports", "engine", "importer", "controllers")


def main():
    failed = 0
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).glob("**/*.py")):
            with path.open("rb") as source:
                try:
                    for _term in extract.extract(
                        "python", source, keywords={"_": None, "_lt": None}
                    ):
                        pass
                except Exception as error:  # Babel raises whatever eval() raised
                    failed += 1
                    print(f"{path.relative_to(ROOT)}: terms not extractable: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
