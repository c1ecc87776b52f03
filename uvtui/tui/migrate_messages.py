"""Typed messages the migrate wizard's workers post to its screen (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from uvtui.core.changes import AppliedChange
from uvtui.core.migrate import MigrationPlan


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
