"""Qt's own buttons speak the interface's language: Qt's translations are loaded beside ours
and follow a language switch."""

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from kzmigdesk import i18n
from kzmigdesk.gui import qt_translations

B = QDialogButtonBox.StandardButton
BUTTONS = (B.Ok | B.Cancel | B.Save | B.Discard | B.Yes | B.No | B.Close | B.Apply
           | B.Reset | B.Open | B.Help)
# "OK" is not among them: Russian keeps it as it is.
ENGLISH = {"Cancel", "Save", "Discard", "Yes", "No", "Close", "Apply", "Reset", "Open", "Help",
           "&Cancel", "&Save", "&Yes", "&No", "&Close", "&Apply", "&Reset", "&Open", "&Help"}


def button_texts() -> set[str]:
    box = QDialogButtonBox(BUTTONS)
    texts = {button.text() for button in box.buttons()}
    question = QMessageBox(QMessageBox.Icon.Question, "", "",
                           QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                           | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    return texts | {button.text() for button in question.buttons()}


@pytest.fixture
def following(qapp):
    qt_translations.follow_language()
    yield
    i18n.set_language("en")
    i18n._listeners.remove(qt_translations.apply)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_qt_buttons_are_translated(following, language):
    i18n.set_language(language)
    texts = button_texts()
    assert len(texts) >= 11
    assert not texts & ENGLISH, texts & ENGLISH


def test_qt_buttons_follow_a_switch_back_to_english(following):
    i18n.set_language("kk")
    assert "Бас тарту" in {t.replace("&", "") for t in button_texts()}  # Cancel
    i18n.set_language("en")
    assert {"OK", "Cancel"} <= {t.replace("&", "") for t in button_texts()}
