"""Entry point of the bundle's kzmigdesk-gui executable (build_installer.spec): the desktop
application without a console window on Windows."""

from kzmigdesk.gui.app import main

raise SystemExit(main())
