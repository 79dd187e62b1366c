"""The Flows section: charts of arrivals per month (by category, country of citizenship,
region and office) and of quota use by region, over a chosen period (services/flows.py decides
what is counted and whose data the user sees). Drawn with Qt Charts; each chart can be saved as
PNG."""

import uuid
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.documents import FlowChart, Flows
from kzmigdesk.gui.widgets.background import run_in_background
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, ask_path
from kzmigdesk.gui.widgets.list_page import elide_combo
from kzmigdesk.i18n import N_, _, ngettext
from kzmigdesk.printing.flow_charts import month_label
from kzmigdesk.services import flows as flow_service
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.offices import office_choices
from kzmigdesk.services.workspace import Database

TAB_TITLES = {
    "category": N_("By category"),
    "country": N_("By country"),
    "region": N_("By region"),
    "office": N_("By office"),
    "kandas_quota": N_("Kandas quota"),
    "labour_quota": N_("Labour quota"),
}

# Ten colours told apart in light and dark palettes (Tableau 10): a theme has only five.
COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
MIN_HEIGHT = 260
ROW_HEIGHT = 30  # a region's room in a quota chart (two bars and its name)


def nice_step(largest: int) -> int:
    """A round interval (1, 2, 5, 10, 20, ...) giving about five ticks up to `largest`."""
    step = 1
    while largest / step > 6:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if largest / step <= 6:
                break
    return step


