"""Start the main window on a database and quit as soon as it is shown; print the peak
memory (RSS, KiB). With --bare: the same for an empty PySide6 window (the floor).

    python benchmarks/window_start.py DB | --bare
"""

import os
import resource
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


def main() -> int:
    app = QApplication(sys.argv[:1])
    if sys.argv[1] == "--bare":
        window = QMainWindow()
    else:
        from kzmigdesk import i18n
        from kzmigdesk.domain.enums import UserRole
        from kzmigdesk.gui.main_window import MainWindow
        from kzmigdesk.services.auth import Actor
        from kzmigdesk.services.workspace import open_database

        database = open_database(sys.argv[1])
        database.actor = Actor("benchmark", UserRole.SUPERVISOR)
        window = MainWindow(database, on_language_chosen=i18n.set_language)
    window.resize(1100, 700)
    window.show()
    QTimer.singleShot(0, app.quit)  # as soon as the window has been shown and painted
    app.exec()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
