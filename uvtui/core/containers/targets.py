"""Pick the runner a command goes to: the app's container, a one-off container, or local."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from uvtui.core.containers.discovery import Discovery, describe, find_app_container
from uvtui.core.containers.engine import ContainerError, Engine, connect
from uvtui.core.containers.exec_runner import ExecRunner
from uvtui.core.containers.local_runner import LocalRunner
from uvtui.core.containers.oneoff import OneOffRunner


@dataclass(frozen=True)
class Target:
    """The runner and how to describe it (for the header and the CLI)."""

    runner: ExecRunner | OneOffRunner | LocalRunner
    label: str  # e.g. "container app-web-1 (web, running)", "local"

    def close(self) -> None:
        if isinstance(self.runner, OneOffRunner):
            self.runner.close()


def local_target(root: Path, environ: Mapping[str, str] | None = None) -> Target:
    return Target(LocalRunner(root, environ), "local")


def container_target(
    root: Path,
    *,
    service: str | None = None,
    container: str | None = None,
    environ: Mapping[str, str] | None = None,
    engine: Engine | None = None,
) -> Target:
    """The app container's runner; ContainerError when there is none or the choice is the user's."""
    engine = engine or connect(environ)
    found = find_app_container(engine.client, root, service=service, container=container)
    return target_for(engine, found, root)


def target_for(engine: Engine, found: Discovery, root: Path) -> Target:
    """The runner for a discovery; ContainerError when several candidates need a choice."""
    if found.chosen is not None:
        chosen = found.chosen
        return Target(ExecRunner(engine.client, chosen.id, chosen.name), describe(chosen))
    if found.needs_choice:
        names = ", ".join(describe(candidate) for candidate in found.candidates)
        raise ContainerError(f"Several containers could be the app: {names}. Pick one.")
    if found.one_off is not None:
        plan = found.one_off
        runner = OneOffRunner(engine.client, plan)
        return Target(runner, f"one-off {plan.service} from {plan.image} (not running)")
    raise ContainerError(
        f"No running Docker Compose container belongs to {root} and no image of its service "
        "was found: start it (docker compose up -d) or run locally instead."
    )
