"""Steps shared by the GUI tests: the list pages, and every dialog of the main window."""

from PySide6.QtCore import Qt


def check_ctrl_f_and_enter(qtbot, page, expected_id) -> None:
    """Ctrl+F goes to the search box; Enter on the first row asks to open its record."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [expected_id]


def first_id(page):
    """The id of a list page's first row."""
    return page.model.row(0).id


def every_dialog(window, database) -> dict:
    """How to open each dialog of the window on a demo database, by name (sections 1 to 4 are
    persons, repatriates, foreign workers and services)."""
    from kzmigdesk.gui.access_log_dialog import AccessLogDialog
    from kzmigdesk.gui.assign_dialog import AssignDialog
    from kzmigdesk.gui.case_dialog import CaseDialog
    from kzmigdesk.gui.change_requests_dialog import ApprovalRulesDialog
    from kzmigdesk.gui.employer_dialog import EmployerDialog, EmployersDialog
    from kzmigdesk.gui.legal_basis_dialog import LegalBasisDialog
    from kzmigdesk.gui.new_case_dialog import NewCaseDialog
    from kzmigdesk.gui.quotas_page import QuotaDialog
    from kzmigdesk.gui.recovery_key_dialog import RecoveryKeyDialog
    from kzmigdesk.gui.scans_dialog import ScansDialog
    from kzmigdesk.gui.sectors_dialog import UnmappedSectorsDialog
    from kzmigdesk.gui.support_dialog import SupportDialog
    from kzmigdesk.gui.support_norms_dialog import SupportNormsDialog
    from kzmigdesk.gui.violations_dialog import ViolationDialog, ViolationsDialog
    from kzmigdesk.services.labour import employer_choices
    from kzmigdesk.services.ownership import FileKind
    from kzmigdesk.services.quotas import QuotaKind
    from kzmigdesk.services.violations import violation_rows

    persons, cases, workers, services = (window.page(i) for i in range(1, 5))
    employer_id = employer_choices(database, "", limit=1)[0].id
    return {
        "person": lambda: window.open_person(first_id(persons)),
        "new person": lambda: window.open_person(None),
        "case": lambda: CaseDialog(database, first_id(cases), window),
        "new case": lambda: NewCaseDialog(database, window),
        "permit": lambda: workers.open_permit(first_id(workers)),
        "new permit": lambda: workers.open_permit(None),
        "employer": lambda: EmployerDialog(database, employer_id, window),
        "employers": lambda: EmployersDialog(database, window),
        "employers without a sector": lambda: UnmappedSectorsDialog(database, window),
        "violations": lambda: ViolationsDialog(database, window),
        "new violation": lambda: ViolationDialog(database, window),
        **({"correct a violation": lambda: ViolationDialog(database, window, findings[0].id)}
           if (findings := violation_rows(database, limit=1)) else {}),
        "service": lambda: services.open_record(first_id(services)),
        "new service": services.open_new,
        "centres": services.open_centres,
        "catalogue": services.open_catalogue,
        "quota": lambda: QuotaDialog(database, QuotaKind.LABOUR, 2026, None, window),
        "users": window.open_users,
        "settings": window.open_settings,
        "exchange": window.open_exchange,
        "legacy import": window.open_legacy_import,
        "audit trail": window.open_audit_trail,
        "office profile": window.open_office_profile,
        "outgoing register": window.open_register,
        "change requests": window.open_change_requests,
        "approval rules": lambda: ApprovalRulesDialog(database, window),
        "support": lambda: SupportDialog(database, first_id(cases), parent=window),
        "support norms": lambda: SupportNormsDialog(database, window),
        "scans": lambda: ScansDialog(database, first_id(persons), title="", parent=window),
        "retention": window.open_retention,
        "legal basis": lambda: LegalBasisDialog(database, first_id(persons), "", window),
        "access log": lambda: AccessLogDialog(database, first_id(persons), "", window),
        "assign": lambda: AssignDialog(database, FileKind.PERMIT, [first_id(workers)], window),
        "recovery key": lambda: RecoveryKeyDialog(database.url, bytes(range(32)), window),
    }
