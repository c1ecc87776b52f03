"""pyproject.toml model: tomlkit document (byte-exact round trip) plus the declared dependencies.

Reading goes through tomllib; tomlkit (~100 ms to import) loads only when a document is edited
or a malformed file needs its detailed error message.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from uvtui.core.errors import ProjectError

if TYPE_CHECKING:
    from tomlkit.toml_document import TOMLDocument

# Group labels used everywhere (core, CLI JSON, UI):
#   "main"            [project].dependencies
#   "<group>"         a [dependency-groups] group, e.g. "dev", "docs" (normalized name)
#   "extra:<name>"    a [project.optional-dependencies] extra (normalized name)
#   "dev-dependencies" [tool.uv] dev-dependencies (legacy)
MAIN_GROUP = "main"
EXTRA_PREFIX = "extra:"
LEGACY_DEV_GROUP = "dev-dependencies"
# `member` of what a virtual workspace root (no [project]) declares; never a valid package name.
VIRTUAL_ROOT_MEMBER = "(workspace root)"

PYPROJECT = "pyproject.toml"


class ProjectKind(Enum):
    PROJECT = "project"  # has a [project] table
    VIRTUAL_ROOT = "virtual-root"  # no [project], but a workspace or dependency groups
    NOT_UV_PROJECT = "not-uv-project"  # neither: nothing for uv to lock


@dataclass(frozen=True)
class DeclaredDependency:
    """One requirement as written in pyproject.toml."""

    name: str  # normalized (packaging.utils.canonicalize_name)
    text: str  # the requirement string exactly as written
    requirement: Requirement
    group: str  # see the group labels above
    member: str  # normalized name of the workspace member (or root project) declaring it
    # The group whose array holds `text` when it arrived through {include-group = ...}.
    included_from: str | None = None
    # The [tool.uv.sources] entry in effect for this member (member's own, else the root's).
    source: dict[str, Any] | list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class IndexConfig:
    """One package index uv would use, from [[tool.uv.index]] or uv's environment."""

    url: str  # without credentials
    name: str | None = None
    default: bool = False
    explicit: bool = False
    format: str = "simple"  # "simple" or "flat"
    # "user:password" as written in the URL, percent-encoded; kept out of repr on purpose.
    userinfo: str | None = field(default=None, repr=False, compare=False)

    @property
    def auth(self) -> tuple[str, str] | None:
        """(username, password) decoded from the URL's userinfo, or None."""
        if self.userinfo is None:
            return None
        user, _, password = self.userinfo.partition(":")
        return unquote(user), unquote(password)


@dataclass
class Project:
    """A uv project (or workspace root) loaded from disk.

    For a workspace, `declared`, `sources` and `members` cover the root and every member;
    `workspace_members` holds each member loaded as its own Project (with its own text).
    """

    root: Path  # directory holding pyproject.toml
    # Original bytes of pyproject.toml, decoded; out of repr since it may hold index credentials.
    text: str = field(repr=False)
    name: str | None  # normalized [project].name; None for a virtual workspace root
    requires_python: SpecifierSet | None
    declared: list[DeclaredDependency] = field(default_factory=list)
    indexes: list[IndexConfig] = field(default_factory=list)
    # [tool.uv.sources] of every member: normalized package name -> source table (plain dicts);
    # the root's entry wins when root and a member both name a package.
    sources: dict[str, dict[str, Any] | list[dict[str, Any]]] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)  # normalized member names, root first
    kind: ProjectKind = ProjectKind.PROJECT
    workspace_members: list[Project] = field(default_factory=list)
    # [tool.uv] constraint-dependencies / override-dependencies (uv reads the root's only).
    constraints: list[Requirement] = field(default_factory=list)
    overrides: list[Requirement] = field(default_factory=list)

    @property
    def pyproject(self) -> Path:
        return self.root / PYPROJECT

    def document(self) -> TOMLDocument:
        """A fresh tomlkit document of `text`: edit it, and tomlkit.dumps keeps the rest intact."""
        import tomlkit

        return tomlkit.parse(self.text)

    def member_project(self, member: str) -> Project | None:
        """The Project (root or workspace member) whose normalized name is `member`."""
        if member == (self.name or VIRTUAL_ROOT_MEMBER):
            return self
        return next((m for m in self.workspace_members if m.name == member), None)


