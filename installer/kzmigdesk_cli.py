"""Entry point of the bundle's kzmigdesk executable (build_installer.spec): the command line,
which starts the desktop application when no command is given."""

from kzmigdesk.cli import main

raise SystemExit(main())
