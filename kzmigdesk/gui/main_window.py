"""The main window: menu, the navigation between the sections (one list, with icons; the
View menu holds the same sections with their shortcuts), status bar."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QWidget,
)

from kzmigdesk import __version__, i18n, languages
from kzmigdesk.domain.enums import label
from kzmigdesk.gui.backup_actions import (
    DailyBackup,
    back_up_to_folder,
    is_sqlite,
    restore_from_file,
)
from kzmigdesk.gui.deadline_actions import DailyDeadlines
from kzmigdesk.gui.widgets.icons import section_icon
from kzmigdesk.i18n import N_, _
from kzmigdesk.paths import data_dir
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.workspace import Database, describe_url


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid
    page_class: str  # "module:Class" of a widget with refresh() and retranslate()

    def make_page(self, database: Database) -> QWidget:
        """The section's page, its module imported only now: a section's page is built
        when it is first shown, so the window starts with only the first one."""
        module, name = self.page_class.split(":")
        return getattr(importlib.import_module(module), name)(database)


SECTIONS = (
    Section("worklist", N_("Worklist"), "kzmigdesk.gui.worklist_page:WorklistPage"),
    Section("persons", N_("Persons"), "kzmigdesk.gui.persons_page:PersonsPage"),
    Section("repatriates", N_("Repatriates"), "kzmigdesk.gui.cases_page:CasesPage"),
    Section("workers", N_("Foreign workers"),
            "kzmigdesk.gui.foreign_workers_page:ForeignWorkersPage"),
    Section("services", N_("Services"), "kzmigdesk.gui.services_page:ServicesPage"),
    Section("quotas", N_("Quotas"), "kzmigdesk.gui.quotas_page:QuotasPage"),
    Section("reports", N_("Reports"), "kzmigdesk.gui.reports_page:ReportsPage"),
    Section("flows", N_("Flows"), "kzmigdesk.gui.flows_page:FlowsPage"),
)


def section_index(key: str) -> int:
    return next(i for i, section in enumerate(SECTIONS) if section.key == key)


class MainWindow(QMainWindow):
    def __init__(self, database: Database, on_language_chosen: Callable[[str], None]):
        """`database` acts as the signed-in user (bound at sign-in): the window shows what
        that user may use, and every service it calls acts as them."""
        super().__init__()
        self.database = database
        self.on_language_chosen = on_language_chosen
        self.setWindowIcon(QIcon(str(data_dir("resources") / "icons" / "kzmigdesk.svg")))
        self.resize(1100, 700)

        self.navigation = QListWidget()
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self.navigation.setIconSize(QSize(24, 24))
        self.section_actions = QActionGroup(self)  # View menu: Ctrl+1 ... Ctrl+8
        self.built_pages: dict[int, QWidget] = {}
        self.worklist_total: int | None = None  # shown beside the Worklist's name
        for index, section in enumerate(SECTIONS):
            icon = section_icon(section.key)
            self.navigation.addItem(QListWidgetItem(icon, ""))
            self.pages.addWidget(QWidget())  # stands in until the section is first shown
            action = QAction(icon, "", self, checkable=True)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked, i=index: self.show_section(i))
            self.section_actions.addAction(action)
        self.navigation.currentRowChanged.connect(self.show_section)
        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1000])
        self.setCentralWidget(splitter)

        self._build_menus()
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self.database_label = QLabel()
        self.language_label = QLabel()
        self.statusBar().addPermanentWidget(self.database_label)
        self.statusBar().addPermanentWidget(self.language_label)

        self.daily_backup = DailyBackup(database, self)
        self.deadlines = DailyDeadlines(database, self)
        self.deadlines.applied.connect(self._deadlines_applied)
        self.deadlines.failed.connect(lambda text: self.statusBar().showMessage(text, 10000))
        i18n.add_language_listener(self._language_changed)
        self.destroyed.connect(lambda: i18n.remove_language_listener(self._language_changed))
        self.retranslate()
        self.show_section(0)

    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.new_action = self.file_menu.addAction("", self.new_record)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.refresh_action = self.file_menu.addAction("", self.refresh_current)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.settings_action = self.file_menu.addAction("", self.open_settings)
        self.backup_action = self.file_menu.addAction("", self.back_up)
        self.backup_action.setEnabled(is_sqlite(self.database))
        self.restore_action = self.file_menu.addAction("", self.restore)
        self.restore_action.setVisible(actor_may(self.database.actor, Permission.RESTORE_BACKUP)
                                       and is_sqlite(self.database))
        self.exchange_action = self.file_menu.addAction("", self.open_exchange)
        self.legacy_import_action = self.file_menu.addAction("", self.open_legacy_import)
        self.legacy_import_action.setVisible(actor_may(self.database.actor, Permission.REGISTER))
        self.requests_action = self.file_menu.addAction("", self.open_change_requests)
        self.requests_action.setVisible(actor_may(self.database.actor, Permission.REGISTER))
        self.audit_action = self.file_menu.addAction("", self.open_audit_trail)
        self.audit_action.setVisible(actor_may(self.database.actor, Permission.VIEW_AUDIT))
        self.users_action = self.file_menu.addAction("", self.open_users)
        self.users_action.setVisible(actor_may(self.database.actor, Permission.MANAGE_USERS))
        # issue 21: the office profile (administrators) and the outgoing register
        self.office_profile_action = self.file_menu.addAction("", self.open_office_profile)
        self.office_profile_action.setVisible(actor_may(self.database.actor,
                                                        Permission.MANAGE_USERS))
        self.register_action = self.file_menu.addAction("", self.open_register)
        # issue 23: retention rules and the purge proposal (supervisors and administrators)
        self.retention_action = self.file_menu.addAction("", self.open_retention)
        self.retention_action.setVisible(actor_may(self.database.actor,
                                                   Permission.PURGE_RECORDS))
        self.file_menu.addSeparator()
        self.quit_action = self.file_menu.addAction("", self.close)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addActions(self.section_actions.actions())
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        self.language_actions = QActionGroup(self)
        for language in languages.LANGUAGES.values():
            code = language.code
            action = self.language_menu.addAction(language.native_name)
            action.setCheckable(True)
            action.setData(code)
            action.triggered.connect(lambda _checked, c=code: self.on_language_chosen(c))
            self.language_actions.addAction(action)

        self.help_menu = self.menuBar().addMenu("")
        self.about_action = self.help_menu.addAction("", self.show_about)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """The system switched between a light and a dark scheme: redraw the icons in the
        new palette's colours."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for index, section in enumerate(SECTIONS):
                icon = section_icon(section.key)
                self.navigation.item(index).setIcon(icon)
                self.section_actions.actions()[index].setIcon(icon)
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """A closed window follows no more language changes and makes no more backups."""
        i18n.remove_language_listener(self._language_changed)
        self.daily_backup.timer.stop()
        self.deadlines.timer.stop()
        super().closeEvent(event)

    def page(self, index: int) -> QWidget:
        """The section's page, built on first use (it then shows fresh data)."""
        page = self.built_pages.get(index)
        if page is None:
            page = SECTIONS[index].make_page(self.database)
            key = SECTIONS[index].key
            if key == "persons":
                page.open_requested.connect(self.open_person)
            elif key == "repatriates":
                page.open_requested.connect(page.show_case)
            elif key == "worklist":
                page.open_requested.connect(self.open_work_item)
                page.counted.connect(self._worklist_counted)
            stand_in = self.pages.widget(index)
            self.pages.insertWidget(index, page)
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
            self.built_pages[index] = page
            self._name_tables(index)
        return page

    def _name_tables(self, index: int) -> None:
        """A page's tables are named after its section for screen readers."""
        for table in self.built_pages[index].findChildren(QTableView):
            table.setAccessibleName(_(SECTIONS[index].title))

    def section_page(self, key: str) -> QWidget:
        return self.page(section_index(key))

    @property
    def worklist_page(self):
        return self.section_page("worklist")

    @property
    def persons_page(self):
        return self.section_page("persons")

    @property
    def cases_page(self):
        return self.section_page("repatriates")

    def show_section(self, index: int) -> None:
        if index < 0:
            return
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow(index)
        self.navigation.blockSignals(False)
        self.section_actions.actions()[index].setChecked(True)
        built = index in self.built_pages
        page = self.page(index)
        self.pages.setCurrentWidget(page)
        if built or not getattr(page, "LOADED_WHEN_BUILT", False):
            page.refresh()

    def new_record(self):
        """Ctrl+N: a new case in Repatriates, a new permit in Foreign workers, else a person."""
        key = self.current_section().key
        if key == "repatriates":
            return self.cases_page.new_case()
        if key == "workers":
            return self.section_page("workers").open_permit(None)
        return self.open_person(None)

    def open_person(self, person_id):
        """Open the person form (a new person when `person_id` is None), non-modal."""
        from kzmigdesk.gui.person_dialog import PersonDialog  # dialogs load when first used

        dialog = PersonDialog(self.database, person_id, self)
        dialog.saved.connect(self.persons_page.refresh)  # a method: no lambda keeping refs
        dialog.open_other.connect(self.open_person)
        return self._show(dialog)

    def open_work_item(self, kind: str, record_id):
        """Open a worklist item's record in its section's dialog; the worklist is read again
        once the dialog closes."""
        if kind == "person":
            dialog = self.open_person(record_id)
        elif kind == "case":
            dialog = self.cases_page.show_case(record_id)
        elif kind == "permit":
            dialog = self.section_page("workers").open_permit(record_id)
        elif kind == "stay":
            dialog = self.section_page("services").open_record(record_id)
        elif kind == "request":  # the queue of change requests
            dialog = self.open_change_requests()
        else:  # an exchange conflict
            from kzmigdesk.gui.exchange_dialog import ConflictsDialog

            dialog = self._show(ConflictsDialog(self.database, self))
        dialog.finished.connect(self.worklist_page.refresh)
        return dialog

    def _worklist_counted(self, total: int) -> None:
        self.worklist_total = total
        self._name_worklist()

    def _name_worklist(self) -> None:
        index = section_index("worklist")
        title = _(SECTIONS[index].title)
        if self.worklist_total is not None:
            title = _("{section} ({count})").format(
                section=title, count=i18n.format_number(self.worklist_total))
        self.navigation.item(index).setText(title)

    def current_section(self) -> Section:
        return SECTIONS[self.pages.currentIndex()]

    def _deadlines_applied(self, result) -> None:
        self.statusBar().showMessage(result.message())
        self.refresh_current()

    def refresh_current(self) -> None:
        self.pages.currentWidget().refresh()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        for index, page in self.built_pages.items():
            page.retranslate()
            self._name_tables(index)

    def _fit_navigation(self) -> None:
        """The navigation as wide as its longest name in this language (and its icon), so no
        name is cut and no scroll bar appears."""
        metrics = self.navigation.fontMetrics()
        # The worklist's count may grow: room for four digits, so the width (and the lists'
        # fitted columns beside it) does not change with it.
        texts = [_(section.title) for section in SECTIONS]
        texts.append(_("{section} ({count})").format(section=texts[section_index("worklist")],
                                                      count="8 888"))
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        width = widest + self.navigation.iconSize().width() + 40
        self.navigation.setMinimumWidth(width)
        self.navigation.setMaximumWidth(width + 60)

    def retranslate(self) -> None:
        self.setWindowTitle(_("kzmigdesk: migration office case management"))
        for index, section in enumerate(SECTIONS):
            self.navigation.item(index).setText(_(section.title))
            self.section_actions.actions()[index].setText(_(section.title))
        self._name_worklist()
        self._fit_navigation()
        self.file_menu.setTitle(_("&File"))
        self.refresh_action.setText(_("&Refresh"))
        self.new_action.setText(_("&New…"))
        self.settings_action.setText(_("&Settings…"))
        self.users_action.setText(_("&Users…"))
        self.office_profile_action.setText(_("&Office profile…"))
        self.register_action.setText(_("Outgoing re&gister…"))
        self.audit_action.setText(_("&Audit trail…"))
        self.retention_action.setText(_("Retention of personal &data…"))
        self.requests_action.setText(_("&Change requests…"))
        self.exchange_action.setText(_("&Exchange with other offices…"))
        self.legacy_import_action.setText(_("Import a &legacy list…"))
        self.backup_action.setText(_("&Back up to a folder…"))
        self.restore_action.setText(_("Res&tore a backup…"))
        self.quit_action.setText(_("&Quit"))
        self.view_menu.setTitle(_("&View"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.about_action.setText(_("&About kzmigdesk"))
        for action in self.language_actions.actions():
            action.setChecked(action.data() == i18n.current_language())
        actor = self.database.actor
        self.user_label.setText(_("Signed in: {user} ({role})").format(
            user=actor.username, role=label(actor.role)) if actor else "")
        self.database_label.setText(
            _("Database: {database}").format(database=describe_url(self.database.url)))
        self.language_label.setText(
            _("Language: {language}").format(
                language=languages.native_name(i18n.current_language())))

    def back_up(self) -> Path | None:
        path = back_up_to_folder(self, self.database)
        if path is not None:
            self.statusBar().showMessage(_("Backed up to {file}.").format(file=path), 10000)
        return path

    def restore(self) -> Path | None:
        kept = restore_from_file(self, self.database)
        if kept is not None:
            self.refresh_current()
            self.statusBar().showMessage(_("The backup was restored; the previous database "
                                           "was kept as {file}.").format(file=kept), 20000)
        return kept

    def _show(self, dialog: QWidget) -> QWidget:
        """Show a non-modal dialog, deleted once closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # The dialogs' modules load when first used (a faster start).
    def open_exchange(self):
        from kzmigdesk.gui.exchange_dialog import ExchangeDialog

        return self._show(ExchangeDialog(self.database, self))

    def open_legacy_import(self):
        from kzmigdesk.gui.legacy_import_dialog import LegacyImportDialog

        dialog = LegacyImportDialog(self.database, self)
        dialog.finished.connect(self.refresh_current)
        return self._show(dialog)

    def open_audit_trail(self):
        from kzmigdesk.gui.audit_trail_dialog import AuditTrailDialog

        return self._show(AuditTrailDialog(self.database, self))

    def open_change_requests(self):
        from kzmigdesk.gui.change_requests_dialog import ChangeRequestsDialog

        dialog = ChangeRequestsDialog(self.database, self)
        dialog.finished.connect(self.refresh_current)
        return self._show(dialog)

    def open_users(self):
        from kzmigdesk.gui.users_dialog import UsersDialog

        return self._show(UsersDialog(self.database, self))

    def open_office_profile(self):
        from kzmigdesk.gui.office_profile_dialog import OfficeProfileDialog

        return self._show(OfficeProfileDialog(self.database, self))

    def open_register(self):
        from kzmigdesk.gui.register_dialog import RegisterDialog

        return self._show(RegisterDialog(self.database, self))

    def open_retention(self):
        from kzmigdesk.gui.retention_dialog import RetentionDialog

        return self._show(RetentionDialog(self.database, self))

    def open_settings(self):
        from kzmigdesk.gui.settings_dialog import SettingsDialog

        return self._show(SettingsDialog(self))

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            _("About kzmigdesk"),
            _("kzmigdesk {version}: registration of repatriates (kandas) and foreign workers, "
              "adaptation centre services, quotas and reports for the migration offices of "
              "Kazakhstan.").format(version=__version__),
        )
