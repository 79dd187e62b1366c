"""The norms of kandas support (issue 24): per measure, the monthly calculation indices per
head of family and per member from a day on, and the index's value per year. Everyone sees
them; supervisors and administrators set them (services/support.py checks and audits)."""

import datetime as dt
import uuid

from PySide6.QtWidgets import (
    QComboBox,
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
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import error_label, no_default_buttons, reported
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import support
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.workspace import Database

NORM_COLUMNS = (N_("Support measure"), support.LABEL_FROM, support.LABEL_HEAD,
                support.LABEL_MEMBER)
INDEX_COLUMNS = (N_("Year"), support.LABEL_INDEX)


def _spin(maximum: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    return spin


def _captioned(form: QFormLayout, text: str, widget: QWidget) -> None:
    caption = QLabel(text)
    caption.setBuddy(widget)
    form.addRow(caption, widget)


class SupportNormsDialog(QDialog):
    """The norms and the indices in two tables; below each, the form that sets one."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("Norms of kandas support"))
        self.resize(1200, 600)
        self.norms = read_only_table(len(NORM_COLUMNS))
        self.norms.setAccessibleName(_("Norms of kandas support"))
        self.indices = read_only_table(len(INDEX_COLUMNS))
        self.indices.setAccessibleName(_(support.LABEL_INDEX))

        self.measure = QComboBox()
        for measure in support.measure_rows(database):
            self.measure.addItem(measure.name, str(measure.id))
        self.effective_from = date_edit()
        self.effective_from.setDate(to_qdate(dt.date.today()))
        self.head, self.member = _spin(10_000), _spin(10_000)
        self.norm_button = QPushButton(_("Set the &norm"))
        norm_box = QGroupBox(_("A new norm"))
        norm_form = QFormLayout(norm_box)
        _captioned(norm_form, _("Support &measure"), self.measure)
        _captioned(norm_form, _("In &effect from"), self.effective_from)
        _captioned(norm_form, _("Indices per &head of family"), self.head)
        _captioned(norm_form, _("Indices per mem&ber"), self.member)
        norm_form.addRow("", self.norm_button)

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.index_value = _spin(1_000_000)
        self.index_button = QPushButton(_("Set the &index"))
        index_box = QGroupBox(_("The index of a year"))
        index_form = QFormLayout(index_box)
        _captioned(index_form, _("&Year"), self.year)
        _captioned(index_form, _("&Tenge"), self.index_value)
        index_form.addRow("", self.index_button)

        may_set = actor_may(database.actor, Permission.MANAGE_QUOTAS)
        norm_box.setVisible(may_set)
        index_box.setVisible(may_set)
        self.errors_label = error_label()
        close_button = QPushButton(_("&Close"))
        no_default_buttons(self.norm_button, self.index_button, close_button)
        self.norm_button.clicked.connect(self.set_norm)
        self.index_button.clicked.connect(self.set_index)
        close_button.clicked.connect(self.accept)

        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.norms, 1)
        left.addWidget(norm_box)
        right.addWidget(self.indices, 1)
        right.addWidget(index_box)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 2)
        bottom = QHBoxLayout()
        bottom.addStretch()
        bottom.addWidget(close_button)
        layout = QVBoxLayout(self)
        hint = QLabel(_("An application's amount is the norm in effect on its day times the "
                        "index of its year. Applications already made keep their amounts."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(columns, 1)
        layout.addWidget(self.errors_label)
        layout.addLayout(bottom)
        self.load()

    def load(self) -> None:
        norms = support.load_norms(self.database)
        fill_table(self.norms, [
            [row.measure, i18n.format_date(row.effective_from),
             i18n.format_number(row.head_indices), i18n.format_number(row.member_indices)]
            for row in norms.norms], [_(title) for title in NORM_COLUMNS])
        fill_table(self.indices, [
            [str(year), i18n.format_number(value)] for year, value in norms.indices],
            [_(title) for title in INDEX_COLUMNS])

    def _run(self, action) -> bool:
        if not reported(self.errors_label, action):
            return False
        self.load()
        return True

    def set_norm(self) -> bool:
        measure_id = self.measure.currentData()
        if measure_id is None:
            return False
        return self._run(lambda: support.change_norm(
            self.database, uuid.UUID(measure_id), from_qdate(self.effective_from.date()),
            self.head.value(), self.member.value()))

    def set_index(self) -> bool:
        return self._run(lambda: support.change_index(
            self.database, self.year.value(), self.index_value.value()))
