"""The office profile dialog, the outgoing register's dialog, printing without a profile (a
translated refusal; an administrator is offered the dialog) and the work permit and kandas
certificate printed from their dialogs."""

import io
import uuid

import pypdf
import pytest
from sqlalchemy import select
from test_office_profile import BIN, image

from kzmigdesk import i18n
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import Region, RepatriateCase, User, WorkPermit
from kzmigdesk.gui import office_profile_dialog, print_actions
from kzmigdesk.gui.case_dialog import CaseDialog
from kzmigdesk.gui.office_profile_dialog import OfficeProfileDialog, ask_at_first_start
from kzmigdesk.gui.permit_dialog import PermitDialog
from kzmigdesk.gui.register_dialog import RegisterDialog
from kzmigdesk.services import office_profile, register
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.users import actor_of


@pytest.fixture
def opened(monkeypatch):
    urls = []
    monkeypatch.setattr(print_actions.QDesktopServices, "openUrl", urls.append)
    return urls


@pytest.fixture
def asked(monkeypatch):
    """The message boxes of a missing profile, answered No (and recorded)."""
    seen = []
    box = print_actions.QMessageBox

    def question(parent, title, text, *args):
        seen.append(("question", text))
        return box.StandardButton.No

    monkeypatch.setattr(box, "question", question)
    monkeypatch.setattr(box, "warning", lambda parent, title, text: seen.append(("warning",
                                                                                  text)))
    return seen


