from kzmigdesk.cli import main

raise SystemExit(main())
