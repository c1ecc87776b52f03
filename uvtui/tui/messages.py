"""Typed messages that workers post to the screens (post_message is thread-safe)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from uvtui.core.changes import AppliedChange
    from uvtui.core.containers.runner import RunResult
    from uvtui.core.edits.plan import EditPlan
    from uvtui.core.index.client import PackageReleases
    from uvtui.core.migrate.plan import MigrationPlan
    from uvtui.core.project.outdated import OutdatedRow


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


# The migrate wizard's workers.


@dataclass
class PlanProgress(Message):
    """plan_migration reached a slow step (its progress label)."""

    label: str


@dataclass
class PlanReady(Message):
    plan: MigrationPlan
    includes: dict[str, list[str]]  # requirements file -> files it includes with -r
    constraints: dict[str, list[str]]  # requirements file -> files it includes with -c


@dataclass
class PlanFailed(Message):
    """A refusal or another user-facing error: nothing was written."""

    message: str
    refused: bool
    choices: tuple[str, ...] = ()  # files the user can pick from to plan again (freeze files)


@dataclass
class ApplyFinished(Message):
    """apply_migration ended; `error` is set (and `applied` None) when nothing stayed written."""

    applied: AppliedChange | None
    error: str | None


# The log screen's worker.


@dataclass
class RunStarted(Message):
    """The command started on `target` (a container, a one-off container, or local)."""

    target: str


@dataclass
class RunFinished(Message):
    """The run ended (`result`), or could not start (`error`)."""

    result: RunResult | None
    error: str | None = None


# Add / bump / remove (screens/changes.py).


@dataclass
class EditPlanned(Message):
    """uv locked the edit in a scratch copy: the plan goes to the review screen."""

    plan: EditPlan


@dataclass
class EditNotPlanned(Message):
    """The edit could not be planned (uv's shortened error, an unknown name): nothing written."""

    message: str
    # A [tool.uv] constraint or override holds a bump back: what holds, and how to plan again
    # with those settings rewritten too.
    held: tuple[str, ...] = ()
    retry: Callable[[], None] | None = None


@dataclass
class EditApplied(Message):
    """apply_edit ended; `error` is set (nothing written) when it refused or failed."""

    description: str
    error: str | None
    changed_on_disk: bool = False
