"""The office profile: read by any signed-in user, changed by an administrator only, checked
(BIN checksum, a PNG or JPEG logo within its size, the number pattern); the letterhead of
every document comes from it, and without it nothing is printed."""

import datetime as dt
import io

import pytest
from PIL import Image
from sqlalchemy import select

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import Office, Region, User
from kzmigdesk.services import office_profile as op
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import ServiceError, ValidationFailed

ADMIN = Actor("admin", UserRole.ADMINISTRATOR)
BIN = make_bin(dt.date(2015, 3, 1), 71)


def image(fmt: str = "PNG", size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


def region_id(database, code="ALA"):
    with database.sessions() as session:
        return session.scalars(select(Region.id).where(Region.code == code)).one()


def complete(database, **changes) -> op.ProfileInput:
    data = op.ProfileInput(
        names={"kk": "Алматы қаласының көші-қон қызметі басқармасы",
               "ru": "Управление миграционной службы города Алматы"},
        addresses={"kk": "Алматы қ., Абай даңғылы, 150", "ru": "г. Алматы, пр. Абая, 150"},
        head_positions={"kk": "Басқарма басшысы", "ru": "Начальник управления"},
        head_names={"kk": "Ә. Сейітқұлов", "ru": "А. Сейткулов"},
        bin=BIN, phone="+7 727 000 00 00", logo=image(), register_pattern="15-12/{n}",
        code="ALA-01", region_id=region_id(database))
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_the_first_profile_makes_the_office_this_databases_own(database):
    admin = database.acting_as(ADMIN)
    assert not op.has_profile(admin)
    with pytest.raises(op.ProfileMissing) as refused:
        op.letterhead(admin)
    assert "no office is set up" in refused.value.message()
    saved = op.save_profile(admin, complete(database))
    assert saved.office_code == "ALA-01" and saved.bin == BIN and saved.logo == image()
    assert op.has_profile(admin)
    letterhead = op.letterhead(admin)
    assert letterhead.names["kk"].startswith("Алматы қаласының")
    assert letterhead.head.names["ru"] == "А. Сейткулов" and letterhead.logo == image()
    assert letterhead.prepared_by.title == "Chief specialist"
    # A clerk of that office reads it; a clerk may not change it.
    clerk = database.acting_as(Actor("c", UserRole.CLERK, office_id=saved.office_id))
    assert op.load_profile(clerk).names == saved.names
    with pytest.raises(op.NotAdministrator):
        op.save_profile(clerk, complete(database))
    with pytest.raises(ServiceError):
        op.load_profile(database.acting_as(None))
    # Changed again: the same office, a new version; a stale version is refused.
    again = op.save_profile(admin, complete(database, phone="+7 727 111 11 11"),
                            version=saved.version)
    assert again.office_id == saved.office_id and again.phone == "+7 727 111 11 11"
    with pytest.raises(ServiceError):
        op.save_profile(admin, complete(database), version=saved.version)


@pytest.mark.parametrize(("changes", "field"), [
    ({"bin": BIN[:-1] + str((int(BIN[-1]) + 1) % 10)}, "bin"),
    ({"logo": b"GIF89a" + bytes(100)}, "logo"),
    ({"logo": image("GIF")}, "logo"),
    ({"logo": image(size=(1200, 1200)) + bytes(op.MAX_LOGO_BYTES)}, "logo"),
    ({"register_pattern": "15-12/"}, "register_pattern"),
    ({"register_pattern": "{x}/{n}"}, "register_pattern"),
    ({"phone": "call us"}, "phone"),
    ({"head_names": {"kk": "Ә. Сейітқұлов"}}, "head_names.ru"),
    ({"names": {"ru": "Управление"}}, "names.kk"),
    ({"code": ""}, "code"),
])
def test_what_the_profile_refuses(database, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        op.save_profile(database.acting_as(ADMIN), complete(database, **changes))
    assert field in refused.value.fields()


def test_a_jpeg_logo_and_no_logo_are_fine(database):
    admin = database.acting_as(ADMIN)
    jpeg = op.save_profile(admin, complete(database, logo=image("JPEG")))
    assert jpeg.logo[:3] == b"\xff\xd8\xff"
    assert op.save_profile(admin, complete(database, logo=None)).logo is None


def test_the_users_office_is_the_one_printed_for(database):
    admin = database.acting_as(ADMIN)
    first = op.save_profile(admin, complete(database))
    with database.transaction() as session:
        other = Office(code="AST-01", name="Астана", kind="district",
                       region_id=session.scalars(select(Region.id).where(
                           Region.code == "AST")).one())
        session.add(other)
        session.flush()
        other_id = other.id
        session.add(User(username="clerk", full_name="Әбенова Нұрсұлу", role=UserRole.CLERK,
                         office_id=other_id))
        session.flush()
        clerk_id = session.scalars(select(User.id).where(User.username == "clerk")).one()
    clerk = database.acting_as(Actor("clerk", UserRole.CLERK, clerk_id, other_id))
    with pytest.raises(op.ProfileMissing) as refused:
        op.letterhead(clerk)  # the clerk's office has no profile yet
    message = refused.value.message()
    assert "Office name in Kazakh" in message and "Head of office in Russian" in message
    op.save_profile(admin, complete(database, names={"kk": "Астана", "ru": "Астана"}),
                    office_id=other_id)
    letterhead = op.letterhead(clerk)
    assert letterhead.names == {"kk": "Астана", "ru": "Астана"}
    assert letterhead.prepared_by.names == {"": "Әбенова Нұрсұлу"}
    assert letterhead.prepared_by.title == "Specialist"
    assert op.load_profile(admin).office_id == first.office_id  # the home office


def test_the_command_line_prints_under_the_profile_or_refuses(database, tmp_path, capsys):
    import pypdf

    from kzmigdesk.cli import main

    url, out = database.url, tmp_path / "october.pdf"
    command = ["--db", url, "report", "monthly", "--month", "2026-10", "--out", str(out),
               "--language", "kk+ru"]
    assert main(command) == 1 and not out.exists()
    assert "The office profile is not complete" in capsys.readouterr().err
    saved = op.save_profile(database.acting_as(ADMIN), complete(database))
    assert main(command) == 0
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
                    .split())
    assert saved.names["kk"] in text and saved.names["ru"] in text
    assert "Ә. Сейітқұлов / А. Сейткулов" in text  # the head in the summary's approval
    assert "беттің 1-беті" in text and "Лист 1 из" in text
