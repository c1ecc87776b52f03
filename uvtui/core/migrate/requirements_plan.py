"""Requirement files -> pyproject.toml (spec §2 classification, §3.1 mapping, §3.2 shape).

The plan is a value: the new pyproject text, the freeze pins used only while locking, a coverage
entry for every logical line read, and findings. Nothing is written here. The work is done by
migration_preconditions (refusals before planning), requirement_roles (§2), requirement_mapping
with requirement_sources, pip_option_mapping and image_pip_inputs (§3.1), and pyproject_render
(§3.2); this module runs them in order and keeps the names other modules import.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from packaging.utils import canonicalize_name
from tomlkit import TOMLDocument
from tomlkit.exceptions import TOMLKitError

from uvtui.core.findings import Finding, Level, MigrationRefused
from uvtui.core.index.names import index_name_for
from uvtui.core.migrate.dev_target import DEV_GROUP, DevTarget
from uvtui.core.migrate.image_pip_inputs import (
    ImagePipInput,
    InlineRequirement,
    located,
    map_image_pip_inputs,
)
from uvtui.core.migrate.mapping import FreezePin, RequirementMapper
from uvtui.core.migrate.preconditions import detect_other_manager, resolve_python_version
from uvtui.core.migrate.render import render_pyproject
from uvtui.core.migrate.requirements import (
    RequirementGraph,
    find_requirement_files,
    load_requirement_graph,
)
from uvtui.core.migrate.roles import Classification, choose_freeze_files, constrained_files
from uvtui.core.migrate.specifier_overlap import specifier_narrows, specifiers_overlap
from uvtui.core.redact import USERINFO_RE, redact

__all__ = [
    "CoverageEntry",
    "FreezePin",
    "InlineRequirement",
    "RequirementsPlan",
    "detect_other_manager",
    "index_name_for",
    "plan_requirements",
    "resolve_python_version",
    "specifier_narrows",
    "specifiers_overlap",
]


@dataclass(frozen=True)
class CoverageEntry:
    """One logical input line and what became of it (spec promise 5)."""

    path: str
    line: int
    text: str  # the line with URL userinfo redacted
    carried: bool
    target: str | None
    code: str | None  # warning/info code, also on carried lines that raised one
    origin: str = "requirements"  # "requirements" | "inline" (Dockerfile pip RUN) | "env" (PIP_*)


@dataclass(frozen=True)
class RequirementsPlan:
    """The new pyproject.toml and everything the migration reports about how it was made."""

    pyproject_text: str  # full new pyproject.toml text
    pyproject_existed: bool
    main_files: tuple[str, ...]
    dev_files: tuple[str, ...]
    freeze_file: str | None  # the main group's freeze file (else the dev group's)
    freeze_pins: tuple[FreezePin, ...]
    has_dev_group: bool
    coverage: tuple[CoverageEntry, ...]
    findings: tuple[Finding, ...]
    credential_env_vars: tuple[str, ...]
    path_sources: tuple[str, ...]  # root-relative POSIX paths of path/editable sources
    freeze_files: tuple[str, ...] = ()
    constraint_files: tuple[str, ...] = ()
    unreferenced_files: tuple[str, ...] = ()
    requires_python: str | None = None  # as written into (or found in) pyproject.toml
    # Files whose pip install (directly or through -r) installs the project itself (`-e .`),
    # with whether that install was editable.
    self_install_files: tuple[tuple[str, bool], ...] = ()
    dev_target: DevTarget = DEV_GROUP


def _table(document: dict, keys: tuple[str, ...]) -> dict:
    for key in keys:
        document = document.get(key, {})
    return document


# Folders holding packages that are not the app itself.
_NOT_APP_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "scripts", "bin", "migrations", "examples"}
)


def _project_name(root: Path, given: str | None) -> str:
    """The given name, else the app's one top-level package (also under src/), else the folder."""
    if given:
        return given
    root = root.resolve()
    packages = [
        path.name
        for folder in (root, root / "src")
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if (path / "__init__.py").is_file()
        and path.name.isidentifier()
        and path.name.lower() not in _NOT_APP_PACKAGES
    ]
    if len(packages) == 1:
        return str(canonicalize_name(packages[0]))
    return str(canonicalize_name(root.name)) or "app"


def _existing_index_names(document: TOMLDocument) -> list[str]:
    indexes = document.get("tool", {}).get("uv", {}).get("index", [])
    return [str(entry.get("name")) for entry in indexes if entry.get("name")]


