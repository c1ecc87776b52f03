"""Which specifiers uv applies to a package and which one holds it back (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from uvtui.core.index.client import Release
from uvtui.core.project.binding import (
    CONSTRAINT_SETTING,
    AppliedSpecifier,
    Origin,
    applied_specifiers,
    binding_specifiers,
    combined,
    held_by,
    rejecting,
)
from uvtui.core.project.model import Project, load_project

PY311 = SpecifierSet(">=3.11")

ROOT = """\
[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["requests>=2.30", "click>=8,<8.1.8", "redis", "mylib @ https://example.invalid/m.whl"]

[project.optional-dependencies]
cache = ["redis>=4"]

[dependency-groups]
dev = ["requests<3"]

[tool.uv]
constraint-dependencies = [
    "requests==2.31.0",
    "redis<6",
    "markupsafe<3; python_version < '3.12'",
    "jinja2<3.1.4; python_version < '3.11'",
    "numpy<2; sys_platform == 'win32'",
]
override-dependencies = ["click>=8"]

[tool.uv.workspace]
members = ["api"]
"""

MEMBER = """\
[project]
name = "api"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["redis>=4,<5", "requests>=2.31"]

[tool.uv]
constraint-dependencies = ["requests<2.20"]  # uv reads the root's only
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "pyproject.toml").write_text(ROOT)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "pyproject.toml").write_text(MEMBER)
    return load_project(tmp_path)


def described(applied: tuple[AppliedSpecifier, ...]) -> list[tuple[str, str, str | None]]:
    return [(spec.origin.value, spec.specifier, spec.group) for spec in applied]


def release(version: str, *, yanked: bool = False, python: str | None = None) -> Release:
    return Release(
        version=Version(version),
        yanked=yanked,
        requires_python=SpecifierSet(python) if python else None,
        upload_time=None,
    )


REQUESTS = [release(v) for v in ("2.30.0", "2.31.0", "2.32.0", "2.34.2", "3.0.0rc1")]


def test_declarations_of_every_group_and_member_then_the_roots_constraints(
    project: Project,
) -> None:
    applied = applied_specifiers(project, "Requests", requires_python=PY311)
    assert described(applied) == [
        ("declaration", ">=2.30", "main"),
        ("declaration", "<3", "dev"),
        ("declaration", ">=2.31", "main"),
        ("constraint", "==2.31.0", None),
    ]
    assert applied[2].member == "api"
    assert applied[3].setting == CONSTRAINT_SETTING
    assert (applied[3].requirement, applied[3].position) == ("requests==2.31.0", 0)
    assert applied[0].position is None
    assert combined(applied) == SpecifierSet(">=2.30,<3,>=2.31,==2.31.0")


def test_an_override_replaces_the_declarations_not_the_constraints(project: Project) -> None:
    assert described(applied_specifiers(project, "click", requires_python=PY311)) == [
        ("override", ">=8", None)
    ]


def test_url_declarations_and_unnamed_packages_add_nothing(project: Project) -> None:
    assert applied_specifiers(project, "mylib") == ()
    assert applied_specifiers(project, "flask") == ()


def test_a_constraint_marker_outside_requires_python_does_not_apply(project: Project) -> None:
    assert applied_specifiers(project, "jinja2", requires_python=PY311) == ()
    (jinja2,) = applied_specifiers(project, "jinja2", requires_python=None)
    assert (jinja2.marker, jinja2.position) == ('python_version < "3.11"', 3)


@pytest.mark.parametrize(
    ("fork_marker", "applies"),
    [
        (None, True),  # one version for every Python: it must satisfy 3.11 too
        ("python_full_version < '3.12'", True),
        ("python_full_version >= '3.12'", False),
        ("extra == 'extra-3-app-cache'", True),  # beyond the samples: kept
    ],
)
def test_a_constraint_marker_applies_to_the_forks_it_can_reach(
    project: Project, fork_marker: str | None, applies: bool
) -> None:
    applied = applied_specifiers(
        project, "markupsafe", fork_marker=fork_marker, requires_python=PY311
    )
    assert bool(applied) is applies


def test_platform_markers_apply_to_a_universal_row(project: Project) -> None:
    assert described(applied_specifiers(project, "numpy", requires_python=PY311)) == [
        ("constraint", "<2", None)
    ]
    linux = "sys_platform == 'linux'"
    assert applied_specifiers(project, "numpy", fork_marker=linux, requires_python=PY311) == ()


def test_held_by_the_constraint_that_rejects_the_next_release(project: Project) -> None:
    binding = binding_specifiers(project, "requests", REQUESTS, requires_python=PY311)
    assert binding.compatible is not None and str(binding.compatible.version) == "2.31.0"
    assert binding.latest is not None and str(binding.latest.version) == "2.34.2"
    assert binding.held_by is not None
    assert str(binding.held_by) == "held by constraint ==2.31.0"
    assert binding.held_by.blocked == "2.32.0"


def test_not_held_when_compatible_is_the_latest(project: Project) -> None:
    releases = [release("8.1.7"), release("8.2.1")]
    binding = binding_specifiers(project, "click", releases, requires_python=PY311)
    assert binding.compatible is binding.latest
    assert binding.held_by is None


def test_the_step_blocked_is_the_next_usable_release(project: Project) -> None:
    releases = [release("4.6.0"), release("4.7.0", yanked=True), release("5.0.1"), release("6.2.0")]
    binding = binding_specifiers(project, "redis", releases, requires_python=PY311)
    assert binding.compatible is not None and str(binding.compatible.version) == "4.6.0"
    assert binding.held_by is not None and binding.held_by.blocked == "5.0.1"
    assert str(binding.held_by) == "held by declaration >=4,<5"  # as written, not re-sorted
    assert binding.held_by.specifiers[0].member == "api"


def test_a_setting_written_twice_is_named_once() -> None:
    twice = tuple(
        AppliedSpecifier(Origin.DECLARATION, "<2", "pkg<2", None, "main", member)
        for member in ("app", "api")
    )
    releases = [release("1.0"), release("2.0")]
    holding = held_by(
        twice,
        releases,
        compatible=releases[0],
        latest=releases[1],
        requires_python=PY311,
        allow_prereleases=False,
    )
    assert holding is not None and len(holding.specifiers) == 1
    assert (
        held_by(
            twice,
            releases,
            compatible=releases[1],
            latest=releases[1],
            requires_python=PY311,
            allow_prereleases=False,
        )
        is None
    )


def test_both_settings_named_when_both_reject(project: Project) -> None:
    releases = [release(v) for v in ("4.6.0", "6.2.0")]
    binding = binding_specifiers(project, "redis", releases, requires_python=PY311)
    assert str(binding.held_by) == "held by declaration >=4,<5 and constraint <6"


def test_nothing_compatible_names_what_rejects_the_latest(project: Project) -> None:
    binding = binding_specifiers(
        project, "requests", [release("2.34.2"), release("2.35.0")], requires_python=PY311
    )
    assert binding.compatible is None
    assert binding.held_by is not None and binding.held_by.blocked == "2.35.0"
    assert str(binding.held_by) == "held by constraint ==2.31.0"


def test_rejecting_tells_bump_what_stands_in_the_way(project: Project) -> None:
    applied = applied_specifiers(project, "requests", requires_python=PY311)
    assert [str(spec) for spec in rejecting(applied, Version("2.32.0"))] == ["constraint ==2.31.0"]
    assert [spec.origin for spec in rejecting(applied, Version("3.0"))] == [
        Origin.DECLARATION,
        Origin.CONSTRAINT,
    ]
    assert rejecting(applied, Version("2.31.0")) == ()
