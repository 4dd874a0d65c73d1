"""`python -m pytest_chunky.lab serve|build-corpus` (see `cli.py`)."""

from .cli import main

raise SystemExit(main())
