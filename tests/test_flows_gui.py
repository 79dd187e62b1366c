"""The Flows section (gui/flows_page.py): its charts render offscreen in kk, ru and en with
translated titles, axes and legends, month labels with four-digit years; each chart saves as
PNG; a clerk has no office filter; an empty database shows the empty state."""

import datetime as dt

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QValueAxis
from PySide6.QtGui import QColor, QImage, QPalette

from kzmigdesk import i18n
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.gui.flows_page import FlowsPage, build_chart, nice_step
from kzmigdesk.gui.main_window import SECTIONS, MainWindow, section_index
from kzmigdesk.services.auth import Actor

TITLES = {  # the category chart's title and first legend entry
    "kk": ("Келгендер санаттар бойынша", "қандас"),
    "ru": ("Прибывшие по категориям", "кандас"),
    "en": ("Arrivals by category", "kandas"),
}

def page_of(qtbot, database) -> FlowsPage:
    page = FlowsPage(database)
    qtbot.addWidget(page)
    page.resize(1090, 640)
    page.show()
    page.refresh()
    return page

@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_charts_render_translated(qtbot, demo, language, tmp_path):
    i18n.set_language(language)
    page = page_of(qtbot, demo)
    assert page.body.currentWidget() is page.tabs
    chart = page.charts[0].view.chart()
    title, first = TITLES[language]
    assert chart.title() == title
    assert chart.legend().markers()[0].label() == first
    months = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    this_month = dt.date.today().replace(day=1)
    assert len(months.categories()) == 24
    assert months.categories()[-1].endswith(str(this_month.year))  # four-digit years
    values = next(a for a in chart.axes() if isinstance(a, QValueAxis))
    assert values.titleText() == i18n._("Persons")
    for tab in page.charts:
        path = tmp_path / f"{language}-{tab.key}.png"
        page.tabs.setCurrentWidget(tab)
        assert tab.save_png(path)
        image = QImage(str(path))
        assert image.width() >= 400 and image.height() >= 260
    quota = page.charts[4].view.chart()
    assert quota.title() == i18n._("Kandas resettlement against the kandas quota")
    assert [m.label() for m in quota.legend().markers()] == [i18n._("Quota"), i18n._("Used")]

def test_png_through_the_file_dialog(qtbot, demo, tmp_path, monkeypatch):
    page = page_of(qtbot, demo)
    target = tmp_path / "region.png"
    monkeypatch.setattr("kzmigdesk.gui.flows_page.ask_path", lambda *a, **k: target)
    page.charts[2].save_button.click()
    assert QImage(str(target)).width() > 0

def test_the_period_and_office_filters(qtbot, demo):
    page = page_of(qtbot, demo)
    assert page.office.isVisibleTo(page)
    page.period.setCurrentIndex(page.period.findData(12))
    assert len(page.flows.months) == 12
    page.office.setCurrentIndex(1)
    assert page.flows.office == page.office.currentText()

    demo.actor = Actor("clerk", UserRole.CLERK, office_id=page.chosen_office())
    clerk_page = page_of(qtbot, demo)
    assert not clerk_page.office.isVisibleTo(clerk_page)
    assert clerk_page.scope.text() == page.flows.office

def test_empty_state(qtbot, database):
    page = page_of(qtbot, database)
    assert page.body.currentWidget() is page.empty and page.empty.text()

def test_dark_palette_colours_the_chart(qapp):  # a chart needs the application
    page_palette = QPalette()
    page_palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    page_palette.setColor(QPalette.ColorRole.Base, QColor("#181818"))
    page_palette.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    from kzmigdesk.domain.documents import FlowChart, Flows, FlowSeries

    months = (dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    flows = Flows(months, 2026, None, (FlowChart("category", "Arrivals by category",
                                                 "Persons", (), (FlowSeries("a", (1, 2)),),
                                                 stacked=True),))
    chart = build_chart(flows, flows.charts[0], page_palette)
    assert chart.backgroundBrush().color() == QColor("#181818")
    assert chart.titleBrush().color() == QColor("#f0f0f0")

def test_nice_step():
    assert [nice_step(n) for n in (1, 6, 7, 30, 80, 1000, 45_000)] == [1, 1, 2, 5, 20, 200,
                                                                       10_000]

def test_the_section_is_the_last(qtbot, demo):
    assert section_index("flows") == len(SECTIONS) - 1  # last: no other shortcut moves
    window = MainWindow(demo, on_language_chosen=i18n.set_language)
    qtbot.addWidget(window)
    window.show_section(section_index("flows"))
    assert isinstance(window.page(section_index("flows")), FlowsPage)
    assert not window.navigation.item(section_index("flows")).icon().isNull()
    assert SECTIONS[section_index("flows")].title == "Flows"

