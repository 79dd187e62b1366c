"""Words for a document in its own language (or two, for the bilingual kk/ru forms Kazakh
offices use), without touching the application's current language."""

import datetime as dt
from dataclasses import dataclass

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.core import Locale

from kzmigdesk import languages
from kzmigdesk.i18n import load_translations

BILINGUAL = "kk+ru"


def document_languages() -> tuple[str, ...]:
    """Each language of the registry ("kk", "ru", "en"), and the bilingual "kk+ru"."""
    return (*languages.codes(), BILINGUAL)


@dataclass(frozen=True)
class Words:
    """Translate and format for a document: `languages` is one code, or ("kk", "ru")."""

    languages: tuple[str, ...]

    @classmethod
    def of(cls, language: str) -> "Words":
        """Words for "kk", "ru", "en" or the bilingual "kk+ru"."""
        return cls(tuple(language.split("+")))

    @property
    def first(self) -> str:
        return self.languages[0]

    @property
    def locale(self) -> str:
        return languages.get(self.first).babel_locale

    def each(self, msgid: str) -> list[str]:
        """The message in each language, without repeats."""
        texts = []
        for code in self.languages:
            text = load_translations(code).gettext(msgid)
            if text not in texts:
                texts.append(text)
        return texts

    def t(self, msgid: str, **params) -> str:
        """The message in each language, joined by " / ". A parameter may be a function of
        a one-language Words, so that dates and months are written in each language too:
        `words.t("Printed on {date}", date=lambda w: w.date(day))`."""
        texts = []
        for code in self.languages:
            one = Words((code,))
            values = {k: v(one) if callable(v) else v for k, v in params.items()}
            text = load_translations(code).gettext(msgid).format(**values)
            if text not in texts:
                texts.append(text)
        return " / ".join(texts)

    def name(self, named) -> str:
        """A region's, service type's ... name in each language: `named` holds them in its
        `names` (language code → name), as kzmigdesk.domain.documents.Named does."""
        if named is None:
            return ""
        names = []
        for code in self.languages:
            name = languages.pick(named.names, code)
            if name not in names:
                names.append(name)
        return " / ".join(names)

    def date(self, value: dt.date | None) -> str:
        """A date in the style of the document's first language (as on screen)."""
        if value is None:
            return ""
        pattern = languages.get(self.languages[0]).date_pattern
        return babel_dates.format_date(value, pattern, locale=self.locale)

    def month(self, value: dt.date) -> str:
        """"October 2026" in the first language (the nominative month name)."""
        return babel_dates.format_date(value, "LLLL y", locale=self.locale).capitalize()

    def number(self, value: int | float | None) -> str:
        return "" if value is None else babel_numbers.format_decimal(value, locale=self.locale)

    def percent(self, value: float | None) -> str:
        return "" if value is None else babel_numbers.format_percent(value, locale=self.locale)

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return Locale.parse(self.locale).territories.get(code, code)
