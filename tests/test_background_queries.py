"""The lists read the database in a worker: a newer search cancels an older one, whose
result never shows, and the event loop keeps running while a big search is read."""

import threading
import time

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer
from sqlalchemy import text

from kzmigdesk.gui.widgets import queries
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.services.queries import Cancelled, QueryHandle

pytestmark = pytest.mark.background_queries

ENDLESS = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
               "WHERE x < 1000000000) SELECT count(*) FROM c")


def wait_for_workers(qtbot) -> None:
    assert queries.pool().waitForDone(10_000)
    qtbot.wait(20)  # the queued results


class SlowModel(PagedTableModel):
    """Rows named after the filter; a filter "slow…" takes its time."""

    COLUMNS = ("Name",)

    def __init__(self, database):
        super().__init__(database)
        self.filter = ""

    def count_and_first_page(self):
        if self.filter.startswith("slow"):
            time.sleep(0.3)
        return 1, [self.filter]

    def display(self, row, column):
        return row


def test_a_stale_result_never_overwrites_a_newer_one(qtbot, database):
    model = SlowModel(database)
    for word in ("slow", "fast"):
        model.filter = word
        model.reload()
    assert model.loading
    wait_for_workers(qtbot)
    assert model.index(0, 0).data() == "fast" and not model.loading
    qtbot.wait(400)
    assert model.index(0, 0).data() == "fast"


def endless(database):
    """A statement that would run for minutes."""
    return ENDLESS if database.engine.dialect.name == "sqlite" else text("SELECT pg_sleep(600)")


def test_cancel_interrupts_a_running_query(database):
    handle = QueryHandle()
    outcome = {}

    def endless():
        started = time.monotonic()
        try:
            with handle.bind(database).sessions() as session:
                session.execute(endless(database))
        except Exception as error:  # noqa: BLE001
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=endless)
    worker.start()
    time.sleep(0.2)
    handle.cancel()
    worker.join(5)
    assert not worker.is_alive() and outcome["seconds"] < 2
    assert "interrupt" in str(outcome["error"]) or "cancel" in str(outcome["error"])
    with database.sessions() as session:  # the connection is fine for the next query
        assert session.scalar(text("SELECT 1")) == 1


def test_a_cancelled_query_runs_no_more_statements(database):
    handle = QueryHandle()
    handle.cancel()
    with pytest.raises(Cancelled), handle.bind(database).sessions() as session:
        session.execute(text("SELECT 1"))


class EndlessModel(PagedTableModel):
    COLUMNS = ("Name",)

    def count_and_first_page(self):
        with self.database.sessions() as session:
            session.execute(endless(self.database))
        return 0, []


def test_a_reload_cancels_the_query_before(qtbot, database):
    model = EndlessModel(database)
    model.reload()
    qtbot.wait(200)
    started = time.monotonic()
    model.cancel()
    assert queries.pool().waitForDone(5_000)
    assert time.monotonic() - started < 2


def longest_stall(qtbot, until, timeout_ms=60_000) -> int:
    """The longest gap, in ms, between the ticks of a 5 ms timer until `until()`."""
    clock, gaps = QElapsedTimer(), [0]
    clock.start()

    def tick():
        gaps.append(clock.restart())

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    qtbot.waitUntil(until, timeout=timeout_ms)
    timer.stop()
    return max(gaps)


def fill_persons(database, count: int) -> None:
    """`count` persons and their name tokens by plain SQL (seconds, not minutes): a third of
    the surnames begin with "A", so a search of that letter matches a third of them."""
    with database.engine.begin() as connection:
        connection.exec_driver_sql(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
            INSERT INTO persons (id, created_at, updated_at, version, surname, given_name, sex,
                                 birth_date, category, sort_name)
            SELECT printf('%032x', i), '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1,
                   substr('АБВ', i % 3 + 1, 1) || 'ов' || i, 'Нұрлан', 'M', '1990-01-01',
                   'other', char(13312 + i % 3) || printf('%07d', i)
            FROM n""")
        connection.exec_driver_sql(
            "INSERT INTO person_numbers (person_id) SELECT id FROM persons ORDER BY id")
        connection.exec_driver_sql("""
            INSERT INTO person_name_tokens (token, person_no)
            SELECT substr('abv', no % 3 + 1, 1) || 'ov' || no, no FROM person_numbers
            UNION ALL SELECT 'nurlan', no FROM person_numbers""")  # the ids sort as i: no = i


STALL_PERSONS = 300_000  # a search of one letter then takes a good half second to count


@pytest.mark.sqlite_only
def test_the_event_loop_never_stalls_while_one_letter_is_searched(qtbot, database):
    from kzmigdesk.gui.persons_page import PersonsPage

    fill_persons(database, STALL_PERSONS)
    page = PersonsPage(database)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.model.loading and page.model.rowCount() > 0,
                    timeout=60_000)
    done = lambda: not page.model.loading and not page.model.count_is_estimate  # noqa: E731
    stalls = []
    # A shared machine may pause the process now and then: the best of three searches (a
    # search read on the GUI thread would stall every one of them for half a second).
    for _attempt in range(3):
        page.search.setText("")
        page.apply_filter()
        qtbot.waitUntil(done, timeout=60_000)
        page.search.setText("А")
        page.apply_filter()
        assert not done()  # the search is under way in the worker
        stalls.append(longest_stall(qtbot, done))
        assert page.model.rowCount() == STALL_PERSONS // 3
        assert page.count_label.text() == f"{STALL_PERSONS // 3:,} persons"
        if stalls[-1] < 50:
            break
    stall = min(stalls)
    print("longest stalls", stalls, "ms")
    assert stall < 50, f"the event loop stalled {stall} ms"


@pytest.mark.sqlite_only  # fill_persons is SQLite's SQL
def test_the_person_picker_searches_in_the_background(qtbot, database):
    from kzmigdesk.gui.widgets.person_picker import PersonPicker

    fill_persons(database, 30)
    picker = PersonPicker(database)
    qtbot.addWidget(picker)
    for typed in ("Б", "Ао"):
        picker.search.setText(typed)
        picker.search_now()
    wait_for_workers(qtbot)
    shown = [picker.results.item(i).text() for i in range(picker.results.count())]
    assert shown and all(line.startswith("Аов") for line in shown)
