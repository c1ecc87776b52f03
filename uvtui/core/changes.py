"""Planned file changes: a value with unified diffs, applied atomically with backups, undoable.

Every feature that edits a project (migrate, bump, add, remove) builds a ChangePlan first; the
UI shows `plan.diff()`, `apply_plan` writes it, `undo_latest` reverses the last apply.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from uvtui.core.errors import UvtuiError
from uvtui.core.findings import Finding

BACKUP_DIR = ".uvtui/backup"
MANIFEST = "manifest.json"
UNDONE_SUFFIX = ".undone"
REDO_DIR = "redo"  # inside an undone backup: the bytes the undo replaced
COPY_SKIP = (".git", ".venv", "node_modules", ".uvtui")


@dataclass(frozen=True)
class FileChange:
    """One file's planned content: old None = create, new None = delete."""

    path: str  # relative to the plan root, POSIX separators
    old: bytes | None
    new: bytes | None
    mode: int | None = None  # permission bits to set; None keeps the current mode (0644-ish if new)

    @property
    def kind(self) -> str:
        if self.old is None:
            return "create"
        if self.new is None:
            return "delete"
        return "modify"

    def diff(self) -> str:
        """Git-style unified diff of this file (new files against /dev/null)."""
        header = [f"diff --git a/{self.path} b/{self.path}\n"]
        if self.kind == "create":
            header.append(f"new file mode {_git_mode(self.mode)}\n")
        elif self.kind == "delete":
            header.append(f"deleted file mode {_git_mode(self.mode)}\n")
        old_name = "/dev/null" if self.old is None else f"a/{self.path}"
        new_name = "/dev/null" if self.new is None else f"b/{self.path}"
        old_text, new_text = _as_text(self.old or b""), _as_text(self.new or b"")
        if old_text is None or new_text is None:
            header.append(f"Binary files {old_name} and {new_name} differ\n")
            return "".join(header)
        if self.old == self.new:
            return "".join(header) if len(header) > 1 else ""
        lines = difflib.unified_diff(
            _split_lines(old_text), _split_lines(new_text), old_name, new_name
        )
        return "".join(header) + "".join(lines)


@dataclass(frozen=True)
class ChangePlan:
    """A set of file changes under one root plus what the planner wants the user to know."""

    root: Path
    changes: tuple[FileChange, ...]
    findings: tuple[Finding, ...] = ()
    # What the change does in a few words ("bump flask to 3.1.0"): the undo/redo labels.
    description: str = ""

    def diff(self) -> str:
        """The unified diff of every change, in plan order."""
        return "".join(change.diff() for change in self.changes)

    def change_for(self, path: str) -> FileChange | None:
        return next((change for change in self.changes if change.path == path), None)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(change.path for change in self.changes)


@dataclass(frozen=True)
class AppliedChange:
    """What an apply (or an undo) did; backup_dir holds the previous bytes and the manifest."""

    root: Path
    backup_dir: Path
    replaced: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    created: tuple[str, ...] = ()


@dataclass
class _Written:
    """Rollback journal of one apply: what was touched so far and the bytes before."""

    files: list[tuple[Path, bytes | None, int | None]] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)


def apply_plan(plan: ChangePlan) -> AppliedChange:
    """Write a plan: verify, back up, write atomically; on any error restore what was written.

    Raises UvtuiError when a file no longer has the bytes the plan was made against (nothing
    written) or when writing fails (everything written so far is restored first).
    """
    root = plan.root.resolve()
    changes = [change for change in plan.changes if change.old != change.new or change.mode]
    if not changes:
        raise UvtuiError("The plan changes nothing; nothing was written.")
    for change in changes:
        _check_unchanged(root, change)
    backup_dir = _new_backup_dir(root)
    modes = {c.path: _mode_of(_target(root, c.path)) for c in changes if c.old is not None}
    journal = _Written()
    try:
        _write_backup(backup_dir, changes, modes, plan.description)
        for change in changes:
            _apply_one(root, change, modes.get(change.path), journal)
        _record_dirs(backup_dir, root, journal.dirs)
    except BaseException as error:
        # Ctrl-C (KeyboardInterrupt) between two files too: no half-applied change stays.
        _roll_back(journal)
        shutil.rmtree(backup_dir, ignore_errors=True)
        if not isinstance(error, (OSError, UvtuiError)):
            raise
        raise UvtuiError(
            f"Could not write the changes ({_describe(error)}); every file was restored."
        ) from error
    _forget_redo(root / BACKUP_DIR)
    return AppliedChange(
        root=root,
        backup_dir=backup_dir,
        replaced=tuple(c.path for c in changes if c.kind == "modify"),
        deleted=tuple(c.path for c in changes if c.kind == "delete"),
        created=tuple(c.path for c in changes if c.kind == "create"),
    )


