"""Pick the runner a command goes to: the app's container, a one-off container, or local."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from uvtui.core.containers.actions import log_dir
from uvtui.core.containers.build import BuildRunner
from uvtui.core.containers.discovery import (
    Discovery,
    OneOffPlan,
    describe,
    find_app_container,
)
from uvtui.core.containers.engine import ContainerError, Engine, connect
from uvtui.core.containers.exec_runner import ExecRunner
from uvtui.core.containers.local_runner import LocalRunner
from uvtui.core.containers.oneoff import OneOffRunner
from uvtui.core.containers.runner import Run, start_run


class OneOffNotAllowed(ContainerError):
    """No app container runs and the caller has not agreed to a one-off container."""

    def __init__(self, plan: OneOffPlan) -> None:
        super().__init__(
            f"No {plan.service} container of {plan.project_root} is running: start it "
            f"(docker compose up -d {plan.service}), or allow a one-off container of {plan.image} "
            "with the project mounted (--one-off, like docker compose run --rm)."
        )
        self.plan = plan


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
    one_off: bool = False,
) -> Target:
    """The app container's runner; ContainerError when there is none or the choice is the user's
    (OneOffNotAllowed when only a one-off container could run it and `one_off` is False)."""
    engine = engine or connect(environ)
    found = find_app_container(engine.client, root, service=service, container=container)
    return target_for(engine, found, root, one_off=one_off)


def target_for(engine: Engine, found: Discovery, root: Path, *, one_off: bool = True) -> Target:
    """The runner for a discovery; ContainerError when several candidates need a choice."""
    if found.chosen is not None:
        chosen = found.chosen
        runner = ExecRunner(engine.client, chosen.id, chosen.name)
        runner.target = f"container {describe(chosen)}"
        return Target(runner, describe(chosen))
    if found.needs_choice:
        names = ", ".join(describe(candidate) for candidate in found.candidates)
        raise ContainerError(
            f"Several containers could be the app: {names}. Pick one "
            '(--container NAME, or "Choose the app container" in the palette).'
        )
    if found.one_off is not None:
        plan = found.one_off
        if not one_off:
            raise OneOffNotAllowed(plan)
        runner = OneOffRunner(engine.client, plan)
        return Target(runner, f"one-off {plan.service} from {plan.image} (not running)")
    raise ContainerError(
        f"No running Docker Compose container belongs to {root} and no image of its service "
        "was found: start it (docker compose up -d) or run locally instead."
    )


def start_command(
    root: Path,
    argv: Sequence[str],
    *,
    local: bool = False,
    service: str | None = None,
    container: str | None = None,
    environ: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    one_off: bool = False,
) -> tuple[Run, Callable[[], None]]:
    """Start `argv` for the project in its app container (or locally), log saved; in a one-off
    container of the service's image only when `one_off` allows it.

    Returns the run and a function to call once it has ended (it removes a one-off container).
    Raises ContainerError (or CommandNotFound) when it cannot start.
    """
    if local:
        target = local_target(root, environ)
    else:
        target = container_target(
            root, service=service, container=container, environ=environ, one_off=one_off
        )
    try:
        run = start_run(target.runner, argv, log_dir=log_dir(root), env=env)
    except BaseException:
        target.close()
        raise
    return run, target.close


def start_build(
    root: Path,
    *,
    dockerfile: str = "Dockerfile",
    environ: Mapping[str, str] | None = None,
    network_mode: str | None = None,
    tag: str | None = None,
) -> tuple[Run, Callable[[], None]]:
    """Start building the project's image; tagged as the app container's compose-built image
    when there is one (so `docker compose up` picks it up), unless `tag` is given."""
    engine = connect(environ)
    if tag is None:
        found = find_app_container(engine.client, root)
        app = found.chosen or (found.candidates[0] if found.candidates else None)
        tag = app.image if app is not None and app.builds_project else None
    runner = BuildRunner(
        engine.client,
        root,
        dockerfile=dockerfile,
        tag=tag,
        network_mode=network_mode,
        environ=environ,
    )
    run = start_run(runner, runner.argv(), log_dir=log_dir(root), explain=runner.explain)
    return run, lambda: None
