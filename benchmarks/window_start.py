"""Start the main window on a database and quit as soon as it is shown; print the peak
memory (RSS, KiB) of this process. With --bare: the same for an empty PySide6 window (the
floor).

    python benchmarks/window_start.py DB | --bare
"""

import os
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
    print(peak_memory_kib())
    return 0


def peak_memory_kib() -> int:
    """This process's own peak resident memory. Not getrusage's ru_maxrss: on Linux it
    survives exec, so a child started by a big parent reports the parent's."""
    if sys.platform.startswith("linux"):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])  # kB
    if sys.platform == "win32":
        import psutil

        return psutil.Process().memory_info().peak_wset // 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS


if __name__ == "__main__":
    raise SystemExit(main())
