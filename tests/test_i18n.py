import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from kzmigdesk import i18n
from kzmigdesk.domain.enums import RepatriateStatus, label

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_messages() -> set[str]:
    """Every msgid in the code and the .ui forms now, extracted as `pybabel extract` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.update(message if isinstance(message, tuple) else (message,))
    return found


def catalog(lang: str):
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_is_translated(lang):
    translations = {key: m for m in catalog(lang) if m.id
                    for key in ((m.id,) if isinstance(m.id, str) else m.id)}
    messages = source_messages()
    assert len(messages) > 50
    problems = []
    for msgid in sorted(messages):
        entry = translations.get(msgid)
        strings = entry.string if entry and isinstance(entry.string, tuple) else (
            (entry.string,) if entry else ())
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"untranslated: {msgid!r}")
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(msgid)) for s in strings):
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == [], f"{lang} catalog: run pybabel extract/update and translate:\n" + (
        "\n".join(problems))


def test_language_switch_at_runtime_tells_listeners():
    heard = []
    i18n.add_language_listener(heard.append)
    try:
        i18n.set_language("kk")
        kk = i18n._("Persons")
        i18n.set_language("ru")
        ru = i18n._("Persons")
        i18n.set_language("en")
        en = i18n._("Persons")
    finally:
        i18n.remove_language_listener(heard.append)
    assert heard == ["kk", "ru", "en"]
    assert en == "Persons"
    assert kk != en and ru != en and kk != ru
    assert re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]|[А-Яа-я]", kk)


def test_enum_labels_follow_the_language():
    i18n.set_language("ru")
    assert label(RepatriateStatus.REFUSED) != "refused"
    i18n.set_language("en")
    assert label(RepatriateStatus.REFUSED) == "refused"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("de")


def test_dates_and_numbers_use_the_locale():
    day = dt.date(2026, 12, 1)
    i18n.set_language("en")
    assert i18n.format_number(1234567) == "1,234,567"
    assert i18n.format_date(day) == "01/12/2026"
    i18n.set_language("ru")
    assert i18n.format_number(1234567) == "1\xa0234\xa0567"
    assert i18n.format_date(day) == "01.12.2026"
    i18n.set_language("kk")
    assert i18n.format_number(1234567).replace("\xa0", " ") == "1 234 567"
    assert i18n.format_date(None) == ""


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_one_date_style_per_language_with_four_digit_years(qapp, language):
    """Lists, forms, filters, the timeline and printed documents show a date one way."""
    from kzmigdesk.gui.widgets.dates import date_edit
    from kzmigdesk.i18n.words import Words

    i18n.set_language(language)
    day, moment = dt.date(1966, 1, 18), dt.datetime(2026, 12, 2, 9, 5)
    expected, expected_moment = (("18/01/1966", "02/12/2026 09:05") if language == "en"
                                 else ("18.01.1966", "02.12.2026 09:05"))
    assert i18n.format_date(day) == expected
    assert Words.of(language).date(day) == expected
    assert i18n.format_datetime(moment) == expected_moment
    assert date_edit().displayFormat() == i18n.date_pattern()
    assert "yyyy" in i18n.date_pattern()


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_every_enum_member_has_its_own_label(lang):
    from kzmigdesk.domain.enums import LABELS, PermitStatus

    i18n.set_language(lang)
    for enum_cls, labels in LABELS.items():
        assert set(labels) == set(enum_cls)
        assert len({label(member) for member in enum_cls}) == len(enum_cls), enum_cls
    # Members with the same value in different enums keep their own labels.
    assert label(RepatriateStatus.EXPIRED) != label(PermitStatus.EXPIRED)