def materialize(plan: ChangePlan, destination: Path) -> Path:
    """A copy of the plan's root at destination with the plan applied (e.g. to build it).

    The root itself is not touched; VCS, virtualenv and uvtui directories are not copied.
    """
    shutil.copytree(
        plan.root, destination, symlinks=True, ignore=shutil.ignore_patterns(*COPY_SKIP)
    )
    for change in plan.changes:
        path = _target(destination, change.path)
        if change.new is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(change.new)
        if change.mode is not None:
            path.chmod(change.mode)
    return destination


def restore_backup(backup_dir: Path) -> AppliedChange:
    """Put back every file of one backup: restore replaced/deleted bytes, remove created files."""
    manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
    root = backup_dir.parents[2]  # <root>/.uvtui/backup/<stamp>: the project may have moved
    for rel in manifest["replaced"] + manifest["deleted"]:
        target = _target(root, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = _target(backup_dir, rel).read_bytes()
        _atomic_write(target, data, manifest["modes"][rel], _Written())
    for rel in manifest["created"]:
        _target(root, rel).unlink(missing_ok=True)
    for rel in reversed(manifest.get("created_dirs", [])):
        _remove_empty_dir(root / rel)
    return AppliedChange(
        root=root,
        backup_dir=backup_dir,
        replaced=tuple(manifest["replaced"]),
        deleted=tuple(manifest["deleted"]),
        created=tuple(manifest["created"]),
    )


def undo_latest(root: Path) -> AppliedChange | None:
    """Reverse the most recent apply under root; None when there is nothing to undo.

    The used backup is renamed to `<stamp>.undone`, so a second undo reverses the apply before.
    """
    backup_dir = latest_backup(root)
    if backup_dir is None:
        return None
    try:
        _keep_for_redo(backup_dir)
        undone = restore_backup(backup_dir)
    except (OSError, KeyError, ValueError) as error:
        raise UvtuiError(f"Could not undo from {backup_dir} ({_describe(error)}).") from error
    backup_dir.rename(backup_dir.with_name(backup_dir.name + UNDONE_SUFFIX))
    return undone


def redo_latest(root: Path) -> AppliedChange | None:
    """Write again what the last undo took back; None when there is nothing to redo.

    Only undos since the last apply can be redone, most recent undo first. Refuses (nothing
    written) when a file no longer has the bytes the undo left.
    """
    backup_dir = next_redo(root)
    if backup_dir is None:
        return None
    manifest = _manifest(backup_dir)
    redo_dir = backup_dir / REDO_DIR
    root = backup_dir.parents[2]
    changes = []
    for rel in manifest["replaced"] + manifest["created"]:
        old = None if rel in manifest["created"] else _target(backup_dir, rel).read_bytes()
        new = _target(redo_dir, rel).read_bytes()
        changes.append(FileChange(rel, old, new))
    changes += [
        FileChange(rel, _target(backup_dir, rel).read_bytes(), None) for rel in manifest["deleted"]
    ]
    for change in changes:
        _check_unchanged(root, change)
    journal = _Written()
    try:
        for change in changes:
            _apply_one(root, change, manifest["modes"].get(change.path), journal)
    except OSError as error:
        _roll_back(journal)
        raise UvtuiError(
            f"Could not redo ({_describe(error)}); every file was restored."
        ) from error
    shutil.rmtree(redo_dir, ignore_errors=True)
    live = backup_dir.with_name(backup_dir.name.removesuffix(UNDONE_SUFFIX))
    backup_dir.rename(live)
    return AppliedChange(
        root=root,
        backup_dir=live,
        replaced=tuple(manifest["replaced"]),
        deleted=tuple(manifest["deleted"]),
        created=tuple(manifest["created"]),
    )


def next_redo(root: Path) -> Path | None:
    """The backup a redo would write again (the most recently undone), or None."""
    backups = root.resolve() / BACKUP_DIR
    if not backups.is_dir():
        return None
    candidates = sorted(
        entry
        for entry in backups.iterdir()
        if entry.name.endswith(UNDONE_SUFFIX) and (entry / REDO_DIR).is_dir()
    )
    return candidates[0] if candidates else None


def backup_description(backup_dir: Path) -> str:
    """What the apply that made this backup did, in a few words ("" when it did not say)."""
    try:
        return str(_manifest(backup_dir).get("description", ""))
    except (OSError, ValueError):
        return ""


def _manifest(backup_dir: Path) -> dict:
    return json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))


def _keep_for_redo(backup_dir: Path) -> None:
    """Copy the bytes the undo is about to replace, so a redo can write them again."""
    manifest = _manifest(backup_dir)
    root = backup_dir.parents[2]
    redo_dir = backup_dir / REDO_DIR
    for rel in manifest["replaced"] + manifest["created"]:
        current = _read_current(_target(root, rel))
        if current is None:
            raise UvtuiError(f"{rel} is missing; the change cannot be undone safely.")
        copy = _target(redo_dir, rel)
        copy.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(copy, current, 0o600, _Written())