def pdf_text(path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fill(dialog: OfficeProfileDialog) -> None:
    texts = {("names", "kk"): "Алматы қаласының көші-қон қызметі басқармасы",
             ("names", "ru"): "Управление миграционной службы города Алматы",
             ("addresses", "kk"): "Алматы қ., Абай даңғылы, 150",
             ("addresses", "ru"): "г. Алматы, пр. Абая, 150",
             ("head_positions", "kk"): "Басқарма басшысы",
             ("head_positions", "ru"): "Начальник управления",
             ("head_names", "kk"): "Ә. Сейітқұлов", ("head_names", "ru"): "А. Сейткулов"}
    for key, value in texts.items():
        edit = dialog.texts[key]
        edit.setPlainText(value) if hasattr(edit, "setPlainText") else edit.setText(value)
    dialog.bin.setText(BIN)
    dialog.phone.setText("+7 727 000 00 00")


def test_the_profile_dialog_creates_the_office_and_its_profile(qtbot, database, tmp_path):
    i18n.set_language("kk")
    dialog = OfficeProfileDialog(database)
    qtbot.addWidget(dialog)
    assert dialog.code.isEnabled() and dialog.region.isEnabled()  # no office yet
    assert not dialog.save()
    assert "Бөлімшенің атауы қазақ тілінде" in dialog.errors_label.text()
    fill(dialog)
    dialog.code.setText("ALA-01")
    dialog.region.setCurrentIndex(1)
    dialog.pattern.setText("15-12/{n}")
    assert "15-12/347" in dialog.example.text()
    logo = tmp_path / "logo.png"
    logo.write_bytes(image())
    dialog.load_logo(logo)
    assert dialog.remove_logo_button.isEnabled()
    dialog.show()
    dialog.grab().save("/tmp/office-profile-kk.png")
    dialog.pattern.setText("15-12/")
    assert not dialog.save()
    dialog.pattern.setText("15-12/{n}")
    assert dialog.save()
    saved = office_profile.load_profile(database)
    assert saved.office_code == "ALA-01" and saved.logo == image() and saved.bin == BIN
    again = OfficeProfileDialog(database)
    qtbot.addWidget(again)
    assert not again.code.isEnabled()
    assert again.texts["head_names", "ru"].text() == "А. Сейткулов"
    assert again.texts["names", "kk"].toPlainText().startswith("Алматы қаласының")
    again.set_logo(None)
    assert again.save() and office_profile.load_profile(database).logo is None


def test_a_new_profile_begins_from_the_desks_old_letterhead(qtbot, database, tmp_path):
    from kzmigdesk.settings import load_settings, save_settings

    settings = load_settings()
    settings.office_name = "Ақтөбе облысы көші-қон басқармасы"
    settings.office_address = "Ақтөбе қ., Әбілқайыр хан даңғылы, 40"
    settings.office_logo = str(tmp_path / "logo.png")
    (tmp_path / "logo.png").write_bytes(image())
    save_settings(settings)
    dialog = OfficeProfileDialog(database)
    qtbot.addWidget(dialog)
    assert dialog.texts["names", "ru"].toPlainText() == settings.office_name
    assert dialog.texts["addresses", "kk"].toPlainText() == settings.office_address
    assert dialog.logo == image()


def test_the_first_start_asks_an_administrator_once(database, monkeypatch):
    opened = []
    monkeypatch.setattr(office_profile_dialog, "edit_office_profile",
                        lambda db, parent=None: opened.append(db.actor) or True)
    clerk = database.acting_as(Actor("c", UserRole.CLERK))
    assert not ask_at_first_start(clerk) and opened == []
    assert ask_at_first_start(database) and opened == [database.actor]


def test_printing_without_a_profile_says_what_is_missing(qtbot, demo, opened, asked):
    with demo.sessions() as session:
        permit_id = session.scalars(select(WorkPermit.id).limit(1)).one()
        region_id = session.scalars(select(Region.id).limit(1)).one()
    # An office without a profile: its clerk is told what is missing, nothing is numbered.
    admin = demo.acting_as(Actor("admin", UserRole.ADMINISTRATOR))
    with demo.transaction() as session:
        from kzmigdesk.domain.models import Office

        office = Office(code="NEW-01", name="Жаңа", kind="district", region_id=region_id)
        session.add(office)
        session.flush()
        user = User(username="newclerk", full_name="Жаңа Маман", role=UserRole.CLERK,
                    office_id=office.id)
        session.add(user)
        session.flush()
        clerk = demo.acting_as(actor_of(user))
    dialog = PermitDialog(clerk, permit_id)
    qtbot.addWidget(dialog)
    assert dialog.print_permit() is None and opened == []
    assert asked[0][0] == "warning" and "Office name in Kazakh" in asked[0][1]
    assert "Office name in Kazakh" in dialog.errors_label.text()
    # An administrator is offered the dialog (and declines here).
    with pytest.raises(office_profile.ProfileMissing):
        print_actions.document_letterhead(demo.acting_as(Actor(
            "a", UserRole.ADMINISTRATOR, uuid.uuid4(), office.id)))
    assert asked[-1][0] == "question"
    assert register.journal(admin, office_id=office.id).lines == ()


def test_permit_and_certificate_printed_with_numbers_and_listed(qtbot, demo, opened):
    with demo.sessions() as session:
        permit_id = session.scalars(select(WorkPermit.id).order_by(WorkPermit.number)
                                    .limit(1)).one()
        case_id = session.scalars(select(RepatriateCase.id).where(
            RepatriateCase.certificate_number.is_not(None)).limit(1)).one()
        without = session.scalars(select(RepatriateCase.id).where(
            RepatriateCase.certificate_number.is_(None)).limit(1)).one()
    head = office_profile.load_profile(demo)
    pattern = head.register_pattern
    dialog = PermitDialog(demo, permit_id)
    qtbot.addWidget(dialog)
    text = pdf_text(dialog.print_permit())
    first = office_profile.format_number(pattern, 1, demo_year())
    assert first in text and head.names["ru"] in text and head.head_names["ru"] in text
    case = CaseDialog(demo, case_id)
    qtbot.addWidget(case)
    assert case.certificate_button.isEnabled()
    second = office_profile.format_number(pattern, 2, demo_year())
    assert second in pdf_text(case.print_certificate())
    other = CaseDialog(demo, without)
    qtbot.addWidget(other)
    assert not other.certificate_button.isEnabled()

    i18n.set_language("ru")
    journal = RegisterDialog(demo)
    qtbot.addWidget(journal)
    assert journal.table.rowCount() == 2
    assert journal.table.item(0, 0).text() == first
    assert journal.table.item(1, 2).text() == "Удостоверение кандаса"
    journal.search.setText(second)
    assert journal.table.rowCount() == 1 and journal.count_label.text() == "1 документ"
    journal.show()
    journal.grab().save("/tmp/office-register-ru.png")
    text = pdf_text(journal.print_journal())
    assert second in text and first not in text  # the search's lines


def demo_year() -> int:
    import datetime as dt

    return dt.date.today().year
