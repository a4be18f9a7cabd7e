"""`python -m assistant` is the `assistant` console script."""

from assistant.cli import main

raise SystemExit(main())
