"""Why a lock-only bump cannot move a package: what holds it back, and how to move it.

The outdated check already knows (`OutdatedRow.held_by`); this phrases it for a bump that
uv answered with "nothing changed".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name

from uvtui.core.project.binding import HeldBy, Origin
from uvtui.core.project.outdated import OutdatedRow, held_by_json

NEWEST = "already at the newest version uv can lock"


@dataclass(frozen=True)
class Stuck:
    """One package a lock-only bump left where it was."""

    name: str
    locked: str | None
    latest: str | None  # the newest usable release, when newer than the locked one
    held_by: HeldBy | None  # None when nothing the project writes holds it (or not known)

    @property
    def needs_setting_edit(self) -> bool:
        """A [tool.uv] constraint or override holds it: bumping to latest must rewrite it."""
        return self.held_by is not None and any(
            spec.origin is not Origin.DECLARATION for spec in self.held_by.specifiers
        )

    def reason(self) -> str:
        """E.g. "requests 2.31.0: already at the newest version uv can lock; 2.34.2 is out,
        held by constraint ==2.31.0"."""
        where = f"{self.name} {self.locked}" if self.locked else self.name
        if self.held_by is None or self.latest is None:
            return f"{where}: {NEWEST}"
        return f"{where}: {NEWEST}; {self.latest} is out, {self.held_by}"

    def to_json(self, hint: str | None) -> dict[str, Any]:
        return {
            "name": self.name,
            "locked": self.locked,
            "latest": self.latest,
            "held_by": held_by_json(self.held_by),
            "hint": hint,
        }


def stuck_packages(rows: Iterable[OutdatedRow], names: Sequence[str]) -> list[Stuck]:
    """Each name with what holds it, from the outdated rows (a holding fork row first)."""
    by_name: dict[str, list[OutdatedRow]] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    found = []
    for name in dict.fromkeys(canonicalize_name(name) for name in names):
        candidates = sorted(by_name.get(name, []), key=lambda row: row.held_by is None)
        row = candidates[0] if candidates else None
        if row is None or row.held_by is None:
            found.append(Stuck(name, row.locked if row else None, None, None))
        else:
            found.append(Stuck(name, row.locked, row.latest, row.held_by))
    return found
