import unicodedata

import pytest

from kzmigdesk.domain.translit import fold, to_latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Ә", "A"), ("ә", "a"), ("Ғ", "G"), ("ғ", "g"), ("Қ", "K"), ("қ", "k"),
        ("Ң", "N"), ("ң", "n"), ("Ө", "O"), ("ө", "o"), ("Ұ", "U"), ("ұ", "u"),
        ("Ү", "U"), ("ү", "u"), ("Һ", "H"), ("һ", "h"), ("І", "I"), ("і", "i"),
    ],
)
def test_kazakh_letters(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ж", "zh"), ("ш", "sh"), ("щ", "shch"), ("ч", "ch"), ("ц", "ts"), ("х", "kh"),
        ("ю", "yu"), ("я", "ya"), ("ы", "y"), ("э", "e"), ("е", "e"), ("ё", "e"), ("й", "i"),
        ("ъ", ""), ("ь", ""),
        ("абвгдзиклмнопрстуф", "abvgdziklmnoprstuf"),
    ],
)
def test_letters_common_to_kazakh_and_russian(cyrillic, latin):
    assert to_latin(cyrillic) == latin
    assert to_latin(cyrillic.upper() + "А") == latin.upper() + "A"  # within a word in capitals
    assert to_latin(cyrillic[0].upper() + cyrillic[1:] + "а") == latin.capitalize() + "a"


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("Нұрлан Әбенов", "Nurlan Abenov"),
        ("Айгерім Сәрсенбаева", "Aigerim Sarsenbaeva"),
        ("Шыңғыс Өмірзақ", "Shyngys Omirzak"),
        ("Ғалымжан Үсенов", "Galymzhan Usenov"),
        ("Қайрат Жақсыбеков", "Kairat Zhaksybekov"),
        ("Гауһар Ізбасарова", "Gauhar Izbasarova"),
        ("Ұлжан Серікқызы", "Ulzhan Serikkyzy"),
    ],
)
def test_kazakh_names(name, latin):
    assert to_latin(name) == latin


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("Щербаков", "Shcherbakov"),
        ("Хрущёв", "Khrushchev"),
        ("Юлия Подъячева", "Yuliya Podyacheva"),
        ("Цой Виктор", "Tsoi Viktor"),
        ("Сергей Соловьёв", "Sergei Solovev"),
        ("Эльвира Чернышёва", "Elvira Chernysheva"),
        ("Фёдор Ильич", "Fedor Ilich"),
    ],
)
def test_russian_names(name, latin):
    assert to_latin(name) == latin


def test_case_style_is_kept():
    assert to_latin("ЖАНАР") == "ZHANAR"
    assert to_latin("Жанар") == "Zhanar"
    assert to_latin("жанар") == "zhanar"
    assert to_latin("ЩЕРБАКОВ") == "SHCHERBAKOV"
    assert to_latin("НҰРЛАН ӘБЕНОВ") == "NURLAN ABENOV"
    assert to_latin("ЮЛИЯ") == "YULIYA"
    # a capital at the end of an all-capitals word, and initials
    assert to_latin("ЁЛКИНА ЁЖ") == "ELKINA EZH"
    assert to_latin("Ж. Ш.") == "Zh. Sh."  # a lone capital is an initial
    assert to_latin("Ж") == "Zh"
    assert to_latin("Әбенов Н.С.") == "Abenov N.S."


def test_non_cyrillic_passes_through():
    text = "Müller-Lüdenscheidt, O'Brien 12 / Oʻrinov 王磊"
    assert to_latin(text) == text
    assert to_latin("Нұрлан Smith") == "Nurlan Smith"
    assert to_latin("") == ""


def test_decomposed_letters_are_one_letter():
    assert to_latin(unicodedata.normalize("NFD", "Сергей Ёлкин")) == "Sergei Elkin"


def test_fold_matches_across_scripts():
    assert fold("Нұрлан Әбенов") == fold("NURLAN ABENOV") == "nurlan abenov"
    assert fold("Щербаков") == fold("SHCHERBAKOV") == fold("shcherbakov")
    assert fold("  Nurlan \t ABENOV\n") == "nurlan abenov"
    assert fold("Ёлкин") == fold("Елкин") == "elkin"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nürlan", "nurlan"),
        ("Oʻrinov", "orinov"),
        ("Gʻofurov", "gofurov"),
        ("O‘rinov", "orinov"),
        ("Şahin", "sahin"),
        ("Yılmaz", "yilmaz"),
        ("İbrahim", "ibrahim"),
        ("Çelik Doğan", "celik dogan"),
        ("Nu'erlan Abudula", "nuerlan abudula"),
        ("José María", "jose maria"),
        ("STRAßE", "strasse"),
        ("Søren Łukasz", "soren lukasz"),
    ],
)
def test_fold_strips_diacritics_and_apostrophes(text, key):
    assert fold(text) == key


def test_fold_punctuation():
    assert fold("Әбенов, Нұрлан (Серікұлы).") == "abenov nurlan serikuly"
    assert fold("Мамин-Сибиряк") == "mamin-sibiryak"
    assert fold("Smith–Jones") == "smith-jones"
    assert fold("KC-2026-000123") == "kc-2026-000123"
    assert fold("王磊") == "王磊"
    assert fold("") == ""
    assert fold("...") == ""
