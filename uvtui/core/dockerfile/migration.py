"""Dockerfile migration: facts, rewrite and the V4 check (spec §2, §4, §6).

Facts live in dockerfile_facts.py, the rewrite in dockerfile_rewrite.py; this module is the
public entry point and holds the V4 verification.
"""

from __future__ import annotations

import difflib
import fnmatch
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path

import dockerfile

from uvtui.core.dockerfile.facts import (
    SYSTEM_PREFIXES,
    DockerfileFacts,
    PipStep,
    inspect_dockerfile,
)
from uvtui.core.dockerfile.rewrite import DockerfileRewrite, rewrite_dockerfile
from uvtui.core.dockerfile.shell import command_offset, split_lines, split_segments

__all__ = [
    "DockerfileFacts",
    "DockerfileRewrite",
    "PipStep",
    "find_dockerfiles",
    "inspect_dockerfile",
    "rewrite_dockerfile",
    "verify_dockerfile_rewrite",
]

_PIP_WORD = re.compile(
    r"(?:^|[\s/;&(])(?:pip\d*(?:\.\d+)?|python\S*\s+-m\s+pip)\b|\w-install\b(?!-)"
)
_UV_RUN = re.compile(r"\buv-install\b|\buv sync\b")
_UV_COPY = re.compile(r"^COPY --from=ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+ /uv /uvx /usr/local/bin/$")
_PIP_OR_UV = re.compile(f"{_PIP_WORD.pattern}|{_UV_RUN.pattern}")
_UV_SOURCES = frozenset({"pyproject.toml", "uv.lock*", "bin/uv-install"})


_SKIP_DIRS = frozenset({".git", ".venv", "node_modules", ".uvtui"})


def find_dockerfiles(root: Path) -> list[str]:
    """Dockerfiles under root: Dockerfile, *.Dockerfile, Dockerfile.*, compose `dockerfile:`."""
    found: set[str] = set()
    for path in _walk(root):
        name = path.name
        named = name.endswith(".Dockerfile") or name.startswith("Dockerfile.")
        if name == "Dockerfile" or (named and not name.endswith(".dockerignore")):
            found.add(path.relative_to(root).as_posix())
        elif fnmatch.fnmatch(name, "*compose*.y*ml"):
            found.update(_compose_dockerfiles(root, path))
    return sorted(found)


def _walk(root: Path):
    for path in sorted(root.iterdir()):
        if path.is_dir() and path.name not in _SKIP_DIRS:
            yield from _walk(path)
        elif path.is_file():
            yield path


def _compose_dockerfiles(root: Path, compose: Path) -> set[str]:
    text = compose.read_text(encoding="utf-8", errors="replace")
    found: set[str] = set()
    context = "."
    for line in text.splitlines():
        key, _, value = line.strip().partition(":")
        value = value.strip().strip("'\"")
        if key == "context" and value:
            context = value
        elif key == "dockerfile" and value:
            base = compose.parent / context / value
            if base.is_file():
                found.add(base.resolve().relative_to(root.resolve()).as_posix())
    return found


def _parse(text: str, label: str, problems: list[str]) -> list[dockerfile.Command] | None:
    try:
        return list(dockerfile.parse_string(text.removeprefix("\ufeff")))
    except dockerfile.GoParseError as exc:
        problems.append(f"{label} Dockerfile does not parse: {exc}")
        return None


def _is_requirement_copy(cmd: dockerfile.Command, pip_texts: list[str]) -> bool:
    """COPY/ADD of requirement files, or of a folder a pip RUN reads (wheel handoff, d)."""
    if cmd.cmd not in {"COPY", "ADD"}:
        return False
    if any(f.startswith("--from=") for f in cmd.flags):
        dest = cmd.value[-1].rstrip("/")
        return bool(dest) and any(dest in text for text in pip_texts)
    sources = cmd.value[:-1]
    if any("requirements" in s or "constraints" in s for s in sources):
        return True
    names = [posixpath.basename(s.rstrip("/")) for s in sources]
    return all(
        name not in {"", ".", ".."} and any(name in text for text in pip_texts) for name in names
    )


def _is_pip_step(cmd: dockerfile.Command, pip_texts: list[str]) -> bool:
    if cmd.cmd == "RUN":
        return bool(_PIP_WORD.search(cmd.original))
    return _is_requirement_copy(cmd, pip_texts)


