"""The flows (domain.documents.Flows) as native Excel charts in a workbook of XlsxWriter: one
sheet with each chart's table and the chart drawn from it, as the dashboard shows them
(arrivals by category as stacked columns, by country and region as lines, quota use as bars
per region). Also the month label the dashboard's axes use."""

import datetime as dt

from babel import dates as babel_dates

from kzmigdesk.domain.documents import FlowChart, Flows
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import Words

SHEET = N_("Flows")
CHART_COLUMN = 10  # the charts stand right of their tables (at most eight columns)
ROWS_PER_CHART = 22  # a chart's height in rows, at the default row height
HEADER = {"bold": True, "bg_color": "#E3ECF5"}


def month_label(day: dt.date, locale: str) -> str:
    """"Dec 2026", "дек. 2026", "жел. 2026": the short month name and the four-digit year."""
    return babel_dates.format_date(day, "LLL yyyy", locale=locale)


def _table(flows: Flows, chart: FlowChart, words: Words) -> tuple[list[str], list[list]]:
    """The chart's table: its header and a row per month (or per region)."""
    if chart.labels:
        head, labels = N_("Region"), list(chart.labels)
    else:
        head, labels = N_("Month"), [month_label(m, words.locale) for m in flows.months]
    header = [words.t(head), *(series.name for series in chart.series)]
    rows = [[label, *(series.values[i] for series in chart.series)]
            for i, label in enumerate(labels)]
    return header, rows


def add_flow_charts(workbook, flows: Flows | None, words: Words) -> None:
    """Add a sheet to `workbook` (xlsxwriter.Workbook) with every chart of `flows` (if any)."""
    if flows is None:
        return
    # As the summary's sheets are named: both languages joined by " - " (no "/" in a sheet's name)
    both = " - ".join(words.each(SHEET))
    sheet_name = both if len(both) <= 31 else words.each(SHEET)[0][:31]
    sheet = workbook.add_worksheet(sheet_name)
    header_format = workbook.add_format(HEADER)
    title_format = workbook.add_format({"bold": True, "font_size": 12})
    sheet.set_column(0, 0, 28)
    row = 0
    for chart_data in flows.charts:
        if chart_data.series and not any(series.values for series in chart_data.series):
            continue  # a quota chart of no region (no quota set yet): nothing to draw
        header, rows = _table(flows, chart_data, words)
        sheet.write_string(row, 0, words.t(chart_data.title), title_format)
        sheet.write_row(row + 1, 0, header, header_format)
        first, last = row + 2, row + 1 + len(rows)
        for number, values in enumerate(rows, start=first):
            sheet.write_row(number, 0, values)
        if chart_data.labels:
            chart = workbook.add_chart({"type": "bar"})  # horizontal bars: long region names
        elif chart_data.stacked:
            chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
        else:
            chart = workbook.add_chart({"type": "line"})
        for column in range(1, len(chart_data.series) + 1):
            chart.add_series({
                "name": [sheet_name, row + 1, column],
                "categories": [sheet_name, first, 0, last, 0],
                "values": [sheet_name, first, column, last, column],
            })
        chart.set_title({"name": words.t(chart_data.title)})
        category_title = header[0]
        chart.set_x_axis({"name": category_title})
        chart.set_y_axis({"name": words.t(chart_data.value_title)})
        if chart_data.labels:  # a bar chart's axes are turned: categories stand upright
            chart.set_x_axis({"name": words.t(chart_data.value_title)})
            chart.set_y_axis({"name": category_title, "reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 400})
        sheet.insert_chart(row, CHART_COLUMN, chart)
        row = max(last + 2, row + ROWS_PER_CHART)
