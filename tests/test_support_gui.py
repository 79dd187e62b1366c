"""The case's kandas support dialog (gui/support_dialog.py): apply, the status buttons that name
their actions, a clerk's approval sent to a supervisor, the register saved as XLSX and CSV; a
screenshot in Kazakh."""

import datetime as dt

from sqlalchemy import select
from test_support import YEAR, S, world  # noqa: F401 (the fixture)

from kzmigdesk import i18n
from kzmigdesk.domain.models import ChangeRequest, SupportApplication
from kzmigdesk.gui import support_dialog as gui
from kzmigdesk.gui.widgets.dates import to_qdate


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_apply_approve_and_the_register(qtbot, world, tmp_path, monkeypatch):  # noqa: F811
    db, cases = world["database"], world["cases"]
    dialog = shown(qtbot, gui.SupportDialog(db, cases["family"], "KC-1"))
    dialog.measure.setCurrentIndex(dialog.measure.findData(str(world["relocation"])))
    dialog.day.setDate(to_qdate(dt.date(YEAR, 6, 1)))
    assert dialog.apply()
    assert [r.amount for r in dialog.rows] == [629_120]
    assert [b.text() for b in dialog.action_buttons] == ["&Approve support", "Re&fuse support"]
    dialog.day.setDate(to_qdate(dt.date(YEAR, 6, 5)))
    assert dialog.step(S.APPROVED)
    assert [b.text() for b in dialog.action_buttons] == ["Record &payment"]
    # A second application for the same measure is refused, and says why.
    assert not dialog.apply()
    assert "already" in dialog.errors_label.text()
    monkeypatch.setattr(gui, "ask_path", lambda *a, **k: tmp_path / "june.xlsx")
    assert dialog.export_register()
    assert (tmp_path / "june.xlsx").stat().st_size > 0
    assert "629120" in (tmp_path / "june.csv").read_text("utf-8-sig")


def test_a_clerks_approval_goes_to_a_supervisor(qtbot, world, monkeypatch):  # noqa: F811
    told = []
    monkeypatch.setattr(gui, "tell_sent_for_approval", lambda parent, sent: told.append(sent))
    clerk = world["database"].acting_as(world["accounts"]["aigerim"])
    dialog = shown(qtbot, gui.SupportDialog(clerk, world["cases"]["single"], "KC-2"))
    dialog.measure.setCurrentIndex(dialog.measure.findData(str(world["relocation"])))
    dialog.day.setDate(to_qdate(dt.date(YEAR, 8, 15)))
    assert dialog.apply()
    assert dialog.step(S.APPROVED) and told
    with world["database"].sessions() as session:
        assert session.scalars(select(SupportApplication.status)).one() is S.APPLIED
        assert session.scalars(select(ChangeRequest.target_type)).one() == "support_applications"


def test_screenshot_in_kazakh(qtbot, world):  # noqa: F811
    db, cases = world["database"], world["cases"]
    from kzmigdesk.services import support

    first = support.apply_for(db, cases["family"], world["relocation"], dt.date(YEAR, 6, 1))
    support.change_application_status(db, first, S.APPROVED, dt.date(YEAR, 6, 5))
    support.change_application_status(db, first, S.PAID, dt.date(YEAR, 6, 20), reference="ПП-1")
    with db.sessions() as session:
        from kzmigdesk.domain.models import SupportMeasure
        settling = session.scalars(select(SupportMeasure.id).where(
            SupportMeasure.code == "settling_in")).one()
    support.apply_for(db, cases["family"], settling, dt.date(YEAR, 7, 10))
    i18n.set_language("kk")
    dialog = shown(qtbot, gui.SupportDialog(db, cases["family"], "KC-2025-000001"))
    assert dialog.windowTitle().startswith("Қандастарды қолдау")
    assert dialog.width() <= 1280 and dialog.height() <= 720
    dialog.grab().save("/tmp/support-dialog-kk.png")


def test_a_supervisor_sets_a_norm_mid_year_and_the_amounts_follow(qtbot, world):  # noqa: F811
    db, cases = world["database"], world["cases"]
    supervisor = db.acting_as(world["accounts"]["serik"])
    i18n.set_language("kk")
    support_window = shown(qtbot, gui.SupportDialog(supervisor, cases["family"], "KC-1"))
    norms = support_window.open_norms()
    qtbot.addWidget(norms)
    qtbot.waitExposed(norms)
    rows = norms.norms.rowCount()
    norms.measure.setCurrentIndex(norms.measure.findData(str(world["relocation"])))
    norms.effective_from.setDate(to_qdate(dt.date(YEAR, 9, 1)))
    norms.head.setValue(100)
    norms.member.setValue(60)
    assert norms.set_norm()
    assert norms.norms.rowCount() == rows + 1
    norms.year.setValue(YEAR)
    norms.index_value.setValue(0)
    assert not norms.set_index()  # named and translated
    assert i18n._("Monthly calculation index, tenge") in norms.errors_label.text()
    norms.index_value.setValue(4000)
    assert norms.set_index()
    norms.grab().save("/tmp/support-norms-kk.png")
    # Before the new norm: 80 + 2 × 50 (the July norm); after it: 100 + 2 × 60, at 4 000.
    support_window.measure.setCurrentIndex(
        support_window.measure.findData(str(world["relocation"])))
    support_window.day.setDate(to_qdate(dt.date(YEAR, 8, 20)))
    assert support_window.apply()
    assert [r.amount for r in support_window.rows] == [(80 + 2 * 50) * 4000]
    single = shown(qtbot, gui.SupportDialog(supervisor, cases["single"], "KC-2"))
    single.measure.setCurrentIndex(single.measure.findData(str(world["relocation"])))
    single.day.setDate(to_qdate(dt.date(YEAR, 9, 2)))
    assert single.apply()
    assert [r.amount for r in single.rows] == [100 * 4000]


def test_a_clerk_sees_the_norms_but_cannot_set_them(qtbot, world):  # noqa: F811
    from kzmigdesk.gui.support_norms_dialog import SupportNormsDialog

    clerk = world["database"].acting_as(world["accounts"]["aigerim"])
    norms = shown(qtbot, SupportNormsDialog(clerk))
    assert norms.norms.rowCount() >= 2 and not norms.norm_button.isVisible()
    rows = norms.norms.rowCount()
    norms.measure.setCurrentIndex(norms.measure.findData(str(world["relocation"])))
    norms.head.setValue(1)
    assert not norms.set_norm()  # the service refuses, whatever the window shows
    assert norms.errors_label.text() and norms.norms.rowCount() == rows
