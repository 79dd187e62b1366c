"""The Reports section: make the monthly summary in the background, preview its first page,
save it in each format, open it for printing."""

import datetime as dt

from openpyxl import load_workbook
from PySide6.QtCore import QDate
from test_reports import TODAY, fixture  # noqa: F401 - the hand-built database

from kzmigdesk import i18n
from kzmigdesk.gui import print_actions, reports_page
from kzmigdesk.gui.reports_page import ReportsPage
from kzmigdesk.gui.widgets.background import TaskOutcome


def make_page(qtbot, database):
    page = ReportsPage(database)
    page.today = lambda: TODAY
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_make_preview_save_and_print(qtbot, fixture, tmp_path, monkeypatch):  # noqa: F811
    database, office_id = fixture
    page = make_page(qtbot, database)
    assert [page.office.itemText(i) for i in range(page.office.count())] == [
        "All offices", "Алматы қаласы көші-қон басқармасы", "Астана"]
    assert not page.save_button.isEnabled() and not page.print_button.isEnabled()
    page.month.setDate(QDate(2026, 10, 1))
    page.office.setCurrentIndex(page.office.findData(str(office_id)))
    page.language.setCurrentIndex(page.language.findData("kk"))
    assert page.make_report()
    assert page.summary.office == "Алматы қаласы көші-қон басқармасы"
    assert page.summary.section("registrations_by_category").rows[-1][1] == 3
    preview = page.preview.pixmap()
    assert preview.width() > 700 and preview.height() > 500  # a landscape page
    assert page.save_button.isEnabled() and page.print_button.isEnabled()
    page.grab().save(str(tmp_path / "reports.png"))

    assert page.save_to(tmp_path / "october.xlsx", "xlsx")
    sheet = load_workbook(tmp_path / "october.xlsx").worksheets[0]
    assert sheet["B10"].value == 3  # the total, under the title block (rows 1-5) and header
    assert page.save_to(tmp_path / "october.pdf", "pdf")
    assert (tmp_path / "october.pdf").read_bytes() == page.pdf
    assert page.message.text() == f"Saved to {tmp_path / 'october.pdf'}."
    assert not page.save_to(tmp_path / "missing" / "x.csv", "csv")
    assert page.message.text().startswith("The file could not be saved")

    opened = []
    monkeypatch.setattr(print_actions.QDesktopServices, "openUrl", opened.append)
    path = page.open_in_viewer()
    assert path.read_bytes() == page.pdf and opened[0].toLocalFile() == str(path)


def test_cancelled_report_keeps_nothing(qtbot, fixture, monkeypatch):  # noqa: F811
    database, _office = fixture
    page = make_page(qtbot, database)

    def cancelled_run(parent, label, task):
        return TaskOutcome(cancelled=True)

    monkeypatch.setattr(reports_page, "run_in_background", cancelled_run)
    assert not page.make_report()
    assert page.summary is None and not page.save_button.isEnabled()
    assert page.message.text() == "The report was cancelled."


def test_labels_follow_the_language(qtbot, database):
    page = make_page(qtbot, database)
    i18n.set_language("ru")
    page.retranslate()
    assert page.make_button.text() == i18n._("Make and preview") != "Make and preview"
    assert page.office.itemText(0) == i18n._("All offices")
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    assert page.chosen_month() == last_month.replace(day=1)  # the default: the month before


def test_a_save_is_recorded_after_its_file_and_a_failed_one_leaves_neither(
        qtbot, fixture, tmp_path, monkeypatch):  # noqa: F811
    from test_reports import export_entries

    from kzmigdesk.services.auth import Permission, PermissionDenied

    database, _office = fixture
    page = make_page(qtbot, database)
    page.month.setDate(QDate(2026, 10, 1))
    assert page.make_report()
    # Making the report (its preview) is recorded as a PDF export, once.
    assert export_entries(database) == [{"month": "2026-10", "format": "pdf"}]
    out = tmp_path / "out"
    out.mkdir()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("kzmigdesk.files.os.fsync", disk_full)
        assert not page.save_to(out / "october.csv", "csv")
    assert page.message.text() == ("The file could not be saved: [Errno 28] No space left "
                                   "on device")
    seen = []

    def refused(database, summary, fmt, office_id):
        seen.append((out / "october.csv").exists())
        raise PermissionDenied(None, Permission.EXPORT_REPORTS)

    with monkeypatch.context() as patched:
        patched.setattr(reports_page, "note_export", refused)
        assert not page.save_to(out / "october.csv", "csv")
    assert seen == [True] and page.message.text() == (
        "The file could not be saved: Your role (no user) does not allow this: making "
        "reports and exports.")
    assert list(out.iterdir()) == [] and len(export_entries(database)) == 1

    assert page.save_to(out / "october.csv", "csv")
    assert [p.name for p in out.iterdir()] == ["october.csv"]
    assert export_entries(database)[-1] == {"month": "2026-10", "format": "csv"}
