"""A fourth language is its catalog plus one registry line (kzmigdesk/languages.py): Uzbek in
Latin script, registered at run time with a tiny catalog, runs the main window and prints, and
the names of reference data it lacks fall back to Russian."""

import datetime as dt
import io

import pypdf
import pytest
from sqlalchemy import select

from kzmigdesk import i18n, languages
from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import Region
from kzmigdesk.gui.app import choose_language
from kzmigdesk.gui.main_window import MainWindow
from kzmigdesk.i18n.words import Words
from kzmigdesk.languages import Language
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services.registration import PersonInput, save_person

CATALOG = r'''msgid ""
msgstr ""
"Language: uz\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Persons"
msgstr "Shaxslar"

msgid "Date of birth"
msgstr "Tugʻilgan sanasi"

msgid "All regions"
msgstr "Barcha hududlar"
'''
ALMATY_RU = "город Алматы"  # the city has no Uzbek name: Russian is Uzbek's fallback


@pytest.fixture
def uzbek(tmp_path):
    """Uzbek registered with its catalog in tmp_path; the registry is as before afterwards."""
    before = dict(languages.LANGUAGES)
    folder = tmp_path / "locales" / "uz" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(CATALOG, encoding="utf-8")
    languages.register(Language("uz", "Oʻzbekcha", "uz_Latn_UZ", "ru", "Name in Uzbek",
                                locales_dir=tmp_path / "locales"))
    try:
        yield languages.get("uz")
    finally:
        if i18n.current_language() == "uz":
            i18n.set_language("en")
        languages.unregister("uz")
        i18n._cache.pop("uz", None)  # the catalog read from tmp_path
        assert languages.LANGUAGES == before


def almaty_person(database) -> str:
    with database.transaction() as session:
        almaty = session.scalars(select(Region).where(Region.code == "ALA")).one()
        assert "uz" not in almaty.names
        return save_person(session, PersonInput(
            surname="Karimov", given_name="Rustam", sex=Sex.MALE, birth_date=dt.date(1990, 3, 8),
            citizenship="UZ", region_id=almaty.id)).id


def test_uzbek_runs_the_main_window_and_falls_back_to_russian_names(qtbot, database, uzbek):
    almaty_person(database)
    window = MainWindow(database, on_language_chosen=choose_language)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = next(a for a in window.language_actions.actions() if a.data() == "uz")
    assert action.text() == "Oʻzbekcha"

    action.trigger()
    assert i18n.current_language() == "uz"
    assert window.navigation.item(1).text() == "Shaxslar"
    assert window.section_actions.actions()[2].text() == "Repatriates"  # not in the catalog
    assert "Oʻzbekcha" in window.language_label.text()
    window.show_section(1)
    page = window.pages.currentWidget()
    regions = [page.region.itemText(i) for i in range(page.region.count())]
    assert regions[0] == "Barcha hududlar" and ALMATY_RU in regions
    assert page.model.display(page.model.row(0), 4) == ALMATY_RU
    for number in range(window.pages.count()):  # every section shows in Uzbek
        window.show_section(number)


def test_uzbek_person_card_prints_with_fallback_names(database, uzbek):
    person_id = almaty_person(database)
    with database.transaction() as session:
        card = prints.person_card(session, person_id, today=dt.date(2026, 6, 30))
    pdf = forms.person_card(card, Words.of("uz"))
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Tugʻilgan sanasi" in text and "Karimov" in text
    assert ALMATY_RU in text
    assert "Oʻzbekiston" in text  # the citizenship, named by Babel's Uzbek locale


def test_a_missing_name_falls_back_then_takes_any_name():
    names = {"kk": "Алматы қаласы", "ru": "город Алматы", "en": "Almaty"}
    assert languages.pick(names, "kk") == "Алматы қаласы"
    assert languages.pick({"ru": "город Алматы", "en": "Almaty"}, "kk") == "город Алматы"
    assert languages.pick({"kk": "Алматы қаласы", "en": "Almaty"}, "en") == "Almaty"
    assert languages.pick({"kk": "Алматы қаласы"}, "en") == "Алматы қаласы"  # en → ru → kk
    assert languages.pick({"en": "Almaty"}, "xx") == "Almaty"  # an unknown language
    assert languages.pick({}, "kk") == languages.pick(None, "kk") == ""
