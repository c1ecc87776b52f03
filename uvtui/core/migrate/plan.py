"""Whole-project migration pip + requirements -> uv: one plan (a value), then apply, then undo.

The flow follows the spec (docs/migration.md): detect -> Dockerfile facts -> requirements plan ->
Dockerfile rewrite -> lock in a scratch directory without drift (§3.3) -> validate (§6) -> plan.
Nothing under the project root is written while planning; `apply_migration` writes the plan
with backups and validates again in place, restoring everything when that fails.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import tomlkit
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from uvtui.core.changes import (
    UNDONE_SUFFIX,
    AppliedChange,
    ChangePlan,
    FileChange,
    apply_plan,
    materialize,
    restore_backup,
    undo_latest,
)
from uvtui.core.dockerfile.hadolint import new_hadolint_findings
from uvtui.core.dockerfile.migration import (
    DockerfileFacts,
    DockerfileRewrite,
    find_dockerfiles,
    inspect_dockerfile,
    rewrite_dockerfile,
    verify_dockerfile_rewrite,
)
from uvtui.core.errors import UvtuiError
from uvtui.core.findings import Finding, Level, MigrationRefused
from uvtui.core.migrate.callers import InstallCommands, plan_caller_rewrites
from uvtui.core.migrate.companions import UV_INSTALL_SCRIPT, find_pip_callers, plan_dockerignore
from uvtui.core.migrate.dev_target import DEV_GROUP, DevTarget
from uvtui.core.migrate.interpreter import find_lock_python
from uvtui.core.migrate.preconditions import refuse_enclosing_workspace
from uvtui.core.migrate.requirements import (
    decode_requirements,
    find_requirement_files,
    parse_requirements_text,
)
from uvtui.core.migrate.requirements_plan import (
    CoverageEntry,
    FreezePin,
    InlineRequirement,
    RequirementsPlan,
    detect_other_manager,
    plan_requirements,
    resolve_python_version,
)
from uvtui.core.uvrun import UvFailed, run_uv
from uvtui.core.uvrun import uv_version as local_uv_version

if TYPE_CHECKING:
    from uvtui.core.dockerfile.build_check import BuildCheckResult

UV_INSTALL_PATH = "bin/uv-install"
LOCK_TIMEOUT_SECONDS = 600.0
# The project's own [tool.uv] settings (indexes) must count when locking it.
_LOCK_UNSET_ENV = ("UV_NO_CONFIG",)
# Files uv reads next to pyproject.toml; the scratch copy mirrors them so it locks the same way.
_UV_SIDE_FILES = ("uv.toml", ".python-version")
_TOOL_PINS = frozenset({"pip", "setuptools", "wheel"})
_FULL_VERSION = re.compile(r"\d+\.\d+\.\d+")
_CREDENTIAL_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s@:]+:[^/\s@]+@")


class MigrationValidationFailed(UvtuiError):
    """A §6 validation (V1-V5) failed while planning; nothing was written."""

    exit_code = 1


class MigrationRestored(UvtuiError):
    """The plan was written, validation in place failed, every file was restored (exit 3)."""

    exit_code = 3


@dataclass(frozen=True)
class DriftRow:
    """One row of the drift table: a freeze pin against the version in the new uv.lock."""

    name: str
    freeze: str | None  # the pinned version (None for `added` rows)
    locked: str | None  # the locked version(s), comma-joined when forked (None for `absent`)
    status: str  # "same" | "drift" | "absent" | "added"


@dataclass(frozen=True)
class MigrationPlan:
    """Everything the CLI and the TUI wizard show before writing, and what gets written."""

    root: Path
    change_plan: ChangePlan
    coverage: tuple[CoverageEntry, ...]
    drift: tuple[DriftRow, ...]
    findings: tuple[Finding, ...]
    credential_env_vars: tuple[str, ...]
    next_steps: tuple[str, ...]
    uv_version: str  # the X.Y.Z written into the Dockerfile(s)
    python_version: str  # X.Y
    requires_python: str  # as written, ">=X.Y" (or "==X.Y.*" after W-PY-NARROWED)
    dockerfiles: tuple[DockerfileRewrite, ...]  # one per rewritten Dockerfile
    freeze_file: str | None
    freeze_pins: tuple[FreezePin, ...]
    requirement_files: tuple[str, ...]  # every requirements file the coverage report covers
    # The environment uv locked with; apply validates with the same one. Never printed.
    env: Mapping[str, str] | None = field(default=None, repr=False)
    # What was detected, for the wizard's first step.
    main_files: tuple[str, ...] = ()
    dev_files: tuple[str, ...] = ()
    constraint_files: tuple[str, ...] = ()
    dockerfile_facts: tuple[DockerfileFacts, ...] = field(default=(), repr=False)
    dev_target: DevTarget = DEV_GROUP
    lock_python: str | None = None  # the interpreter uv locked with (apply checks with it too)

    def diff(self) -> str:
        """The unified diff of every file the plan writes or deletes (uv.lock included)."""
        return self.change_plan.diff()

    @property
    def carried(self) -> tuple[CoverageEntry, ...]:
        return tuple(entry for entry in self.coverage if entry.carried)

    @property
    def not_carried(self) -> tuple[CoverageEntry, ...]:
        return tuple(entry for entry in self.coverage if not entry.carried)


@dataclass(frozen=True)
class _Inputs:
    """What detection found: Dockerfile facts and the requirements plan."""

    facts: tuple[DockerfileFacts, ...]
    requirements: RequirementsPlan
    python_version: str


def plan_migration(
    root: Path,
    *,
    uv_version: str | None = None,
    python: str | None = None,
    project_env: str | None = None,
    remove_requirements: bool = False,
    env: Mapping[str, str] | None = None,
    freeze_choice: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    keep_pins: bool = True,
    dev_target: DevTarget | None = None,
    python_path: str | None = None,
) -> MigrationPlan:
    """Plan the whole migration of the project at root; nothing under root is written.

    dev_target: where dev requirements go (default `[dependency-groups].dev`).
    python_path: the interpreter uv locks with (else one of the image's minor is looked for).
    keep_pins=False allows upgrades: the freeze pins are not used while locking, and the drift
    table shows where the lock moved away from them (no R3 for drift then).

    Raises MigrationRefused (R1-R7) when it cannot be done safely, UvFailed when uv cannot run
    for another reason (network, interpreter), MigrationValidationFailed when V1-V5 fail.
    `progress` is called with a short label before each slow step.
    """
    report = progress or (lambda _label: None)
    root = root.resolve()
    if not root.is_dir():
        raise UvtuiError(f"{root} is not a directory.")
    detect_other_manager(root)
    refuse_enclosing_workspace(root)
    image_uv = _checked_uv_version(uv_version) if uv_version else local_uv_version(env)
    report("Reading the Dockerfiles and requirements files")
    inputs = _detect(root, python, freeze_choice, dev_target or DEV_GROUP)
    rewrites = _rewrite_dockerfiles(inputs, image_uv, project_env)
    lock_python = find_lock_python(
        inputs.python_version,
        _requires_python(inputs.requirements.pyproject_text),
        given=python_path,
        env=env,
    )
    report("Locking with uv in a scratch directory")
    locked = _lock_without_drift(root, inputs.requirements, env, keep_pins, lock_python.path)
    callers, caller_findings = plan_caller_rewrites(root, _install_commands(inputs, rewrites))
    changes = _file_changes(root, inputs, rewrites, locked, remove_requirements)
    changes += [_change(root, c.path, c.new_text.encode("utf-8")) for c in callers]
    rewritten = {(c.path, line) for c in callers for line in c.lines}
    findings = [
        f
        for f in _collect_findings(inputs, rewrites, locked, image_uv, env, root)
        if not (f.code == "S-PIP-CALLER" and (f.path, f.line) in rewritten)
    ]
    findings += caller_findings
    findings.append(
        Finding("I-LOCK-PYTHON", lock_python.explain(inputs.python_version), Level.INFO)
    )
    plan = MigrationPlan(
        root=root,
        change_plan=ChangePlan(root, tuple(changes), tuple(findings)),
        coverage=tuple(inputs.requirements.coverage),
        drift=locked.drift,
        findings=tuple(findings),
        credential_env_vars=tuple(inputs.requirements.credential_env_vars),
        next_steps=_next_steps(inputs.requirements, rewrites),
        uv_version=image_uv,
        python_version=inputs.python_version,
        requires_python=locked.requires_python,
        dockerfiles=tuple(rewrites),
        freeze_file=inputs.requirements.freeze_file,
        freeze_pins=tuple(inputs.requirements.freeze_pins) if keep_pins else (),
        requirement_files=_requirement_files(inputs.requirements),
        env=env,
        main_files=tuple(inputs.requirements.main_files),
        dev_files=tuple(inputs.requirements.dev_files),
        constraint_files=tuple(inputs.requirements.constraint_files),
        dockerfile_facts=inputs.facts,
        dev_target=inputs.requirements.dev_target,
        lock_python=lock_python.path,
    )
    report("Validating the plan")
    _validate_plan(plan)
    return plan


def apply_migration(plan: MigrationPlan) -> AppliedChange:
    """Write the plan (backups, atomic writes), then validate V1-V5 in place.

    When validation fails every file is restored from the backup (which is then marked undone)
    and MigrationRestored (exit code 3) is raised.
    """
    applied = apply_plan(plan.change_plan)
    try:
        _validate_written(plan)
    except UvtuiError as error:
        _restore_after_failure(applied, error)
        applied.backup_dir.rename(
            applied.backup_dir.with_name(applied.backup_dir.name + UNDONE_SUFFIX)
        )
        raise MigrationRestored(
            f"The migration was written but failed validation in place, so every file was "
            f"restored from the backup. {error.message}"
        ) from error
    return applied


def _restore_after_failure(applied: AppliedChange, error: UvtuiError) -> None:
    try:
        restore_backup(applied.backup_dir)
    except OSError as restore_error:
        raise UvtuiError(
            f"Validation failed after writing ({error.message}) and restoring the backup failed "
            f"too ({restore_error}); the previous files are in {applied.backup_dir}."
        ) from restore_error


def build_check_migration(plan: MigrationPlan, **options: Any) -> BuildCheckResult:
    """V6: build the original image and the migrated one (from a temp copy) and compare them.

    Nothing under the root is written. `options` go to build_check.check_builds (build args,
    target, client, ...). Raises UvtuiError when the plan rewrites no Dockerfile.
    """
    if not plan.dockerfiles:
        raise UvtuiError("The build check needs a Dockerfile that the migration rewrites.")
    from uvtui.core.dockerfile.build_check import check_builds

    with tempfile.TemporaryDirectory(prefix="uvtui-build-check-") as temp:
        migrated = materialize(plan.change_plan, Path(temp) / plan.root.name)
        return check_builds(
            plan.root, migrated, dockerfile_path=plan.dockerfiles[0].path, **options
        )


def undo_migration(root: Path) -> AppliedChange | None:
    """Restore the files of the latest apply under root (None when there is nothing to undo)."""
    return undo_latest(root)


# -- detection ----------------------------------------------------------------------------------


def _detect(
    root: Path, python: str | None, freeze_choice: Iterable[str] | None, dev_target: DevTarget
) -> _Inputs:
    facts = tuple(inspect_dockerfile(root, rel) for rel in find_dockerfiles(root))
    has_pip_step = any(f.pip_steps for f in facts)
    if not has_pip_step and not find_requirement_files(root):
        raise MigrationRefused(
            "R1",
            "Nothing to migrate: no requirements file and no pip step in a Dockerfile were found.",
        )
    image_python = next(
        (f.python_version for f in _installing_first(facts) if f.python_version), None
    )
    requirements = plan_requirements(
        root,
        python_version=image_python,
        fallback_python=python,
        freeze_choice=freeze_choice,
        image_installed_files=_union(f.installed_requirement_files for f in facts),
        image_constraint_files=_union(f.constraint_files for f in facts),
        freeze_written_files=_union(f.freeze_written_files for f in facts),
        inline_requirements=tuple(
            InlineRequirement(text, source) for f in facts for text, source in f.inline_requirements
        ),
        pip_env_options=_union((*f.pip_env_options, *f.pip_cli_options) for f in facts),
        dev_target=dev_target,
        pip_upgrades=tuple(
            InlineRequirement(step.text, f"{f.path}:{step.line}")
            for f in facts
            for step in f.pip_steps
            if step.kind == "upgrade"
        ),
    )
    python_version = resolve_python_version(root, image_python, python)
    return _Inputs(facts, requirements, python_version)


def _installing_first(facts: Sequence[DockerfileFacts]) -> list[DockerfileFacts]:
    """Dockerfiles with pip steps first: their base image decides the Python version."""
    return sorted(facts, key=lambda f: not f.pip_steps)


def _union(groups: Iterable[Iterable]) -> tuple:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _checked_uv_version(value: str) -> str:
    if not _FULL_VERSION.fullmatch(value):
        raise UvtuiError(f"--uv-version {value!r} must be a full X.Y.Z version (e.g. 0.13.9).")
    return value


def _rewrite_dockerfiles(
    inputs: _Inputs, image_uv: str, project_env: str | None
) -> list[DockerfileRewrite]:
    requirements = inputs.requirements
    return [
        rewrite_dockerfile(
            _with_self_installs(facts, dict(requirements.self_install_files)),
            uv_version=image_uv,
            has_dev_group=requirements.has_dev_group,
            dev_exclude=requirements.dev_target.exclude_flags,
            dev_include=requirements.dev_target.include_flags,
            dev_files=tuple(requirements.dev_files),
            project_env=project_env,
        )
        for facts in inputs.facts
        if facts.pip_steps
    ]


def _with_self_installs(facts: DockerfileFacts, self_installs: dict[str, bool]) -> DockerfileFacts:
    """A pip step installing a file with `-e .` installs the project: it becomes a project step."""
    steps = tuple(
        replace(
            step,
            kind="project",
            editable=any(self_installs[f] for f in step.requirement_files if f in self_installs),
        )
        if step.kind == "requirements" and set(step.requirement_files) & set(self_installs)
        else step
        for step in facts.pip_steps
    )
    return replace(facts, pip_steps=steps)


def _install_commands(inputs: _Inputs, rewrites: Sequence[DockerfileRewrite]) -> InstallCommands:
    """The uv commands that replace pip in the user's shortcuts (run script, CI, ...)."""
    target = inputs.requirements.dev_target
    has_dev = inputs.requirements.has_dev_group
    ci_main = " ".join(["uv sync --locked", *(target.exclude_flags if has_dev else ())])
    ci_dev = " ".join(["uv sync --locked", *target.include_flags])
    container_main, container_dev = ci_main, ci_dev
    if rewrites:
        flags = rewrites[0].install_flags
        inexact = ["--inexact"] if "--inexact" in flags else []
        container_main = " ".join([UV_INSTALL_PATH, *flags])
        container_dev = " ".join([UV_INSTALL_PATH, *target.include_flags, *inexact])
    scripts = {step.via_script for f in inputs.facts for step in f.pip_steps if step.via_script}
    return InstallCommands(
        container_main,
        container_dev,
        ci_main,
        ci_dev,
        frozenset(inputs.requirements.dev_files),
        tuple(sorted(scripts)),
    )


# -- locking without drift (§3.3) -----------------------------------------------------------------


@dataclass(frozen=True)
class _Locked:
    pyproject_text: str  # what gets written (requires-python possibly narrowed)
    lock_bytes: bytes
    requires_python: str
    drift: tuple[DriftRow, ...]
    findings: tuple[Finding, ...]


def _lock_without_drift(
    root: Path,
    requirements: RequirementsPlan,
    env: Mapping[str, str] | None,
    keep_pins: bool,
    python: str,
) -> _Locked:
    pyproject_text = requirements.pyproject_text
    pins = tuple(requirements.freeze_pins) if keep_pins else ()
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="uvtui-migrate-") as temp:
        scratch = _make_scratch(root, Path(temp), requirements)
        try:
            _lock(scratch, _with_pins(pyproject_text, pins), env, python)
        except _ResolutionFailed as first:
            narrowed = _narrowed(pyproject_text)
            if narrowed is None:
                raise _lock_refusal(first) from None
            try:
                _lock(scratch, _with_pins(narrowed, pins), env, python)
            except _ResolutionFailed as second:
                raise _lock_refusal(second) from None
            pyproject_text = narrowed
            findings.append(
                Finding(
                    "W-PY-NARROWED",
                    f"requires-python narrowed to {_requires_python(narrowed)!r}: the pinned "
                    "versions do not resolve for every later Python.",
                    path="pyproject.toml",
                )
            )
        try:
            _lock(scratch, pyproject_text, env, python)
        except _ResolutionFailed as unpinned:
            raise _lock_refusal(unpinned) from None
        _run_lock(scratch, ["lock", "--check", "--python", python], env)
        lock_bytes = (scratch / "uv.lock").read_bytes()
    drift = drift_table(requirements.freeze_pins, lock_bytes)
    findings += _drift_findings(requirements.freeze_pins, drift, requirements.freeze_file)
    moved = [row for row in drift if row.status == "drift"]
    if moved and not keep_pins:
        findings.append(
            Finding(
                "I-UPGRADES-ALLOWED",
                f"Upgrades were allowed: {len(moved)} package(s) differ from "
                f"{requirements.freeze_file}.",
                Level.INFO,
                requirements.freeze_file,
            )
        )
    if keep_pins and moved:
        rows = ", ".join(f"{r.name} {r.freeze} -> {r.locked}" for r in drift if r.status == "drift")
        raise MigrationRefused("R3", f"Locking would change pinned versions: {rows}.")
    return _Locked(
        pyproject_text, lock_bytes, _requires_python(pyproject_text), tuple(drift), tuple(findings)
    )


