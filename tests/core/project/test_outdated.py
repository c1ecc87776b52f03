"""Outdated rows: local joins of pyproject.toml and uv.lock, then filling from index answers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.support.fixture_projects import FIXTURES
from tests.support.local_index import LocalIndex
from tests.support.locked_project import locked_project
from uvtui.core.index.client import IndexClient, Release
from uvtui.core.index.config import resolve_indexes
from uvtui.core.project.binding import AppliedSpecifier, Origin
from uvtui.core.project.lock import LockedPackage, Lockfile, load_lock
from uvtui.core.project.model import DeclaredDependency, Project, load_project
from uvtui.core.project.outdated import (
    CheckStatus,
    OutdatedRow,
    UpdateKind,
    check_outdated,
    effective_requires_python,
    fill_row,
    local_rows,
    row_to_json,
    unknown_row,
)

PY311 = SpecifierSet(">=3.11")
REGISTRY = "https://index.example/simple"


def declared(
    text: str, group: str = "main", member: str = "app", source: dict | None = None
) -> DeclaredDependency:
    requirement = Requirement(text)
    return DeclaredDependency(
        name=requirement.name.lower().replace("_", "-"),
        text=text,
        requirement=requirement,
        group=group,
        member=member,
        source=source,
    )


def locked(
    name: str, version: str, kind: str = "registry", markers: tuple[str, ...] = ()
) -> LockedPackage:
    return LockedPackage(
        name=name,
        version=version,
        source_kind=kind,
        source=REGISTRY if kind == "registry" else ".",
        resolution_markers=markers,
    )


def release(
    version: str,
    *,
    yanked: bool = False,
    python: str | None = None,
    uploaded: datetime | None = None,
) -> Release:
    return Release(
        version=Version(version),
        yanked=yanked,
        requires_python=SpecifierSet(python) if python else None,
        upload_time=uploaded,
    )


def small_project() -> Project:
    return Project(
        root=Path("/nowhere"),
        text="",
        name="app",
        requires_python=PY311,
        declared=[
            declared("Django >= 4.2, <5"),
            declared("requests==2.28.0"),
            declared("mylib @ git+https://example.invalid/mylib"),
            declared("pytest==7.3.1", group="dev"),
            declared("tools", group="dev", source={"git": "https://example.invalid/tools"}),
            declared("django>=4.2.1", group="dev"),
            declared("helper", member="helper"),
        ],
        members=["app", "helper"],
    )


def small_lock() -> Lockfile:
    return Lockfile(
        packages=[
            locked("app", "0.1.0", kind="virtual"),
            locked("helper", "0.1.0", kind="editable"),
            locked("requests", "2.28.0"),
            locked("django", "4.2"),
            locked("asgiref", "3.7.0"),
            locked("mylib", "0.3", kind="git"),
            locked("pytest", "7.3.1"),
            locked("tools", "1.0", kind="git"),
            locked("numpy", "2.2.0", markers=("python_full_version >= '3.12'",)),
            locked("numpy", "1.26.4", markers=("python_full_version < '3.12'",)),
        ],
        requires_python=">=3.11",
        members=["app", "helper"],
    )


def test_effective_requires_python_prefers_the_lock() -> None:
    lock = small_lock()
    lock.requires_python = ">=3.12"
    assert effective_requires_python(small_project(), lock) == SpecifierSet(">=3.12")
    assert effective_requires_python(small_project(), None) == PY311


def test_local_rows_joins_declarations_and_lock() -> None:
    rows = {(row.name, row.locked): row for row in local_rows(small_project(), small_lock())}
    assert list(rows) == [
        ("asgiref", "3.7.0"),
        ("django", "4.2"),
        ("mylib", "0.3"),
        ("numpy", "1.26.4"),
        ("numpy", "2.2.0"),
        ("pytest", "7.3.1"),
        ("requests", "2.28.0"),
        ("tools", "1.0"),
    ]
    django = rows["django", "4.2"]
    assert django.direct
    assert django.groups == ("main", "dev")
    assert django.members == ("app",)
    assert django.constraint == ">=4.2,<5,>=4.2.1"  # as written, every declaration
    assert django.status is CheckStatus.PENDING
    assert rows["pytest", "7.3.1"].groups == ("dev",)
    asgiref = rows["asgiref", "3.7.0"]
    assert (asgiref.direct, asgiref.groups, asgiref.constraint) == (False, (), None)
    mylib = rows["mylib", "0.3"]
    assert mylib.status is CheckStatus.NOT_REGISTRY
    assert mylib.reason == "git source: no index to compare with"
    assert rows["numpy", "2.2.0"].marker == "python_full_version >= '3.12'"
    assert rows["numpy", "1.26.4"].marker == "python_full_version < '3.12'"
    assert rows["requests", "2.28.0"].marker is None


def test_local_rows_direct_only() -> None:
    rows = local_rows(small_project(), small_lock(), include_transitive=False)
    assert [row.name for row in rows] == ["django", "mylib", "pytest", "requests", "tools"]


def test_local_rows_without_lock() -> None:
    rows = local_rows(small_project(), None)
    assert [(row.name, row.locked, row.source_kind) for row in rows] == [
        ("django", None, "registry"),
        ("mylib", None, "url"),
        ("pytest", None, "registry"),
        ("requests", None, "registry"),
        ("tools", None, "git"),
    ]
    assert rows[1].status is CheckStatus.NOT_REGISTRY
    assert rows[4].reason == "git source: no index to compare with"


def row(locked_version: str | None = "1.0", constraint: str | None = None) -> OutdatedRow:
    return OutdatedRow(
        name="pkg",
        locked=locked_version,
        groups=("main",),
        members=("app",),
        direct=True,
        constraint=constraint,
        marker=None,
        source_kind="registry",
        applied=(
            (AppliedSpecifier(Origin.DECLARATION, constraint, f"pkg{constraint}", None, "main"),)
            if constraint
            else ()
        ),
    )


RELEASES = [
    release("1.0"),
    release("1.0.1"),
    release("1.1", yanked=True),
    release("2.0", python=">=3.8"),
    release("2.1rc1"),
    release("3.0", python=">=3.12"),
]


def test_fill_row() -> None:
    filled = fill_row(
        row(constraint="<2"), RELEASES, requires_python=PY311, allow_prereleases=False
    )
    assert filled.status is CheckStatus.CHECKED
    assert (filled.latest_compatible, filled.latest, filled.update) == (
        "1.0.1",
        "2.0",
        UpdateKind.MAJOR,
    )
    assert filled.newer_needs_python == ("3.0", ">=3.12")
    assert not filled.yanked


def test_fill_row_normalised_locked_version_is_current() -> None:
    filled = fill_row(row("2.0.0"), RELEASES, requires_python=PY311, allow_prereleases=False)
    assert (filled.latest, filled.update) == ("2.0", None)


def test_fill_row_yanked_locked_version_and_prereleases() -> None:
    filled = fill_row(row("1.1"), RELEASES, requires_python=PY311, allow_prereleases=True)
    assert filled.yanked
    assert (filled.latest, filled.update) == ("2.1rc1", UpdateKind.MAJOR)


def test_fill_row_without_locked_version() -> None:
    filled = fill_row(row(None), RELEASES, requires_python=PY311, allow_prereleases=False)
    assert (filled.latest, filled.update, filled.yanked) == ("2.0", None, False)


def test_unknown_row_and_json_shape() -> None:
    unknown = unknown_row(row(), "index answered 500")
    assert (unknown.status, unknown.reason) == (CheckStatus.UNKNOWN, "index answered 500")
    filled = fill_row(
        row(constraint="<2"), RELEASES, requires_python=PY311, allow_prereleases=False
    )
    data = row_to_json(filled)
    assert json.loads(json.dumps(data)) == data
    assert data["name"] == "pkg"
    assert data["groups"] == ["main"]
    assert data["direct"] is True
    assert data["constraint"] == "<2"
    assert data["locked"] == "1.0"
    assert data["latest_compatible"] == "1.0.1"
    assert data["latest"] == "2.0"
    assert data["update"] == "major"
    assert data["yanked"] is False
    assert data["marker"] is None
    assert data["status"] == "checked"
    assert data["reason"] is None
    assert data["newer_needs_python"] == {"version": "3.0", "requires_python": ">=3.12"}


def fixture_rows(name: str, *, include_transitive: bool) -> list[OutdatedRow]:
    root = FIXTURES / name
    return local_rows(load_project(root), load_lock(root), include_transitive=include_transitive)


def test_medium_django_direct_rows() -> None:
    rows = fixture_rows("medium-django", include_transitive=False)
    assert len([row for row in rows if "main" in row.groups]) == 26
    assert len([row for row in rows if "dev" in row.groups]) == 6
    assert len(rows) == 32
    assert all(row.direct and row.status is CheckStatus.PENDING for row in rows)
    django = next(row for row in rows if row.name == "django")
    assert (django.locked, django.constraint) == ("4.2", "==4.2.0")
    psycopg = next(row for row in rows if row.name == "psycopg")
    assert psycopg.constraint == "==3.1.8"


def test_medium_django_all_rows() -> None:
    rows = fixture_rows("medium-django", include_transitive=True)
    assert len(rows) == 77  # every locked package but the project itself
    assert "medium-django" not in {row.name for row in rows}
    assert [row.name for row in rows] == sorted(row.name for row in rows)
    assert any(not row.direct and row.groups == () for row in rows)


def test_large_data_forked_packages_have_two_rows_with_markers() -> None:
    rows = fixture_rows("large-data", include_transitive=True)
    assert len(rows) == 355
    forked = {"bokeh", "panel", "pendulum", "soupsieve", "xgboost"}
    for name in forked:
        versions = [row for row in rows if row.name == name]
        assert len(versions) == 2, name
        assert all(row.marker for row in versions), name
        assert versions[0].marker != versions[1].marker
        assert Version(versions[0].locked) < Version(versions[1].locked)
    assert all(row.marker is None for row in rows if row.name not in forked)
    xgboost = [row for row in rows if row.name == "xgboost"]
    assert all(row.direct and row.constraint == ">=2.0" for row in xgboost)
    assert [row.marker for row in xgboost] == [
        "python_full_version < '3.12'",
        "python_full_version >= '3.12'",
    ]


BOKEH = [
    release("3.9.1", python=">=3.10"),
    release("3.9.2", python=">=3.10"),
    release("3.10.2", python=">=3.12"),
    release("3.10.3", python=">=3.12"),
]


def test_large_data_fork_rows_are_judged_in_their_python_range() -> None:
    """bokeh 3.9.2 for Python < 3.12, 3.10.2 for >= 3.12: no row reads backwards."""
    project = load_project(FIXTURES / "large-data")
    lock = load_lock(FIXTURES / "large-data")
    rows = [row for row in local_rows(project, lock) if row.name == "bokeh"]
    python = effective_requires_python(project, lock)
    older, newer = (
        fill_row(row, BOKEH, requires_python=python, allow_prereleases=False) for row in rows
    )
    assert (older.locked, older.latest, older.update) == ("3.9.2", "3.9.2", None)
    assert older.newer_needs_python == ("3.10.3", ">=3.12")
    assert (newer.locked, newer.latest, newer.update) == ("3.10.2", "3.10.3", UpdateKind.PATCH)
    assert newer.latest_compatible == "3.10.3"
    assert newer.newer_needs_python is None and newer.reason is None


def forked_row(locked_version: str, marker: str) -> OutdatedRow:
    return replace(row(locked_version), marker=marker)


@pytest.mark.parametrize(
    ("locked_version", "releases", "allow_prereleases", "reason"),
    [
        ("3.0", [release("2.0")], False, "locked 3.0 is not on the index"),
        ("2.1rc1", RELEASES, False, "locked 2.1rc1 is a pre-release"),
        ("3.0", RELEASES, False, "locked 3.0 needs Python >=3.12, not Python >=3.11"),
    ],
)
def test_a_latest_older_than_the_locked_version_says_why(
    locked_version: str, releases: list[Release], allow_prereleases: bool, reason: str
) -> None:
    filled = fill_row(
        row(locked_version), releases, requires_python=PY311, allow_prereleases=allow_prereleases
    )
    assert Version(filled.latest or "0") < Version(locked_version)
    assert filled.reason == reason


def test_a_fork_without_a_python_bound_keeps_requires_python() -> None:
    filled = fill_row(
        forked_row("2.0", "sys_platform == 'win32'"),
        RELEASES,
        requires_python=PY311,
        allow_prereleases=False,
    )
    assert (filled.latest, filled.newer_needs_python) == ("2.0", ("3.0", ">=3.12"))
    fork = fill_row(
        forked_row("3.0", "python_version >= '3.12'"),
        RELEASES,
        requires_python=PY311,
        allow_prereleases=False,
    )
    assert (fork.latest, fork.update, fork.reason) == ("3.0", None, None)


ANTHROPIC = [
    release("2.13.0", uploaded=datetime(2026, 11, 1, tzinfo=UTC)),
    release("2.14.0", uploaded=datetime(2026, 11, 20, tzinfo=UTC)),
    release("2.15.0", uploaded=datetime(2026, 11, 30, tzinfo=UTC)),
    release("2.16.0", uploaded=datetime(2026, 12, 2, tzinfo=UTC)),
    release("2.16.1"),  # no upload time: counts, as in uv
]
CUTOFF = datetime(2026, 11, 29, 16, tzinfo=UTC)


def test_releases_past_exclude_newer_do_not_count() -> None:
    filled = fill_row(
        row("2.13.0", constraint="<2.16"),
        ANTHROPIC[:-1],
        requires_python=PY311,
        allow_prereleases=False,
        exclude_newer=CUTOFF,
    )
    assert (filled.latest_compatible, filled.latest, filled.update) == (
        "2.14.0",
        "2.14.0",
        UpdateKind.MINOR,
    )
    assert filled.newer_excluded == ("2.16.0", "2026-12-02T00:00:00+00:00")
    assert row_to_json(filled)["newer_excluded"] == {
        "version": "2.16.0",
        "upload_time": "2026-12-02T00:00:00+00:00",
    }
    without_time = fill_row(
        row("2.13.0"), ANTHROPIC, requires_python=PY311, allow_prereleases=False,
        exclude_newer=CUTOFF,
    )  # fmt: skip
    assert (without_time.latest, without_time.newer_excluded) == ("2.16.1", None)


def test_a_locked_release_past_exclude_newer_says_why() -> None:
    filled = fill_row(
        row("2.15.0"),
        ANTHROPIC[:-1],
        requires_python=PY311,
        allow_prereleases=False,
        exclude_newer=CUTOFF,
    )
    assert filled.latest == "2.14.0"
    assert filled.reason == "locked 2.15.0 was uploaded after exclude-newer"


WEB_PROJECT = """\
[project]
name = "web"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["demo-a==1.0", "demo-b>=1", "demo-d", "redis>=4,<6"]

