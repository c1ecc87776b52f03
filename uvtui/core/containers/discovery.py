"""Find the app's container among Docker Compose containers, by their labels.

A candidate runs, is not a one-off (`docker compose run`), and its compose working dir is the
project folder or one of its parents. The service whose image compose built (the project's
Dockerfile) is preferred, else `web`. Without a running one, a one-off plan names the service's
image and mounts the project as compose would (`docker compose run --rm`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from uvtui.core.containers.engine import ContainerError, first_line

if TYPE_CHECKING:
    import docker

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
WORKING_DIR = "com.docker.compose.project.working_dir"
ONEOFF = "com.docker.compose.oneoff"
PREFERRED_SERVICE = "web"
DEFAULT_MOUNT = "/app"


@dataclass(frozen=True)
class AppContainer:
    """A compose container that may run the app."""

    id: str
    name: str
    project: str
    service: str
    working_dir: str
    image: str  # the image name it was created from (Config.Image)
    state: str  # "running", "exited", ...
    builds_project: bool  # its image is the one compose built for this service


@dataclass(frozen=True)
class OneOffPlan:
    """A container to start for one command, like `docker compose run --rm SERVICE`."""

    image: str
    service: str
    project_root: Path
    mount_target: str  # where the project is mounted inside (the image's WORKDIR, else /app)


@dataclass(frozen=True)
class Discovery:
    """What was found: one container, several to pick from, or a one-off plan (or nothing)."""

    chosen: AppContainer | None
    candidates: tuple[AppContainer, ...]  # running candidates, best first
    one_off: OneOffPlan | None = None

    @property
    def needs_choice(self) -> bool:
        return self.chosen is None and len(self.candidates) > 1


def find_app_container(
    client: docker.DockerClient,
    project_root: Path,
    *,
    service: str | None = None,
    container: str | None = None,
) -> Discovery:
    """The container to run the project's commands in (see the module docstring).

    `container` names one directly (name or id); `service` restricts to that compose service.
    """
    import docker.errors
    import requests

    try:
        if container is not None:
            return Discovery(_named(client, container), ())
        found = [_describe(c) for c in client.containers.list(all=True, filters={"label": PROJECT})]
    except docker.errors.DockerException as error:
        raise ContainerError(f"Cannot list containers: {first_line(error)}") from None
    except requests.RequestException as error:
        raise ContainerError(f"Lost the Docker engine: {first_line(error)}") from None
    root = project_root.resolve()
    mine = [c for c in found if c is not None and _covers(c.working_dir, root)]
    if service is not None:
        mine = [c for c in mine if c.service == service]
    running = sorted((c for c in mine if c.state == "running"), key=_rank)
    if running:
        best = [c for c in running if _rank(c)[:2] == _rank(running[0])[:2]]
        return Discovery(running[0] if len(best) == 1 else None, tuple(running))
    return Discovery(None, (), _one_off(client, root, mine, service))


def describe(container: AppContainer) -> str:
    """`name (service, state)` for headers and pick lists."""
    return f"{container.name} ({container.service}, {container.state})"


def _rank(container: AppContainer) -> tuple[int, int, str]:
    return (
        0 if container.builds_project else 1,
        0 if container.service == PREFERRED_SERVICE else 1,
        container.name,
    )


def _covers(working_dir: str, root: Path) -> bool:
    """The compose project folder is the project root or one of its parents."""
    if not working_dir:
        return False
    folder = Path(working_dir)
    return folder == root or folder in root.parents


def _describe(container: docker.models.containers.Container) -> AppContainer | None:
    labels = container.labels or {}
    if labels.get(ONEOFF, "False").lower() == "true" or WORKING_DIR not in labels:
        return None
    project, service = labels.get(PROJECT, ""), labels.get(SERVICE, "")
    image = container.attrs.get("Config", {}).get("Image", "")
    return AppContainer(
        id=container.id,
        name=container.name,
        project=project,
        service=service,
        working_dir=labels[WORKING_DIR],
        image=image,
        state=container.attrs.get("State", {}).get("Status", container.status),
        builds_project=_built_by_compose(image, project, service),
    )


def _built_by_compose(image: str, project: str, service: str) -> bool:
    """Compose names the image it builds `<project>_<service>` (v1) or `<project>-<service>`."""
    name = image.split("@")[0]
    name = re.sub(r":[^/:]+$", "", name)
    return name in (f"{project}_{service}", f"{project}-{service}")


def _named(client: docker.DockerClient, name: str) -> AppContainer:
    import docker.errors

    try:
        container = client.containers.get(name)
    except docker.errors.NotFound:
        raise ContainerError(f"No container named {name}.") from None
    labels = container.labels or {}
    state = container.attrs.get("State", {}).get("Status", container.status)
    if state != "running":
        raise ContainerError(f"The container {container.name} is not running ({state}).")
    return AppContainer(
        id=container.id,
        name=container.name,
        project=labels.get(PROJECT, ""),
        service=labels.get(SERVICE, ""),
        working_dir=labels.get(WORKING_DIR, ""),
        image=container.attrs.get("Config", {}).get("Image", ""),
        state=state,
        builds_project=False,
    )


def _one_off(
    client: docker.DockerClient,
    root: Path,
    stopped: Sequence[AppContainer],
    service: str | None,
) -> OneOffPlan | None:
    """The image of the app service (from its stopped containers, or compose's naming)."""
    ranked = sorted(stopped, key=_rank)
    if ranked:
        best = ranked[0]
        return OneOffPlan(best.image, best.service, root, _mount_target(client, best.image))
    project = re.sub(r"[^a-z0-9_-]", "", root.name.lower())
    wanted = service or PREFERRED_SERVICE
    for image in (f"{project}-{wanted}", f"{project}_{wanted}"):
        if _image_exists(client, image):
            return OneOffPlan(image, wanted, root, _mount_target(client, image))
    return None


def _image_exists(client: docker.DockerClient, image: str) -> bool:
    import docker.errors

    try:
        client.images.get(image)
    except docker.errors.DockerException:
        return False
    return True


def _mount_target(client: docker.DockerClient, image: str) -> str:
    import docker.errors

    try:
        workdir = client.images.get(image).attrs.get("Config", {}).get("WorkingDir") or ""
    except docker.errors.DockerException:
        workdir = ""
    return str(PurePosixPath(workdir)) if workdir and workdir != "/" else DEFAULT_MOUNT