class _ResolutionFailed(Exception):
    def __init__(self, failure: UvFailed) -> None:
        super().__init__(failure.message)
        self.failure = failure


def _lock_refusal(error: _ResolutionFailed) -> MigrationRefused:
    return MigrationRefused(
        "R3",
        f"uv could not lock the requirements (with the frozen pins, if any):\n"
        f"{error.failure.stderr_tail}",
    )


def _make_scratch(root: Path, temp: Path, requirements: RequirementsPlan) -> Path:
    """A directory holding the new pyproject's neighbours: path sources as symlinks into root.

    The scratch directory sits as deep below `temp` as the sources climb with `..`, so every
    relative source path lands inside `temp`.
    """
    sources = [PurePosixPath(p) for p in requirements.path_sources if not Path(p).is_absolute()]
    depth = max((p.parts.count("..") for p in sources), default=0)
    scratch = temp.joinpath(*(["s"] * depth), "project")
    scratch.mkdir(parents=True)
    for source in sources:
        link = Path(os.path.normpath(scratch / source))
        if link == scratch or link.exists() or link.is_symlink():
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path(os.path.normpath(root / source)))
    for name in (*_UV_SIDE_FILES, "uv.lock"):
        if (root / name).is_file():
            shutil.copyfile(root / name, scratch / name)
    return scratch


def _with_pins(pyproject_text: str, pins: Sequence[FreezePin]) -> str:
    """The pyproject with every freeze pin added to [tool.uv] constraint-dependencies."""
    if not pins:
        return pyproject_text
    document = tomlkit.parse(pyproject_text)
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    uv = tool.setdefault("uv", tomlkit.table())
    constraints = uv.setdefault("constraint-dependencies", tomlkit.array())
    for pin in pins:
        constraints.append(
            f"{pin.name}=={pin.version}" + (f" ; {pin.marker}" if pin.marker else "")
        )
    return tomlkit.dumps(document)


def _requires_python(pyproject_text: str) -> str:
    project = tomllib.loads(pyproject_text).get("project", {})
    return str(project.get("requires-python", ""))


def _narrowed(pyproject_text: str) -> str | None:
    """The pyproject with requires-python `>=X.Y` turned into `==X.Y.*`, or None."""
    match = re.fullmatch(r">=\s*(\d+\.\d+)", _requires_python(pyproject_text).strip())
    if match is None:
        return None
    document = tomlkit.parse(pyproject_text)
    document["project"]["requires-python"] = f"=={match.group(1)}.*"
    return tomlkit.dumps(document)


def _lock(scratch: Path, pyproject_text: str, env: Mapping[str, str] | None, python: str) -> None:
    (scratch / "pyproject.toml").write_text(pyproject_text, encoding="utf-8", newline="")
    try:
        _run_lock(scratch, ["lock", "--python", python], env)
    except UvFailed as error:
        if "No solution found" in error.stderr:
            raise _ResolutionFailed(error) from None
        if "No interpreter found" in error.stderr:
            python = _requires_python(pyproject_text)
            raise UvtuiError(
                f"uv needs a local Python matching requires-python {python!r} to lock "
                f"(try `uv python install`):\n{error.stderr_tail}"
            ) from None
        raise


def _run_lock(cwd: Path, args: list[str], env: Mapping[str, str] | None) -> None:
    run_uv(args, cwd=cwd, env=env, timeout=LOCK_TIMEOUT_SECONDS, check=True, unset=_LOCK_UNSET_ENV)


def locked_versions(lock_bytes: bytes) -> dict[str, list[str]]:
    """Normalized name -> locked versions (several when the lock forks); the project excluded."""
    data = tomllib.loads(lock_bytes.decode("utf-8"))
    versions: dict[str, list[str]] = {}
    for package in data.get("package", []):
        source = package.get("source", {})
        if "virtual" in source or source.get("editable") == "." or "version" not in package:
            continue
        versions.setdefault(canonicalize_name(package["name"]), []).append(package["version"])
    return versions


def drift_table(pins: Sequence[FreezePin], lock_bytes: bytes) -> list[DriftRow]:
    """Freeze pins against the lock: same / drift / absent rows, then `added` rows."""
    locked = locked_versions(lock_bytes)
    rows: list[DriftRow] = []
    pinned: set[str] = set()
    for pin in pins:
        name = canonicalize_name(pin.name)
        pinned.add(name)
        versions = locked.get(name)
        if not versions:
            rows.append(DriftRow(name, pin.version, None, "absent"))
            continue
        status = "same" if any(_same_version(pin.version, v) for v in versions) else "drift"
        rows.append(DriftRow(name, pin.version, ", ".join(versions), status))
    if pins:
        rows += [
            DriftRow(name, None, ", ".join(versions), "added")
            for name, versions in sorted(locked.items())
            if name not in pinned
        ]
    return rows


