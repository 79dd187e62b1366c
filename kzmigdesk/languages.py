"""The registry of the application's languages (a leaf module: it imports nothing of kzmigdesk).

Every list of languages (the View → Language menu, settings, the command line, printed
documents, the names of reference data) reads this registry. Adding a language is its catalog,
`locales/<code>/LC_MESSAGES/messages.po`, plus one line in `LANGUAGES` below.
"""

from dataclasses import dataclass
from pathlib import Path


def N_(message: str) -> str:
    """Mark a msgid for extraction (kzmigdesk.i18n cannot be imported here)."""
    return message


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str  # in the menu, as the language calls itself
    babel_locale: str  # dates, numbers and country names
    fallback: str | None  # whose names show where this language's are missing
    name_label: str  # msgid of the label of a reference name in this language
    locales_dir: Path | None = None  # the folder of its catalog; None: the application's
    date_pattern: str = "dd.MM.yyyy"  # every date on screen and paper (Babel and Qt read it)
    time_pattern: str = "HH:mm"


DEFAULT_LANGUAGE = "kk"
LANGUAGES: dict[str, Language] = {language.code: language for language in (
    Language("kk", "Қазақша", "kk_KZ", "ru", N_("Name in Kazakh")),
    Language("ru", "Русский", "ru_KZ", "kk", N_("Name in Russian")),
    Language("en", "English", "en_GB", "ru", N_("Name in English"), date_pattern="dd/MM/yyyy"),
)}


def register(language: Language) -> None:
    LANGUAGES[language.code] = language


def unregister(code: str) -> None:
    LANGUAGES.pop(code, None)


def codes() -> tuple[str, ...]:
    return tuple(LANGUAGES)


def get(code: str) -> Language:
    return LANGUAGES[code]


def native_name(code: str) -> str:
    return LANGUAGES[code].native_name


def pick(names: dict[str, str] | None, code: str) -> str:
    """The name in language `code`, else in its fallback language (and the fallback's, ...),
    else any name present, else ""."""
    names = names or {}
    seen = set()
    while code and code not in seen:
        if names.get(code):
            return names[code]
        seen.add(code)
        language = LANGUAGES.get(code)
        code = language.fallback if language else None
    return next((name for name in names.values() if name), "")
