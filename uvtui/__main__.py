"""`python -m uvtui`: the same as the `uvtui` command."""

from uvtui.cli import main

raise SystemExit(main())