def _same_version(left: str, right: str) -> bool:
    try:
        return Version(left) == Version(right)
    except InvalidVersion:
        return left == right


def _drift_findings(
    pins: Sequence[FreezePin], drift: Sequence[DriftRow], freeze_file: str | None
) -> list[Finding]:
    if freeze_file is None:
        return [
            Finding(
                "I-NO-PINS",
                "No freeze/lock file was found: the direct specifiers were locked as written.",
                Level.INFO,
            )
        ]
    by_name = {canonicalize_name(pin.name): pin for pin in pins}
    findings = []
    for row in drift:
        pin = by_name.get(row.name)
        if row.status == "absent" and pin is not None:
            tool = row.name in _TOOL_PINS
            findings.append(
                Finding(
                    "I-FREEZE-TOOL" if tool else "W-FREEZE-EXTRA",
                    f"{row.name}=={row.freeze} is pinned but nothing requires it, so it is "
                    "not locked.",
                    Level.INFO if tool else Level.WARNING,
                    pin.path,
                    pin.line,
                )
            )
    added = [row.name for row in drift if row.status == "added"]
    if added:
        findings.append(
            Finding(
                "I-LOCK-ADDED",
                f"{len(added)} locked package(s) are not in {freeze_file} (e.g. dependencies "
                f"for another platform or Python): {', '.join(added)}.",
                Level.INFO,
                freeze_file,
            )
        )
    return findings


# -- the file changes -----------------------------------------------------------------------------


def _file_changes(
    root: Path,
    inputs: _Inputs,
    rewrites: Sequence[DockerfileRewrite],
    locked: _Locked,
    remove_requirements: bool,
) -> list[FileChange]:
    changes = [
        _change(root, "pyproject.toml", locked.pyproject_text.encode("utf-8")),
        _change(root, "uv.lock", locked.lock_bytes),
    ]
    changes += [_change(root, r.path, r.new_text.encode("utf-8")) for r in rewrites]
    if any(UV_INSTALL_PATH in r.new_text for r in rewrites):
        changes.append(_change(root, UV_INSTALL_PATH, UV_INSTALL_SCRIPT.encode(), mode=0o755))
    if inputs.facts:
        dockerignore, _ = plan_dockerignore(root)
        if dockerignore is not None:
            changes.append(_change(root, ".dockerignore", dockerignore.encode("utf-8")))
    if remove_requirements:
        changes += [_deletion(root, rel) for rel in _removable_files(inputs, rewrites)]
    return [c for c in changes if c.old != c.new]


def _change(root: Path, rel: str, new: bytes, mode: int | None = None) -> FileChange:
    path = root / rel
    old = path.read_bytes() if path.is_file() else None
    return FileChange(rel, old, new, mode)


