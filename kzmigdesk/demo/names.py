"""The demo data's tables of names, places and texts, read from the JSON files in data/, and
the helpers that spell names. Names, addresses and other texts are data, not user interface,
so they are not translated."""

import functools
import json
from importlib import resources

from kzmigdesk.domain import translit
from kzmigdesk.domain.enums import PermitCategory


def _tuples(value):
    """JSON arrays as tuples, all the way down: the tables stay immutable."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


def _load(name: str) -> dict:
    text = resources.files(__package__).joinpath("data", f"{name}.json").read_text("utf-8")
    return _tuples(json.loads(text))


_NAMES = _load("names")
KZ_MALE = _NAMES["kazakh"]["male"]
KZ_FEMALE = _NAMES["kazakh"]["female"]
KZ_SURNAMES = _NAMES["kazakh"]["surnames"]
RU_PATRONYMICS = _NAMES["russian"]["patronymics"]  # given name: (son's, daughter's)
RU_MALE = tuple(RU_PATRONYMICS)
RU_FEMALE = _NAMES["russian"]["female"]
RU_SURNAMES = _NAMES["russian"]["surnames"]
BY_SURNAMES = _NAMES["belarusian"]["surnames"]
KG_MALE = _NAMES["kyrgyz"]["male"]
KG_FEMALE = _NAMES["kyrgyz"]["female"]
KG_SURNAMES = _NAMES["kyrgyz"]["surnames"]
# Kazakhs from Xinjiang, (Cyrillic, Latin): Chinese documents give a pinyin-style Latin
# spelling, and the father's name in place of a surname.
CNKZ_MALE = _NAMES["chinese_kazakh"]["male"]
CNKZ_FATHERS = CNKZ_MALE + _NAMES["chinese_kazakh"]["other_fathers"]
CNKZ_FEMALE = _NAMES["chinese_kazakh"]["female"]
# Foreign workers and students per citizenship: (surnames, male names, female names, the
# feminine surname ending or None), each name (Latin as in the passport, Cyrillic as
# registered); Uzbek passports are in Latin script.
FOREIGN_CULTURES: dict[str, tuple] = {
    code: (culture["surnames"], culture["male"], culture["female"], culture["feminine_ending"])
    for code, culture in _NAMES["foreign"].items()
}
UZ_MALE = FOREIGN_CULTURES["UZ"][1]
AM_MALE = FOREIGN_CULTURES["AM"][1]

_PLACES = _load("places")
PLACES = _PLACES["places"]  # (district, locality) per region code; city districts in cities
STREETS = _PLACES["streets"]
AREA_CODES = _PLACES["area_codes"]
MOBILE_CODES = _PLACES["mobile_codes"]

_TEXTS = _load("texts")
REFUSAL_REASONS = _TEXTS["refusal_reasons"]
REVOCATION_REASONS = _TEXTS["revocation_reasons"]
PROFESSIONS = {PermitCategory(code): names for code, names in _TEXTS["professions"].items()}
SECTORS = _TEXTS["sectors"]  # sector: suffixes of employers' names
EMPLOYER_STEMS = _TEXTS["employer_stems"]
SERVICE_OUTCOMES = _TEXTS["service_outcomes"]  # service type code: outcomes

RUSSIFY = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
UZBEK_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "gʻ", "д": "d", "е": "e", "ё": "yo",
    "ж": "j", "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "q", "л": "l", "м": "m",
    "н": "n", "ң": "ng", "о": "o", "ө": "oʻ", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "x", "һ": "h", "ц": "s", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "ʼ", "ы": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


@functools.cache
def icao(name: str) -> str:
    return translit.to_latin(name)


@functools.cache
def uzbek_latin(name: str) -> str:
    """A Kazakh name as an Uzbek Latin-script passport spells it (Қайрат → Qayrat)."""
    lower = name.lower()
    latin = "".join(UZBEK_LATIN.get(c, c) for c in lower)
    if lower.startswith("е"):
        latin = "y" + latin
    return latin[:1].upper() + latin[1:]


def feminine(surname: str) -> str:
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname

