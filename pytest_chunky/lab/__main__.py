"""`python -m pytest_chunky.lab serve|build-corpus` (see `cli.py`)."""

from pytest_chunky.lab.cli import main

raise SystemExit(main())
