"""The first start that creates an encrypted database shows its key once, with the
recovery sheet to print or save as a PDF (issue 22)."""

import io

import pypdf
import pytest
from PySide6.QtWidgets import QApplication

from kzmigdesk import i18n
from kzmigdesk.db import keys
from kzmigdesk.gui import recovery_key_dialog
from kzmigdesk.gui.recovery_key_dialog import RecoveryKeyDialog

KEY = bytes(range(32))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_dialog_shows_the_key_and_saves_and_prints_the_recovery_sheet(
        qtbot, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("kzmigdesk.gui.print_actions.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    i18n.set_language("kk")
    try:
        dialog = RecoveryKeyDialog(str(tmp_path / "office.sqlite3"), KEY)
        qtbot.addWidget(dialog)
        dialog.show()
        groups = keys.key_groups(KEY)
        shown = dialog.key_label.text().split()
        assert shown == list(groups) and len(groups) == 16
        assert "office.sqlite3" in dialog.findChildren(type(dialog.key_label))[0].text()
        dialog.grab().save("/tmp/seal2-recovery-key-kk.png")
        target = tmp_path / "sheet.pdf"
        monkeypatch.setattr(recovery_key_dialog.QFileDialog, "getSaveFileName",
                            lambda *args: (str(target), "PDF (*.pdf)"))
        dialog.save_button.click()
        text = pdf_text(target.read_bytes())
        assert all(group in text for group in groups) and "office.sqlite3" in text.replace("\n", "")
        printed = dialog.print_sheet()
        assert opened == [str(printed)] and printed.read_bytes().startswith(b"%PDF")
    finally:
        i18n.set_language("en")


@pytest.mark.sqlite_only
def test_the_first_start_that_creates_an_encrypted_database_shows_its_key(qtbot, monkeypatch):
    """run_gui at the very first start: the language chooser answered, the administrator
    signed in, then the key of the database just made is shown before anything else."""
    from conftest import TEST_ADMINISTRATOR

    from kzmigdesk.gui import app
    from kzmigdesk.paths import default_database_path

    monkeypatch.setenv(keys.NEW_DATABASES_ENV, "encrypted")
    order, shown = [], []
    monkeypatch.setattr(app, "ask_language", lambda: order.append("language") or None)
    monkeypatch.setattr(app, "sign_in_at_start",
                        lambda database: order.append("sign in") or TEST_ADMINISTRATOR)

    def exec_(dialog):
        shown.append((dialog.key_label.text().split(), dialog.sheet.database))
        order.append("key")
        return 1

    monkeypatch.setattr(RecoveryKeyDialog, "exec", exec_)
    monkeypatch.setattr(app, "ask_at_first_start", lambda *a: order.append("profile"))
    monkeypatch.setattr(app, "offer_demo_data", lambda *a: None)
    monkeypatch.setattr(app, "backup_at_exit", lambda database: None)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert not default_database_path().exists()
    assert app.run_gui() == 0
    path = default_database_path()
    assert keys.looks_encrypted(path)
    assert order == ["language", "sign in", "key", "profile"]
    [(groups, database)] = shown
    assert groups == list(keys.key_groups(keys.stored_key(path)))
    assert database == str(path)
    for window in QApplication.topLevelWidgets():
        window.close()

    # the next start opens it and shows nothing
    order.clear()
    assert app.run_gui() == 0
    assert shown[1:] == [] and "key" not in order
    for window in QApplication.topLevelWidgets():
        window.close()
