"""Add, bump and remove as plans: the real uv locks in a scratch copy, the project stays as it is.

Every plan is an EditPlan: a ChangePlan (unified diffs of each pyproject.toml it touches and
of uv.lock), the lock-change table, uv's own messages and notes. `apply_edit` writes it only
when none of the project's pyproject.toml files nor uv.lock changed since the plan; undo and
redo go through core/changes.py, one history with the migrations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from uvtui.core.changes import AppliedChange, ChangePlan, FileChange, apply_plan
from uvtui.core.edits.constraints import rewrite_requirement, with_lower_bound
from uvtui.core.edits.lock_changes import LockChange, lock_changes
from uvtui.core.edits.pyproject_edit import (
    add_requirement,
    remove_requirement,
    remove_source,
    replace_requirement,
    rewrite_tool_uv_item,
)
from uvtui.core.edits.scratch import LOCK_FILE, edited_files, scratch_copy
from uvtui.core.edits.uv_messages import EditFailed, short_failure
from uvtui.core.errors import UvtuiError
from uvtui.core.project.binding import AppliedSpecifier, Origin, applied_specifiers, rejecting
from uvtui.core.project.lock import parse_lock
from uvtui.core.project.model import (
    EXTRA_PREFIX,
    MAIN_GROUP,
    PYPROJECT,
    DeclaredDependency,
    Project,
    load_project,
)
from uvtui.core.redact import redact
from uvtui.core.uvrun import UvFailed, run_uv

LOCK_TIMEOUT_SECONDS = 600.0
# "Resolved 12 packages in 5ms": the time says nothing about the change and differs every run.
_TIMING = re.compile(r" in [0-9.]+m?s$", re.MULTILINE)
# The project's own [tool.uv] settings (indexes, sources) must count when locking it.
_UNSET_ENV = ("UV_NO_CONFIG",)


@dataclass(frozen=True)
class EditPlan:
    """What the review screen and `--diff` show, and what `apply_edit` writes."""

    action: str  # "bump" | "add" | "remove"
    change_plan: ChangePlan
    lock_changes: tuple[LockChange, ...]
    uv_messages: str  # uv's own output of the scratch lock (credentials redacted)
    notes: tuple[str, ...] = ()  # e.g. "demo-a stays in uv.lock: demo-b needs it"
    # Bytes of every pyproject.toml and uv.lock at planning time: apply refuses if one moved.
    snapshot: tuple[tuple[str, bytes | None], ...] = field(default=(), repr=False)

    @property
    def root(self) -> Path:
        return self.change_plan.root

    @property
    def description(self) -> str:
        return self.change_plan.description

    def diff(self) -> str:
        return self.change_plan.diff()


@dataclass(frozen=True)
class Options:
    """How uv runs: the environment (UV_* settings, credentials) and offline mode."""

    env: Mapping[str, str] | None = field(default=None, repr=False)
    offline: bool = False


# -- bump ---------------------------------------------------------------------------------------


def plan_bump(
    project_path: Path,
    names: Sequence[str],
    *,
    targets: Mapping[str, Version] | None = None,
    edit_constraints: bool = False,
    options: Options = Options(),
) -> EditPlan:
    """Bump packages: lock-only (`targets` None: the newest each constraint allows, like
    `uv lock --upgrade-package`), or to the given versions, rewriting every declaration that
    does not admit its target in the user's own style, then locking.

    Transitive packages (declared nowhere) are always lock-only. A `[tool.uv]` constraint or
    override that keeps a package below its target raises HeldBack (which says which), unless
    `edit_constraints` allows rewriting it in its own style too.
    """
    project = load_project(project_path)
    wanted = [canonicalize_name(name) for name in names]
    if not wanted:
        raise UvtuiError("Name at least one package to bump.")
    _require_locked(project, wanted)
    texts = _texts(project)
    rewritten = dict(texts)
    held: list[str] = []
    for name, target in (targets or {}).items():
        for dependency in _declarations(project, canonicalize_name(name)):
            new = rewrite_requirement(dependency.text, target)
            if new != dependency.text:
                path = _pyproject_of(project, dependency)
                rewritten[path] = replace_requirement(
                    rewritten[path], _array_group(dependency), dependency.text, new
                )
        for spec in _holding_settings(project, name, target):
            if not edit_constraints:
                held.append(f"{name} {target}: held by {spec} ({spec.setting})")
                continue
            key = spec.setting.removeprefix("[tool.uv] ")
            rewritten[PYPROJECT] = rewrite_tool_uv_item(
                rewritten[PYPROJECT],
                key,
                spec.position or 0,
                lambda written, target=target: rewrite_requirement(written, target),
            )
    if held:
        raise HeldBack(held)
    args = ["lock", *(arg for name in wanted for arg in ("--upgrade-package", name))]
    kind = "latest" if targets else "latest compatible"
    description = f"bump {_names(wanted)} to {kind}"
    plan = _locked_plan(project, texts, rewritten, args, options, "bump", description)
    if not plan.lock_changes and plan.change_plan.diff() == "":
        raise NotMoved(wanted)
    return plan


class NotMoved(UvtuiError):
    """A lock-only bump changed nothing: uv.lock already has the newest version uv can lock.

    `stuck.stuck_packages` says what holds each name back, when the index is asked.
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        super().__init__(f"{_names(names)}: already at the newest version uv can lock.")