def _forget_redo(backups: Path) -> None:
    """A new apply starts a new history: what was undone before can no longer be redone."""
    for entry in backups.iterdir():
        if entry.name.endswith(UNDONE_SUFFIX):
            shutil.rmtree(entry / REDO_DIR, ignore_errors=True)


def latest_backup(root: Path) -> Path | None:
    """The newest backup under root that has not been undone yet."""
    candidates = sorted(_live_backups(root.resolve() / BACKUP_DIR))
    return candidates[-1] if candidates else None


def _live_backups(backups: Path) -> Iterator[Path]:
    if not backups.is_dir():
        return
    for entry in backups.iterdir():
        if not entry.name.endswith(UNDONE_SUFFIX) and (entry / MANIFEST).is_file():
            yield entry


def _target(root: Path, rel: str) -> Path:
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise UvtuiError(f"Refusing to write outside the project: {rel}")
    return root.joinpath(*pure.parts)


def _read_current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        raise UvtuiError(f"{path} is a directory, expected a file.") from None


def _check_unchanged(root: Path, change: FileChange) -> None:
    if _read_current(_target(root, change.path)) != change.old:
        raise UvtuiError(
            f"{change.path} changed on disk since the plan was made; nothing was written. "
            "Make the plan again."
        )


def _mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _new_backup_dir(root: Path) -> Path:
    backups = root / BACKUP_DIR
    backups.mkdir(parents=True, exist_ok=True)
    ignore = root / ".uvtui" / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# uvtui backups stay out of version control\n*\n", encoding="utf-8")
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        try:
            (backups / stamp).mkdir()
        except FileExistsError:
            continue
        return backups / stamp


def _write_backup(
    backup_dir: Path, changes: list[FileChange], modes: dict[str, int], description: str
) -> None:
    for change in changes:
        if change.old is not None:
            copy = _target(backup_dir, change.path)
            copy.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(copy, change.old, 0o600, _Written())
    manifest = {
        "version": 1,
        "created_at": datetime.now(UTC).isoformat(),
        "replaced": [c.path for c in changes if c.kind == "modify"],
        "deleted": [c.path for c in changes if c.kind == "delete"],
        "created": [c.path for c in changes if c.kind == "create"],
        "modes": modes,
        "created_dirs": [],
        "description": description,
    }
    _write_manifest(backup_dir, manifest)


def _write_manifest(backup_dir: Path, manifest: dict) -> None:
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _atomic_write(backup_dir / MANIFEST, data, 0o644, _Written())


def _record_dirs(backup_dir: Path, root: Path, dirs: list[Path]) -> None:
    if not dirs:
        return
    manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
    manifest["created_dirs"] = [d.relative_to(root).as_posix() for d in dirs]
    _write_manifest(backup_dir, manifest)


def _apply_one(root: Path, change: FileChange, old_mode: int | None, journal: _Written) -> None:
    path = _target(root, change.path)
    if change.new is None:
        journal.files.append((path, change.old, old_mode))
        path.unlink()
        return
    _make_parents(path.parent, root, journal)
    mode = change.mode if change.mode is not None else old_mode
    _atomic_write(path, change.new, mode, journal, previous=(change.old, old_mode))


def _atomic_write(
    path: Path,
    data: bytes,
    mode: int | None,
    journal: _Written,
    previous: tuple[bytes | None, int | None] | None = None,
) -> None:
    """Write via a temp file in the same directory + os.replace, fsynced.

    mode None leaves the temp file's mode, which is 0666 minus the umask like any new file.
    """
    temp_name = path.parent / f".{path.name}.{secrets.token_hex(6)}.uvtui-tmp"
    fd = os.open(temp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        temp_name.unlink(missing_ok=True)
        raise
    if previous is not None:
        journal.files.append((path, *previous))
    _fsync_dir(path.parent)


def _make_parents(directory: Path, root: Path, journal: _Written) -> None:
    missing = []
    while not directory.exists() and directory != root:
        missing.append(directory)
        directory = directory.parent
    for new_dir in reversed(missing):
        new_dir.mkdir()
        journal.dirs.append(new_dir)


def _roll_back(journal: _Written) -> None:
    for path, old, mode in reversed(journal.files):
        if old is None:
            path.unlink(missing_ok=True)
        else:
            _atomic_write(path, old, mode, _Written())
    for directory in reversed(journal.dirs):
        _remove_empty_dir(directory)


def _remove_empty_dir(directory: Path) -> None:
    # Not empty (the user put something there) or already gone: leave it.
    with contextlib.suppress(OSError):
        directory.rmdir()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _describe(error: BaseException) -> str:
    if isinstance(error, UvtuiError):
        return error.message
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or error}: {error.filename}"
    return str(error)


def _git_mode(mode: int | None) -> str:
    return "100755" if mode is not None and mode & 0o111 else "100644"


def _as_text(data: bytes) -> str | None:
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _split_lines(text: str) -> list[str]:
    """Lines split on LF only (CRLF stays visible); a missing final newline marked like diff(1)."""
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
