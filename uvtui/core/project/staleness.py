"""Is uv.lock out of date with pyproject.toml? Answered offline, without running uv."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from uvtui.core.project.lock import LockedPackage, LockedRequirement, Lockfile
from uvtui.core.project.model import (
    LEGACY_DEV_GROUP,
    VIRTUAL_ROOT_MEMBER,
    DeclaredDependency,
    Project,
    ProjectKind,
)

# Source keys after which uv records no specifier in the lock's metadata (local or direct).
_DIRECT_SOURCE_KEYS = frozenset({"git", "path", "url", "workspace"})

_UV_SETTINGS = ("constraint-dependencies", "override-dependencies")

# (group, name) -> {(specifier or None, extras)}
_Requirements = dict[tuple[str, str], set[tuple[SpecifierSet | None, frozenset[str]]]]


def lock_mismatch(project: Project, lock: Lockfile) -> str | None:
    """One sentence for the user when uv.lock no longer matches pyproject.toml, else None.

    Compares each member's declared requirements (names, specifiers, extras, groups) with
    what uv recorded in [package.metadata] (and [manifest] for a virtual root). Markers are
    not compared: uv rewrites them (python_version becomes python_full_version, ...).
    """
    if project.kind is ProjectKind.NOT_UV_PROJECT:
        return None
    member_problem = _member_mismatch(project, lock)
    if member_problem is not None:
        return _sentence("uv.lock is out of date with the workspace", member_problem)
    python_problem = _requires_python_mismatch(project, lock)
    if python_problem is not None:
        return _sentence("uv.lock is out of date with pyproject.toml", python_problem)
    for label, declared, locked in zip(
        _UV_SETTINGS,
        (project.constraints, project.overrides),
        (lock.constraints, lock.overrides),
        strict=True,
    ):
        problem = _compare(
            _plain_requirements(declared, label), _locked_requirements(locked, group=label)
        )
        if problem is not None:
            return _sentence("uv.lock is out of date with pyproject.toml", problem)
    roots = {package.name: package for package in lock.roots()}
    for local in [project, *project.workspace_members]:
        problem = _local_mismatch(local, roots, lock)
        if problem is not None:
            where = local.pyproject.relative_to(project.root).as_posix()
            return _sentence(f"uv.lock is out of date with {where}", problem)
    return None


def _sentence(subject: str, problem: str) -> str:
    return f"{subject}: {problem} (run `uv lock` to update it)."


def _member_mismatch(project: Project, lock: Lockfile) -> str | None:
    if not project.workspace_members and not lock.members:
        return None
    declared, locked = set(project.members), set(lock.members)
    for name in sorted(declared - locked):
        return f"member {name} is not in the lock"
    for name in sorted(locked - declared):
        return f"the lock lists member {name}, which the workspace no longer has"
    return None


def _requires_python_mismatch(project: Project, lock: Lockfile) -> str | None:
    # A workspace locks the intersection of its members' ranges: only a lone project compares.
    if project.workspace_members or project.requires_python is None or not lock.requires_python:
        return None
    try:
        locked = SpecifierSet(lock.requires_python)
    except InvalidSpecifier:
        return None
    if _same_python_range(project.requires_python, locked):
        return None
    declared = _specifier_text(project.requires_python)
    return f"requires-python is {declared} but the lock was made for {_specifier_text(locked)}"


def _same_python_range(declared: SpecifierSet, locked: SpecifierSet) -> bool:
    """True when both admit the same Python versions; uv rewrites ~= and drops redundant bounds."""
    if declared == locked:
        return True
    candidates = {Version(f"3.{minor}.{patch}") for minor in range(31) for patch in range(21)}
    for specifier in (*declared, *locked):
        try:
            release = Version(specifier.version.removesuffix(".*")).release
        except InvalidVersion:
            return False
        *head, last = release
        candidates.update(
            Version(".".join(map(str, (*head, last + step))))
            for step in (-1, 0, 1)
            if last + step >= 0
        )
    return all(declared.contains(v) == locked.contains(v) for v in candidates)


def _local_mismatch(local: Project, roots: dict[str, LockedPackage], lock: Lockfile) -> str | None:
    member = local.name or VIRTUAL_ROOT_MEMBER
    own = [dependency for dependency in local.declared if dependency.member == member]
    if local.name is None:
        # A virtual root has no package entry; uv keeps its groups in [manifest].
        return _compare(_declared_requirements(own), _locked_requirements(lock.manifest_requires))
    package = roots.get(local.name)
    if package is None:
        return f"{local.name} is not in the lock"
    return _compare(_declared_requirements(own), _locked_requirements(package.requires))


def _declared_requirements(declared: Iterable[DeclaredDependency]) -> _Requirements:
    found: _Requirements = defaultdict(set)
    for dependency in declared:
        requirement = dependency.requirement
        # uv folds [tool.uv] dev-dependencies into the "dev" group of the lock.
        group = "dev" if dependency.group == LEGACY_DEV_GROUP else dependency.group
        direct = requirement.url is not None or _is_direct_source(dependency.source)
        specifier = None if direct or not requirement.specifier else requirement.specifier
        extras = frozenset(canonicalize_name(extra) for extra in requirement.extras)
        found[(group, dependency.name)].add((specifier, extras))
    return found


def _plain_requirements(requirements: Iterable[Requirement], group: str) -> _Requirements:
    found: _Requirements = defaultdict(set)
    for requirement in requirements:
        specifier = None if requirement.url or not requirement.specifier else requirement.specifier
        extras = frozenset(canonicalize_name(extra) for extra in requirement.extras)
        found[(group, canonicalize_name(requirement.name))].add((specifier, extras))
    return found


def _is_direct_source(source: object) -> bool:
    tables = source if isinstance(source, list) else [source]
    return any(isinstance(t, dict) and _DIRECT_SOURCE_KEYS & t.keys() for t in tables)


def _locked_requirements(
    requires: Iterable[LockedRequirement], group: str | None = None
) -> _Requirements:
    found: _Requirements = defaultdict(set)
    for requirement in requires:
        specifier = None
        if requirement.source_kind is None and requirement.specifier:
            try:
                specifier = SpecifierSet(requirement.specifier)
            except InvalidSpecifier:
                specifier = None
        extras = frozenset(canonicalize_name(extra) for extra in requirement.extras)
        found[(group or requirement.group, requirement.name)].add((specifier, extras))
    return found


def _compare(declared: _Requirements, locked: _Requirements) -> str | None:
    for key in sorted(declared.keys() | locked.keys()):
        wanted, recorded = declared.get(key, set()), locked.get(key, set())
        if wanted == recorded:
            continue
        group, name = key
        in_group = "" if group == "main" else f" in {_group_words(group)}"
        if not recorded:
            return f"{_show(name, wanted)} is declared{in_group} but not in the lock"
        if not wanted:
            return (
                f"the lock was made for {_show(name, recorded)}{in_group}, "
                "which is no longer declared"
            )
        return (
            f"{_show(name, wanted - recorded or wanted)} is declared{in_group} "
            f"but the lock was made for {_show(name, recorded - wanted or recorded)}"
        )
    return None


def _group_words(group: str) -> str:
    if group in _UV_SETTINGS:
        return f"[tool.uv] {group}"
    if group.startswith("extra:"):
        return f"extra {group.removeprefix('extra:')!r}"
    return f"group {group!r}"


def _show(name: str, variants: set[tuple[SpecifierSet | None, frozenset[str]]]) -> str:
    shown = []
    for specifier, extras in variants:
        extras_text = f"[{','.join(sorted(extras))}]" if extras else ""
        shown.append(f"{name}{extras_text}{_specifier_text(specifier)}")
    return " and ".join(sorted(shown))


def _specifier_text(specifier: SpecifierSet | None) -> str:
    if specifier is None:
        return ""
    # SpecifierSet sorts its parts; lower bounds first reads the way people write them.
    return ",".join(sorted((str(s) for s in specifier), key=lambda s: not s.startswith(">")))
