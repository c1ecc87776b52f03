"""Version logic for the outdated check: update kinds and picking the latest usable release.

Everything compares `packaging.version.Version` objects, never strings: uv.lock writes
`django==4.2.0` as `4.2`, and the two are the same version.

Which releases count (the same rules `uv tree --outdated` applies):

- yanked releases never count;
- pre-releases count only when allowed (`--pre`), or, for the latest *compatible* release,
  when the declared constraint itself names a pre-release (packaging's rule);
- a release's Requires-Python must **admit** the project's requires-python. "Admits" means
  the release supports the lowest Python the project allows: the lower bound of the
  release's specifier is at or below the lower bound of the project's specifier. Only lower
  bounds are compared and only on release segments; upper bounds and `!=` exclusions are
  ignored, exactly as uv does, because a package cannot know whether it works on Pythons
  released after it, and uv keeps a release whose upper bound cuts off newer Pythons.
  A project with `requires-python = ">=3.11"` therefore admits a release requiring
  `>=3.8` or `>=3.11` but not one requiring `>=3.12`; that newer release is reported
  as a hint ("6.0 needs >=3.12") instead of as the latest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING

from packaging.specifiers import Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from uvtui.core.index.client import Release  # types only: the index client is slow to import


class UpdateKind(Enum):
    """How big a version step is (re-exported by outdated.py, where the rows use it)."""

    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True, order=True)
class _LowerBound:
    """A lower bound on release segments; (v, inclusive) sorts below (v, exclusive)."""

    version: Version
    exclusive: bool


def update_kind(current: Version, target: Version) -> UpdateKind | None:
    """How big the step from `current` to `target` is; None if `target` is not newer.

    Major, minor and patch are the first three release segments (missing ones count as 0);
    a change in the epoch is major, and a change only past the third segment or only in
    the pre/post/dev/local parts is a patch.
    """
    if target <= current:
        return None
    if target.epoch != current.epoch:
        return UpdateKind.MAJOR
    old, new = _padded(current.release), _padded(target.release)
    if new[0] != old[0]:
        return UpdateKind.MAJOR
    if new[1] != old[1]:
        return UpdateKind.MINOR
    return UpdateKind.PATCH


def admits(release_python: SpecifierSet | None, project_python: SpecifierSet | None) -> bool:
    """Whether a release's Requires-Python admits every Python the project supports.

    See the module docstring: compares lower bounds only, like uv. A missing specifier on
    either side admits everything.
    """
    if release_python is None or project_python is None:
        return True
    release_lower = _lower_bound(release_python)
    if release_lower is None:
        return True
    project_lower = _lower_bound(project_python)
    if project_lower is None:
        return False
    return release_lower <= project_lower


def pick_latest(
    releases: Iterable[Release],
    *,
    requires_python: SpecifierSet | None,
    allow_prereleases: bool,
) -> tuple[Release | None, Release | None]:
    """The newest usable release, and a newer release that needs a newer Python (or None).

    Usable: not yanked, admitted by the project's requires-python, and not a pre-release
    unless `allow_prereleases`. The hint is the newest release newer than the usable one
    that is rejected only because its Requires-Python does not admit the project's.
    """
    needs_python = None
    for release in _newest_first(releases):
        if release.yanked or (release.version.is_prerelease and not allow_prereleases):
            continue
        if admits(release.requires_python, requires_python):
            return release, needs_python
        needs_python = needs_python or release
    return None, needs_python


def pick_latest_compatible(
    releases: Iterable[Release],
    constraint: SpecifierSet,
    *,
    requires_python: SpecifierSet | None,
    allow_prereleases: bool,
) -> Release | None:
    """The newest usable release (as in `pick_latest`) that satisfies `constraint`.

    `constraint` is the intersection of every declared specifier on the package. A
    pre-release qualifies when `allow_prereleases` or when the constraint names one.
    """
    prereleases = allow_prereleases or bool(constraint.prereleases)
    for release in _newest_first(releases):
        if (
            not release.yanked
            and (prereleases or not release.version.is_prerelease)
            and constraint.contains(release.version, prereleases=True)
            and admits(release.requires_python, requires_python)
        ):
            return release
    return None


def _newest_first(releases: Iterable[Release]) -> list[Release]:
    # Index answers come ascending already, which makes this sort linear.
    return sorted(releases, key=attrgetter("version"), reverse=True)


def _padded(release: tuple[int, ...]) -> tuple[int, int, int]:
    major, minor, patch = (*release, 0, 0, 0)[:3]
    return major, minor, patch


@lru_cache(maxsize=4096)  # a few distinct Requires-Python values cover thousands of releases
def _lower_bound(specifiers: SpecifierSet) -> _LowerBound | None:
    bounds = [bound for spec in specifiers if (bound := _spec_lower_bound(spec)) is not None]
    return max(bounds, default=None)


def _spec_lower_bound(spec: Specifier) -> _LowerBound | None:
    if spec.operator in ("<", "<=", "!="):
        return None
    try:
        version = Version(spec.version.removesuffix(".*"))
    except InvalidVersion:  # an arbitrary `===` string: no usable bound
        return None
    release_only = Version(".".join(str(part) for part in version.release))
    return _LowerBound(release_only, exclusive=spec.operator == ">")