def _is_uv_insert(cmd: dockerfile.Command) -> bool:
    if cmd.cmd == "RUN":
        return bool(_UV_RUN.search(cmd.original))
    if cmd.cmd == "ENV":
        keys = cmd.value[::2]
        return all(k.startswith("UV_") for k in keys) or keys == ("PATH",)
    if cmd.cmd in {"COPY", "ADD"}:
        return bool(
            _UV_COPY.match(cmd.original)
            or set(cmd.value[:-1]) & _UV_SOURCES
            # the venv handed over in pattern (d): same path on both sides
            or (any(f.startswith("--from=") for f in cmd.flags) and cmd.value[0] == cmd.value[-1])
        )
    return False


def _other_segments(cmd: dockerfile.Command) -> list[str]:
    """The RUN's segments that are neither pip nor uv, whitespace-normalised."""
    text = cmd.original
    if cmd.heredocs:
        start = text.index("\n") + 1
        segments = split_segments(text, start, len(text), newline=True)
    else:
        segments = split_segments(text, command_offset(text), len(text))
    pieces = [" ".join(text[s.start : s.end].split()) for s in segments]
    kept = []
    for i, piece in enumerate(pieces):
        nxt = pieces[i + 1] if i + 1 < len(pieces) else ""
        if piece.startswith("(cd ") and _UV_RUN.search(nxt) and nxt.endswith(")"):
            continue  # the rewrite's `(cd DIR && bin/uv-install)` for a project outside WORKDIR
        if not _PIP_OR_UV.search(piece) and piece != ":":
            kept.append(piece)
    return kept


def _check_runs(old: list[dockerfile.Command], new: list[dockerfile.Command]) -> list[str]:
    """Every RUN keeps its non-pip segments and flags; only pip segments come or go."""
    problems = []
    for after in new:
        match = [b for b in old if _other_segments(b) == _other_segments(after)]
        if not match:
            problems.append(f"new line {after.start_line}: RUN changed outside its pip segments")
        elif [f for f in match[0].flags if not f.startswith("--mount=")] != [
            f for f in after.flags if not f.startswith("--mount=")
        ]:
            problems.append(f"new line {after.start_line}: RUN flags changed")
    for before in old:
        rest = _other_segments(before)
        if rest and not any(_other_segments(a) == rest for a in new):
            problems.append(f"line {before.start_line}: RUN lost segments that are not pip")
    return problems


def _changed_ranges(cmds: list[dockerfile.Command], indexes: set[int]) -> set[int]:
    lines: set[int] = set()
    for i in indexes:
        lines.update(range(cmds[i].start_line, cmds[i].end_line + 1))
    return lines


