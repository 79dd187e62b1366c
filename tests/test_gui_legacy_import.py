"""The legacy import dialog: the preview with the guessed mapping, the import in the
background with its counts, the rejected rows saved as CSV, and a stopped import resumed."""

import datetime as dt

from sqlalchemy import func, select
from test_legacy_import import RU_HEADER, RU_ROWS, csv_bytes, generated

from kzmigdesk import i18n
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import Person
from kzmigdesk.gui.legacy_import_dialog import LegacyImportDialog
from kzmigdesk.gui.main_window import MainWindow
from kzmigdesk.gui.widgets.background import TaskOutcome
from kzmigdesk.services.auth import Actor


def run_now(cancel_after: int | None = None):
    """A runner that runs the task at once, in this thread; Cancel pressed after
    `cancel_after` progress reports."""
    reports = []

    def run(parent, label, task):
        outcome = TaskOutcome()
        try:
            outcome.result = task(lambda done, total: reports.append(done),
                                  lambda: cancel_after is not None and len(reports) >= cancel_after)
        except Exception as error:  # noqa: BLE001 (shown by the dialog)
            outcome.error = error
        return outcome

    return run


def make_dialog(qtbot, database, **runner):
    dialog = LegacyImportDialog(database)
    dialog.run_task = run_now(**runner)
    dialog.ask_resume = lambda parent, text: True
    qtbot.addWidget(dialog)
    return dialog


def persons(database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Person))


def test_preview_mapping_import_and_rejected_rows(qtbot, database, tmp_path):
    rows = RU_ROWS + [["Плохой", "Ряд", "", "", "31.02.1990", "м", "", ""]]
    path = tmp_path / "список.csv"
    path.write_bytes(csv_bytes(RU_HEADER, rows, "cp1251", ";"))
    dialog = make_dialog(qtbot, database)
    assert not dialog.import_button.isEnabled()
    assert dialog.open_file(path)
    assert dialog.file_label.text() == "список.csv: 4 rows"
    assert [c.currentData() for c in dialog.combos] == [
        "surname", "given_name", "patronymic", "iin", "birth_date", "sex", "citizenship",
        "address"]
    assert dialog.preview.horizontalHeaderItem(0).text() == "Фамилия"
    assert dialog.preview.item(1, 0).text() == "Иванов"
    assert dialog.preview.verticalHeaderItem(1).text() == "2"
    dialog.combos[7].setCurrentIndex(0)  # the address: do not import
    assert dialog.mapping()[7] is None
    dialog.resize(1100, 500)
    dialog.grab().save("/tmp/legacy_import.png")
    assert dialog.start()
    assert dialog.message.text() == "Imported: 3. Rejected: 1, of which duplicates: 0."
    assert persons(database) == 3
    with database.sessions() as session:
        assert session.scalars(select(Person.address)).all() == [None, None, None]
    assert not dialog.import_button.isEnabled()
    assert dialog.save_button.isEnabled()
    assert dialog.preview_label.text() == "Rejected rows and why:"  # the table lists them
    assert dialog.preview.rowCount() == 1 and dialog.preview.verticalHeaderItem(0).text() == "5"
    assert dialog.preview.item(0, 0).text().startswith("Date of birth: is not a date")
    assert dialog.preview.item(0, 1).text() == "Плохой"
    saved = tmp_path / "rejected.csv"
    assert dialog.save_rejected(saved)
    assert dialog.message.text() == f"1 rejected rows saved to {saved}."
    text = saved.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("5;Date of birth: is not a date")


def test_a_mapping_without_required_fields_and_a_malformed_file(qtbot, database, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(RU_HEADER, RU_ROWS))
    dialog = make_dialog(qtbot, database)
    assert dialog.open_file(path)
    dialog.combos[0].setCurrentIndex(0)
    assert not dialog.start()
    assert dialog.message.text() == "Choose the columns of: Surname"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    assert not dialog.open_file(broken)
    assert dialog.message.text() == (
        "The file broken.xlsx cannot be imported: the workbook is damaged or is not an XLSX "
        "workbook")
    assert persons(database) == 0


def test_stopped_import_is_resumed_when_the_file_is_opened_again(qtbot, database, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(generated(1500))
    dialog = make_dialog(qtbot, database, cancel_after=1)
    assert dialog.open_file(path)
    assert not dialog.start()
    assert persons(database) == 1000
    assert dialog.message.text() == (
        "Imported: 1,000. Rejected: 0, of which duplicates: 0. The import was stopped: 1,000 of "
        "1,500 rows done; it continues from row 1,002, now or when the same file is opened "
        "again.")
    assert dialog.import_button.text() == "Continue &the import"

    asked = []
    again = make_dialog(qtbot, database)
    again.ask_resume = lambda parent, text: asked.append(text) or True
    assert again.open_file(path)
    today = i18n.format_date(dt.datetime.now(dt.UTC).date())
    resume = (f"list.csv was partly imported on {today}: 1,000 of 1,500 rows done; the import "
              "continues from row 1,002.")
    assert asked == [resume + "\n\nContinue this import?"]
    assert again.message.text() == resume
    assert not again.combos[0].isEnabled()  # the mapping of the import stays as it was
    assert again.start()
    assert persons(database) == 1500
    assert again.message.text() == "Imported: 1,500. Rejected: 0, of which duplicates: 0."


def test_file_menu_opens_the_dialog_for_those_who_register(qtbot, database):
    window = MainWindow(database.acting_as(Actor("aigerim", UserRole.CLERK)),
                        on_language_chosen=lambda code: None)
    qtbot.addWidget(window)
    assert window.legacy_import_action.isVisible()
    assert window.legacy_import_action.text() == "Import a &legacy list…"
    dialog = window.open_legacy_import()
    assert isinstance(dialog, LegacyImportDialog) and dialog.isVisible()
    dialog.close()


def test_an_error_during_the_import_is_shown_and_the_import_can_go_on(qtbot, database,
                                                                     tmp_path, monkeypatch):
    from kzmigdesk.services import legacy_import

    path = tmp_path / "list.csv"
    path.write_bytes(generated(1200))
    dialog = make_dialog(qtbot, database)
    assert dialog.open_file(path)
    original = legacy_import._Run.batch

    def failing(self, session, rows):
        if rows[0][0] > 1000:
            raise OSError("disk full")
        return original(self, session, rows)

    monkeypatch.setattr(legacy_import._Run, "batch", failing)
    assert not dialog.start()
    assert dialog.message.text() == "The import stopped: disk full"
    assert persons(database) == 1000
    monkeypatch.setattr(legacy_import._Run, "batch", original)
    assert dialog.start()
    assert dialog.message.text() == "Imported: 1,200. Rejected: 0, of which duplicates: 0."