class HeldBack(UvtuiError):
    """[tool.uv] constraint-dependencies or override-dependencies keep a bump below its target."""

    def __init__(self, held: list[str]) -> None:
        self.held = tuple(held)
        super().__init__(
            "Cannot bump as asked: " + "; ".join(held) + ". Allow editing [tool.uv] constraints "
            "and overrides to rewrite them too (--edit-constraints), or change them by hand."
        )


def _holding_settings(project: Project, name: str, target: Version) -> list[AppliedSpecifier]:
    """The [tool.uv] constraints and overrides of `name` that do not admit `target`."""
    applied = applied_specifiers(project, name, requires_python=project.requires_python)
    return [spec for spec in rejecting(applied, target) if spec.origin is not Origin.DECLARATION]


# -- add ----------------------------------------------------------------------------------------


def plan_add(
    project_path: Path,
    requirements: Sequence[str],
    *,
    group: str | None = None,
    extra: str | None = None,
    member: str | None = None,
    options: Options = Options(),
    check_name: Callable[[str], None] | None = None,
) -> EditPlan:
    """Add requirements (PEP 508 strings) to the project, a dependency group (made when new)
    or an extra, of the root or of workspace `member`, then lock.

    A bare name gets `>=` the version uv locks, as `uv add` writes it. `check_name(name)`
    raises UvtuiError for a name the index does not have; it runs before uv does.
    """
    if group and extra:
        raise UvtuiError("Add to a group or to an extra, not both.")
    if not requirements:
        raise UvtuiError("Name at least one package to add.")
    parsed = [_pep508(text) for text in requirements]
    project = load_project(project_path)
    owner = project
    if member is not None:
        found = project.member_project(canonicalize_name(member))
        if found is None:
            known = ", ".join(project.members) or "none"
            raise UvtuiError(f"{member!r} is not a workspace member (members: {known}).")
        owner = found
    label = group or (EXTRA_PREFIX + extra if extra else MAIN_GROUP)
    where = f"group {group}" if group else f"extra {extra}" if extra else "the dependencies"
    for requirement in parsed:
        name = canonicalize_name(requirement.name)
        if any(d.name == name and _group_matches(d, label) for d in owner.declared):
            raise UvtuiError(f"{name} is already in {where}; bump it instead.")
    for requirement in parsed:
        if check_name is not None and requirement.url is None:
            check_name(requirement.name)
    texts = _texts(project)
    rel = _relative_pyproject(project, owner)
    rewritten = dict(texts)
    for text in requirements:
        rewritten[rel] = add_requirement(rewritten[rel], label, text)

    def bound_bare_names(scratch: Path) -> list[str] | None:
        lock = parse_lock((scratch / LOCK_FILE).read_text(encoding="utf-8"))
        text = (scratch / rel).read_text(encoding="utf-8")
        bounded = text
        for written, requirement in zip(requirements, parsed, strict=True):
            locked = lock.by_name(requirement.name)
            if locked and locked[0].version:
                new = with_lower_bound(written, locked[0].version)
                if new != written:
                    bounded = replace_requirement(bounded, label, written, new)
        if bounded == text:
            return None
        (scratch / rel).write_text(bounded, encoding="utf-8", newline="")
        return ["lock"]

    description = f"add {_names(r.name for r in parsed)} to {where}"
    return _locked_plan(
        project, texts, rewritten, ["lock"], options, "add", description, bound_bare_names
    )


