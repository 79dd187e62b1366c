"""What appears after a click: the questions a dialog's buttons open (a status change, a
household member, a referral letter, a check-out, ...), the windows they open and the lists'
column menus. In every language each of their inputs takes Tab focus with a label buddy or an
accessible name, their buttons' mnemonics are distinct, and in kk and ru no button or title is
left in English."""

import re

import pytest
from gui_walk import dialogs, open_window, sections, speaking
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QInputDialog,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)
from test_accessibility import mnemonic_problems, own_buttons, problems_of

from kzmigdesk import languages
from kzmigdesk.gui.widgets.dialogs import without_mnemonic

# Latin words a kk or ru text may hold: the application's name, file formats, the languages'
# own names (the language question); record numbers (WP-2026-0000012) are not words
PROPER = {"kzmigdesk", "CSV", "PDF", "XLSX", "UTF", "BOM", "PNG", "JPEG"} | {
    language.native_name for language in languages.LANGUAGES.values()}
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?![\w-])")


def english_in(widget: QWidget, what: str) -> list[str]:
    """The texts of a window's (or a page's) buttons, group boxes and title with English
    words left."""
    texts = [widget.windowTitle()]
    texts += [b.text() for b in widget.findChildren(QAbstractButton)
              if b.isVisible() and b.window() is widget.window()]
    texts += [g.title() for g in widget.findChildren(QGroupBox) if g.isVisible()]
    found = []
    for text in texts:
        words = set(LATIN_WORD.findall(without_mnemonic(text))) - PROPER
        if words:
            found.append(f"{what}: {text!r} is in English ({', '.join(sorted(words))})")
    return found


def check(window: QWidget, what: str, language: str) -> list[str]:
    problems = problems_of(window, what)
    problems += mnemonic_problems([b.text() for b in own_buttons(window)
                                   if not isinstance(b.parent(), QDialogButtonBox)
                                   or "&" in b.text()], what)
    if language != "en":
        problems += english_in(window, what)
    return problems


class Asked:
    """Stands in for every question a click may ask: each modal dialog and message box is
    shown, checked and cancelled; files are never chosen, nothing is opened outside."""

    def __init__(self, qtbot, monkeypatch, language):
        self.qtbot, self.language = qtbot, language
        self.problems, self.seen = [], []
        monkeypatch.setattr(QDialog, "exec", lambda dialog: self.exec_(dialog))
        monkeypatch.setattr(QMessageBox, "exec", lambda dialog: self.exec_(dialog))
        for name in ("getOpenFileName", "getSaveFileName"):
            monkeypatch.setattr(QFileDialog, name, lambda *a, **k: ("", ""))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
        monkeypatch.setattr(QDesktopServices, "openUrl", lambda *a, **k: True)
        self.where = ""

    def exec_(self, dialog) -> int:
        dialog.show()
        self.qtbot.wait(1)
        what = f"{self.where} → {without_mnemonic(dialog.windowTitle()) or type(dialog).__name__}"
        self.seen.append(what)
        self.problems += check(dialog, what, self.language)
        dialog.reject()
        return 0


def clickable(dialog) -> list[QPushButton]:
    """The buttons that open something: "…" ones and a record's status actions."""
    actions = list(getattr(dialog, "transition_buttons", {}).values())
    return [b for b in dialog.findChildren(QPushButton)
            if b.isVisible() and b.isEnabled() and b.window() is dialog
            and ("…" in b.text() or b in actions)]


def open_windows() -> set:
    return {w for w in QApplication.topLevelWidgets() if w.isVisible()}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_what_a_click_opens_is_named_reached_and_translated(qtbot, demo, monkeypatch,
                                                           language):
    asked = Asked(qtbot, monkeypatch, language)
    problems = []
    with speaking(language):
        window = open_window(qtbot, demo)
        menus = []
        monkeypatch.setattr(QMenu, "popup", lambda menu, *a: menus.append(menu))
        for name, page in sections(qtbot, window):
            if language != "en":
                problems += english_in(page, name)
            table = getattr(page, "table", None)
            if table is None or not hasattr(page, "column_menu"):
                continue
            # the column menu opens from the keyboard too (the menu key on the list)
            before = len(menus)
            QApplication.sendEvent(table.viewport(), QContextMenuEvent(
                QContextMenuEvent.Reason.Keyboard, QPoint(5, 5),
                table.viewport().mapToGlobal(QPoint(5, 5))))
            if len(menus) == before:
                problems.append(f"{name}: the column menu does not open from the keyboard")
            for menu in menus[before:]:
                texts = [a.text() for a in menu.actions()]
                if not all(texts):
                    problems.append(f"{name}: a column menu item has no text")
        for name, dialog in dialogs(qtbot, window, demo):
            if language != "en":
                problems += english_in(dialog, name)
            for button in clickable(dialog):
                if not (button.isVisible() and button.isEnabled()):
                    continue
                asked.where = f"{name}: {without_mnemonic(button.text())}"
                before = open_windows()
                button.click()
                qtbot.wait(1)
                for opened in open_windows() - before:
                    what = f"{asked.where} → {without_mnemonic(opened.windowTitle())}"
                    asked.seen.append(what)
                    problems += check(opened, what, language)
                    if hasattr(opened, "ask_discard"):
                        opened.ask_discard = lambda: True
                    opened.close()
            # and the question before a change that cannot be undone
            for status in getattr(dialog, "transition_buttons", {}):
                asked.where = f"{name}: {status}"
                dialog.confirm_transition(status)
    assert not problems + asked.problems, "\n".join(problems + asked.problems)
    seen = " | ".join(asked.seen)
    # the questions of a status change and its confirmation, a household member and a
    # referral letter were met
    assert len(asked.seen) >= 12, seen