def _sequence_problems(
    old: list[dockerfile.Command], new: list[dockerfile.Command]
) -> tuple[list[str], set[int], set[int]]:
    problems: list[str] = []
    changed_old: set[int] = set()
    changed_new: set[int] = set()
    pip_texts = [c.original for c in old if c.cmd == "RUN" and _PIP_WORD.search(c.original)]
    matcher = difflib.SequenceMatcher(
        None, [c.original for c in old], [c.original for c in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed_old.update(range(i1, i2))
        changed_new.update(range(j1, j2))
        old_runs = [c for c in old[i1:i2] if c.cmd == "RUN" and _is_pip_step(c, pip_texts)]
        new_runs = [c for c in new[j1:j2] if c.cmd == "RUN"]
        problems += [
            f"line {c.start_line}: non-pip instruction changed: {c.original[:60]}"
            for c in old[i1:i2]
            if not _is_pip_step(c, pip_texts)
        ]
        problems += [
            f"new line {c.start_line}: unexpected instruction: {c.original[:60]}"
            for c in new[j1:j2]
            if not _is_uv_insert(c) and c.cmd != "RUN"
        ]
        problems += _check_runs(old_runs, new_runs)
    return problems, changed_old, changed_new


def _byte_problems(
    old_text: str, new_text: str, old_lines: set[int], new_lines: set[int]
) -> list[str]:
    a, b = split_lines(old_text), split_lines(new_text)
    problems = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        stray_old = [n for n in range(i1 + 1, i2 + 1) if n not in old_lines]
        stray_new = [n for n in range(j1 + 1, j2 + 1) if n not in new_lines]
        if stray_old or stray_new:
            problems.append(f"lines outside pip steps changed (old {stray_old}, new {stray_new})")
    return problems


def _stage_slices(cmds: list[dockerfile.Command]) -> list[list[dockerfile.Command]]:
    stages: list[list[dockerfile.Command]] = []
    for cmd in cmds:
        if cmd.cmd == "FROM":
            stages.append([cmd])
        elif stages:
            stages[-1].append(cmd)
    return stages


@dataclass
class _StageOrder:
    """What a stage has (or inherits) when a uv RUN comes: O1-O3 ingredients."""

    uv: bool = False
    env_target: str | None = None
    script: bool = False  # bin/uv-install copied
    project: bool = False  # pyproject.toml copied


def _copied(cmd: dockerfile.Command) -> set[str]:
    if cmd.cmd not in {"COPY", "ADD"} or any(f.startswith("--from=") for f in cmd.flags):
        return set()
    return {s.removeprefix("./").rstrip("/") or "." for s in cmd.value[:-1]}


def _order_problems(cmds: list[dockerfile.Command]) -> list[str]:
    problems: list[str] = []
    stages: dict[str, _StageOrder] = {}
    for index, stage in enumerate(_stage_slices(cmds)):
        values = stage[0].value
        alias = values[2] if len(values) >= 3 else str(index)
        state = replace(stages.get(values[0] if values else "", _StageOrder()))
        for position, cmd in enumerate(stage):
            state.uv |= bool(_UV_COPY.match(cmd.original))
            sources = _copied(cmd)
            state.script |= bool(sources & {"bin/uv-install", "bin", "bin/*", "."})
            state.project |= bool(sources & {"pyproject.toml", "."})
            if cmd.cmd == "ENV" and "UV_PROJECT_ENVIRONMENT" in cmd.value[::2]:
                state.env_target = _env_value(cmd, "UV_PROJECT_ENVIRONMENT")
                problems += _env_block_problems(cmd, stage[position + 1 : position + 2])
            if cmd.cmd == "RUN" and _UV_RUN.search(cmd.original):
                problems += _uv_run_problems(cmd, state)
        stages[alias] = state
    return problems


def _env_block_problems(cmd: dockerfile.Command, after: list[dockerfile.Command]) -> list[str]:
    problems = []
    if not {"UV_COMPILE_BYTECODE", "UV_LINK_MODE", "UV_PYTHON_DOWNLOADS"} <= set(cmd.value[::2]):
        problems.append(f"line {cmd.start_line}: ENV block incomplete (O2)")
    if not after or not _is_uv_insert(after[0]):
        problems.append(f"line {cmd.start_line}: ENV block not right before the deps (O2)")
    return problems


def _uv_run_problems(cmd: dockerfile.Command, state: _StageOrder) -> list[str]:
    line = cmd.start_line
    problems = []
    if not state.uv:
        problems.append(f"line {line}: uv used before it is copied into the stage (O1)")
    if state.env_target is None:
        problems.append(f"line {line}: uv used before the ENV block (O2)")
    elif state.env_target.rstrip("/") in SYSTEM_PREFIXES and "--inexact" not in cmd.original:
        problems.append(f"line {line}: system prefix without --inexact (O5)")
    bind = any("source=pyproject.toml" in f for f in cmd.flags)
    if not (state.project or bind or "env -C" in cmd.original or "(cd " in cmd.original):
        problems.append(f"line {line}: pyproject.toml is not copied before uv runs (O3)")
    if "uv-install" in cmd.original and not state.script:
        problems.append(f"line {line}: bin/uv-install is not copied before it runs (O3)")
    return problems


def _env_value(cmd: dockerfile.Command, key: str) -> str:
    values = list(cmd.value)
    value = values[values.index(key) + 1]
    return value.strip('"')


def verify_dockerfile_rewrite(old: str, new: str) -> list[str]:
    """V4: both texts parse; outside pip steps and uv inserts nothing changed; O1-O5 hold.

    Returns the problems found; an empty list means the rewrite is sound.
    """
    problems: list[str] = []
    old_cmds = _parse(old, "old", problems)
    new_cmds = _parse(new, "new", problems)
    if old_cmds is None or new_cmds is None:
        return problems
    seq, changed_old, changed_new = _sequence_problems(old_cmds, new_cmds)
    problems += seq
    problems += _byte_problems(
        old, new, _changed_ranges(old_cmds, changed_old), _changed_ranges(new_cmds, changed_new)
    )
    problems += _order_problems(new_cmds)
    return problems
