"""Which version specifiers uv applies to a package, and which of them holds it back.

uv narrows a package by every declaration of it (all groups, all workspace members) and by
the workspace root's `[tool.uv] constraint-dependencies`. Where `override-dependencies` names
the package, uv replaces every declaration of it with the override(s); constraints still
apply. A specifier whose marker cannot be true where the package is used (the lock's fork
marker within the project's requires-python) does not apply: uv forks on such markers.

The outdated join uses this for "latest compatible" and its "held by" note; bump can ask
`rejecting` which specifiers stand between a package and a target version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from uvtui.core.project.versions import admits, pick_latest, pick_latest_compatible

if TYPE_CHECKING:
    from uvtui.core.index.client import Release
    from uvtui.core.project.model import DeclaredDependency, Project

__all__ = [
    "AppliedSpecifier",
    "Binding",
    "HeldBy",
    "Origin",
    "applied_specifiers",
    "binding_specifiers",
    "combined",
    "declaration_specifiers",
    "held_by",
    "rejecting",
    "written_specifier",
]

CONSTRAINT_SETTING = "[tool.uv] constraint-dependencies"
OVERRIDE_SETTING = "[tool.uv] override-dependencies"


class Origin(Enum):
    """Where a specifier comes from (the JSON `kind`)."""

    DECLARATION = "declaration"
    CONSTRAINT = "constraint"
    OVERRIDE = "override"


@dataclass(frozen=True)
class AppliedSpecifier:
    """One specifier uv applies to a package, with where it is written."""

    origin: Origin
    specifier: str  # e.g. "==2.31.0", ">=2,<3"; "" for a bare name (no bound)
    requirement: str  # the whole requirement, e.g. 'requests==2.31.0; python_version < "3.12"'
    marker: str | None  # None when the requirement has no marker
    group: str | None = None  # declarations only: the group label (see model.py)
    member: str | None = None  # declarations only: the workspace member declaring it
    # Constraints and overrides only: the item's index in its [tool.uv] array of the root's
    # pyproject.toml (`requirement` is packaging's spelling, the array holds the user's).
    position: int | None = None

    @property
    def setting(self) -> str:
        """Where to edit it: a group label for declarations, the [tool.uv] key otherwise."""
        if self.origin is Origin.CONSTRAINT:
            return CONSTRAINT_SETTING
        if self.origin is Origin.OVERRIDE:
            return OVERRIDE_SETTING
        return self.group or ""

    def __str__(self) -> str:
        return f"{self.origin.value} {self.specifier or '(any)'}"


@dataclass(frozen=True)
class HeldBy:
    """The specifiers that keep the next newer release (`blocked`) out of reach."""

    specifiers: tuple[AppliedSpecifier, ...]
    blocked: str  # the oldest usable release newer than the latest compatible one

    @property
    def settings(self) -> str:
        """E.g. "constraint ==2.31.0" or "declaration <6 and constraint <5"."""
        return " and ".join(dict.fromkeys(str(spec) for spec in self.specifiers))

    def __str__(self) -> str:
        return f"held by {self.settings}"


@dataclass(frozen=True)
class Binding:
    """What `binding_specifiers` found for one package (or one fork of it)."""

    applied: tuple[AppliedSpecifier, ...]
    compatible: Release | None  # the newest usable release every applied specifier admits
    latest: Release | None  # the newest usable release, whatever the specifiers say
    held_by: HeldBy | None  # None when `compatible` is the latest (or nothing is usable)


def applied_specifiers(
    project: Project,
    name: str,
    *,
    fork_marker: str | None = None,
    requires_python: SpecifierSet | None = None,
    declared: Sequence[AppliedSpecifier] | None = None,
) -> tuple[AppliedSpecifier, ...]:
    """Every specifier uv applies to `name`: declarations (or the overrides that replace
    them), then constraints; those whose marker cannot hold where `fork_marker` and
    `requires_python` say the package is used are left out.

    `project` is the workspace root: uv reads constraints and overrides there only.
    `declared`, when the caller has it already, is `declaration_specifiers` of the
    project's declarations of `name` (saves a scan of every declaration per package).
    """
    name = canonicalize_name(name)
    overrides = _named(Origin.OVERRIDE, project.overrides, name)
    if overrides:
        narrowing = overrides
    elif declared is not None:
        narrowing = tuple(declared)
    else:
        narrowing = declaration_specifiers(
            dependency for dependency in project.declared if dependency.name == name
        )
    applied = (*narrowing, *_named(Origin.CONSTRAINT, project.constraints, name))
    if all(spec.marker is None for spec in applied):
        return applied
    python = str(requires_python) if requires_python is not None else ""
    return tuple(
        spec
        for spec in applied
        if spec.marker is None or _can_hold_together(spec.marker, fork_marker, python)
    )


def declaration_specifiers(
    declarations: Iterable[DeclaredDependency],
) -> tuple[AppliedSpecifier, ...]:
    """The declarations as applied specifiers, written as in pyproject.toml; URL
    requirements narrow nothing and are left out."""
    return tuple(
        _from_declaration(dependency)
        for dependency in declarations
        if not dependency.requirement.url
    )


def combined(applied: Iterable[AppliedSpecifier]) -> SpecifierSet:
    """The intersection of the applied specifiers (an empty set admits every version)."""
    result = SpecifierSet()
    for spec in applied:
        result &= SpecifierSet(spec.specifier)
    return result


def rejecting(
    applied: Iterable[AppliedSpecifier], version: Version
) -> tuple[AppliedSpecifier, ...]:
    """The applied specifiers that do not admit `version` (pre-releases judged as releases)."""
    return tuple(
        spec
        for spec in applied
        if not SpecifierSet(spec.specifier).contains(version, prereleases=True)
    )


def held_by(
    applied: Sequence[AppliedSpecifier],
    releases: Sequence[Release],
    *,
    compatible: Release | None,
    latest: Release | None,
    requires_python: SpecifierSet | None,
    allow_prereleases: bool,
) -> HeldBy | None:
    """What stops the step past `compatible` towards `latest` (both as `binding_specifiers`
    picks them): the specifiers rejecting the oldest usable release newer than `compatible`,
    or rejecting `latest` when nothing is compatible. None when there is no such step.
    """
    if latest is None or (compatible is not None and compatible.version >= latest.version):
        return None
    blocked = latest.version
    if compatible is not None:
        blocked = min(
            release.version
            for release in releases
            if compatible.version < release.version <= latest.version
            and _usable(release, requires_python, allow_prereleases)
        )
    specs = rejecting(applied, blocked)
    return HeldBy(specifiers=_unique_specs(specs), blocked=str(blocked)) if specs else None


def binding_specifiers(
    project: Project,
    name: str,
    releases: Sequence[Release],
    *,
    fork_marker: str | None = None,
    requires_python: SpecifierSet | None = None,
    allow_prereleases: bool = False,
) -> Binding:
    """The applied specifiers of `name`, its latest compatible release and what holds it back.

    `releases` are the index's releases of `name`; `requires_python` the lock's (see
    outdated.effective_requires_python); `fork_marker` the lock's marker for one fork.
    """
    applied = applied_specifiers(
        project, name, fork_marker=fork_marker, requires_python=requires_python
    )
    latest, _ = pick_latest(
        releases, requires_python=requires_python, allow_prereleases=allow_prereleases
    )
    compatible = pick_latest_compatible(
        releases,
        combined(applied),
        requires_python=requires_python,
        allow_prereleases=allow_prereleases,
    )
    holding = held_by(
        applied,
        releases,
        compatible=compatible,
        latest=latest,
        requires_python=requires_python,
        allow_prereleases=allow_prereleases,
    )
    return Binding(applied=applied, compatible=compatible, latest=latest, held_by=holding)


def _usable(release: Release, requires_python: SpecifierSet | None, prereleases: bool) -> bool:
    return (
        not release.yanked
        and (prereleases or not release.version.is_prerelease)
        and admits(release.requires_python, requires_python)
    )


def written_specifier(text: str, requirement: Requirement) -> str:
    """The specifier of `requirement` as `text` writes it (`>=2,<3`), not packaging's sorted
    form; "" for a bare name or a URL."""
    if requirement.url or not requirement.specifier:
        return ""
    head = text.split(";", 1)[0]
    match = _NAME_AND_EXTRAS.match(head)
    written = re.sub(r"[\s()]", "", head[match.end() :]) if match else ""
    try:
        if SpecifierSet(written) == requirement.specifier:
            return written
    except InvalidSpecifier:
        pass
    return str(requirement.specifier)


_NAME_AND_EXTRAS = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?")


def _named(
    origin: Origin, requirements: Iterable[Requirement], name: str
) -> tuple[AppliedSpecifier, ...]:
    return tuple(
        _from_requirement(origin, requirement, position)
        for position, requirement in enumerate(requirements)
        if canonicalize_name(requirement.name) == name
    )


def _from_requirement(origin: Origin, requirement: Requirement, position: int) -> AppliedSpecifier:
    return AppliedSpecifier(
        origin=origin,
        specifier=str(requirement.specifier),
        requirement=str(requirement),
        marker=str(requirement.marker) if requirement.marker else None,
        position=position,
    )


def _from_declaration(dependency: DeclaredDependency) -> AppliedSpecifier:
    requirement = dependency.requirement
    return AppliedSpecifier(
        origin=Origin.DECLARATION,
        specifier=written_specifier(dependency.text, requirement),
        requirement=dependency.text,
        marker=str(requirement.marker) if requirement.marker else None,
        group=dependency.group,
        member=dependency.member,
    )


def _unique_specs(specs: Iterable[AppliedSpecifier]) -> tuple[AppliedSpecifier, ...]:
    seen: dict[tuple[Origin, str], AppliedSpecifier] = {}
    for spec in specs:
        seen.setdefault((spec.origin, spec.specifier), spec)
    return tuple(seen.values())


# Environments a universal lock covers, sampled: every CPython/PyPy minor from 3.6 to 3.16 at a
# few patch levels, on the three platforms and their two common machines. Markers seen in
# pyproject files and uv.lock forks (python ranges, platforms, implementations) are decided by
# these; anything they cannot decide counts as "may hold", which keeps the specifier.
_PLATFORMS = (
    ("linux", "Linux", "posix", ("x86_64", "aarch64")),
    ("darwin", "Darwin", "posix", ("x86_64", "arm64")),
    ("win32", "Windows", "nt", ("AMD64", "ARM64")),
)
_IMPLEMENTATIONS = (("cpython", "CPython"), ("pypy", "PyPy"))


@lru_cache(maxsize=1)  # built on first use: most projects have no markers to judge
def _sample_environments() -> list[dict[str, str]]:
    environments = []
    for minor in range(6, 17):
        for patch in (0, 1, 20):
            full = f"3.{minor}.{patch}"
            for sys_platform, system, os_name, machines in _PLATFORMS:
                for machine in machines:
                    for implementation, python_implementation in _IMPLEMENTATIONS:
                        environments.append(
                            {
                                "python_version": f"3.{minor}",
                                "python_full_version": full,
                                "implementation_version": full,
                                "implementation_name": implementation,
                                "platform_python_implementation": python_implementation,
                                "sys_platform": sys_platform,
                                "platform_system": system,
                                "os_name": os_name,
                                "platform_machine": machine,
                                "extra": "",
                            }
                        )
    return environments


@lru_cache(maxsize=1024)
def _can_hold_together(marker: str, fork_marker: str | None, requires_python: str) -> bool:
    """Whether some sampled environment satisfies `marker`, `fork_marker` and requires-python."""
    try:
        wanted = Marker(marker)
        fork = Marker(fork_marker) if fork_marker else None
    except InvalidMarker:
        return True
    python = SpecifierSet(requires_python)
    scope = [
        env
        for env in _sample_environments()
        if python.contains(env["python_full_version"], prereleases=True)
        and (fork is None or _evaluate(fork, env))
    ]
    if not scope:  # the fork marker is beyond the samples (e.g. a conflict marker): keep it
        return True
    return any(_evaluate(wanted, env) for env in scope)


def _evaluate(marker: Marker, environment: dict[str, str]) -> bool:
    try:
        return marker.evaluate(environment)
    except (UndefinedComparison, UndefinedEnvironmentName):
        return True
