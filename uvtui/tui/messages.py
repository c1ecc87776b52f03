"""Typed messages that workers post to the UI (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from uvtui.core.index import PackageReleases
    from uvtui.core.outdated import OutdatedRow


@dataclass
class RowsChecked(Message):
    """A batch of rows whose index answer arrived (checked or unknown)."""

    rows: list[OutdatedRow]
    releases: dict[str, PackageReleases]  # normalized name -> what the index listed
    done: int  # packages answered so far
    total: int


@dataclass
class CheckFinished(Message):
    """Every package has an answer; ``unknown_reason`` says why some are unknown, if any."""

    unknown: int
    unknown_reason: str | None


@dataclass
class DetailsLoaded(Message):
    name: str
    summary: str | None
    homepage: str | None
    changelog: str | None
    error: str | None = None


@dataclass
class LockFinished(Message):
    """`uv lock` ended; ``error`` is its message when it failed."""

    error: str | None
