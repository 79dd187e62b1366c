"""The retention dialog (issue 23): supervisors see the rules and the purge proposal and
approve it (the purge runs in the background), administrators change the rules, clerks do not
see it."""

import datetime as dt

from sqlalchemy import update

from kzmigdesk import i18n
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import Person
from kzmigdesk.gui.main_window import MainWindow
from kzmigdesk.gui.retention_dialog import RetentionDialog
from kzmigdesk.services import retention
from kzmigdesk.services.auth import Actor
from tests.test_retention import NOW, person


def aged(database, *surnames):
    ids = [person(database, name) for name in surnames]
    with database.transaction() as session:
        session.execute(update(Person.__table__).values(updated_at=dt.datetime(2015, 1, 1)))
    return ids


def test_a_supervisor_approves_the_purge(qtbot, database):
    ids = aged(database, "Ескі", "Көне")
    supervisor = database.acting_as(Actor("supervisor", UserRole.SUPERVISOR))
    dialog = RetentionDialog(supervisor, today=NOW)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert not dialog.save_button.isVisibleTo(dialog)  # the rules: an administrator's
    assert not any(box.isEnabled() for box in dialog.years.values())
    assert dialog.purge_button.isEnabled()
    result = dialog.purge(confirmed=True)
    assert result.persons == 2 and not result.stopped
    assert dialog.table.rowCount() == 0 and not dialog.purge_button.isEnabled()
    assert "2 persons anonymised" in dialog.count_label.text()
    with database.sessions() as session:
        assert {session.get(Person, pid).surname for pid in ids} == {retention.ANONYMOUS}


def test_an_administrator_changes_the_rules(qtbot, database):
    aged(database, "Ескі")
    dialog = RetentionDialog(database, today=NOW)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    dialog.years[retention.PERSON_INACTIVE].setValue(0)
    assert dialog.save_rules()
    assert dialog.table.rowCount() == 0  # kept without a limit now
    assert {r.record_type: r.years for r in retention.rules(database)}[
        retention.PERSON_INACTIVE] == 0


def test_the_menu_shows_it_to_supervisors_only(qtbot, database):
    for role, shown in ((UserRole.CLERK, False), (UserRole.SUPERVISOR, True)):
        window = MainWindow(database.acting_as(Actor("someone", role)),
                            on_language_chosen=lambda code: None)
        qtbot.addWidget(window)
        assert window.retention_action.isVisible() is shown


def test_screenshot_in_kazakh(qtbot, database):
    aged(database, "Ескі", "Көне", "Бұрынғы")
    i18n.set_language("kk")
    dialog = RetentionDialog(database, today=NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save("/tmp/retention-dialog-kk.png")


def test_reading_the_proposal_can_be_cancelled(qtbot, database, monkeypatch):
    aged(database, "Ескі")
    original = retention.due_persons

    def cancelled_at_once(session, today=None, among=None, progress=None, cancelled=None):
        return original(session, today, among, progress, lambda: True)

    monkeypatch.setattr(retention, "due_persons", cancelled_at_once)
    dialog = RetentionDialog(database, today=NOW)
    qtbot.addWidget(dialog)
    assert dialog.proposal is None and dialog.table.rowCount() == 0
    assert not dialog.purge_button.isEnabled()
    assert dialog.errors_label.text() == "Stopped."
