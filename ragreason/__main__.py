from ragreason.cli import main

raise SystemExit(main())
