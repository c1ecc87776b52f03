"""A one-off container for when the app's container is not running (`docker compose run --rm`).

The container idles until closed; commands reach it through the same exec runner, so cancel,
exit codes and streaming behave exactly as in a running app container.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from uvtui.core.containers.discovery import ONEOFF, PROJECT, SERVICE, WORKING_DIR, OneOffPlan
from uvtui.core.containers.engine import ContainerError, first_line
from uvtui.core.containers.exec_runner import ExecExecution, ExecRunner

if TYPE_CHECKING:
    import docker

ONEOFF_LABEL = "org.uvtui.one-off"
# Waits for `docker stop` without needing anything beyond a POSIX sh and sleep.
_IDLE = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"


class OneOffRunner:
    """Starts the plan's container on first use and removes it on `close()`."""

    def __init__(
        self,
        client: docker.DockerClient,
        plan: OneOffPlan,
        *,
        network_mode: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.network_mode = network_mode
        self.labels = dict(labels or {})
        self.target = f"one-off container of {plan.service} ({plan.image})"
        self._runner: ExecRunner | None = None
        self._container_id: str | None = None

    def start(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> ExecExecution:
        if self._runner is None:
            self._runner = self._start_container()
        return self._runner.start(argv, env)

    def close(self) -> None:
        """Remove the one-off container (like `--rm`)."""
        import docker.errors

        if self._container_id is None:
            return
        with contextlib.suppress(docker.errors.DockerException):
            self.client.api.remove_container(self._container_id, force=True)
        self._container_id = None
        self._runner = None

    def _start_container(self) -> ExecRunner:
        import docker.errors

        plan = self.plan
        labels = {
            PROJECT: plan.project_root.name,
            SERVICE: plan.service,
            WORKING_DIR: str(plan.project_root),
            ONEOFF: "True",
            ONEOFF_LABEL: "1",
            **self.labels,
        }
        try:
            container = self.client.containers.run(
                plan.image,
                ["sh", "-c", _IDLE],
                entrypoint=[],
                detach=True,
                labels=labels,
                network_mode=self.network_mode,
                volumes={str(plan.project_root): {"bind": plan.mount_target, "mode": "rw"}},
                working_dir=plan.mount_target,
            )
        except docker.errors.ImageNotFound:
            raise ContainerError(
                f"The image {plan.image} is not on this engine: build it first."
            ) from None
        except docker.errors.DockerException as error:
            raise ContainerError(
                f"Could not start a one-off container of {plan.image}: {first_line(error)}"
            ) from None
        self._container_id = container.id
        return ExecRunner(self.client, container.id, container.name)
