"""uv.lock written inside a container that does not mount the project: review it, copy it back.

When the project is baked into the image (no bind mount), `uv lock` in the container changes
only the container's copy. The copy back is an EditPlan (the diff and the uv.lock change table),
so it is reviewed like add/bump/remove and applied with a backup, undoable like every change.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

from uvtui.core.changes import ChangePlan, FileChange
from uvtui.core.containers.engine import ContainerError, first_line
from uvtui.core.edits.lock_changes import LockChange, lock_changes
from uvtui.core.edits.plan import EditPlan
from uvtui.core.errors import UvtuiError

if TYPE_CHECKING:
    import docker

LOCK_FILE = "uv.lock"


def mounts_project(client: docker.DockerClient, container_id: str, root: Path) -> bool:
    """True when a bind mount of the container holds the project folder (or a parent of it)."""
    attrs = _inspect(client, container_id)
    resolved = root.resolve()
    for mount in attrs.get("Mounts") or ():
        source = mount.get("Source")
        if mount.get("Type") == "bind" and source:
            folder = Path(source)
            if folder == resolved or folder in resolved.parents:
                return True
    return False


def container_lock(
    client: docker.DockerClient, container_id: str, workdir: str | None = None
) -> bytes | None:
    """The container's uv.lock in `workdir` (default: its working dir); None if it has none."""
    import docker.errors

    folder = workdir or _inspect(client, container_id).get("Config", {}).get("WorkingDir") or "/"
    path = posixpath.join(folder, LOCK_FILE)
    try:
        chunks, _ = client.api.get_archive(container_id, path)
        archive = b"".join(chunks)
    except docker.errors.NotFound:
        return None
    except docker.errors.DockerException as error:
        raise ContainerError(f"Cannot read {path} in the container: {first_line(error)}") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.next()
        extracted = tar.extractfile(member) if member is not None else None
        return extracted.read() if extracted is not None else None


def plan_lock_copy(root: Path, lock: bytes, description: str = "") -> ChangePlan | None:
    """The change that makes the project's uv.lock the container's; None when they agree."""
    local = root / LOCK_FILE
    try:
        old = local.read_bytes()
    except FileNotFoundError:
        old = None
    if old == lock:
        return None
    return ChangePlan(root, (FileChange(LOCK_FILE, old, lock),), description=description)


def review_lock_copy(root: Path, lock: bytes, container: str) -> EditPlan | None:
    """The copy back as the review screen shows it: the diff and the lock change table;
    applying it (core/edits/plan.apply_edit) refuses if the project's uv.lock moved since."""
    plan = plan_lock_copy(root, lock, f"copy uv.lock back from {container}")
    if plan is None:
        return None
    old = plan.changes[0].old
    notes: tuple[str, ...] = ()
    table: tuple[LockChange, ...] = ()
    try:
        table = lock_changes(old, lock)
    except (UvtuiError, UnicodeDecodeError) as error:
        reason = error.message if isinstance(error, UvtuiError) else "not UTF-8"
        notes = (f"No package table: {reason}",)
    return EditPlan(
        action="copy",
        change_plan=plan,
        lock_changes=table,
        uv_messages="",
        notes=notes,
        snapshot=((LOCK_FILE, old),),
    )


def _inspect(client: docker.DockerClient, container_id: str) -> dict:
    import docker.errors

    try:
        return client.api.inspect_container(container_id)
    except docker.errors.DockerException as error:
        raise ContainerError(f"Cannot inspect the container: {first_line(error)}") from None
