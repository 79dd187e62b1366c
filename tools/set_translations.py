"""Fill catalog entries: python tools/set_translations.py FILE.json

FILE.json maps each msgid (the singular one for plurals) to {"kk": ..., "ru": ...}, a string or
a list of plural forms; the .po files are rewritten unwrapped.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def main(path: str) -> int:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("kk", "ru"):
        po_path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=lang)
        for msgid, translations in wanted.items():
            if msgid not in catalog:
                print(f"not in catalog: {msgid!r}", file=sys.stderr)
                continue
            value = translations[lang]
            catalog[msgid].string = tuple(value) if isinstance(value, list) else value
            catalog[msgid].flags.discard("fuzzy")
        with po_path.open("wb") as po_file:
            write_po(po_file, catalog, width=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