def bar_set(name: str, values: tuple[int, ...], number: int) -> QBarSet:
    bar = QBarSet(name)
    bar.append([float(v) for v in values])
    bar.setColor(QColor(COLOURS[number % len(COLOURS)]))
    bar.setBorderColor(QColor(COLOURS[number % len(COLOURS)]))
    return bar


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def build_chart(flows: Flows, data: FlowChart, palette: QPalette) -> QChart:
    """A Qt chart of `data`, its texts in the current language, coloured for `palette`."""
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark(palette)
                   else QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundBrush(palette.brush(QPalette.ColorRole.Base))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setLocalizeNumbers(True)
    chart.setLocale(QLocale(i18n.babel_locale()))
    chart.setTitle(_(data.title))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    categories = QBarCategoryAxis()
    values = QValueAxis()
    values.setTitleText(_(data.value_title))
    values.setLabelFormat("%.0f")  # "%d" shows nothing once numbers are localized
    largest = 0
    if data.labels:  # a quota chart: a bar per region, quota and used side by side
        series = QHorizontalBarSeries()
        for number, item in enumerate(data.series):  # Qt draws the first at the bottom
            series.append(bar_set(item.name, item.values[::-1], number))
            largest = max(largest, *item.values, 0)
        chart.addSeries(series)
        categories.append(list(data.labels[::-1]))
        categories.setTitleText(_("Region"))
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        all_series = [series]
    else:
        categories.append([month_label(m, i18n.babel_locale()) for m in flows.months])
        categories.setTitleText(_("Month"))
        categories.setLabelsAngle(-90)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        if data.stacked:
            series = QStackedBarSeries()
            for number, item in enumerate(data.series):
                series.append(bar_set(item.name, item.values, number))
            totals = [sum(s.values[i] for s in data.series) for i in range(len(flows.months))]
            largest = max(totals, default=0)
            all_series = [series]
        else:
            all_series = []
            for number, item in enumerate(data.series):
                line = QLineSeries()
                line.setName(item.name)
                line.setPen(QPen(QColor(COLOURS[number % len(COLOURS)]), 2))
                for index, value in enumerate(item.values):
                    line.append(index, value)
                all_series.append(line)
                largest = max(largest, *item.values, 0)
        for series in all_series:
            chart.addSeries(series)
            series.attachAxis(categories)
            series.attachAxis(values)
    step = nice_step(max(largest, 1))
    top = -(-max(largest, 1) // step) * step
    values.setRange(0, top)
    values.setTickType(QValueAxis.TickType.TicksDynamic)
    values.setTickAnchor(0)
    values.setTickInterval(step)
    text = palette.brush(QPalette.ColorRole.Text)
    chart.setTitleBrush(text)
    chart.legend().setLabelBrush(text)
    for axis in (categories, values):
        axis.setLabelsBrush(text)
        axis.setTitleBrush(text)
    return chart


class ChartTab(QWidget):
    """One chart, or a note when it has nothing to show, and its Save as PNG button."""

    def __init__(self, key: str, page: "FlowsPage"):
        super().__init__()
        self.key = key
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(400, MIN_HEIGHT)
        self.nothing = QLabel()
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setWordWrap(True)
        # A quota chart grows with its regions (QtCharts elides a label taller than its
        # bar's room), and scrolls.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.view)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.nothing)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(lambda: page.choose_png(self))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

    def show_chart(self, flows: Flows, palette: QPalette) -> None:
        data = flows.chart(self.key)
        self.view.setChart(build_chart(flows, data, palette))  # the view owns it
        self.view.setAccessibleName(_(data.title))
        self.view.setMinimumHeight(max(MIN_HEIGHT, ROW_HEIGHT * len(data.labels) + 150))
        self.stack.setCurrentWidget(self.nothing if data.empty else self.scroll)
        self.save_button.setEnabled(not data.empty)

    def save_png(self, path: Path) -> bool:
        return self.view.grab().save(str(path), "PNG")


class FlowsPage(QWidget):
    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.flows: Flows | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.period_label, self.office_label = QLabel(), QLabel()
        self.period, self.office = QComboBox(), QComboBox()
        self.period_label.setBuddy(self.period)
        self.office_label.setBuddy(self.office)
        elide_combo(self.office, 24)
        for months in flow_service.PERIODS:
            self.period.addItem("", months)
        self.period.setCurrentIndex(flow_service.PERIODS.index(flow_service.DEFAULT_PERIOD))
        self.scope = QLabel()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.tabs = QTabWidget()
        self.charts = [ChartTab(key, self) for key in TAB_TITLES]
        for tab in self.charts:
            self.tabs.addTab(tab, "")
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.empty)
        controls = QHBoxLayout()
        for widget in (self.period_label, self.period, self.office_label, self.office):
            controls.addWidget(widget)
        controls.addWidget(self.scope, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(controls)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.message)
        chooses = flow_service.chooses_office(database)
        self.office_label.setVisible(chooses)
        self.office.setVisible(chooses)
        self.period.currentIndexChanged.connect(self.refresh)
        self.office.currentIndexChanged.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Flows"))
        self.period_label.setText(_("Period"))
        self.office_label.setText(_("Office"))
        for index, months in enumerate(flow_service.PERIODS):
            self.period.setItemText(index, ngettext("last {count} month", "last {count} months",
                                                    months).format(count=months))
        self.empty.setText(_("No arrivals and no quotas to show for this period."))
        for index, tab in enumerate(self.charts):
            self.tabs.setTabText(index, _(TAB_TITLES[tab.key]))
            tab.save_button.setText(_("Save as PNG…"))
            tab.nothing.setText(_("Nothing to show in this chart for this period."))
        self.tabs.setAccessibleName(_("Charts"))
        if self.isVisible():  # a hidden page is refreshed when it is shown
            self.refresh()

    def _fill_offices(self) -> None:
        if not self.office.isVisibleTo(self):
            return
        chosen = self.office.currentData()
        self.office.blockSignals(True)
        self.office.clear()
        self.office.addItem(_("All offices"), None)
        for name, office_id in office_choices(self.database):
            self.office.addItem(name, str(office_id))
        self.office.setCurrentIndex(max(0, self.office.findData(chosen)))
        self.office.blockSignals(False)

    def chosen_office(self) -> uuid.UUID | None:
        office = self.office.currentData()
        return uuid.UUID(office) if office else None

    def refresh(self) -> None:
        self._fill_offices()
        months, office_id = self.period.currentData(), self.chosen_office()
        outcome = run_in_background(
            self, _("Counting the arrivals…"),
            lambda _progress, _cancelled: flow_service.flows(self.database, months, office_id))
        if not outcome.ok:
            if isinstance(outcome.error, ServiceError):
                self.message.setText(outcome.error.message())
                return
            if outcome.error is not None:
                raise outcome.error
            return
        self.message.setText("")
        self.show_flows(outcome.result)

    def show_flows(self, flows: Flows) -> None:
        self.flows = flows
        if not self.office.isVisibleTo(self):  # a clerk: whose data these are
            self.scope.setText(flows.office or _("All offices"))
        self.body.setCurrentWidget(self.empty if flows.empty else self.tabs)
        for tab in self.charts:
            tab.show_chart(flows, self.palette())

    def choose_png(self, tab: ChartTab) -> None:
        path = ask_path(self, _("Save the chart as PNG"), "PNG (*.png)",
                        name=f"{tab.key.replace('_', '-')}.png", save=True)
        if path is not None and not tab.save_png(path):
            self.message.setText(_("The chart could not be saved to {path}.").format(path=path))
