"""Connecting to the Docker engine the user means, with one-line errors when it cannot be.

DOCKER_HOST (unix, tcp, ssh as the SDK supports it) wins; otherwise the current Docker context
(`docker context use`, DOCKER_CONTEXT) names the engine, as the docker CLI would.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uvtui.core.errors import UvtuiError

if TYPE_CHECKING:
    import docker

DEFAULT_SOCKET = "/var/run/docker.sock"
API_TIMEOUT_SECONDS = 60


class ContainerError(UvtuiError):
    """Docker could not do what was asked; 125 as `docker run` uses for its own failures."""

    exit_code = 125


class CommandNotFound(ContainerError):
    """The program to run does not exist where it was to run (127, as a shell says)."""

    exit_code = 127


@dataclass(frozen=True)
class Engine:
    """Where the engine is (for messages) and a pinged client."""

    where: str
    client: docker.DockerClient


def engine_address(environ: Mapping[str, str] | None = None) -> tuple[str, object | None]:
    """(base URL, TLS config or None) of the engine DOCKER_HOST or the current context names."""
    env = os.environ if environ is None else environ
    if env.get("DOCKER_HOST"):
        return env["DOCKER_HOST"], None
    try:
        from docker.context import ContextAPI

        name = env.get("DOCKER_CONTEXT")
        context = ContextAPI.get_context(name) if name else ContextAPI.get_current_context()
    except Exception:  # a broken context store: fall back to the default socket, as the CLI does
        context = None
    if context is None or not context.Host:
        return f"unix://{DEFAULT_SOCKET}", None
    tls = context.TLSConfig if context.Host.startswith("tcp://") else None
    return context.Host, tls


def connect(environ: Mapping[str, str] | None = None) -> Engine:
    """A client for the user's engine, pinged once; ContainerError says what is wrong."""
    import docker
    import docker.errors
    import requests

    env = dict(os.environ if environ is None else environ)
    where, tls = engine_address(env)
    ssh = where.startswith("ssh://")
    try:
        if env.get("DOCKER_HOST"):
            # from_env also reads DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.
            client = docker.from_env(
                environment=env, timeout=API_TIMEOUT_SECONDS, use_ssh_client=ssh
            )
        else:
            client = docker.DockerClient(
                base_url=where, tls=tls or False, timeout=API_TIMEOUT_SECONDS, use_ssh_client=ssh
            )
        client.ping()
    except (docker.errors.DockerException, requests.RequestException, OSError) as error:
        raise engine_error(error, where) from None
    return Engine(where, client)


def engine_error(error: BaseException, where: str) -> ContainerError:
    """One line saying why the engine at `where` cannot be used."""
    if _caused_by(error, PermissionError):
        return ContainerError(
            f"Permission denied on the Docker socket ({where}): add your user to the "
            "`docker` group or run with access to it."
        )
    default_socket = where == f"unix://{DEFAULT_SOCKET}" and not os.path.exists(DEFAULT_SOCKET)
    if default_socket and shutil.which("docker") is None and shutil.which("dockerd") is None:
        return ContainerError("Docker is not installed (no docker CLI, no engine socket).")
    return ContainerError(f"The Docker engine is not running or not reachable at {where}.")


def first_line(error: BaseException) -> str:
    """The first non-empty line of an error's text (engine errors can be long)."""
    explanation = getattr(error, "explanation", None)
    text = str(explanation or error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return True
        stack.extend([current.__cause__, current.__context__, *_nested(current)])
    return False


def _nested(error: BaseException) -> list[BaseException]:
    """Exceptions requests/urllib3 keep in args instead of the cause chain."""
    return [arg for arg in getattr(error, "args", ()) if isinstance(arg, BaseException)] + [
        reason for reason in [getattr(error, "reason", None)] if isinstance(reason, BaseException)
    ]
