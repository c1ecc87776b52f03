"""The user's own shortcuts that still call pip, rewritten to uv (spec §5.3).

Run scripts, Makefile/justfile, compose commands and CI steps that call the old install script
(e.g. `bin/pip3-install`) or `pip install -r FILE` are planned file changes in the same review
as the Dockerfile: only the pip command's own bytes change, everything else stays. Lines that
install named packages or the project, or use variables, stay suggestions (S-PIP-CALLER).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from uvtui.core.findings import Finding, Level

_PIP_INSTALL = re.compile(
    r"(?:(?<=^)|(?<=[\s;&|(\"'`]))(?:sudo\s+)?(?:python[\d.]*\s+-m\s+)?pip\d*(?:\.\d+)?\s+install"
    r"(?:[ \t]+(?!#)[^\s;&|\"'`()]+)*"
)
_REQUIREMENT_FLAGS = frozenset({"-r", "--requirement"})
_DROPPED_FLAGS = frozenset(
    {"--user", "--no-cache-dir", "--no-cache", "-q", "--quiet", "-U", "--upgrade",
     "--no-warn-script-location", "--disable-pip-version-check", "--break-system-packages"}
)  # fmt: skip
_CONTAINER_FILES = ("run", "Makefile", "justfile")
_CI_FILES = (".gitlab-ci.yml",)


@dataclass(frozen=True)
class InstallCommands:
    """What replaces a pip install: in the container (bin/uv-install) and in CI (uv sync)."""

    container_main: str
    container_dev: str
    ci_main: str
    ci_dev: str
    dev_files: frozenset[str]
    pip_scripts: tuple[str, ...]  # repo scripts that ran pip (bin/pip3-install)


@dataclass(frozen=True)
class CallerRewrite:
    path: str
    new_text: str
    lines: tuple[int, ...]


def caller_files(root: Path) -> list[tuple[str, bool]]:
    """(path, is CI) of the files whose pip calls are rewritten."""
    found = [(name, False) for name in _CONTAINER_FILES if (root / name).is_file()]
    for pattern in ("compose*.y*ml", "docker-compose*.y*ml"):
        found += [(p.name, False) for p in sorted(root.glob(pattern))]
    found += [(name, True) for name in _CI_FILES if (root / name).is_file()]
    workflows = root / ".github" / "workflows"
    if workflows.is_dir():
        found += [
            (p.relative_to(root).as_posix(), True)
            for p in sorted(workflows.iterdir())
            if p.suffix in {".yml", ".yaml"}
        ]
    return list(dict.fromkeys(found))


def plan_caller_rewrites(
    root: Path, commands: InstallCommands
) -> tuple[list[CallerRewrite], list[Finding]]:
    """Byte-minimal rewrites of the pip calls in caller files, and one info line per rewrite."""
    rewrites: list[CallerRewrite] = []
    findings: list[Finding] = []
    for rel, ci in caller_files(root):
        try:
            text = (root / rel).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        new_lines, changed = [], []
        for number, line in enumerate(text.splitlines(keepends=True), start=1):
            new = line if line.lstrip().startswith("#") else _rewrite_line(line, commands, ci)
            if new != line:
                changed.append(number)
                findings.append(
                    Finding(
                        "I-PIP-CALLER",
                        f"pip call rewritten: {_command_of(new, commands, ci)}"
                        + (" (install uv in this CI job, e.g. astral-sh/setup-uv)" if ci else ""),
                        Level.INFO,
                        rel,
                        number,
                    )
                )
            new_lines.append(new)
        if changed:
            rewrites.append(CallerRewrite(rel, "".join(new_lines), tuple(changed)))
    return rewrites, findings


def _rewrite_line(line: str, commands: InstallCommands, ci: bool) -> str:
    replacement = commands.ci_main if ci else commands.container_main
    for script in commands.pip_scripts:
        match = re.search(rf"(?<![\w./-])(?:\./)?{re.escape(script)}(?![\w.-])", line)
        if match:
            return line[: match.start()] + replacement + line[match.end() :]
    return _PIP_INSTALL.sub(lambda match: _replace_pip(match.group(0), commands, ci), line)


def _replace_pip(call: str, commands: InstallCommands, ci: bool) -> str:
    """The uv command for one `pip install ...`, or the call unchanged when it is not -r only."""
    try:
        words = shlex.split(call)
    except ValueError:
        return call
    start = words.index("install") + 1
    files: list[str] = []
    i = start
    while i < len(words):
        word = words[i]
        name, _, value = word.partition("=")
        if name in _REQUIREMENT_FLAGS or (word.startswith("-r") and len(word) > 2):
            target = value or (word[2:] if not word.startswith("--") and len(word) > 2 else None)
            if target is None:
                if i + 1 >= len(words):
                    return call
                target, i = words[i + 1], i + 1
            files.append(target)
        elif word not in _DROPPED_FLAGS:
            return call  # named packages, the project, other options: left as a suggestion
        i += 1
    if not files or any("$" in f for f in files):
        return call
    dev = any(_normalized(f) in commands.dev_files for f in files)
    if ci:
        return commands.ci_dev if dev else commands.ci_main
    return commands.container_dev if dev else commands.container_main


def _normalized(path: str) -> str:
    return path.removeprefix("./")


def _command_of(line: str, commands: InstallCommands, ci: bool) -> str:
    options: Iterable[str] = (
        (commands.ci_dev, commands.ci_main)
        if ci
        else (commands.container_dev, commands.container_main)
    )
    return next((f"`{c}`" for c in options if c in line), "uv")
