"""``python -m bot`` is the same as the ``welcomebot`` command."""

from bot.cli import main

raise SystemExit(main())