def _deletion(root: Path, rel: str) -> FileChange:
    return FileChange(rel, (root / rel).read_bytes(), None)


def _removable_files(inputs: _Inputs, rewrites: Sequence[DockerfileRewrite]) -> list[str]:
    """Requirement and freeze files, plus pip install scripts the new Dockerfiles no longer run."""
    requirements = inputs.requirements
    files = [
        *requirements.main_files,
        *requirements.dev_files,
        *requirements.freeze_files,
        *requirements.constraint_files,
    ]
    new_texts = "\n".join(r.new_text for r in rewrites)
    scripts = [
        step.via_script
        for facts in inputs.facts
        for step in facts.pip_steps
        if step.via_script and step.via_script not in new_texts
    ]
    return [
        rel
        for rel in dict.fromkeys([*files, *scripts])
        if rel != UV_INSTALL_PATH and not rel.startswith("../")
    ]


# -- findings and next steps --------------------------------------------------------------------


def _collect_findings(
    inputs: _Inputs,
    rewrites: Sequence[DockerfileRewrite],
    locked: _Locked,
    image_uv: str,
    env: Mapping[str, str] | None,
    root: Path,
) -> list[Finding]:
    findings: list[Finding] = list(inputs.requirements.findings)
    for facts in inputs.facts:
        findings += facts.findings
    for rewrite in rewrites:
        findings += rewrite.findings
    if not rewrites:
        findings.append(
            Finding(
                "W-NO-DOCKER-STEP",
                "No Dockerfile installs with pip: only pyproject.toml and uv.lock are migrated.",
            )
        )
    if inputs.facts:
        findings += plan_dockerignore(root)[1]
    findings += find_pip_callers(root)
    findings += locked.findings
    existing_script = root / UV_INSTALL_PATH
    if (
        any(UV_INSTALL_PATH in r.new_text for r in rewrites)
        and existing_script.is_file()
        and existing_script.read_bytes() != UV_INSTALL_SCRIPT.encode()
    ):
        findings.append(
            Finding(
                "W-UV-INSTALL-REPLACED",
                "An existing, different bin/uv-install is replaced (the old one is backed up).",
                path=UV_INSTALL_PATH,
            )
        )
    local = local_uv_version(env)
    if image_uv != local:
        findings.append(
            Finding(
                "I-UV-VERSION",
                f"uv.lock is made with the local uv {local}; the image gets uv {image_uv}.",
                Level.INFO,
            )
        )
    return list(dict.fromkeys(findings))


def _next_steps(
    requirements: RequirementsPlan, rewrites: Sequence[DockerfileRewrite]
) -> tuple[str, ...]:
    steps = []
    if requirements.credential_env_vars:
        names = ", ".join(requirements.credential_env_vars)
        steps.append(
            f"Set {names} in your environment (and pass them as build secrets); "
            "no credential was written to any file."
        )
    if rewrites:
        steps.append("Rebuild the image and run the app's tests inside it.")
    steps.append("Locally, `uv sync` creates .venv from uv.lock.")
    steps.append(
        "Commit pyproject.toml, uv.lock and the changed files; `uvtui migrate --undo` "
        "restores the previous files."
    )
    return tuple(steps)


# -- validation (§6) ------------------------------------------------------------------------------


