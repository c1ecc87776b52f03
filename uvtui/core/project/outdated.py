"""Joins declared constraints, locked versions and index answers into outdated rows.

`local_rows` needs no network (first paint); `check_outdated` asks the index once per
distinct name and fills the rows in as answers arrive.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from uvtui.core.errors import PackageIndexError
from uvtui.core.project.binding import (
    AppliedSpecifier,
    HeldBy,
    applied_specifiers,
    combined,
    declaration_specifiers,
    held_by,
)
from uvtui.core.project.lock import Lockfile
from uvtui.core.project.model import DeclaredDependency, Project
from uvtui.core.project.python_range import fork_requires_python
from uvtui.core.project.versions import (
    UpdateKind,
    admits,
    pick_latest,
    pick_latest_compatible,
    update_kind,
)

if TYPE_CHECKING:
    # Types only: importing the index client at startup costs ~75 ms (HTTP, HTML, hashing).
    from uvtui.core.index.client import PackageReleases, Release

__all__ = [
    "CheckStatus",
    "KnownReleases",
    "OutdatedRow",
    "UpdateKind",
    "check_outdated",
    "fill_row",
    "local_rows",
    "row_to_json",
    "unknown_row",
]


class CheckStatus(Enum):
    PENDING = "pending"  # index not asked yet (first paint)
    CHECKED = "checked"
    UNKNOWN = "unknown"  # index error / offline: `reason` says why
    NOT_REGISTRY = "not-registry"  # git/path/url/editable source: `reason` says why


@dataclass(frozen=True)
class OutdatedRow:
    """One locked (name, version), or one declared-but-unlocked name when there is no uv.lock."""

    name: str
    locked: str | None
    groups: tuple[str, ...]  # group labels of project.py that declare it directly; () if transitive
    members: tuple[str, ...]  # workspace members declaring it
    direct: bool
    constraint: str | None  # specifier(s) as written, e.g. ">=2,<3"; None if unconstrained
    marker: str | None  # the fork marker when a name is locked at several versions
    source_kind: str  # as in lock.py
    status: CheckStatus = CheckStatus.PENDING
    reason: str | None = None
    latest_compatible: str | None = None
    latest: str | None = None
    update: UpdateKind | None = None
    yanked: bool = False  # the locked version is yanked
    newer_needs_python: tuple[str, str] | None = None  # ("6.0", ">=3.12") hint
    # What uv narrows this package (this fork) by: declarations or overrides, constraints.
    applied: tuple[AppliedSpecifier, ...] = ()
    held_by: HeldBy | None = None  # why latest_compatible is below latest, when it is
    # ("2.16.0", "2026-12-02T10:00:00+00:00"): the newest release past exclude-newer
    newer_excluded: tuple[str, str] | None = None


class ReleaseSource(Protocol):
    """What `check_outdated` needs from the index client (index.IndexClient)."""

    def fetch_many(
        self,
        names: Iterable[str],
        on_result: Callable[[str, PackageReleases | PackageIndexError], None],
    ) -> Any: ...


_NOT_REGISTRY_REASONS = {
    "git": "git source: no index to compare with",
    "path": "local path source: no index to compare with",
    "directory": "local directory source: no index to compare with",
    "editable": "editable source: no index to compare with",
    "virtual": "virtual package: no index to compare with",
    "url": "direct URL source: no index to compare with",
}

# [tool.uv.sources] keys -> the source kinds uv.lock would record.
_SOURCE_TABLE_KINDS = {"git": "git", "url": "url", "path": "path", "index": "registry"}


def local_rows(
    project: Project, lock: Lockfile | None, *, include_transitive: bool = True
) -> list[OutdatedRow]:
    """Rows from pyproject.toml and uv.lock alone, sorted by name then version.

    With a lock: one row per locked (name, version) except the workspace members
    themselves; transitive packages only when `include_transitive`. Without a lock: one
    row per declared name with `locked=None`. Rows from non-registry sources get
    status NOT_REGISTRY, all others PENDING.
    """
    declarations = _declarations_by_name(project)
    requires_python = effective_requires_python(project, lock)

    def row(name: str, locked: str | None, marker: str | None, source_kind: str) -> OutdatedRow:
        declared = declarations.get(name, [])
        specifiers = declaration_specifiers(declared)
        applied = applied_specifiers(
            project,
            name,
            fork_marker=marker,
            requires_python=requires_python,
            declared=specifiers,
        )
        return _row(name, locked, declared, specifiers, applied, marker, source_kind)

    if lock is None:
        rows = [
            row(name, None, None, _declared_source_kind(declared))
            for name, declared in declarations.items()
            if name not in _member_names(project, None)
        ]
    else:
        members = _member_names(project, lock)
        rows = [
            row(package.name, package.version, lock.package_markers(package), package.source_kind)
            for package in lock.packages
            if package.name not in members and (include_transitive or package.name in declarations)
        ]
    return sorted(rows, key=_sort_key)


def fill_row(
    row: OutdatedRow,
    releases: Sequence[Release],
    *,
    requires_python: SpecifierSet | None,
    allow_prereleases: bool,
    exclude_newer: datetime | None = None,
) -> OutdatedRow:
    """The row completed from the index's releases of its package (status CHECKED).

    A fork row (one of several locked versions of a name) is judged against the Pythons
    its fork applies to: `requires_python` narrowed by the row's marker. Releases uploaded
    at or after `exclude_newer` do not count (uv's rule; a release without an upload time
    counts), and the newest of them is the `newer_excluded` hint. When the latest release
    is still older than the locked one, `reason` says why.
    """
    requires_python = fork_requires_python(requires_python, row.marker)
    every_release = releases
    if exclude_newer is not None:
        releases = [release for release in releases if _uploaded_before(release, exclude_newer)]
    latest, needs_python = pick_latest(
        releases, requires_python=requires_python, allow_prereleases=allow_prereleases
    )
    compatible = pick_latest_compatible(
        releases,
        combined(row.applied),
        requires_python=requires_python,
        allow_prereleases=allow_prereleases,
    )
    holding = held_by(
        row.applied,
        releases,
        compatible=compatible,
        latest=latest,
        requires_python=requires_python,
        allow_prereleases=allow_prereleases,
    )
    locked = _parse_version(row.locked)
    return replace(
        row,
        status=CheckStatus.CHECKED,
        reason=_why_latest_is_older(
            locked,
            latest,
            releases,
            requires_python,
            allow_prereleases=allow_prereleases,
            excluded=every_release if exclude_newer is not None else (),
        ),
        latest=str(latest.version) if latest else None,
        latest_compatible=str(compatible.version) if compatible else None,
        held_by=holding,
        update=update_kind(locked, latest.version) if locked and latest else None,
        yanked=locked in {release.version for release in every_release if release.yanked},
        newer_needs_python=(
            (str(needs_python.version), str(needs_python.requires_python)) if needs_python else None
        ),
        newer_excluded=_newer_excluded(
            latest, every_release, requires_python, allow_prereleases, exclude_newer
        ),
    )


def _uploaded_before(release: Release, cutoff: datetime) -> bool:
    return release.upload_time is None or release.upload_time < cutoff


def _newer_excluded(
    latest: Release | None,
    releases: Sequence[Release],
    requires_python: SpecifierSet | None,
    allow_prereleases: bool,
    exclude_newer: datetime | None,
) -> tuple[str, str] | None:
    """The newest release past the cut-off that would otherwise be the latest."""
    if exclude_newer is None:
        return None
    newest, _ = pick_latest(
        releases, requires_python=requires_python, allow_prereleases=allow_prereleases
    )
    if (
        newest is None
        or newest.upload_time is None
        or (latest and newest.version <= latest.version)
    ):
        return None
    return str(newest.version), newest.upload_time.isoformat()


def _why_latest_is_older(
    locked: Version | None,
    latest: Release | None,
    releases: Sequence[Release],
    requires_python: SpecifierSet | None,
    *,
    allow_prereleases: bool,
    excluded: Sequence[Release],
) -> str | None:
    """Why the latest usable release is older than the locked version (None when it is not).

    `excluded`: every release, when exclude-newer left some out (else empty).
    """
    if locked is None or latest is None or latest.version >= locked:
        return None
    release = next((release for release in releases if release.version == locked), None)
    if release is None:
        if any(release.version == locked for release in excluded):
            return f"locked {locked} was uploaded after exclude-newer"
        return f"locked {locked} is not on the index"
    if release.yanked:
        return None  # the row's `yanked` says so
    if locked.is_prerelease and not allow_prereleases:
        return f"locked {locked} is a pre-release"
    if not admits(release.requires_python, requires_python):
        python = "any Python" if requires_python is None else f"Python {requires_python}"
        return f"locked {locked} needs Python {release.requires_python}, not {python}"
    return None


def unknown_row(row: OutdatedRow, reason: str) -> OutdatedRow:
    """The row marked as not checkable, e.g. because its index could not be reached."""
    return replace(row, status=CheckStatus.UNKNOWN, reason=reason)


def check_outdated(
    project: Project,
    lock: Lockfile | None,
    client: ReleaseSource,
    *,
    include_transitive: bool = True,
    allow_prereleases: bool = False,
    environ: Mapping[str, str] | None = None,
    on_row: Callable[[OutdatedRow], None] | None = None,
    on_answer: Callable[[str, PackageReleases | PackageIndexError], None] | None = None,
) -> list[OutdatedRow]:
    """All rows of `local_rows`, each checked against the index.

    The index is asked once per distinct name, concurrently, through `client.fetch_many`.
    `on_row` receives every finished row as soon as it is known (non-registry rows first,
    then in answer order); it is called from the client's worker threads, one call at a
    time. `on_answer(name, answer)` follows the rows of each name, under the same lock (a
    UI keeps the releases for its details and counts progress). Index errors become
    UNKNOWN rows, never exceptions. Releases past uv's
    exclude-newer cut-off (see exclude_newer.py; `environ` matters only without a lock)
    do not count.
    """
    rows = local_rows(project, lock, include_transitive=include_transitive)
    requires_python = effective_requires_python(project, lock)
    from uvtui.core.project.exclude_newer import exclude_newer_for  # not needed to first paint

    exclude_newer = exclude_newer_for(project, lock, os.environ if environ is None else environ)
    finished: dict[int, OutdatedRow] = {}
    by_name: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        if row.status is CheckStatus.PENDING:
            by_name.setdefault(row.name, []).append(position)
        else:
            finished[position] = row
            if on_row:
                on_row(row)
    guard = threading.Lock()

    def on_result(name: str, answer: PackageReleases | PackageIndexError) -> None:
        for position in by_name.get(name, []):
            row = rows[position]
            if isinstance(answer, PackageIndexError):
                done = unknown_row(row, answer.message)
            else:
                done = fill_row(
                    row,
                    answer.releases,
                    requires_python=requires_python,
                    allow_prereleases=allow_prereleases,
                    exclude_newer=exclude_newer.cutoff_for(name) if exclude_newer else None,
                )
            with guard:
                finished[position] = done
                if on_row:
                    on_row(done)
        if on_answer:
            with guard:
                on_answer(name, answer)

    if by_name:
        client.fetch_many(sorted(by_name), on_result)
    return [
        finished.get(position) or unknown_row(row, "the index gave no answer")
        for position, row in enumerate(rows)
    ]


class KnownReleases:
    """A ReleaseSource that answers from releases fetched before (no network): re-judging
    rows, e.g. with pre-releases allowed, takes the same path as the first check."""

    def __init__(self, releases: Mapping[str, PackageReleases]) -> None:
        self._releases = releases

    def fetch_many(
        self,
        names: Iterable[str],
        on_result: Callable[[str, PackageReleases | PackageIndexError], None],
    ) -> None:
        for name in names:
            known = self._releases.get(name)
            on_result(name, known if known is not None else PackageIndexError("not fetched yet"))


def row_to_json(row: OutdatedRow) -> dict[str, Any]:
    """The row as a JSON-ready dict (the `uvtui outdated --json` item shape)."""
    hint = row.newer_needs_python
    excluded = row.newer_excluded
    return {
        "name": row.name,
        "groups": list(row.groups),
        "members": list(row.members),
        "direct": row.direct,
        "constraint": row.constraint,
        "locked": row.locked,
        "latest_compatible": row.latest_compatible,
        "latest": row.latest,
        "update": row.update.value if row.update else None,
        "yanked": row.yanked,
        "marker": row.marker,
        "source_kind": row.source_kind,
        "status": row.status.value,
        "reason": row.reason,
        "newer_needs_python": ({"version": hint[0], "requires_python": hint[1]} if hint else None),
        "newer_excluded": (
            {"version": excluded[0], "upload_time": excluded[1]} if excluded else None
        ),
        "held_by": held_by_json(row.held_by),
    }


def held_by_json(holding: HeldBy | None) -> dict[str, Any] | None:
    if holding is None:
        return None
    return {
        "text": str(holding),
        "blocked": holding.blocked,
        "specifiers": [
            {
                "kind": spec.origin.value,
                "specifier": spec.specifier,
                "requirement": spec.requirement,
                "setting": spec.setting,
                "member": spec.member,
            }
            for spec in holding.specifiers
        ],
    }


def _row(
    name: str,
    locked: str | None,
    declared: list[DeclaredDependency],
    specifiers: tuple[AppliedSpecifier, ...],
    applied: tuple[AppliedSpecifier, ...],
    marker: str | None,
    source_kind: str,
) -> OutdatedRow:
    reason = _NOT_REGISTRY_REASONS.get(source_kind)
    return OutdatedRow(
        name=name,
        locked=locked,
        groups=_unique(dependency.group for dependency in declared),
        members=_unique(dependency.member for dependency in declared),
        direct=bool(declared),
        constraint=_joined_constraint(specifiers),
        marker=marker,
        source_kind=source_kind,
        status=CheckStatus.NOT_REGISTRY if reason else CheckStatus.PENDING,
        reason=reason,
        applied=applied,
    )


def _declarations_by_name(project: Project) -> dict[str, list[DeclaredDependency]]:
    by_name: dict[str, list[DeclaredDependency]] = {}
    for dependency in project.declared:
        by_name.setdefault(dependency.name, []).append(dependency)
    return by_name


def _member_names(project: Project, lock: Lockfile | None) -> set[str]:
    names = set(project.members)
    if project.name:
        names.add(project.name)
    if lock is not None:
        names.update(lock.members)
    return names


def _declared_source_kind(declared: list[DeclaredDependency]) -> str:
    """The source kind uv would lock a declared (not yet locked) package from."""
    for dependency in declared:
        if dependency.requirement.url:
            return "url"
        table = dependency.source
        if not isinstance(table, dict):  # none, or a list of sources under markers
            continue
        if table.get("editable"):
            return "editable"
        for key, kind in _SOURCE_TABLE_KINDS.items():
            if key in table:
                return kind
    return "registry"


def _joined_constraint(specifiers: Iterable[AppliedSpecifier]) -> str | None:
    joined = ",".join(_unique(spec.specifier for spec in specifiers if spec.specifier))
    return joined or None


def effective_requires_python(project: Project, lock: Lockfile | None) -> SpecifierSet | None:
    """The lock's requires-python (what uv compares with), else the project's."""
    if lock is not None and lock.requires_python:
        try:
            return SpecifierSet(lock.requires_python)
        except InvalidSpecifier:
            pass
    return project.requires_python


def _parse_version(text: str | None) -> Version | None:
    if text is None:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _sort_key(row: OutdatedRow) -> tuple[str, int, Version | str]:
    version = _parse_version(row.locked)
    if version is not None:
        return (row.name, 0, version)
    return (row.name, 1, row.locked or "")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
