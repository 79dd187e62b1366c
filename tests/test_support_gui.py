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