def plan_requirements(
    root: Path,
    *,
    python_version: str | None,
    image_installed_files: Iterable[str] = (),
    image_constraint_files: Iterable[str] = (),
    freeze_written_files: Iterable[str] = (),
    inline_requirements: Iterable[InlineRequirement] = (),
    pip_env_options: Iterable[tuple[str, str, str]] = (),
    pip_upgrades: Iterable[InlineRequirement] = (),
    dev_target: DevTarget = DEV_GROUP,
    project_name: str | None = None,
    fallback_python: str | None = None,
    freeze_choice: Iterable[str] | None = None,
) -> RequirementsPlan:
    """Plan pyproject.toml from the requirement files under ROOT (spec §2, §3.1, §3.2).

    python_version: X.Y of the installing stage's base image, or None.
    image_installed_files / image_constraint_files: files a pip step of the image uses with
    -r / -c (main roots by §2 rule 2 / constraint or freeze files).
    freeze_written_files: files written by `pip freeze > F` (§2 freeze rule a; missing ones
    are ignored). inline_requirements: packages named on a pip command line (pattern g).
    pip_env_options: (flag, value, "Dockerfile:N") from PIP_* variables or pip command lines;
    flags spelled like pip's (--index-url, --extra-index-url, --trusted-host, --pre,
    --find-links); `$NAME` in values counts as an environment variable.
    pip_upgrades: the image's `pip install --upgrade pip setuptools wheel` commands, dropped
    (uv does not use pip); each gets a coverage line saying so.
    dev_target: where dev requirements go ([dependency-groups].dev unless chosen otherwise).
    fallback_python: the user's --python (after .python-version and runtime.txt).
    freeze_choice: the freeze file(s) the user picked when a group had several.
    Raises MigrationRefused (R2-R6) when the migration cannot be done safely.
    """
    detect_other_manager(root)
    existed, old_text, document = _read_pyproject(root)
    requires_python = document.get("project", {}).get("requires-python")
    if requires_python is None:
        requires_python = f">={resolve_python_version(root, python_version, fallback_python)}"

    # a file the image writes itself (pip freeze > F) need not be in the repository
    generated = {rel for rel in freeze_written_files if not (root / rel).is_file()}
    written = set(freeze_written_files) - generated
    image_installed = set(image_installed_files) - generated
    image_constraints = set(image_constraint_files) - generated
    entries = [
        *find_requirement_files(root),
        *sorted(image_installed),
        *sorted(image_constraints),
        *sorted(written),
    ]
    graph = load_requirement_graph(root, entries)
    findings: list[Finding] = []
    freeze_groups, classes = choose_freeze_files(
        root,
        graph,
        written,
        image_installed,
        constrained_files(graph, image_constraints),
        set(freeze_choice) if freeze_choice is not None else None,
        findings,
    )
    mapper = RequirementMapper(root, graph, dev_target.label)
    mapper.findings.extend(findings)
    mapper.freeze_files = set(freeze_groups)
    mapper.options.taken_names = _existing_index_names(document)
    mapped = _map_everything(
        mapper, classes, freeze_groups, image_constraints, inline_requirements, pip_env_options
    )

    new_text = render_pyproject(
        old_text, mapper, _project_name(root, project_name), requires_python, dev_target
    )
    new_document = tomllib.loads(new_text)
    if USERINFO_RE.search(new_text):
        raise MigrationRefused("R4", "internal error: a URL credential would reach pyproject.toml")
    main_freeze = [rel for rel, group in freeze_groups.items() if group == "main"]
    dev_freeze = [rel for rel, group in freeze_groups.items() if group == "dev"]
    return RequirementsPlan(
        pyproject_text=new_text,
        pyproject_existed=existed,
        main_files=tuple(mapped.main_files),
        dev_files=tuple(mapped.dev_files),
        freeze_file=(main_freeze or dev_freeze or [None])[0],
        freeze_pins=tuple(mapper.pins),
        has_dev_group=bool(_table(new_document, dev_target.table).get(dev_target.name)),
        dev_target=dev_target,
        coverage=_coverage(graph, mapper, mapped.image_inputs, pip_upgrades),
        findings=tuple(located(finding) for finding in mapper.findings),
        credential_env_vars=tuple(mapper.options.credential_vars),
        path_sources=tuple(mapper.sources.path_sources),
        freeze_files=tuple(sorted(freeze_groups)),
        constraint_files=tuple(mapped.constraint_files),
        unreferenced_files=tuple(mapped.unreferenced_files),
        requires_python=str(requires_python),
        self_install_files=_self_install_files(graph, mapper.sources.self_installs),
    )


