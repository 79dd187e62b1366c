"""Search keys for names written in any script.

A name is cut into tokens: folded to plain Latin (see translit.fold), split at spaces and
hyphens, then spelling variants of the same sound are merged (Zhanar/Janar, Khan/Han,
Aydar/Aidar), so "Nurlan Abenov", "Нұрлан Әбенов" and "Нурлан Абенов" share their tokens.
A query matches a person when each of its tokens is the prefix of one of the person's tokens.
"""

import re

from kzmigdesk.domain.identifiers import normalized
from kzmigdesk.domain.translit import fold
from kzmigdesk.text import sort_key as sort_key  # its home is kzmigdesk.text; kept importable here

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
    """Document numbers are kept and searched in NFKC (full-width letters and digits become
    ASCII ones), without spaces, in capitals."""
    return (normalized(number) or "").upper()

