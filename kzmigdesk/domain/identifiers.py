"""IIN (individual) and BIN (business) identification numbers of Kazakhstan.

Both are 12 digits whose last digit is a check digit: the sum of the first 11 digits weighted
1..11, modulo 11; when that gives 10, a second pass with weights 3..11, 1, 2; when that gives
10 again, the number is never issued.

IIN: YYMMDD birth date, then a digit for century and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s;
odd male, even female), four serial digits and the check digit.
BIN: YYMM of registration, entity type (4 resident, 5 non-resident legal entity, 6 joint
individual entrepreneurship), attribute (0 head office, 1 branch, 2 representative office,
3 peasant farm), five serial digits and the check digit.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from kzmigdesk.i18n import N_

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
ASCII_DIGITS = frozenset("0123456789")


def normalized(value: str | None) -> str | None:
    """What a clerk typed or a file held, in the form identifiers are compared and stored:
    Unicode NFKC (full-width and superscript digits become ASCII ones), without spaces;
    None when nothing is left. Whether the result is all ASCII digits is checked by the
    validators, never assumed (str.isdigit() accepts other scripts' digits)."""
    if value is None:
        return None
    text = "".join(unicodedata.normalize("NFKC", value).split())
    return text or None


def normalized_line(value: str | None) -> str | None:
    """A number that may hold spaces (a phone, a permit or certificate number) in NFKC, its
    runs of blanks made one space; None when blank."""
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFKC", value).split()) or None


def is_ascii_digits(value: str) -> bool:
    return bool(value) and set(value) <= ASCII_DIGITS


class IdentifierError(ValueError):
    """A number that is not a valid IIN or BIN; `message` is an untranslated msgid."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no valid number can end them."""
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def _check_shape_and_digit(number: str) -> None:
    if len(number) != 12 or not is_ascii_digits(number):
        raise IdentifierError(N_("must be exactly 12 digits"))
    if check_digit(number[:11]) != int(number[11]):
        raise IdentifierError(N_("check digit is wrong"))


@dataclass(frozen=True)
class IinInfo:
    birth_date: dt.date
    sex: str  # "M" or "F", as domain.enums.Sex


def parse_iin(number: str) -> IinInfo:
    """Validate an IIN and return the birth date and sex encoded in it. Only ASCII digits
    pass: input is `normalized` first, where it is read."""
    number = number.strip()
    _check_shape_and_digit(number)
    century_digit = int(number[6])
    if century_digit not in CENTURY_BY_DIGIT:
        raise IdentifierError(N_("the 7th digit (century and sex) must be 1 to 6"))
    year = CENTURY_BY_DIGIT[century_digit] + int(number[:2])
    try:
        birth_date = dt.date(year, int(number[2:4]), int(number[4:6]))
    except ValueError:
        raise IdentifierError(N_("the first six digits are not a valid birth date")) from None
    return IinInfo(birth_date=birth_date, sex="M" if century_digit % 2 else "F")


def validate_iin(number: str, birth_date: dt.date | None = None, sex: str | None = None) -> None:
    """Raise IdentifierError when the IIN is invalid or disagrees with birth date or sex."""
    info = parse_iin(number)
    if birth_date is not None and info.birth_date != birth_date:
        raise IdentifierError(N_("does not match the date of birth"))
    if sex is not None and info.sex != sex:
        raise IdentifierError(N_("does not match the sex"))


def validate_bin(number: str) -> None:
    number = number.strip()
    _check_shape_and_digit(number)
    if not 1 <= int(number[2:4]) <= 12:
        raise IdentifierError(N_("digits 3-4 must be a month (01-12)"))
    if number[4] not in "456":
        raise IdentifierError(N_("the 5th digit (entity type) must be 4, 5 or 6"))
    if number[5] not in "0123":
        raise IdentifierError(N_("the 6th digit (entity attribute) must be 0 to 3"))


def is_valid_iin(number: str) -> bool:
    try:
        parse_iin(number)
    except IdentifierError:
        return False
    return True


def is_valid_bin(number: str) -> bool:
    try:
        validate_bin(number)
    except IdentifierError:
        return False
    return True


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str:
    """Build a valid IIN (for demo data and tests); skips serials that cannot be completed."""
    century_base = (birth_date.year // 100) * 100
    digit = {1800: 1, 1900: 3, 2000: 5}[century_base] + (0 if sex == "M" else 1)
    while True:
        first = f"{birth_date:%y%m%d}{digit}{serial % 10000:04d}"
        check = check_digit(first)
        if check is not None:
            return first + str(check)
        serial += 1


def make_bin(registered: dt.date, serial: int, entity_type: int = 4, attribute: int = 0) -> str:
    """Build a valid BIN (for demo data and tests)."""
    while True:
        first = f"{registered:%y%m}{entity_type}{attribute}{serial % 100000:05d}"
        check = check_digit(first)
        if check is not None:
            return first + str(check)
        serial += 1
