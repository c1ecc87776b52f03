"""Outdated rows: local joins of pyproject.toml and uv.lock, then filling from index answers."""

from __future__ import annotations

import json
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from uvtui.core.index import Release
from uvtui.core.lock import LockedPackage, Lockfile
from uvtui.core.outdated import (
    CheckStatus,
    OutdatedRow,
    UpdateKind,
    fill_row,
    local_rows,
    row_to_json,
    unknown_row,
)
from uvtui.core.project import DeclaredDependency, Project

PY311 = SpecifierSet(">=3.11")
REGISTRY = "https://index.example/simple"


def declared(text: str, group: str = "main", member: str = "app") -> DeclaredDependency:
    requirement = Requirement(text)
    return DeclaredDependency(
        name=requirement.name.lower().replace("_", "-"),
        text=text,
        requirement=requirement,
        group=group,
        member=member,
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


def release(version: str, *, yanked: bool = False, python: str | None = None) -> Release:
    return Release(
        version=Version(version),
        yanked=yanked,
        requires_python=SpecifierSet(python) if python else None,
        upload_time=None,
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
            locked("numpy", "2.2.0", markers=("python_full_version >= '3.12'",)),
            locked("numpy", "1.26.4", markers=("python_full_version < '3.12'",)),
        ],
        requires_python=">=3.11",
        members=["app", "helper"],
    )


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
    assert [row.name for row in rows] == ["django", "mylib", "pytest", "requests"]


def test_local_rows_without_lock() -> None:
    rows = local_rows(small_project(), None)
    assert [(row.name, row.locked, row.source_kind) for row in rows] == [
        ("django", None, "registry"),
        ("mylib", None, "url"),
        ("pytest", None, "registry"),
        ("requests", None, "registry"),
    ]
    assert rows[1].status is CheckStatus.NOT_REGISTRY


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
