"""The one exception hierarchy of the core: every message is meant for the user."""

from __future__ import annotations

from uvtui.core.redact import redact


class UvtuiError(Exception):
    """An error the UI and CLI show as a message (never as a traceback), secrets redacted."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message


class ProjectError(UvtuiError):
    """pyproject.toml is missing, unreadable or malformed."""

    exit_code = 3


class LockError(UvtuiError):
    """uv.lock is unreadable, malformed or does not match pyproject.toml."""

    exit_code = 4


class PackageIndexError(UvtuiError):
    """A package index could not be reached or gave an answer we cannot read."""

    exit_code = 5
