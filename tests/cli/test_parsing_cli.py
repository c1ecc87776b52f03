"""The parsing rules of `uvtui` as scripts meet them: no screen without a terminal, no argument
silently ignored. Each case is a real process with stdin=/dev/null and a timeout; none writes."""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.migration_trees import tree_state
from tests.support.terminal import read_until
from uvtui import cli

PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["flask>=3", "Redis>=4"]

[dependency-groups]
dev = ["pytest==8.0.0"]
"""
TIMEOUT = 60


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def uvtui(
    *args: str | Path, cwd: Path | None = None, stdin: int = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uvtui", *map(str, args)],
        cwd=cwd,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_usage_error(
    result: subprocess.CompletedProcess[str], *expected: str, root: Path, before: dict
) -> None:
    """Exit 2, one line on stderr holding every expected text, nothing on stdout or disk."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("uvtui: error: ")
    for text in expected:
        assert text in lines[0]
    assert tree_state(root) == before


NO_TERMINAL = "the screen needs a terminal on stdin and stdout"
HEADLESS = ("uvtui outdated", "uvtui migrate", "uvtui completion")


@pytest.mark.parametrize(
    "args",
    [("{root}",), ("--project", "{root}"), ("--color", "never", "{root}"), ()],
    ids=["path", "--project", "--color", "cwd"],
)
def test_the_screen_never_starts_off_a_terminal(project: Path, args: tuple[str, ...]) -> None:
    before = tree_state(project)
    result = uvtui(*(arg.format(root=project) for arg in args), cwd=project)
    assert_usage_error(result, NO_TERMINAL, *HEADLESS, root=project, before=before)


def test_the_demo_never_starts_off_a_terminal(project: Path) -> None:
    before = tree_state(project)
    result = uvtui("--demo", cwd=project)
    assert_usage_error(result, NO_TERMINAL, root=project, before=before)


def test_a_terminal_on_stdin_only_is_not_enough(project: Path) -> None:
    """`uvtui > out.txt` typed at a prompt: stdin is a terminal, stdout a file."""
    before = tree_state(project)
    primary, secondary = pty.openpty()
    try:
        result = uvtui(project, stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert_usage_error(result, NO_TERMINAL, root=project, before=before)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("deploy", "--project", "{root}"), ("no such command or folder: 'deploy'",)),
        (("serve", "--project", "{root}"), ("no such command or folder: 'serve'",)),
        (("outdate", "{root}"), ("did you mean 'outdated'?", "commands: outdated, migrate")),
        (("--color", "never", "migrat"), ("did you mean 'migrate'?",)),
    ],
    ids=["deploy", "serve", "did-you-mean", "after-an-option"],  # a missing path: test_open_cli
)
def test_a_first_word_that_is_neither_a_command_nor_a_folder(
    project: Path, args: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    before = tree_state(project)
    result = uvtui(*(arg.format(root=project) for arg in args), cwd=project)
    assert_usage_error(result, *expected, root=project, before=before)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("{root}", "--project", "{root}"), "the project is given twice"),
        (("{root}", "--demo"), "the project is given twice"),
        (("outdated", "{root}", "--project", "{root}"), "not both"),
        (("migrate", "{root}", "--project", "{root}", "--diff"), "not both"),
        (("--project", "{root}", "outdated"), "give the project after the command"),
        (("{root}", "outdated"), "a command comes first: uvtui outdated"),
        (("{root}", "stray"), "unexpected 'stray' after the folder"),
        (("--project", "{root}", "completion", "bash"), "uvtui completion takes no project"),
    ],
    ids=[
        "screen",
        "screen-demo",
        "outdated",
        "migrate",
        "before-command",
        "folder-first",
        "stray",
        "no-project-command",
    ],
)
def test_the_project_is_given_once(project: Path, args: tuple[str, ...], expected: str) -> None:
    before = tree_state(project)
    result = uvtui(*(arg.format(root=project) for arg in args), cwd=project)
    assert_usage_error(result, expected, root=project, before=before)


def test_migrate_with_stdout_off_a_terminal_plans_instead_of_starting_the_wizard(
    project: Path,
) -> None:
    """stdin a terminal, stdout a pipe: no wizard; the plan (here refused at once: R1)."""
    before = tree_state(project)
    primary, secondary = pty.openpty()
    try:
        result = uvtui("migrate", project, stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert result.returncode == 1
    assert result.stderr.startswith("uvtui: R1: Nothing to migrate")
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    assert tree_state(project) == before


def test_the_screen_starts_on_a_terminal(project: Path) -> None:
    """The guard lets a real terminal through: the screen paints, and q quits with 0."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvtui", str(project)],
            env={**os.environ, "TERM": "xterm-256color"},
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            start_new_session=True,
        )
        shown = read_until(primary, b"flask", TIMEOUT, process)
        assert b"flask" in shown
        os.write(primary, b"q")
        read_until(primary, b"\x00never", 30, process)  # drain the terminal until it exits
        assert process.wait(timeout=30) == 0
    finally:
        os.close(primary)
        os.close(secondary)


def test_help_and_version_need_no_terminal(project: Path) -> None:
    assert uvtui("--help").returncode == 0
    assert uvtui("--version").stdout.startswith("uvtui ")


def _register_bump(commands: cli.CommandRegistry) -> None:
    """A command in the shape of the coming `bump` (named apart so the real one can land)."""
    parser = commands.add_parser("x-bump", run=_show, project="option", json=True, help="bump")
    parser.add_argument("packages", nargs="+")


def _show(args: argparse.Namespace) -> int:
    print(f"{args.packages} {args.project} {args.json} {args.color}")
    return 0


@pytest.fixture
def with_bump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        cli, "COMMANDS", (*cli.COMMANDS, SimpleNamespace(add_parser=_register_bump))
    )


@pytest.mark.usefixtures("with_bump")
def test_a_new_command_gets_the_shared_options(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--color", "always", "x-bump", "flask", "--project", str(project)]) == 0
    assert capsys.readouterr().out == f"['flask'] {project} False always\n"
    assert cli.main(["x-bump", "flask", "redis", "--json", "--color", "never"]) == 0
    assert capsys.readouterr().out == "['flask', 'redis'] . True never\n"


@pytest.mark.usefixtures("with_bump")
def test_a_new_command_follows_the_same_rules(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["x-bmup", "flask"]) == 2
    assert "did you mean 'x-bump'?" in capsys.readouterr().err
    assert cli.main(["--project", str(project), "x-bump", "flask"]) == 2
    assert "give the project after the command" in capsys.readouterr().err
    assert cli.main([str(project), "x-bump", "flask"]) == 2
    assert "a command comes first" in capsys.readouterr().err