def load_project(path: Path) -> Project:
    """Load pyproject.toml (a file, or the one in a directory) and its uv workspace members.

    Raises ProjectError for a missing, unreadable or malformed file, or a bad requirement.
    Reads only; never writes.
    """
    pyproject = path if path.name == PYPROJECT and not path.is_dir() else path / PYPROJECT
    root_project, data = _load_single(pyproject, root_sources={})
    workspace = _table(_tool_uv(data, pyproject), "workspace", pyproject, "tool.uv.workspace")
    if root_project.name is None:
        has_groups = "dependency-groups" in data
        root_project.kind = (
            ProjectKind.VIRTUAL_ROOT if workspace or has_groups else ProjectKind.NOT_UV_PROJECT
        )
    if workspace:
        member_dirs = _member_dirs(root_project.root, workspace, pyproject)
        root_sources = dict(root_project.sources)
        for member_dir in member_dirs:
            member, _ = _load_single(member_dir / PYPROJECT, root_sources=root_sources)
            _add_member(root_project, member)
    root_project.members = [m for m in [root_project.name] if m] + [
        m.name for m in root_project.workspace_members if m.name
    ]
    return root_project


def detect_pip_project(root: Path) -> list[Path]:
    """Requirement files of a pip-managed project in `root`, sorted; [] when there are none.

    Looks at top-level `*requirements*.txt` / `*requirements*.in` and `requirements/*.txt`.
    Whether the directory is also a uv project is for the caller to decide (see Project.kind).
    """
    top_level = {
        p for pattern in ("*requirements*.txt", "*requirements*.in") for p in root.glob(pattern)
    }
    nested = set(root.glob("requirements/*.txt"))
    return [p for p in sorted(top_level) + sorted(nested) if p.is_file()]


def _add_member(root: Project, member: Project) -> None:
    if member.name is None:
        raise ProjectError(f"{member.pyproject}: a workspace member needs a [project] name.")
    root.workspace_members.append(member)
    root.declared.extend(member.declared)
    for name, source in member.sources.items():
        root.sources.setdefault(name, source)
    known = {index.url for index in root.indexes}
    root.indexes.extend(index for index in member.indexes if index.url not in known)


def _load_single(pyproject: Path, root_sources: dict[str, Any]) -> tuple[Project, dict[str, Any]]:
    text = _read_text(pyproject)
    data = _parse(text, pyproject)
    project_table = _table(data, "project", pyproject, "project")
    name = _project_name(project_table, pyproject) if "project" in data else None
    tool_uv = _tool_uv(data, pyproject)
    sources = _sources(tool_uv, pyproject)
    project = Project(
        root=pyproject.parent,
        text=text,
        name=name,
        requires_python=_requires_python(project_table, pyproject),
        indexes=_indexes(tool_uv, pyproject),
        sources=sources,
        constraints=_uv_requirements(tool_uv, "constraint-dependencies", pyproject),
        overrides=_uv_requirements(tool_uv, "override-dependencies", pyproject),
    )
    effective_sources = {**root_sources, **sources}
    member = name or VIRTUAL_ROOT_MEMBER
    project.declared = _declared(data, project_table, tool_uv, pyproject, member, effective_sources)
    return project, data


def _read_text(pyproject: Path) -> str:
    try:
        raw = pyproject.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"No pyproject.toml found at {pyproject}.") from None
    except OSError as error:
        raise ProjectError(f"Cannot read {pyproject}: {error.strerror or error}.") from None
    try:
        # Decoding the bytes ourselves keeps \r\n as written (read_text would translate it).
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProjectError(f"{pyproject} is not valid UTF-8 (byte {error.start}).") from None


