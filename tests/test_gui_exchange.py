"""The exchange dialog: peers and when each last sent data, export and import of packages,
and conflicts resolved side by side."""

from test_exchange import DISTRICT, REGION, edit, offices, register  # noqa: F401

from kzmigdesk.domain.models import Person
from kzmigdesk.gui.exchange_dialog import ConflictsDialog, ExchangeDialog


def dialog_for(qtbot, database):
    dialog = ExchangeDialog(database)
    dialog.ask_password = lambda parent, title: "пароль"
    qtbot.addWidget(dialog)
    return dialog


def test_export_import_and_resolve_a_conflict(qtbot, offices, tmp_path):  # noqa: F811
    district, region = offices
    person = register(district, "Әбенов")
    at_district, at_region = dialog_for(qtbot, district), dialog_for(qtbot, region)
    assert at_district.office_label.text() == f"This office exchanges as: {DISTRICT}"
    assert at_region.table.item(0, 0).text() == DISTRICT
    assert at_region.table.item(0, 2).text() == ""  # nothing imported yet
    package = tmp_path / "to-region.kzx"
    assert at_district.export_to(package)
    assert at_district.message.text().startswith(f"Package {package} written:")
    assert at_region.import_from(package)
    assert at_region.message.text().startswith(f"Imported from {DISTRICT}: 1 records taken")
    assert at_region.table.item(0, 2).text() != ""  # the region sees when the district sent
    assert not at_region.import_from(package)
    assert at_region.message.text() == (
        "This package was imported already. Nothing was changed.")

    edit(region, person, surname="Әбенов-Region")
    edit(district, person, surname="Әбенов-District")
    assert at_district.export_to(tmp_path / "second.kzx")
    assert at_region.import_from(tmp_path / "second.kzx")
    assert at_region.conflicts_button.text() == "&Conflicts (1)…"
    conflicts = at_region.open_conflicts()
    qtbot.addWidget(conflicts)
    fields = {conflicts.fields.item(r, 0).text(): (conflicts.fields.item(r, 1).text(),
                                                   conflicts.fields.item(r, 2).text())
              for r in range(conflicts.fields.rowCount())}
    assert fields["surname"] == ("Әбенов-Region", "Әбенов-District")
    assert conflicts.take_button.isEnabled()
    assert conflicts.resolve("incoming")
    assert conflicts.list.rowCount() == 0
    with region.sessions() as session:
        assert session.get(Person, person).surname == "Әбенов-District"


def test_a_clerk_sees_no_conflicts(qtbot, offices):  # noqa: F811
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services.auth import Actor

    _district, region = offices
    region.actor = Actor("aigerim", UserRole.CLERK)
    dialog = ConflictsDialog(region)
    qtbot.addWidget(dialog)
    assert dialog.errors_label.text().startswith("Your role (clerk) does not allow this")
    assert not dialog.keep_button.isEnabled()


def test_a_clerk_may_neither_export_nor_import(qtbot, offices):  # noqa: F811
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services.auth import Actor

    _district, region = offices
    as_clerk = dialog_for(qtbot, region.acting_as(Actor("aigerim", UserRole.CLERK)))
    assert not as_clerk.import_button.isEnabled() and not as_clerk.export_button.isEnabled()
    as_supervisor = dialog_for(qtbot, region.acting_as(Actor("dana", UserRole.SUPERVISOR)))
    assert as_supervisor.import_button.isEnabled() and as_supervisor.export_button.isEnabled()


def test_a_refused_package_says_why_and_changes_nothing(qtbot, offices, tmp_path):  # noqa: F811
    _district, region = offices
    path = tmp_path / "junk.kzx"
    path.write_bytes(b"PK\x03\x04 not really a package")
    dialog = dialog_for(qtbot, region)
    assert not dialog.import_from(path)
    assert dialog.message.text() == ("The file is not a complete exchange package: it is "
                                     "damaged or cut short. Nothing was changed.")
    assert not dialog.import_from(tmp_path / "missing.kzx")
    assert "missing.kzx" in dialog.message.text()


def test_a_lost_package_is_shown_and_everything_sent_again(qtbot, offices, tmp_path):  # noqa: F811
    district, region = offices
    person = register(district, "Әбенов")
    at_district, at_region = dialog_for(qtbot, district), dialog_for(qtbot, region)
    assert at_district.export_to(tmp_path / "first.kzx")
    assert at_region.import_from(tmp_path / "first.kzx")
    edit(district, person, surname="Әбенұлы")
    assert at_district.export_to(tmp_path / "lost.kzx")
    register(district, "Құрманов")
    assert at_district.export_to(tmp_path / "third.kzx")
    assert at_region.import_from(tmp_path / "third.kzx")
    assert "never arrived" in at_region.message.text()
    assert at_region.message.styleSheet() != ""  # shown as an error
    at_district.everything_box.setChecked(True)
    assert at_district.export_to(tmp_path / "everything.kzx")
    assert not at_district.everything_box.isChecked()  # once only
    assert at_region.import_from(tmp_path / "everything.kzx")
    assert "never arrived" not in at_region.message.text()
    with region.sessions() as session:
        assert session.get(Person, person).surname == "Әбенұлы"
