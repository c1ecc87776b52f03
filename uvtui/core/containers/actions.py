"""The commands uvtui offers to run for a project (in its container or locally)."""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from uvtui.core.containers.runner import LOG_DIR

UV_INSTALL_SCRIPT = "bin/uv-install"
# `uv sync` flags that change what is installed: the container should sync as its image did.
_SELECTION_FLAGS = frozenset(
    {
        "--no-install-project",
        "--no-dev",
        "--no-editable",
        "--all-extras",
        "--all-groups",
        "--no-default-groups",
        "--inexact",
        "--no-install-workspace",
    }
)
_VALUE_FLAGS = frozenset({"--extra", "--group", "--only-group", "--no-group", "--package"})
_UV_SYNC = re.compile(r"\buv\s+sync\b(?P<rest>[^;&|\n]*)")


@dataclass(frozen=True)
class ProjectAction:
    """A named command (the key and palette entry in the TUI)."""

    key: str
    title: str
    argv: tuple[str, ...]

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


def project_actions(root: Path) -> list[ProjectAction]:
    """uv lock, uv sync --frozen (with the Dockerfile's flags), bin/uv-install, outdated tree."""
    actions = [
        ProjectAction("lock", "uv lock", ("uv", "lock")),
        ProjectAction("sync", "uv sync --frozen", ("uv", "sync", "--frozen", *sync_flags(root))),
    ]
    if (root / UV_INSTALL_SCRIPT).is_file():
        actions.append(ProjectAction("uv_install", UV_INSTALL_SCRIPT, (UV_INSTALL_SCRIPT,)))
    outdated = ("uv", "tree", "--outdated", "--depth", "1")
    actions.append(ProjectAction("outdated", "uv tree --outdated", outdated))
    return actions


def sync_flags(root: Path, dockerfile: str = "Dockerfile") -> list[str]:
    """The selection flags the project's image syncs with (Dockerfile, then bin/uv-install)."""
    flags: list[str] = []
    for path in (root / dockerfile, root / UV_INSTALL_SCRIPT):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        text = text.replace("\\\n", " ")
        for match in _UV_SYNC.finditer(text):
            _collect(match["rest"], flags)
    return flags


def log_dir(root: Path) -> Path:
    """Where each run's log is saved: the project's uvtui folder."""
    return root / LOG_DIR


def _collect(rest: str, flags: list[str]) -> None:
    try:
        words = shlex.split(rest, comments=True)
    except ValueError:
        words = rest.split()
    for index, word in enumerate(words):
        name, _, value = word.partition("=")
        if name in _SELECTION_FLAGS and name not in flags:
            flags.append(name)
        elif name in _VALUE_FLAGS:
            value = value or (words[index + 1] if index + 1 < len(words) else "")
            if value and not value.startswith("-") and f"{name}={value}" not in flags:
                flags.append(f"{name}={value}")


def recreate_command(service: str, compose_cli: str | None = None) -> list[str]:
    """`docker compose up -d --no-deps --force-recreate SERVICE` with the compose CLI at hand
    (the v1 `docker-compose` when there is no `docker compose` plugin); run in the compose
    project's folder, it puts the freshly built image into the app container."""
    cli = compose_cli or ("docker-compose" if shutil.which("docker-compose") else "docker compose")
    return [*cli.split(), "up", "-d", "--no-deps", "--force-recreate", service]