def _validate_plan(plan: MigrationPlan) -> None:
    """V1-V5 on the planned bytes (the scratch lock already passed `uv lock --check`)."""
    problems = _static_problems(plan, _planned_bytes(plan))
    if problems:
        raise MigrationValidationFailed(" ".join(problems) + " Nothing was written.")


def _validate_written(plan: MigrationPlan) -> None:
    """V1-V5 against the files now in the project root."""
    try:
        written = {
            change.path: (plan.root / change.path).read_bytes()
            for change in plan.change_plan.changes
            if change.new is not None
        }
    except OSError as error:
        raise UvtuiError(f"A written file cannot be read back ({error}).") from error
    problems = _static_problems(plan, written)
    if not problems:
        try:
            python = ["--python", plan.lock_python] if plan.lock_python else []
            _run_lock(plan.root, ["lock", "--check", *python], plan.env)
        except UvFailed as error:
            problems.append(f"V1: `uv lock --check` fails in {plan.root}:\n{error.stderr_tail}")
    if problems:
        raise UvtuiError(" ".join(problems))


def _planned_bytes(plan: MigrationPlan) -> dict[str, bytes]:
    return {c.path: c.new for c in plan.change_plan.changes if c.new is not None}


def _static_problems(plan: MigrationPlan, files: Mapping[str, bytes]) -> list[str]:
    problems: list[str] = []
    pyproject = files.get("pyproject.toml")
    if pyproject is not None:
        try:
            tomllib.loads(pyproject.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problems.append(f"V1: the new pyproject.toml does not parse ({error}).")
    lock = files.get("uv.lock")
    if lock is not None and any(r.status == "drift" for r in drift_table(plan.freeze_pins, lock)):
        problems.append("V2: uv.lock does not hold every frozen version.")
    problems += _coverage_problems(plan)
    for rewrite in plan.dockerfiles:
        problems += _dockerfile_problems(plan, rewrite.path, files.get(rewrite.path))
    problems += _credential_problems(plan, files)
    return problems


def _requirement_files(requirements: RequirementsPlan) -> tuple[str, ...]:
    """Every requirements file of the include graph (V3 counts their logical lines)."""
    files = [
        *requirements.main_files,
        *requirements.dev_files,
        *requirements.freeze_files,
        *requirements.constraint_files,
        *requirements.unreferenced_files,
        *(e.path for e in requirements.coverage if e.origin == "requirements"),
    ]
    return tuple(dict.fromkeys(files))


def _coverage_problems(plan: MigrationPlan) -> list[str]:
    """V3: every logical line of every requirements file has exactly one coverage entry."""
    problems = []
    for path in plan.requirement_files:
        change = plan.change_plan.change_for(path)
        data = change.old if change is not None else (plan.root / path).read_bytes()
        parsed = parse_requirements_text(decode_requirements(data, path), path)
        lines = sorted(line.line for line in parsed)
        listed = sorted(
            e.line for e in plan.coverage if e.path == path and e.origin == "requirements"
        )
        if listed != lines:
            problems.append(
                f"V3: {path} has {len(lines)} requirement lines but the coverage report "
                f"lists {len(listed)}."
            )
    return problems


def _dockerfile_problems(plan: MigrationPlan, path: str, new: bytes | None) -> list[str]:
    change = plan.change_plan.change_for(path)
    if change is None or change.old is None or new is None:
        return []
    old_text, new_text = change.old.decode("utf-8"), new.decode("utf-8")
    problems = [f"V4: {path}: {item}" for item in verify_dockerfile_rewrite(old_text, new_text)]
    added = new_hadolint_findings(old_text, new_text)
    if added:
        problems += [f"V5: {path}: hadolint reports a new finding: {finding}" for finding in added]
    return problems


def _credential_problems(plan: MigrationPlan, files: Mapping[str, bytes]) -> list[str]:
    """No URL with user:password in any file uvtui writes (promise 6, checked once more)."""
    problems = []
    for path, data in files.items():
        change = plan.change_plan.change_for(path)
        old_lines = set((change.old or b"").splitlines()) if change else set()
        added = [line for line in data.splitlines() if line not in old_lines]
        if any(_CREDENTIAL_URL.search(line.decode("utf-8", "replace")) for line in added):
            problems.append(f"{path} would contain a URL with credentials.")
    return problems
