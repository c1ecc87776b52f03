"""Version logic on synthetic release lists (no index needed)."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from uvtui.core.index.client import Release
from uvtui.core.project.versions import (
    UpdateKind,
    admits,
    pick_latest,
    pick_latest_compatible,
    update_kind,
)

PY311 = SpecifierSet(">=3.11")


def release(version: str, *, yanked: bool = False, python: str | None = None) -> Release:
    return Release(
        version=Version(version),
        yanked=yanked,
        requires_python=SpecifierSet(python) if python is not None else None,
        upload_time=None,
    )


def versions(*items: Release | None) -> list[str | None]:
    return [str(item.version) if item is not None else None for item in items]


@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [
        ("1.2.3", "1.2.4", UpdateKind.PATCH),
        ("1.2.3", "1.3.0", UpdateKind.MINOR),
        ("1.2.3", "2.0", UpdateKind.MAJOR),
        ("4.2", "4.2.7", UpdateKind.PATCH),  # uv.lock writes 4.2.0 as 4.2
        ("4.2", "4.2.0", None),
        ("4.2.0", "4.2", None),
        ("1.2.3", "1.2.3", None),
        ("2.0", "1.9", None),
        ("1.2.3", "1.2.3.1", UpdateKind.PATCH),
        ("1.2.3", "1.2.3.post1", UpdateKind.PATCH),
        ("1.2.3+local", "1.2.3+local.2", UpdateKind.PATCH),
        ("2.0rc1", "2.0", UpdateKind.PATCH),
        ("1", "1.1", UpdateKind.MINOR),
        ("2023.1", "2024.1", UpdateKind.MAJOR),
        ("9.0", "1!1.0", UpdateKind.MAJOR),
    ],
)
def test_update_kind(current: str, target: str, expected: UpdateKind | None) -> None:
    assert update_kind(Version(current), Version(target)) is expected


@pytest.mark.parametrize(
    ("release_python", "project_python", "expected"),
    [
        (">=3.8", ">=3.11", True),
        (">=3.11", ">=3.11", True),
        (">=3.11.0", ">=3.11", True),
        (">=3.12", ">=3.11", False),
        (">=3.11.1", ">=3.11", False),
        (">3.11", ">=3.11", False),
        (">=2.7,!=3.0.*,!=3.1.*", ">=3.11", True),
        (">=3.8,<3.11", ">=3.11", True),  # upper bounds are ignored, as uv does
        ("==3.11.*", ">=3.11", True),
        ("~=3.12", ">=3.11", False),
        ("", ">=3.11", True),
        (">=3.12", ">=3.12,<3.14", True),
        (">=3.8", "<4", False),  # the project admits Pythons older than 3.8
        ("<4", "<4", True),
    ],
)
def test_admits(release_python: str, project_python: str, expected: bool) -> None:
    assert admits(SpecifierSet(release_python), SpecifierSet(project_python)) is expected


def test_admits_without_specifiers() -> None:
    assert admits(None, PY311)
    assert admits(SpecifierSet(">=3.12"), None)


RELEASES = [
    release("1.0"),
    release("1.1"),
    release("1.2", yanked=True),
    release("2.0a1"),
    release("1.1.1"),
]


def test_pick_latest_skips_yanked_and_prereleases() -> None:
    latest, hint = pick_latest(RELEASES, requires_python=PY311, allow_prereleases=False)
    assert versions(latest, hint) == ["1.1.1", None]


def test_pick_latest_allows_prereleases_when_asked() -> None:
    latest, _ = pick_latest(RELEASES, requires_python=PY311, allow_prereleases=True)
    assert versions(latest) == ["2.0a1"]


def test_pick_latest_python_hint() -> None:
    releases = [
        release("5.0", python=">=3.8"),
        release("5.1", python=">=3.10"),
        release("6.0", python=">=3.12"),
        release("6.1", python=">=3.13"),
        release("7.0a1", python=">=3.13"),
    ]
    latest, hint = pick_latest(releases, requires_python=PY311, allow_prereleases=False)
    assert versions(latest, hint) == ["5.1", "6.1"]
    assert str(hint.requires_python) == ">=3.13"


def test_pick_latest_no_hint_when_newest_is_usable() -> None:
    releases = [release("1.0", python=">=3.13"), release("2.0", python=">=3.9")]
    latest, hint = pick_latest(releases, requires_python=PY311, allow_prereleases=False)
    assert versions(latest, hint) == ["2.0", None]


def test_pick_latest_nothing_usable() -> None:
    releases = [release("1.0", yanked=True), release("2.0", python=">=3.12")]
    latest, hint = pick_latest(releases, requires_python=PY311, allow_prereleases=False)
    assert versions(latest, hint) == [None, "2.0"]
    assert pick_latest([], requires_python=PY311, allow_prereleases=False) == (None, None)


def test_pick_latest_compatible_respects_constraint() -> None:
    releases = [release("1.0"), release("1.5"), release("2.0"), release("2.1")]
    found = pick_latest_compatible(
        releases, SpecifierSet(">=1,<2"), requires_python=PY311, allow_prereleases=False
    )
    assert versions(found) == ["1.5"]


def test_pick_latest_compatible_exact_pin_and_normalised_versions() -> None:
    releases = [release("4.2"), release("4.2.1"), release("5.0")]
    found = pick_latest_compatible(
        releases, SpecifierSet("==4.2.0"), requires_python=PY311, allow_prereleases=False
    )
    assert versions(found) == ["4.2"]
    found = pick_latest_compatible(
        releases, SpecifierSet("~=4.2.0"), requires_python=PY311, allow_prereleases=False
    )
    assert versions(found) == ["4.2.1"]


def test_pick_latest_compatible_skips_yanked_and_python() -> None:
    releases = [
        release("1.0"),
        release("1.1", yanked=True),
        release("1.2", python=">=3.12"),
    ]
    found = pick_latest_compatible(
        releases, SpecifierSet("<2"), requires_python=PY311, allow_prereleases=False
    )
    assert versions(found) == ["1.0"]


def test_pick_latest_compatible_prerelease_named_by_constraint() -> None:
    releases = [release("1.0"), release("2.0b1"), release("2.0b2")]
    assert versions(
        pick_latest_compatible(
            releases, SpecifierSet(">=2.0b1"), requires_python=PY311, allow_prereleases=False
        )
    ) == ["2.0b2"]
    assert versions(
        pick_latest_compatible(
            releases, SpecifierSet(">=1"), requires_python=PY311, allow_prereleases=False
        )
    ) == ["1.0"]
    assert versions(
        pick_latest_compatible(
            releases, SpecifierSet(">=1"), requires_python=PY311, allow_prereleases=True
        )
    ) == ["2.0b2"]


def test_pick_latest_compatible_none_when_nothing_fits() -> None:
    found = pick_latest_compatible(
        [release("1.0")], SpecifierSet(">=2"), requires_python=PY311, allow_prereleases=False
    )
    assert found is None
