import datetime as dt

import pytest

from kzmigdesk.domain.identifiers import (
    IdentifierError,
    check_digit,
    is_valid_bin,
    is_valid_iin,
    make_bin,
    make_iin,
    parse_iin,
    validate_bin,
    validate_iin,
)


def test_check_digit_first_pass_by_hand():
    # 9*1 + 0*2 + 0*3 + 5*4 + 1*5 + 7*6 + 3*7 + 0*8 + 1*9 + 2*10 + 3*11 = 159; 159 % 11 = 5
    assert check_digit("90051730123") == 5
    assert is_valid_iin("900517301235")
    assert not is_valid_iin("900517301236")


def test_check_digit_second_pass_by_hand():
    # A single 1 in 10th place: first pass 1*10 = 10, so the second pass decides,
    # where the 10th weight is 1: 1*1 = 1.
    assert check_digit("00000000010") == 1


def test_number_with_no_valid_check_digit():
    # Find 11 digits where both passes give 10: such numbers are never issued.
    for serial in range(10000):
        first = f"8501013{serial:04d}"
        if check_digit(first) is None:
            break
    else:
        pytest.fail("no never-issued prefix found")
    for last in "0123456789":
        assert not is_valid_iin(first + last)


def test_parse_iin_birth_date_and_sex():
    info = parse_iin("900517301235")
    assert info.birth_date == dt.date(1990, 5, 17)
    assert info.sex == "M"


@pytest.mark.parametrize(
    ("birth_date", "sex", "century_digit"),
    [
        (dt.date(1899, 12, 31), "M", "1"),
        (dt.date(1899, 12, 31), "F", "2"),
        (dt.date(1975, 2, 28), "M", "3"),
        (dt.date(1975, 2, 28), "F", "4"),
        (dt.date(2004, 2, 29), "M", "5"),
        (dt.date(2012, 7, 1), "F", "6"),
    ],
)
def test_century_and_sex_digit(birth_date, sex, century_digit):
    iin = make_iin(birth_date, sex, serial=42)
    assert iin[6] == century_digit
    validate_iin(iin, birth_date=birth_date, sex=sex)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "must be exactly 12 digits"),
        ("90051730123A", "must be exactly 12 digits"),
        ("900517301236", "check digit is wrong"),
    ],
)
def test_invalid_iin_messages(number, message):
    with pytest.raises(IdentifierError) as error:
        parse_iin(number)
    assert error.value.message == message


def test_iin_with_impossible_date():
    first = "9002303" + "0001"  # 30 February
    number = first + str(check_digit(first))
    with pytest.raises(IdentifierError, match="birth date"):
        parse_iin(number)


def test_iin_with_bad_century_digit():
    first = "9005177" + "0001"
    number = first + str(check_digit(first))
    with pytest.raises(IdentifierError, match="7th digit"):
        parse_iin(number)


def test_iin_inconsistent_with_birth_date_or_sex():
    iin = make_iin(dt.date(1988, 3, 8), "F", serial=7)
    validate_iin(iin, birth_date=dt.date(1988, 3, 8), sex="F")
    with pytest.raises(IdentifierError, match="date of birth"):
        validate_iin(iin, birth_date=dt.date(1988, 3, 9))
    with pytest.raises(IdentifierError, match="sex"):
        validate_iin(iin, sex="M")


def test_bin_valid_and_invalid():
    number = make_bin(dt.date(2015, 3, 1), serial=4567)
    assert number.startswith("150340")
    assert is_valid_bin(number)
    validate_bin(number)
    assert not is_valid_bin(number[:-1] + str((int(number[-1]) + 1) % 10))


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("1513400" + "0001", "month"),
        ("1503700" + "0001", "entity type"),
        ("1503480" + "0001", "entity attribute"),
    ],
)
def test_bin_structure(prefix, message):
    check = check_digit(prefix)
    assert check is not None
    with pytest.raises(IdentifierError, match=message):
        validate_bin(prefix + str(check))


# --- odd digits: input is normalised (NFKC), and only ASCII digits are ever valid ---------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kzmigdesk.domain.identifiers import normalized  # noqa: E402

VALID_IIN = "900517301235"
FULL_WIDTH = "".join(chr(0xFF10 + int(d)) for d in VALID_IIN)
ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in VALID_IIN)
SUPERSCRIPT_LAST = VALID_IIN[:-1] + "⁵"


def test_odd_digits_are_normalised_or_refused():
    assert normalized(FULL_WIDTH) == VALID_IIN
    assert normalized(SUPERSCRIPT_LAST) == VALID_IIN
    assert normalized(" 9005 1730 1235 ") == VALID_IIN
    assert normalized("   ") is None and normalized(None) is None
    # Other scripts' digits pass str.isdigit() and int(): they must still be refused.
    assert ARABIC_INDIC.isdigit()
    assert normalized(ARABIC_INDIC) == ARABIC_INDIC
    for raw in (FULL_WIDTH, ARABIC_INDIC, SUPERSCRIPT_LAST):
        with pytest.raises(IdentifierError):
            parse_iin(raw)  # not normalised: refused, never stored as it is
    with pytest.raises(IdentifierError) as refused:
        parse_iin(normalized(ARABIC_INDIC))
    assert refused.value.message == "must be exactly 12 digits"


@given(st.text(max_size=20))
def test_any_text_is_a_valid_iin_or_a_clear_error(text):
    """Validation never raises anything but IdentifierError, and what passes is 12 ASCII
    digits."""
    for value in (text, normalized(text) or ""):
        for check in (parse_iin, validate_bin):
            try:
                check(value)
            except IdentifierError as error:
                assert error.message
            else:
                assert len(value.strip()) == 12 and set(value.strip()) <= set("0123456789")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from("MF"), st.integers(0, 9999))
def test_made_iins_round_trip_through_any_digit_width(birth, sex, serial):
    iin = make_iin(birth, sex, serial)
    wide = "".join(chr(0xFF10 + int(d)) for d in iin)
    info = parse_iin(normalized(wide))
    assert (info.birth_date, info.sex) == (birth, sex)


def test_numbers_that_keep_their_spaces_are_normalised_too():
    from kzmigdesk.domain.identifiers import normalized_line

    assert normalized_line("＋７  ７０１ １２３\t４５ ６７") == "+7 701 123 45 67"
    assert normalized_line("ＫＣ－２０２６－¹²") == "KC-2026-12"
    assert normalized_line(" \t ") is None and normalized_line(None) is None