def _parse(text: str, pyproject: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProjectError(_toml_error_message(text, pyproject, error)) from None


def _toml_error_message(text: str, pyproject: Path, error: tomllib.TOMLDecodeError) -> str:
    """file:line:col and reason of a TOML syntax error.

    tomllib's reasons are terse ("Invalid value"); tomlkit's name the culprit ("Unexpected
    character: 'b'"), so this rare path re-parses with tomlkit. When tomlkit gives no position
    (or accepts the text), tomllib's message, which ends with the position, is the reason.
    """
    from tomlkit import parse
    from tomlkit.exceptions import ParseError, TOMLKitError

    try:
        parse(text)
    except ParseError as detail:
        reason = str(detail).removesuffix(f" at line {detail.line} col {detail.col}")
        # tomlkit counts columns from 0; editors and compilers count from 1.
        column = detail.col + 1
        return f"{pyproject}:{detail.line}:{column}: invalid TOML: {reason.removesuffix('.')}."
    except TOMLKitError:
        pass
    return f"{pyproject}: invalid TOML: {error}."


def _table(data: dict[str, Any], key: str, pyproject: Path, label: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ProjectError(f"{pyproject}: [{label}] must be a table.")
    return value


def _tool_uv(data: dict[str, Any], pyproject: Path) -> dict[str, Any]:
    return _table(_table(data, "tool", pyproject, "tool"), "uv", pyproject, "tool.uv")


def _project_name(project_table: dict[str, Any], pyproject: Path) -> str:
    name = project_table.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{pyproject}: [project] needs a name.")
    return canonicalize_name(name)


def _requires_python(project_table: dict[str, Any], pyproject: Path) -> SpecifierSet | None:
    value = project_table.get("requires-python")
    if value is None:
        return None
    try:
        return SpecifierSet(str(value))
    except InvalidSpecifier:
        raise ProjectError(f"{pyproject}: invalid requires-python {value!r}.") from None


def _declared(
    data: dict[str, Any],
    project_table: dict[str, Any],
    tool_uv: dict[str, Any],
    pyproject: Path,
    member: str,
    sources: dict[str, Any],
) -> list[DeclaredDependency]:
    # (group label, group holding the text or None, requirement string)
    entries: list[tuple[str, str | None, str]] = []
    for text in _string_list(project_table.get("dependencies", []), pyproject, MAIN_GROUP):
        entries.append((MAIN_GROUP, None, text))
    extras_key = "optional-dependencies"
    extras = _table(project_table, extras_key, pyproject, f"project.{extras_key}")
    for extra, values in extras.items():
        label = EXTRA_PREFIX + canonicalize_name(extra)
        entries.extend((label, None, text) for text in _string_list(values, pyproject, label))
    groups = _table(data, "dependency-groups", pyproject, "dependency-groups")
    entries.extend(_dependency_groups(groups, pyproject))
    legacy = _string_list(tool_uv.get("dev-dependencies", []), pyproject, LEGACY_DEV_GROUP)
    entries.extend((LEGACY_DEV_GROUP, None, text) for text in legacy)
    return [
        _declared_one(text, group, included_from, pyproject, member, sources)
        for group, included_from, text in entries
    ]


def _declared_one(
    text: str,
    group: str,
    included_from: str | None,
    pyproject: Path,
    member: str,
    sources: dict[str, Any],
) -> DeclaredDependency:
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise ProjectError(
            f"{pyproject}: invalid requirement {text!r} in group {group!r}: {error}"
        ) from None
    name = canonicalize_name(requirement.name)
    return DeclaredDependency(
        name=name,
        text=text,
        requirement=requirement,
        group=group,
        member=member,
        included_from=included_from,
        source=sources.get(name),
    )


def _uv_requirements(tool_uv: dict[str, Any], key: str, pyproject: Path) -> list[Requirement]:
    requirements = []
    for text in _string_list(tool_uv.get(key, []), pyproject, key):
        try:
            requirements.append(Requirement(text))
        except InvalidRequirement as error:
            raise ProjectError(
                f"{pyproject}: invalid requirement {text!r} in [tool.uv] {key}: {error}"
            ) from None
    return requirements


def _string_list(values: Any, pyproject: Path, group: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProjectError(f"{pyproject}: group {group!r} must be a list of requirement strings.")
    return values


def _dependency_groups(
    groups: dict[str, Any], pyproject: Path
) -> list[tuple[str, str | None, str]]:
    normalized: dict[str, list[Any]] = {}
    for raw_name, values in groups.items():
        name = canonicalize_name(raw_name)
        if name in normalized:
            raise ProjectError(f"{pyproject}: dependency group {name!r} is defined twice.")
        if not isinstance(values, list):
            raise ProjectError(f"{pyproject}: dependency group {raw_name!r} must be a list.")
        normalized[name] = values
    entries: list[tuple[str, str | None, str]] = []
    for name in normalized:
        for holder, text in _expand_group(name, normalized, pyproject, stack=()):
            entries.append((name, None if holder == name else holder, text))
    return entries


def _expand_group(
    name: str, groups: dict[str, list[Any]], pyproject: Path, stack: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(group whose array holds it, requirement string) for `name`, include-groups expanded."""
    if name in stack:
        cycle = " -> ".join((*stack, name))
        raise ProjectError(f"{pyproject}: dependency groups include each other: {cycle}.")
    if name not in groups:
        raise ProjectError(f"{pyproject}: {stack[-1]!r} includes unknown dependency group {name!r}")
    expanded: list[tuple[str, str]] = []
    for value in groups[name]:
        if isinstance(value, str):
            expanded.append((name, value))
        elif isinstance(value, dict) and isinstance(value.get("include-group"), str):
            included = canonicalize_name(value["include-group"])
            expanded.extend(_expand_group(included, groups, pyproject, (*stack, name)))
        else:
            raise ProjectError(
                f"{pyproject}: dependency group {name!r} holds {value!r}, which is neither a "
                'requirement string nor {include-group = "..."}.'
            )
    return expanded


def _sources(tool_uv: dict[str, Any], pyproject: Path) -> dict[str, Any]:
    sources = _table(tool_uv, "sources", pyproject, "tool.uv.sources")
    return {canonicalize_name(name): value for name, value in sources.items()}


def _indexes(tool_uv: dict[str, Any], pyproject: Path) -> list[IndexConfig]:
    tables = tool_uv.get("index", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ProjectError(f"{pyproject}: [[tool.uv.index]] must be an array of tables.")
    indexes = [_index(table, pyproject) for table in tables]
    # The legacy pip-style settings rank after [[tool.uv.index]]; index-url is the default.
    for url in _url_list(tool_uv.get("extra-index-url", []), pyproject, "extra-index-url"):
        indexes.append(_index({"url": url}, pyproject))
    if "index-url" in tool_uv:
        indexes.append(_index({"url": tool_uv["index-url"], "default": True}, pyproject))
    for url in _url_list(tool_uv.get("find-links", []), pyproject, "find-links"):
        indexes.append(_index({"url": url, "format": "flat"}, pyproject))
    return indexes


def _url_list(values: Any, pyproject: Path, key: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProjectError(f"{pyproject}: [tool.uv] {key} must be a list of URLs.")
    return values


def _index(table: dict[str, Any], pyproject: Path) -> IndexConfig:
    url = table.get("url")
    if not isinstance(url, str) or not url:
        raise ProjectError(f"{pyproject}: every [[tool.uv.index]] needs a url.")
    clean_url, userinfo = _split_credentials(url)
    return IndexConfig(
        url=clean_url,
        name=table.get("name"),
        default=bool(table.get("default", False)),
        explicit=bool(table.get("explicit", False)),
        format=str(table.get("format", "simple")),
        userinfo=userinfo,
    )


_USERINFO = re.compile(r"^(?P<userinfo>.*)@(?P<host>[^@]*)$")


def _split_credentials(url: str) -> tuple[str, str | None]:
    """The URL without user:password@, and that userinfo (None when there is none)."""
    parts = urlsplit(url)
    match = _USERINFO.match(parts.netloc)
    if match is None:
        return url, None
    return urlunsplit(parts._replace(netloc=match["host"])), match["userinfo"]


def _member_dirs(root: Path, workspace: dict[str, Any], pyproject: Path) -> list[Path]:
    patterns = _glob_list(workspace, "members", pyproject)
    excluded = {
        path.resolve()
        for pattern in _glob_list(workspace, "exclude", pyproject)
        for path in root.glob(pattern)
    }
    found: dict[Path, None] = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            resolved = path.resolve()
            if resolved in excluded or resolved == root.resolve() or not path.is_dir():
                continue
            if not (path / PYPROJECT).is_file():
                # uv skips an empty directory but refuses one with other files in it.
                if any(path.iterdir()):
                    relative = path.relative_to(root).as_posix()
                    raise ProjectError(
                        f"{pyproject}: workspace member {relative} (matched by {pattern!r}) "
                        "has no pyproject.toml; add one or list it under exclude."
                    )
                continue
            found.setdefault(path, None)
    return list(found)


def _glob_list(table: dict[str, Any], key: str, pyproject: Path) -> list[str]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProjectError(f"{pyproject}: [tool.uv.workspace] {key} must be a list of globs.")
    return values
