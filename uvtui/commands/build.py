"""`uvtui build`: build the project's image from its Dockerfile with the log streamed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry

EPILOG = """\
A Dockerfile whose RUN uses --mount is built with BuildKit through the docker CLI; others
through the engine API. The build log is saved under PATH/.uvtui/logs/.

exit codes:
  0    built
  1    the build failed (see its log)
  125  Docker could not build (no engine, unreadable Dockerfile, ...)
  130  cancelled with Ctrl-C
"""


def add_parser(commands: CommandRegistry) -> None:
    """Register `build` on the `uvtui` commands."""
    parser = commands.add_parser(
        "build",
        run=run,
        project="path",
        json=False,
        help="build the project's image with live output",
        description="Build the project's image from its Dockerfile with live output.",
        epilog=EPILOG,
    )
    parser.add_argument("--file", default="Dockerfile", help="the Dockerfile, relative to PATH")
    parser.add_argument(
        "--tag", help="name the image (default: the image compose built for the app service)"
    )
    parser.add_argument("--network", help="network for RUN steps (e.g. host)")


def run(args: argparse.Namespace) -> int:
    from uvtui.commands.streaming import report, stream_to_terminal
    from uvtui.core.containers.targets import start_build

    started, _ = start_build(
        args.project.resolve(), dockerfile=args.file, tag=args.tag, network_mode=args.network
    )
    result = stream_to_terminal(started, args.color)
    report(result)
    return 130 if result.cancelled else result.exit_code
