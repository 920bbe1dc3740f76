"""``python -m cli`` runs the ``crossover`` command line."""

from cli.main import main

raise SystemExit(main())
