"""Latin transliteration of Kazakh and Russian Cyrillic, and a search key for names in any script.

`to_latin` follows the passport style of Kazakh documents (close to ICAO 9303): the Kazakh
letters lose their marks (Ә→A, Ғ→G, Қ→K, Ң→N, Ө→O, Ұ→U, Ү→U, Һ→H, І→I), Ж→ZH, Х→KH,
Ц→TS, Ч→CH, Ш→SH, Щ→SHCH, Ю→YU, Я→YA, Ы→Y, Й→I, Ё→E, and the hard and soft signs are
dropped. The case style of the input is kept: "Жанар" gives "Zhanar", "ЖАНАР" gives "ZHANAR".

`fold` turns a name written in any script into a key for matching: "Нұрлан Әбенов",
"NURLAN ABENOV" and "Nurlan  Abenov" all give "nurlan abenov".
"""

import unicodedata

_LOWER: dict[str, str] = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k",
    "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
    # Letters of neighbouring Cyrillic alphabets met in applicants' documents:
    # Uzbek ў and ҳ, Tajik ҷ, ӣ and ӯ, Ukrainian є, ї and ґ.
    "ў": "u", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "є": "ye", "ї": "yi", "ґ": "g",
}
_UPPER: dict[str, str] = {cyrillic.upper(): latin for cyrillic, latin in _LOWER.items()}

# Letters without a decomposition that `fold` still reduces to plain Latin.
_FOLD_EXTRA = str.maketrans({
    "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "þ": "th",
    "æ": "ae", "œ": "oe", "ŋ": "ng",
})
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def _upper_context(text: str, index: int) -> bool:
    """Whether the capital at `index` stands in an all-capitals word (so ZH, not Zh)."""
    if index + 1 < len(text) and text[index + 1].isalpha():
        return text[index + 1].isupper()
    return index > 0 and text[index - 1].isalpha() and text[index - 1].isupper()


def to_latin(text: str) -> str:
    """Kazakh and Russian Cyrillic to Latin, passport style; other characters pass through."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # a decomposed Й or Ё is one letter
    out: list[str] = []
    for index, char in enumerate(text):
        latin = _LOWER.get(char)
        if latin is not None:
            out.append(latin)
            continue
        latin = _UPPER.get(char)
        if latin is None:
            out.append(char)
        elif len(latin) > 1 and not _upper_context(text, index):
            out.append(latin.capitalize())
        else:
            out.append(latin.upper())
    return "".join(out)


def fold(text: str) -> str:
    """A search key for a name in any script: Latin, lower case, without diacritics, with
    single spaces, and without punctuation other than hyphens."""
    decomposed = unicodedata.normalize("NFKD", to_latin(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.casefold().translate(_FOLD_EXTRA)
    out: list[str] = []
    for char in plain:
        if char.isspace():
            out.append(" ")
        elif char in _HYPHENS:
            out.append("-")
        elif char.isalnum() and unicodedata.category(char) != "Lm":
            out.append(char)  # modifier letters such as the Uzbek ʻ in Oʻ and Gʻ are dropped
    return " ".join("".join(out).split())
