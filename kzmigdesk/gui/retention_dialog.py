"""How long personal data are kept (issue 23): the retention rules (an administrator changes
them; a supervisor sees them) and this month's purge proposal, which a supervisor approves.
The purge runs off the GUI thread with its progress and a Cancel button."""

import datetime as dt

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.background import run_in_background
from kzmigdesk.gui.widgets.dialogs import confirm_action, error_label, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import retention
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Person"), N_("Date of birth"), N_("IIN"), N_("Rule"), N_("Ended on"),
           N_("Due since"))


class RetentionDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.database = database
        self.today = today
        self.setWindowTitle(_("Retention of personal data"))
        self.resize(980, 600)
        may_set = actor_may(database.actor, Permission.SET_RETENTION)
        rules_box = QGroupBox(_("Years a record is kept after it ended (0: without a limit)"))
        form = QFormLayout(rules_box)
        self.years: dict[str, QSpinBox] = {}
        for rule in retention.rules(database):
            box = QSpinBox()
            box.setRange(0, retention.MAX_YEARS)
            box.setMaximumWidth(100)
            box.setValue(rule.years)
            box.setEnabled(may_set)
            box.setAccessibleName(_(rule.label))
            self.years[rule.record_type] = box
            form.addRow(_(rule.label), box)
        self.save_button = QPushButton(_("&Save the rules"))
        self.save_button.setVisible(may_set)
        form.addRow(self.save_button)
        self.table = read_only_table(len(COLUMNS))
        self.table.setAccessibleName(_("Persons due for purge"))
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.purge_button = QPushButton(_("&Purge the persons due…"))
        self.close_button = QPushButton(_("&Close"))
        no_default_buttons(self.save_button, self.purge_button, self.close_button)
        self.errors_label = error_label()
        note = QLabel(_("A purge anonymises the persons due and their records (names, IIN, "
                        "contacts, documents, notes) and deletes their scans; the counts of "
                        "the reports stay. Other offices purge the same persons when they "
                        "import the next exchange package. It cannot be undone."))
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.purge_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(rules_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addWidget(self.errors_label)
        self.save_button.clicked.connect(self.save_rules)
        self.purge_button.clicked.connect(self.purge)
        self.close_button.clicked.connect(self.reject)
        self.refresh()

    def refresh(self) -> None:
        """Read the proposal in the background (every person, case, permit and service is
        read): a progress dialog shows after a moment, with Cancel."""
        self.errors_label.clear()
        self.proposal = None
        self.purge_button.setEnabled(False)
        outcome = run_in_background(
            self, _("Finding the persons due for purge…"),
            lambda progress, cancelled: retention.proposal(self.database, self.today,
                                                           progress, cancelled))
        if not outcome.ok:
            fill_table(self.table, [], [_(c) for c in COLUMNS])
            self.count_label.clear()
            if outcome.error is not None:
                self.errors_label.setText(outcome.error.message()
                                          if isinstance(outcome.error, ServiceError)
                                          else str(outcome.error))
            return
        self.proposal = outcome.result
        rows = [[due.name, i18n.format_date(due.born), due.iin or "",
                 _(retention.RECORD_TYPES[due.rule]), i18n.format_date(due.ended_on),
                 i18n.format_date(due.due_on)] for due in self.proposal.due]
        fill_table(self.table, rows, [_(c) for c in COLUMNS])
        self.count_label.setText(_("Due for purge on {day}: {count} persons.").format(
            day=i18n.format_date(self.proposal.today),
            count=i18n.format_number(len(self.proposal.due))))
        self.purge_button.setEnabled(bool(self.proposal.due))

    def save_rules(self) -> bool:
        try:
            retention.save_rules(self.database, {key: box.value()
                                                 for key, box in self.years.items()})
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.refresh()
        return True

    def purge(self, confirmed: bool = False) -> retention.PurgeResult | None:
        if self.proposal is None or not self.proposal.due:
            return None
        if not confirmed and not confirm_action(
                self, _("&Purge"), _("Anonymise {count} persons and delete their scans? This "
                                     "cannot be undone.").format(
                    count=i18n.format_number(len(self.proposal.due)))):
            return None
        ids = [due.person_id for due in self.proposal.due]
        outcome = run_in_background(
            self, _("Purging personal data…"),
            lambda progress, cancelled: retention.approve_purge(
                self.database, ids, progress, cancelled, self.today))
        result = outcome.result
        if outcome.error is not None:
            self.errors_label.setText(outcome.error.message()
                                      if isinstance(outcome.error, ServiceError)
                                      else str(outcome.error))
        self.refresh()
        if result is not None:
            self.count_label.setText(_("Purged: {persons} persons anonymised, {records} "
                                       "records changed or deleted.").format(
                persons=i18n.format_number(result.persons),
                records=i18n.format_number(result.records)))
        return result
