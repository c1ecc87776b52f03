"""uv's `exclude-newer`: releases uploaded at or after a cut-off do not exist for the resolver.

`uv tree --outdated --frozen` takes the cut-off from uv.lock's `[options]` alone (checked with
uv 0.13.9: pyproject.toml and UV_EXCLUDE_NEWER are not read once a lock exists), where uv
records what it locked with:

    [options]
    exclude-newer = "2026-11-30T12:00:00Z"      # or a placeholder when a span is given
    exclude-newer-span = "P4D"                  # relative: now minus the span
    [options.exclude-newer-package]
    other = "2026-11-29T00:00:00Z"              # or { timestamp = ..., span = "P3D" }, or false

Without a lock, uv's settings count: UV_EXCLUDE_NEWER, else `[tool.uv] exclude-newer`, each a
timestamp, a date (the end of that day, UTC) or a span ("4 days", "P4D"), and
`[tool.uv] exclude-newer-package`.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from packaging.utils import canonicalize_name

from uvtui.core.project.lock import Lockfile
from uvtui.core.project.model import Project

_ISO_SPAN = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
_FRIENDLY_PART = re.compile(r"(\d+)\s*([a-z]+)")
_UNITS = {
    "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years",
    "mo": "months", "month": "months", "months": "months",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "d": "days", "day": "days", "days": "days",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "s": "seconds", "sec": "seconds", "secs": "seconds", "second": "seconds", "seconds": "seconds",
}  # fmt: skip


@dataclass(frozen=True)
class ExcludeNewer:
    """The upload cut-offs for one check: releases uploaded at or after them are left out."""

    cutoff: datetime | None  # for every package without its own
    label: str  # how the cut-off was written, e.g. "P4D" or "2026-11-30T12:00:00Z"
    packages: Mapping[str, datetime | None] = field(default_factory=dict)  # None: no cut-off

    def cutoff_for(self, name: str) -> datetime | None:
        return self.packages.get(name, self.cutoff)

    def describe(self) -> str:
        """One line for a header, e.g. "exclude-newer 2026-11-29 16:40 UTC (P4D)"."""
        parts = []
        if self.cutoff is not None:
            moment = self.cutoff.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            same = self.label.startswith(self.cutoff.date().isoformat())
            parts.append(moment if same else f"{moment} ({self.label})")
        if self.packages:
            parts.append(f"{len(self.packages)} per-package")
        return "exclude-newer " + ", ".join(parts)


def exclude_newer_for(
    project: Project, lock: Lockfile | None, environ: Mapping[str, str], now: datetime | None = None
) -> ExcludeNewer | None:
    """The cut-offs uv applies to `project` (see the module docstring); None when there are none.

    Values uv would reject are ignored (uv itself refuses to lock with them).
    """
    now = now or datetime.now(UTC)
    if lock is not None:
        return _from_lock(lock.options, now)
    return _from_settings(_tool_uv(project), environ, now)


def _from_lock(options: Mapping[str, Any], now: datetime) -> ExcludeNewer | None:
    cutoff, label = None, ""
    span = options.get("exclude-newer-span")
    if isinstance(span, str) and (cutoff := _before(now, span)) is not None:
        label = span
    elif isinstance(written := options.get("exclude-newer"), str):
        cutoff, label = _timestamp(written), written
    packages = {
        canonicalize_name(name): _lock_package_cutoff(value, now)
        for name, value in (options.get("exclude-newer-package") or {}).items()
    }
    if cutoff is None and not packages:
        return None
    return ExcludeNewer(cutoff, label, packages)


def _lock_package_cutoff(value: object, now: datetime) -> datetime | None:
    if isinstance(value, dict):
        span = value.get("span")
        if isinstance(span, str):
            return _before(now, span)
        value = value.get("timestamp")
    return _timestamp(value) if isinstance(value, str) else None  # false: no cut-off


def _from_settings(
    tool_uv: Mapping[str, Any], environ: Mapping[str, str], now: datetime
) -> ExcludeNewer | None:
    written = environ.get("UV_EXCLUDE_NEWER", "").strip() or tool_uv.get("exclude-newer")
    cutoff = parse_exclude_newer(written, now) if isinstance(written, str) else None
    packages = {
        canonicalize_name(name): (parse_exclude_newer(value, now) if value is not False else None)
        for name, value in (tool_uv.get("exclude-newer-package") or {}).items()
        if isinstance(value, str) or value is False
    }
    if cutoff is None and not packages:
        return None
    return ExcludeNewer(cutoff, str(written) if cutoff else "", packages)


def parse_exclude_newer(text: str, now: datetime) -> datetime | None:
    """A timestamp, a date (the end of that day, UTC), or a span back from `now`."""
    text = text.strip()
    try:
        return datetime.combine(
            date.fromisoformat(text) + timedelta(days=1), datetime.min.time(), UTC
        )
    except ValueError:
        pass
    return _timestamp(text) or _before(now, text)


def _timestamp(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _before(now: datetime, span: str) -> datetime | None:
    """`now` minus a span written as ISO 8601 ("P4D") or as uv's friendly form ("4 days")."""
    amounts = _span_amounts(span)
    if amounts is None:
        return None
    moment = _months_before(now, 12 * amounts.pop("years", 0) + amounts.pop("months", 0))
    return moment - timedelta(**amounts)


def _span_amounts(span: str) -> dict[str, int] | None:
    iso = _ISO_SPAN.match(span.strip().upper())
    if iso:
        names = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
        return {name: int(value) for name, value in zip(names, iso.groups(), strict=True) if value}
    text = span.strip().lower()
    parts = _FRIENDLY_PART.findall(text)
    if not parts or re.sub(r"[\s,]|and", "", _FRIENDLY_PART.sub("", text)):
        return None
    amounts: dict[str, int] = {}
    for value, unit in parts:
        if unit not in _UNITS:
            return None
        amounts[_UNITS[unit]] = amounts.get(_UNITS[unit], 0) + int(value)
    return amounts


def _months_before(moment: datetime, months: int) -> datetime:
    if not months:
        return moment
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _tool_uv(project: Project) -> Mapping[str, Any]:
    try:
        tool_uv = tomllib.loads(project.text).get("tool", {}).get("uv", {})
    except tomllib.TOMLDecodeError:
        return {}
    return tool_uv if isinstance(tool_uv, dict) else {}
