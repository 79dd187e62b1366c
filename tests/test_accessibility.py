"""Keyboard and screen readers: every input on every section and dialog takes Tab focus in
reading order and has a label buddy or an accessible name; menus keep their mnemonics in every
language."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from gui_helpers import every_dialog, first_id
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTextEdit,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui import qt_translations
from kzmigdesk.gui.main_window import SECTIONS, MainWindow

INPUTS = (QLineEdit, QComboBox, QDateEdit, QSpinBox, QPlainTextEdit, QTextEdit, QCheckBox,
          QTableView, QListWidget)
LOCALES = Path(__file__).resolve().parent.parent / "locales"
WIDTH, HEIGHT = 1280, 720
TOLERANCE = 8  # pixels: widgets on one row may be a little out of line




def inputs_of(root) -> list:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisible():
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QDateEdit,
                                                                          QSpinBox)):
            continue  # the editor inside an editable combo box or a date edit
        if isinstance(widget, QLineEdit) and widget.isReadOnly() and not widget.text():
            continue
        found.append(widget)
    return found


def buddies_of(root) -> set:
    return {label.buddy() for label in root.findChildren(QLabel) if label.buddy() is not None}


def position(widget, root) -> QPoint:
    return widget.mapTo(root, QPoint(0, 0))


def problems_of(root, what: str) -> list[str]:
    inputs = inputs_of(root)
    buddies = buddies_of(root)
    problems = []
    for widget in inputs:
        name = f"{what}: {type(widget).__name__} {widget.objectName()!r} at " \
               f"{position(widget, root).toTuple()}"
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            problems.append(f"{name} takes no Tab focus")
        named = widget in buddies or widget.accessibleName().strip()
        if isinstance(widget, QCheckBox) and widget.text().strip():
            named = True
        if not named:
            problems.append(f"{name} has neither a label buddy nor an accessible name")
    # Tab from the page or dialog itself visits every input in reading order
    wanted = {id(widget) for widget in inputs}
    chain, widget = [], root.nextInFocusChain()
    while widget is not None and widget is not root and len(chain) < len(inputs):
        if id(widget) in wanted and all(widget is not seen for seen in chain):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    if len(chain) != len(inputs):
        problems.append(f"{what}: {len(inputs) - len(chain)} inputs are not in the Tab chain")
    for before, after in zip(chain, chain[1:], strict=False):
        a, b = position(before, root), position(after, root)
        # the next input is lower, or on the same row further right (or in a next column
        # that starts no higher than the form's top-most input)
        if b.y() > a.y() + TOLERANCE:
            continue
        if abs(b.y() - a.y()) <= TOLERANCE and b.x() > a.x():
            continue
        if b.x() > a.x() + before.width() - TOLERANCE and b.x() > a.x():
            continue  # a next column
        problems.append(f"{what}: Tab goes from {type(before).__name__} "
                        f"{before.objectName()!r} {a.toTuple()} back to "
                        f"{type(after).__name__} {after.objectName()!r} {b.toTuple()}")
    return problems


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_input_is_named_and_reached_by_tab_in_reading_order(qtbot, demo, language):
    i18n.set_language(language)
    qt_translations.follow_language()
    window = MainWindow(demo, on_language_chosen=i18n.set_language)
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)
    window.show()
    problems = []
    for index, section in enumerate(SECTIONS):
        window.show_section(index)
        qtbot.wait(1)
        problems += problems_of(window.page(index), section.key)

    from kzmigdesk.gui.app import make_first_start_dialog
    from kzmigdesk.gui.sign_in_dialog import FirstAdministratorDialog, SignInDialog
    from kzmigdesk.gui.timeline_dialog import TimelineDialog

    dialogs = every_dialog(window, demo) | {
        "timeline": lambda: TimelineDialog(demo, first_id(window.page(1)), "", window),
        "sign in": lambda: SignInDialog(demo, window),
        "first administrator": lambda: FirstAdministratorDialog(demo, window),
        "first start": lambda: make_first_start_dialog(window),
    }
    for name, open_dialog in dialogs.items():
        dialog = open_dialog()
        dialog.show()
        qtbot.wait(1)
        problems += problems_of(dialog, name)
        if name == "new permit":  # and with the fields of a new employer shown
            dialog.new_employer.setChecked(True)
            qtbot.wait(1)
            problems += problems_of(dialog, "new permit, new employer")
        dialog.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_translations_keep_the_mnemonics(language):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    lost = [message.id for message in catalog
            if message.id and isinstance(message.id, str) and "&" in message.id
            and message.string and "&" not in message.string]
    assert not lost


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_each_menu_has_distinct_mnemonics(qtbot, database, language):
    i18n.set_language(language)
    window = MainWindow(database, on_language_chosen=i18n.set_language)
    qtbot.addWidget(window)
    menus = [action.menu() for action in window.menuBar().actions()]
    titles = [action.text() for action in window.menuBar().actions()]
    for texts in [titles] + [[a.text() for a in menu.actions()] for menu in menus]:
        keys = [text[text.index("&") + 1].lower() for text in texts if "&" in text]
        assert len(keys) == len(set(keys)), "|".join(texts)


def mnemonic(text: str) -> str | None:
    """The key of a text's "&" mnemonic ("&&" is a plain "&")."""
    text = text.replace("&&", "")
    index = text.find("&")
    return text[index + 1].lower() if 0 <= index < len(text) - 1 else None


def own_buttons(dialog) -> list:
    """The dialog's visible push buttons, but Qt's standard ones (OK, Cancel, ... in Qt's
    translation) which Enter and Esc press."""
    found = []
    for button in dialog.findChildren(QPushButton):
        if not button.isVisible() or button.window() is not dialog:
            continue
        box = button.parent()
        if isinstance(box, QDialogButtonBox) and box.standardButton(button) != \
                QDialogButtonBox.StandardButton.NoButton and not mnemonic(button.text()):
            continue
        found.append(button)
    return found


def mnemonic_problems(texts: list[str], what: str) -> list[str]:
    problems = [f"{what}: {text!r} has no mnemonic" for text in texts if not mnemonic(text)]
    keys = [mnemonic(text) for text in texts if mnemonic(text)]
    if len(keys) != len(set(keys)):
        problems.append(f"{what}: mnemonics repeat: {' | '.join(texts)}")
    return problems


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_each_dialogs_buttons_have_distinct_mnemonics(qtbot, demo, language):
    from gui_walk import dialogs, open_window, speaking

    from kzmigdesk.services.labour import PERMIT_ACTIONS
    from kzmigdesk.services.repatriation import TRANSITION_ACTIONS

    problems, checked = [], 0
    with speaking(language):
        window = open_window(qtbot, demo)
        for name, dialog in dialogs(qtbot, window, demo):
            texts = [button.text() for button in own_buttons(dialog)]
            checked += len(texts)
            # every action a case or a permit may offer, beside the dialog's other buttons
            actions = {"case": TRANSITION_ACTIONS, "permit": PERMIT_ACTIONS}.get(name, {})
            shown = [text for text in texts if text not in {i18n._(a) for a in
                                                             actions.values()}]
            problems += mnemonic_problems(shown + [i18n._(a) for a in actions.values()], name)
    assert not problems, "\n".join(problems)
    assert checked > 40
