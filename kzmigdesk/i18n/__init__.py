"""Translation layer and locale-aware formatting (pure Python, shared by every layer).

Every user-visible string goes through `_` (or `N_` where it must be marked now and
translated later); every date and number goes through the `format_*` helpers below, which
use Babel with the current language's locale.
"""

import datetime as dt
import gettext
import io
from collections.abc import Callable
from decimal import Decimal

import babel as babel_core
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kzmigdesk import languages
from kzmigdesk.paths import data_dir
from kzmigdesk.text import sort_key

_current_language = "en"
_translations: gettext.NullTranslations = gettext.NullTranslations()
_cache: dict[str, gettext.NullTranslations] = {}
_listeners: list[Callable[[str], None]] = []


def load_translations(lang: str) -> gettext.NullTranslations:
    """The catalog for `lang`: the compiled .mo when shipped, else the .po read in memory."""
    if lang in _cache:
        return _cache[lang]
    folder = (languages.get(lang).locales_dir or data_dir("locales")) / lang / "LC_MESSAGES"
    mo_path, po_path = folder / "messages.mo", folder / "messages.po"
    mo_is_current = mo_path.is_file() and (
        not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    )
    if mo_is_current:
        with mo_path.open("rb") as mo_file:
            translations = gettext.GNUTranslations(mo_file)
    elif po_path.is_file():
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = gettext.GNUTranslations(buffer)
    else:
        raise FileNotFoundError(f"no catalog for language {lang!r} in {folder}")
    _cache[lang] = translations
    return translations


def set_language(lang: str) -> None:
    """Switch the language of the whole application at runtime and tell the listeners."""
    global _current_language, _translations
    if lang not in languages.LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _translations = load_translations(lang)
    _current_language = lang
    for listener in list(_listeners):
        listener(lang)


def current_language() -> str:
    return _current_language


def add_language_listener(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def remove_language_listener(listener: Callable[[str], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _(message: str) -> str:
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_`."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def babel_locale() -> str:
    return languages.get(_current_language).babel_locale


def date_pattern() -> str:
    """The current language's one date style (four-digit years), for Babel and Qt alike."""
    return languages.get(_current_language).date_pattern


def format_date(value: dt.date | None) -> str:
    """Every date shown on screen: "18.01.1966" in kk and ru, "18/01/1966" in en."""
    return "" if value is None else babel_dates.format_date(value, date_pattern(),
                                                            locale=babel_locale())


def format_datetime(value: dt.datetime | None) -> str:
    """A moment: the date's style, then the hours and minutes."""
    if value is None:
        return ""
    pattern = f"{date_pattern()} {languages.get(_current_language).time_pattern}"
    return babel_dates.format_datetime(value, pattern, locale=babel_locale())


def format_number(value: int | float | Decimal | None) -> str:
    return "" if value is None else babel_numbers.format_decimal(value, locale=babel_locale())


def format_percent(value: float | None) -> str:
    return "" if value is None else babel_numbers.format_percent(value, locale=babel_locale())


def country_name(code: str | None) -> str:
    """The name of an ISO 3166 alpha-2 country in the current language."""
    if not code:
        return ""
    return babel_core.Locale.parse(babel_locale()).territories.get(code, code)


def country_names() -> list[tuple[str, str]]:
    """(code, name) of every country, sorted by name in the current language."""
    territories = babel_core.Locale.parse(babel_locale()).territories
    countries = [(code, name) for code, name in territories.items()
                 if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "UN", "EZ")]
    return sorted(countries, key=lambda item: sort_key(item[1]))
