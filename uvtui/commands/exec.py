"""`uvtui exec`: run a command in the app's container (or locally) with its output streamed.

Exits with the command's exit code; 125 when Docker could not run it, 127 when the command
does not exist.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from uvtui.core.errors import UvtuiError

if TYPE_CHECKING:
    from collections.abc import Callable

    from uvtui.cli import CommandRegistry
    from uvtui.core.containers.runner import Run
    from uvtui.core.containers.targets import OneOffNotAllowed


class UsageError(UvtuiError):
    """Printed like the parser's own usage errors: `uvtui: error: ...`, exit 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")


EPILOG = """\
The app container is the running Docker Compose container of the project (its compose
working dir is the project folder or a parent), preferring the service that builds the
project's image, else `web`. DOCKER_HOST and the current Docker context are honoured.
When none runs, a one-off container of the service's image with the project mounted (like
`docker compose run --rm`) is used only if you agree: asked on a terminal, --one-off otherwise.
Each run's log is saved under PATH/.uvtui/logs/.

exit codes:
  N    the command's own exit code (137: killed)
  125  Docker could not run it (no engine, no container, several to choose from, ...)
  127  the command was not found
  130  cancelled with Ctrl-C
"""


def add_parser(commands: CommandRegistry) -> None:
    """Register `exec` on the `uvtui` commands."""
    parser = commands.add_parser(
        "exec",
        run=run,
        project="option",
        json=False,
        help="run a command in the app's container with live output",
        description="Run a command in the app's container (or locally) with live output.",
        usage="uvtui exec [--project PATH] [--service NAME | --container NAME] [--local] "
        "[--one-off] -- CMD...",
        epilog=EPILOG,
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--service", help="the compose service whose container to use")
    where.add_argument("--container", help="a container name or id to use")
    where.add_argument("--local", action="store_true", help="run on this machine instead")
    parser.add_argument(
        "--one-off",
        action="store_true",
        help="when no app container runs, use a one-off one (like docker compose run --rm)",
    )
    parser.add_argument("argv", nargs=argparse.REMAINDER, metavar="CMD", help="the command")


def run(args: argparse.Namespace) -> int:
    from uvtui.commands.streaming import report, stream_to_terminal
    from uvtui.core.containers.targets import OneOffNotAllowed, start_command

    argv = list(args.argv[1:] if args.argv[:1] == ["--"] else args.argv)
    if not argv:
        raise UsageError("give the command to run after --, e.g. uvtui exec -- uv lock")
    if args.local and args.one_off:
        raise UsageError("--one-off does not go with --local")

    def start(one_off: bool) -> tuple[Run, Callable[[], None]]:
        return start_command(
            args.project.resolve(),
            argv,
            local=args.local,
            service=args.service,
            container=args.container,
            one_off=one_off,
        )

    try:
        started, release = start(args.one_off)
    except OneOffNotAllowed as refused:
        if not _one_off_agreed(refused):
            raise
        started, release = start(True)
    try:
        result = stream_to_terminal(started, args.color)
    finally:
        release()
    report(result)
    return 130 if result.cancelled else result.exit_code


def _one_off_agreed(refused: OneOffNotAllowed) -> bool:
    """On a terminal, ask before starting a one-off container; elsewhere never ask."""
    if not sys.stdin.isatty():
        return False
    plan = refused.plan
    question = (
        f"No {plan.service} container is running. Run in a one-off container of {plan.image} "
        f"with the project mounted at {plan.mount_target} (like docker compose run --rm)? [y/N] "
    )
    try:
        answer = input(question)
    except EOFError:
        answer = ""
    return answer.strip().lower() in {"y", "yes"}