def _pep508(text: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as error:
        raise UvtuiError(f"{text!r} is not a valid requirement (PEP 508): {error}") from None


# -- remove -------------------------------------------------------------------------------------


def plan_remove(
    project_path: Path,
    names: Sequence[str],
    *,
    group: str | None = None,
    member: str | None = None,
    places: Collection[tuple[str, str]] | None = None,
    options: Options = Options(),
) -> EditPlan:
    """Remove every declaration of the names (only from `group` / `member` when given, only
    the (member, group label) `places` when given), then lock. A package other locked
    packages still need stays in uv.lock: the plan notes who."""
    project = load_project(project_path)
    wanted = [canonicalize_name(name) for name in names]
    if not wanted:
        raise UvtuiError("Name at least one package to remove.")
    texts = _texts(project)
    rewritten = dict(texts)
    for name in wanted:
        found = [
            dependency
            for dependency in _declarations(project, name)
            if (group is None or _group_matches(dependency, group))
            and (member is None or dependency.member == canonicalize_name(member))
            and (places is None or (dependency.member, dependency.group) in places)
        ]
        if not found:
            where = f" in {group}" if group else ""
            raise UvtuiError(f"{name} is not declared{where}; nothing to remove.")
        for dependency in found:
            path = _pyproject_of(project, dependency)
            rewritten[path] = remove_requirement(
                rewritten[path], _array_group(dependency), dependency.text
            )
        for path in _sources_left_unused(project, name, found):
            rewritten[path] = remove_source(rewritten[path], name)
    description = f"remove {_names(wanted)}"
    plan = _locked_plan(project, texts, rewritten, ["lock"], options, "remove", description)
    new_lock = plan.change_plan.change_for(LOCK_FILE)
    if new_lock is None or new_lock.new is None:
        return plan
    lock = parse_lock(new_lock.new.decode("utf-8"))
    notes = []
    for name in wanted:
        if lock.by_name(name):
            needed_by = sorted({parent.name for parent, _ in lock.reverse_dependencies(name)})
            notes.append(
                f"{name} stays in uv.lock as a transitive dependency: "
                f"{', '.join(needed_by)} still need it."
            )
    return EditPlan(
        plan.action, plan.change_plan, plan.lock_changes, plan.uv_messages, tuple(notes),
        plan.snapshot,
    )  # fmt: skip


def _sources_left_unused(
    project: Project, name: str, removed: list[DeclaredDependency]
) -> list[str]:
    """The pyproject.toml files whose [tool.uv.sources] entry for `name` nothing uses once
    `removed` is gone: a member's when it declares `name` no more, the root's (which every
    member inherits) when nothing in the workspace does."""
    removed_keys = {(d.member, _array_group(d), d.text) for d in removed}
    left = [
        d for d in _declarations(project, name)
        if (d.member, _array_group(d), d.text) not in removed_keys
    ]  # fmt: skip
    paths = {_pyproject_of(project, d) for d in removed}
    return sorted(
        path
        for path in paths
        if not any(_pyproject_of(project, d) == path for d in left)
        and (path != PYPROJECT or not left)
    )


def _group_matches(dependency: DeclaredDependency, group: str) -> bool:
    """`group` as a label ("main", "extra:web", "dev") or a bare group or extra name."""
    if group in (MAIN_GROUP, dependency.group):
        return group == dependency.group
    wanted = canonicalize_name(group.removeprefix(EXTRA_PREFIX))
    return wanted in (dependency.group, dependency.group.removeprefix(EXTRA_PREFIX))


# -- apply --------------------------------------------------------------------------------------


class FilesChanged(UvtuiError):
    """pyproject.toml or uv.lock changed on disk since the plan: nothing was written."""


def apply_edit(plan: EditPlan) -> AppliedChange:
    """Write the plan atomically with backups; refuse (FilesChanged, nothing written) when a
    pyproject.toml or uv.lock changed since the plan was made."""
    for rel, old in plan.snapshot:
        path = plan.root / rel
        current = path.read_bytes() if path.is_file() else None
        if current != old:
            raise FilesChanged(
                f"{rel} changed on disk since the review; nothing was written. Review again."
            )
    try:
        return apply_plan(plan.change_plan)
    except OSError as error:  # e.g. the backup directory cannot be made: nothing was written
        reason = f"{error.strerror or error}: {error.filename}" if error.filename else str(error)
        raise UvtuiError(f"Could not write the changes ({reason}); nothing was written.") from None


# -- shared -------------------------------------------------------------------------------------


def _locked_plan(
    project: Project,
    texts: dict[str, str],
    rewritten: dict[str, str],
    args: list[str],
    options: Options,
    action: str,
    description: str,
    second_pass: Callable[[Path], list[str] | None] | None = None,
) -> EditPlan:
    """Write `rewritten` into a scratch copy, run `uv ARGS` there, collect the new files.

    `second_pass(scratch)` may edit the scratch files after the lock and return the arguments
    of one more uv run.
    """
    files = edited_files(project)
    snapshot = tuple((rel, _read(project.root / rel)) for rel in files)
    offline = ["--offline"] if options.offline else []
    with scratch_copy(project) as scratch:
        for rel, text in rewritten.items():
            if text != texts[rel]:
                (scratch / rel).write_bytes(text.encode("utf-8"))
        messages = _run([*args, *offline], scratch, options, description)
        more = second_pass(scratch) if second_pass else None
        if more:
            _run([*more, *offline], scratch, options, description)
        after = {rel: _read(scratch / rel) for rel in files}
    old_snapshot = dict(snapshot)
    changes = tuple(
        FileChange(rel, old_snapshot[rel], after[rel])
        for rel in files
        if after[rel] is not None and after[rel] != old_snapshot[rel]
    )
    new_lock = after[LOCK_FILE]
    table = lock_changes(old_snapshot[LOCK_FILE], new_lock) if new_lock else ()
    return EditPlan(
        action=action,
        change_plan=ChangePlan(project.root.resolve(), changes, description=description),
        lock_changes=table,
        uv_messages=messages,
        snapshot=snapshot,
    )


def _run(args: list[str], scratch: Path, options: Options, description: str) -> str:
    """Run uv in the scratch copy; its messages (redacted), or EditFailed with the cause."""
    try:
        result = run_uv(
            args,
            cwd=scratch,
            env=options.env,
            timeout=LOCK_TIMEOUT_SECONDS,
            check=True,
            unset=_UNSET_ENV,
        )
    except UvFailed as error:
        raise EditFailed(description, short_failure(error.stderr)) from None
    return _TIMING.sub("", redact(result.stderr.strip()))


def _relative_pyproject(project: Project, owner: Project) -> str:
    return (owner.root.resolve().relative_to(project.root.resolve()) / PYPROJECT).as_posix()


def _texts(project: Project) -> dict[str, str]:
    """Every pyproject.toml text of the workspace, by path relative to the root."""
    texts = {PYPROJECT: project.text}
    for member in project.workspace_members:
        rel = (member.root.resolve().relative_to(project.root.resolve()) / PYPROJECT).as_posix()
        texts[rel] = member.text
    return texts


def _declarations(project: Project, name: str) -> list[DeclaredDependency]:
    """Each requirement string declaring `name` once (an included group's entry counts once)."""
    seen: dict[tuple[str, str, str], DeclaredDependency] = {}
    for dependency in project.declared:
        if dependency.name == name:
            key = (dependency.member, _array_group(dependency), dependency.text)
            seen.setdefault(key, dependency)
    return list(seen.values())


def _array_group(dependency: DeclaredDependency) -> str:
    return dependency.included_from or dependency.group


def _pyproject_of(project: Project, dependency: DeclaredDependency) -> str:
    return _relative_pyproject(project, project.member_project(dependency.member) or project)


def _require_locked(project: Project, names: Sequence[str]) -> None:
    lock_path = project.root / LOCK_FILE
    if not lock_path.is_file():
        raise UvtuiError("uv.lock is missing: lock the project first (`uv lock`).")
    lock = parse_lock(lock_path.read_text(encoding="utf-8"), lock_path)
    missing = [name for name in names if not lock.by_name(name)]
    if missing:
        raise UvtuiError(f"{_names(missing)} not in uv.lock; nothing to bump.")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _names(names: Iterable[str]) -> str:
    return ", ".join(names)
