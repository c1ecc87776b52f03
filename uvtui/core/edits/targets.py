"""Which packages a bump moves, and to what: the same answers the dependency screen shows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from uvtui.core.edits.stuck import Stuck, stuck_packages
from uvtui.core.errors import LockError, PackageIndexError, UvtuiError
from uvtui.core.project.outdated import CheckStatus, OutdatedRow
from uvtui.core.project.versions import update_kind

UPDATE_KINDS = ("patch", "minor", "major")


@dataclass(frozen=True)
class BumpTarget:
    name: str
    locked: str
    version: Version  # the latest compatible, or the latest, release
    update: str  # "patch" | "minor" | "major"


def bump_targets(
    project_path: Path,
    environ: Mapping[str, str],
    *,
    latest: bool,
    names: Sequence[str] = (),
    only: Collection[str] = UPDATE_KINDS,
    offline: bool = False,
) -> list[BumpTarget]:
    """Packages with a newer release (the latest, or the latest compatible), as the outdated
    check computes them: every outdated direct dependency, or only `names` (direct or not),
    kept when their update kind is in `only`."""
    rows = _checked_rows(project_path, environ, offline, include_transitive=bool(names))
    wanted = {canonicalize_name(name) for name in names}
    targets: dict[str, BumpTarget] = {}
    for row in rows:
        if (wanted and row.name not in wanted) or (not wanted and not row.direct):
            continue
        target = _target(row, latest)
        if target is not None and target.update in only:
            targets.setdefault(row.name, target)
    return list(targets.values())


def _target(row: OutdatedRow, latest: bool) -> BumpTarget | None:
    text = row.latest if latest else row.latest_compatible
    if row.status is not CheckStatus.CHECKED or not text or not row.locked:
        return None
    try:
        version, locked = Version(text), Version(row.locked)
    except InvalidVersion:
        return None
    kind = update_kind(locked, version)
    return BumpTarget(row.name, row.locked, version, kind.value) if kind else None


def stuck(
    project_path: Path, environ: Mapping[str, str], names: Sequence[str], offline: bool = False
) -> list[Stuck]:
    """What holds each of `names` back (plan.NotMoved's packages), as the outdated check says;
    without the holders when the index cannot be asked."""
    try:
        rows = _checked_rows(project_path, environ, offline, include_transitive=True)
    except UvtuiError:
        rows = []
    return stuck_packages(rows, names)


def _checked_rows(
    project_path: Path, environ: Mapping[str, str], offline: bool, *, include_transitive: bool
) -> list[OutdatedRow]:
    from uvtui.core.index.client import IndexClient
    from uvtui.core.index.config import resolve_indexes
    from uvtui.core.project.lock import load_lock
    from uvtui.core.project.model import load_project
    from uvtui.core.project.outdated import check_outdated

    project = load_project(project_path)
    lock = load_lock(project.root)
    if lock is None:
        raise LockError("uv.lock is missing: lock the project first (`uv lock`).")
    with IndexClient(resolve_indexes(project, environ), offline=offline) as client:
        rows = check_outdated(project, lock, client, include_transitive=include_transitive)
    unknown = [row for row in rows if row.status is CheckStatus.UNKNOWN]
    if unknown and len(unknown) == len(rows):
        raise PackageIndexError(f"the package index could not be asked: {unknown[0].reason}")
    return rows


def index_name_check(
    project_path: Path, environ: Mapping[str, str], offline: bool = False
) -> Callable[[str], None]:
    """A check_name for plan_add: raises UvtuiError when no index uv would use has the name."""
    from uvtui.core.index.client import IndexClient
    from uvtui.core.index.config import resolve_indexes
    from uvtui.core.project.model import load_project

    settings = resolve_indexes(load_project(project_path), environ)

    def check(name: str) -> None:
        with IndexClient(settings, offline=offline) as client:
            try:
                client.fetch(name)
            except PackageIndexError as error:
                if error.message.endswith("not found on any index"):
                    from uvtui.core.edits.names import close_names

                    close = [] if offline else close_names(settings, name)
                    hint = f"did you mean {' or '.join(close)}?" if close else "check the spelling."
                    raise UvtuiError(
                        f"{canonicalize_name(name)} is not on the package index "
                        f"({settings.indexes[-1].url}); {hint}"
                    ) from None
                raise

    return check
