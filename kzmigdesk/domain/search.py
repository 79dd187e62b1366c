"""Search keys for names written in any script.

A name is cut into tokens: folded to plain Latin (see translit.fold), split at spaces and
hyphens, then spelling variants of the same sound are merged (Zhanar/Janar, Khan/Han,
Aydar/Aidar), so "Nurlan Abenov", "Нұрлан Әбенов" and "Нурлан Абенов" share their tokens.
A query matches a person when each of its tokens is the prefix of one of the person's tokens.
"""

import re

from kzmigdesk.domain.translit import fold

TOKEN_LENGTH = 40
_VARIANTS = (("dzh", "j"), ("zh", "j"), ("kh", "h"), ("y", "i"), ("w", "v"))
_SPLIT = re.compile(r"[\s\-']+")


def _normalise(token: str) -> str:
    for spelling, key in _VARIANTS:
        token = token.replace(spelling, key)
    return token[:TOKEN_LENGTH]


def name_tokens(*names: str | None) -> set[str]:
    """The tokens under which a person with these names is found."""
    tokens = set()
    for name in names:
        if name:
            tokens.update(_normalise(t) for t in _SPLIT.split(fold(name)) if t)
    return tokens


def query_tokens(text: str) -> list[str]:
    """The tokens of a search text, longest first (the most selective one leads)."""
    return sorted(name_tokens(text), key=len, reverse=True)


def normalise_document_number(number: str) -> str:
    """Document numbers are kept and searched without spaces, in capitals."""
    return re.sub(r"\s+", "", number).upper()


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