def _self_install_files(
    graph: RequirementGraph, self_installs: list[tuple[str, bool]]
) -> tuple[tuple[str, bool], ...]:
    """Every file that installs a `-e .` line itself or through -r includes."""
    found: dict[str, bool] = {}
    for rel, editable in self_installs:
        pending = [rel]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found[current] = editable
            pending += [src for src, targets in graph.includes.items() if current in targets]
    return tuple(found.items())


def _read_pyproject(root: Path) -> tuple[bool, str, TOMLDocument]:
    """Whether pyproject.toml exists, its text and its document (empty when it does not)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return False, "", tomlkit.document()
    old_text = pyproject.read_text(encoding="utf-8")
    try:
        return True, old_text, tomlkit.parse(old_text)
    except TOMLKitError as error:
        raise MigrationRefused("R4", f"pyproject.toml: {error}") from None


@dataclass(frozen=True)
class _MappedFiles:
    """The files read in each role, and the image's pip inputs, once every line is mapped."""

    main_files: list[str]
    dev_files: list[str]
    constraint_files: list[str]
    unreferenced_files: list[str]
    image_inputs: list[ImagePipInput]


def _map_everything(
    mapper: RequirementMapper,
    classes: Classification,
    freeze_groups: dict[str, str],
    image_constraints: set[str],
    inline_requirements: Iterable[InlineRequirement],
    pip_env_options: Iterable[tuple[str, str, str]],
) -> _MappedFiles:
    """Main roots, the image's pip inputs, dev roots, constraint files, then freeze files."""
    files = mapper.graph.files
    visited: set[str] = set()
    constraint_queue = [rel for rel in sorted(image_constraints) if rel not in freeze_groups]
    for rel in classes.main_roots:
        if rel not in visited:
            mapper.walk(rel, "main", visited, constraint_queue)
    image_inputs = map_image_pip_inputs(mapper, inline_requirements, pip_env_options)
    for rel in classes.dev_roots:
        if rel not in visited:
            mapper.walk(rel, "dev", visited, constraint_queue)
    main_files = [rel for rel in files if rel in visited and rel in classes.main]
    dev_files = [rel for rel in files if rel in visited and rel not in classes.main]
    constraint_files: list[str] = []
    for rel in constraint_queue:
        if rel not in visited:
            constraint_files.append(rel)
            mapper.walk(rel, "constraint", visited, constraint_queue)
    for rel in sorted(freeze_groups):
        mapper.read_freeze(rel)
    unreferenced = [rel for rel in files if rel not in visited and rel not in freeze_groups]
    for rel in unreferenced:
        mapper.findings.append(
            Finding(
                "W-UNREFERENCED-FILE",
                f"{rel} is neither main nor dev (no rule of §2 matched); it is not migrated.",
                Level.WARNING,
                rel,
            )
        )
    mapper.options.finish()
    mapper.reconcile_dev_with_main()
    mapper.check_pins_against_direct()
    return _MappedFiles(main_files, dev_files, constraint_files, unreferenced, image_inputs)


def _coverage(
    graph: RequirementGraph,
    mapper: RequirementMapper,
    image_inputs: list[ImagePipInput],
    pip_upgrades: Iterable[InlineRequirement],
) -> tuple[CoverageEntry, ...]:
    entries: list[CoverageEntry] = []
    for rel, lines in graph.files.items():
        for line in lines:
            carried, target, code = mapper.decisions.get(
                (rel, line.line), (False, None, "W-UNREFERENCED-FILE")
            )
            entries.append(CoverageEntry(rel, line.line, redact(line.text), carried, target, code))
    for item in image_inputs:
        carried, target, code = mapper.decisions.get(item.key, (False, None, "W-OPTION"))
        entries.append(
            CoverageEntry(
                item.path, item.line, redact(item.text), carried, target, code, item.origin
            )
        )
    for upgrade in pip_upgrades:
        path, _, number = upgrade.source.rpartition(":")
        entries.append(
            CoverageEntry(
                path, int(number), redact(upgrade.text), False, None, "I-PIP-UPGRADE", "inline"
            )
        )
    return tuple(entries)