[dependency-groups]
dev = ["pytest==7.4.4"]

[tool.uv]
package = false
"""


@pytest.fixture(scope="module")
def web_project(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return locked_project(tmp_path_factory.mktemp("outdated") / "web", WEB_PROJECT, local_index)


def client_for(index: LocalIndex, project: Project, cache: Path) -> IndexClient:
    return IndexClient(resolve_indexes(project, index.uv_env()), cache_dir=cache)


def test_check_outdated_streams_rows_and_asks_once_per_name(
    web_project: Path, local_index: LocalIndex, tmp_path: Path
) -> None:
    project, lock = load_project(web_project), load_lock(web_project)
    streamed: list[OutdatedRow] = []
    before = len(local_index.requests_for("demo-d"))
    with client_for(local_index, project, tmp_path) as client:
        rows = check_outdated(project, lock, client, on_row=streamed.append)
    assert len(local_index.requests_for("demo-d")) - before == 1  # two rows, one request
    assert sorted(streamed, key=lambda row: (row.name, row.locked)) == rows
    assert all(row.status is CheckStatus.CHECKED for row in rows)
    by_key = {(row.name, row.locked): row for row in rows}
    assert set(by_key) == {
        ("demo-a", "1.0"),
        ("demo-b", "1.5"),
        ("demo-d", "1.0"),
        ("demo-d", "2.0"),
        ("pytest", "7.4.4"),
        ("redis", "5.2.1"),
    }
    assert by_key["demo-a", "1.0"].update is UpdateKind.MAJOR
    assert by_key["demo-d", "1.0"].newer_needs_python == ("2.0", ">=3.99")
    # the >= 3.99 fork is judged on Python >= 3.99: current, not "latest 1.0"
    assert (by_key["demo-d", "2.0"].latest, by_key["demo-d", "2.0"].update) == ("2.0", None)
    assert (by_key["redis", "5.2.1"].latest_compatible, by_key["redis", "5.2.1"].latest) == (
        "5.2.1",
        "6.2.0",
    )


def test_check_outdated_index_error_gives_unknown_rows(
    web_project: Path, local_index: LocalIndex, tmp_path: Path
) -> None:
    project, lock = load_project(web_project), load_lock(web_project)
    with local_index.fault("500", "redis"), client_for(local_index, project, tmp_path) as client:
        rows = check_outdated(project, lock, client, include_transitive=False)
    redis = next(row for row in rows if row.name == "redis")
    assert redis.status is CheckStatus.UNKNOWN and "500" in (redis.reason or "")
    assert all(row.status is CheckStatus.CHECKED for row in rows if row.name != "redis")


def test_check_outdated_without_lock_checks_declared_names(
    web_project: Path, local_index: LocalIndex, tmp_path: Path
) -> None:
    project = load_project(web_project)
    with client_for(local_index, project, tmp_path) as client:
        rows = check_outdated(project, None, client)
    assert [(row.name, row.locked) for row in rows] == [
        ("demo-a", None),
        ("demo-b", None),
        ("demo-d", None),
        ("pytest", None),
        ("redis", None),
    ]
    demo_a = rows[0]
    assert (demo_a.latest_compatible, demo_a.latest, demo_a.update) == ("1.0", "2.0", None)
