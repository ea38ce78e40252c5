"""The one error class for everything that stops roadlog from starting."""

from __future__ import annotations


class StartupError(Exception):
    """A problem the operator must fix: printed as one line, exit status 1, no traceback."""
