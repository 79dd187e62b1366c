"""Plain text helpers that every layer may use (a leaf module: it imports nothing of kzmigdesk)."""

# Latin first, then the Kazakh Cyrillic alphabet (which holds the Russian one) in its order,
# with the Uzbek ў and ҳ beside their neighbours; any other letter sorts after all of these.
_ALPHABET = "abcdefghijklmnopqrstuvwxyzаәбвгғдеёжзийкқлмнңоөпрстуұүўфхһҳцчшщъыіьэюя"
_SORT_MAP = {letter: chr(0x3400 + index) for index, letter in enumerate(_ALPHABET)}
_OTHER = chr(0x3400 + len(_ALPHABET))


def sort_key(*parts: str | None) -> str:
    """A key whose plain (binary) order is the alphabetical order of Kazakh names, so that an
    ordinary index sorts the persons list correctly on SQLite and PostgreSQL alike."""
    text = " ".join(p for p in parts if p).lower()
    return "".join(_SORT_MAP.get(c) or (_OTHER + c if c.isalpha() else c) for c in text)[:100]
