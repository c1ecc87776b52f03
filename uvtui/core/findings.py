"""Warnings, infos and refusals reported by plans (migration today, edits later)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from uvtui.core.errors import UvtuiError
from uvtui.core.redact import redact


class Level(Enum):
    INFO = "info"
    WARNING = "warning"
    SUGGESTION = "suggestion"


@dataclass(frozen=True)
class Finding:
    """One reported fact, e.g. W-DUPLICATE at requirements.txt:4."""

    code: str  # "W-DUPLICATE", "I-HASH", "S-LAYERS", ...
    message: str  # one sentence, secrets redacted
    level: Level = Level.WARNING
    path: str | None = None  # relative to the project root, POSIX separators
    line: int | None = None  # 1-based

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", redact(self.message))

    @property
    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


class MigrationRefused(UvtuiError):
    """The migration cannot be done safely; nothing was written (spec §7, R1-R7)."""

    exit_code = 1

    def __init__(self, code: str, message: str, choices: tuple[str, ...] = ()) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.choices = choices  # when the user can pick one of these to go on (freeze files)
