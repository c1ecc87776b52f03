"""Dockerfile facts for the migration (spec §2 "Dockerfile facts", §4.1, §4.2).

Finds stages, users, targets and the pip steps (the only parts a rewrite may change), with the
line ranges and byte offsets the rewrite splices on.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import dockerfile

from uvtui.core.dockerfile.pip_calls import CARRIED_OPTIONS, PipCall, parse_pip
from uvtui.core.dockerfile.shell import (
    Segment,
    run_segments,
    split_lines,
    split_segments,
)
from uvtui.core.findings import Finding, Level, MigrationRefused

_PY_IMAGE = re.compile(r"(?:^|/)python:(\d+)\.(\d+)")
_OFFICIAL = re.compile(r"^(?:(?:docker\.io/)?(?:library/)?)python(?::|@|$)")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_INSTALL_SCRIPT_NAME = re.compile(r"pip|install|deps|requirements", re.IGNORECASE)
SYSTEM_PREFIXES = frozenset({"/usr/local", "/usr", "/"})
_ENV_OPTIONS = {
    "PIP_INDEX_URL": "--index-url",
    "PIP_EXTRA_INDEX_URL": "--extra-index-url",
    "PIP_TRUSTED_HOST": "--trusted-host",
    "PIP_PRE": "--pre",
}
_CLI_INDEX_OPTIONS = ("--index-url", "--extra-index-url", "--trusted-host", "--pre", "--find-links")


@dataclass(frozen=True)
class PipStep:
    """A RUN segment (or heredoc line) running pip or a repo script that runs pip."""

    path: str
    line: int  # first line of the instruction (1-based)
    end_line: int
    stage: str
    text: str  # the segment text as written
    requirement_files: tuple[str, ...]
    inline_requirements: tuple[str, ...]
    flags: tuple[str, ...]
    via_script: str | None
    conditional: bool
    kind: str = "requirements"  # requirements|project|upgrade|freeze|wheel|wheels
    span: tuple[int, int, int] = (0, 0, 0)  # start, end, command start in the instruction text
    heredoc: bool = False
    stage_index: int = 0
    user: str | None = None
    user_home: str | None = None
    workdir: str | None = None
    target: str | None = None
    no_cache: bool = False
    mounts: tuple[str, ...] = ()
    constraint_files: tuple[str, ...] = ()
    wheel_dir: str | None = None
    editable: bool = False
    freeze_file: str | None = None


@dataclass(frozen=True)
class Stage:
    index: int
    name: str  # alias, else the index as text
    from_line: int  # last line of the FROM instruction
    base: str | None  # image after ARG substitution (None when unresolved)
    parent: int | None  # index of the stage this one is built FROM
    python_version: str | None
    official_python: bool


@dataclass(frozen=True)
class CopyStep:
    """A COPY/ADD in a stage, with the word spans a rewrite needs."""

    line: int
    end_line: int
    stage_index: int
    flags: tuple[str, ...]
    sources: tuple[str, ...]
    dest: str
    json: bool
    from_stage: str | None
    dest_expanded: str = ""  # dest with ENV/ARG values substituted where known


@dataclass(frozen=True)
class DockerfileFacts:
    path: str
    text: str
    python_version: str | None
    stages: tuple[str, ...]
    pip_steps: tuple[PipStep, ...]
    installed_requirement_files: tuple[str, ...]
    freeze_written_files: tuple[str, ...]
    inline_requirements: tuple[tuple[str, str], ...]
    pip_env_options: tuple[tuple[str, str, str], ...]
    user: str | None
    user_home: str | None
    environment_target: str | None
    findings: tuple[Finding, ...]
    # Additions beyond the shared contract:
    pip_cli_options: tuple[tuple[str, str, str], ...] = ()  # index options on pip command lines
    constraint_files: tuple[str, ...] = ()
    installs_project: bool = False
    setup_py_only: bool = False  # project metadata only in setup.py/setup.cfg (R7 on rewrite)
    stage_facts: tuple[Stage, ...] = field(default=(), repr=False)
    copies: tuple[CopyStep, ...] = field(default=(), repr=False)


def _resolve_args(value: str, args: dict[str, str | None]) -> str | None:
    unresolved = False

    def sub(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(3)
        got = args.get(name)
        if got is None:
            got = match.group(2)
        if got is None:
            unresolved = True
            return ""
        return got

    out = _VAR.sub(sub, value)
    return None if unresolved else out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _key_values(cmd: dockerfile.Command) -> list[tuple[str, str]]:
    if cmd.cmd == "ARG":
        pairs = []
        for item in cmd.value:
            key, sep, val = item.partition("=")
            pairs.append((key, _unquote(val) if sep else ""))
        return pairs
    values = list(cmd.value)
    return [(values[i], _unquote(values[i + 1])) for i in range(0, len(values) - 1, 2)]


@dataclass
class _State:
    user: str | None = None
    workdir: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    venvs: set[str] = field(default_factory=set)


def _users(commands: list[dockerfile.Command]) -> tuple[dict[str, str], dict[str, str]]:
    """Homes by user name and user names by uid, from useradd/adduser lines."""
    homes: dict[str, str] = {}
    uids: dict[str, str] = {}
    for cmd in commands:
        if cmd.cmd != "RUN":
            continue
        raw = " ".join(cmd.value)
        for seg in split_segments(raw, 0, len(raw)):
            words = seg.words
            if not words or words[0] not in {"useradd", "adduser"}:
                continue
            home, uid, positional = None, None, []
            i = 1
            while i < len(words):
                w = words[i]
                if w in {"-d", "--home-dir", "--home", "-h"} and i + 1 < len(words):
                    home, i = words[i + 1], i + 2
                    continue
                if w in {"-u", "--uid"} and i + 1 < len(words):
                    uid, i = words[i + 1], i + 2
                    continue
                if w in {
                    "-g",
                    "-G",
                    "--gid",
                    "--groups",
                    "-s",
                    "--shell",
                    "-c",
                    "--comment",
                    "--gecos",
                    "--ingroup",
                    "-k",
                    "-K",
                    "-p",
                    "-e",
                    "-f",
                    "-b",
                }:
                    i += 2
                    continue
                if not w.startswith("-"):
                    positional.append(w)
                i += 1
            if positional:
                name = positional[-1] if words[0] == "useradd" else positional[0]
                homes[name] = home or f"/home/{name}"
                if uid:
                    uids[uid.strip("\"'")] = name
    return homes, uids


def _home(user: str | None, homes: dict[str, str], uids: dict[str, str]) -> str | None:
    if user is None or user in {"root", "0"}:
        return "/root"
    name = uids.get(user, user)
    if name in homes:
        return homes[name]
    return None if name.isdigit() or "$" in name else f"/home/{name}"


def _is_root(user: str | None) -> bool:
    return user is None or user in {"root", "0"}


class _Reader:
    """One pass over the instructions, collecting facts."""

    def __init__(self, root: Path, rel: str, text: str) -> None:
        self.root, self.rel, self.text = root, rel, text
        self.lines = split_lines(text)
        try:
            self.commands = list(dockerfile.parse_string(text.removeprefix("\ufeff")))
        except dockerfile.GoParseError as exc:
            raise MigrationRefused("R4", f"{rel}:{_error_line(text)}: {exc}") from exc
        self.homes, self.uids = _users(self.commands)
        self.global_args: dict[str, str | None] = {}
        self.stages: list[Stage] = []
        self.states: list[_State] = []
        self.steps: list[PipStep] = []
        self.copies: list[CopyStep] = []
        self.findings: list[Finding] = []
        self.env_options: list[tuple[str, str, str]] = []
        self.env_no_cache = False
        self.script_freezes: list[str] = []
        self.placed: dict[str, str] = {}  # image path -> repo path ("dir/" for folders)

    def raw(self, cmd: dockerfile.Command) -> str:
        return "".join(self.lines[cmd.start_line - 1 : cmd.end_line])

    def read(self) -> None:
        for cmd in self.commands:
            if cmd.cmd == "FROM":
                self._from(cmd)
            elif not self.stages:
                if cmd.cmd == "ARG":
                    self.global_args.update(_key_values(cmd))
                    self._pip_env(cmd)
            else:
                self._instruction(cmd)

    def _from(self, cmd: dockerfile.Command) -> None:
        values = [v for v in cmd.value]
        image = values[0] if values else ""
        alias = values[2] if len(values) >= 3 and values[1].upper() == "AS" else None
        base = _resolve_args(image, self.global_args)
        parent = next((s for s in self.stages if base and s.name == base), None)
        if parent is not None:
            version, official = parent.python_version, parent.official_python
            state = self.states[parent.index]
            state = _State(state.user, state.workdir, dict(state.env), set(state.venvs))
        else:
            match = _PY_IMAGE.search(base or "")
            version = f"{match.group(1)}.{match.group(2)}" if match else None
            official = bool(base and _OFFICIAL.match(base))
            state = _State()
        index = len(self.stages)
        name = alias or str(index)
        self.stages.append(
            Stage(index, name, cmd.end_line, base, parent and parent.index, version, official)
        )
        self.states.append(state)

    def _expand(self, value: str, state: _State) -> str:
        """Substitute known ENV/ARG values; unknown variables leave the text as written."""
        return _resolve_args(value, {**self.global_args, **state.env}) or value

    def _pip_env(self, cmd: dockerfile.Command) -> None:
        for key, value in _key_values(cmd):
            source = f"{self.rel}:{cmd.start_line}"
            if key == "PIP_NO_CACHE_DIR" and value.lower() not in {"", "0", "false", "off", "no"}:
                self.env_no_cache = True
            option = _ENV_OPTIONS.get(key)
            if option is None or not value:
                continue
            if option == "--pre":
                if value.lower() not in {"0", "false", "off", "no"}:
                    self.env_options.append((option, "", source))
            else:
                for part in value.split():
                    self.env_options.append((option, part, source))

    def _instruction(self, cmd: dockerfile.Command) -> None:
        stage = self.stages[-1]
        state = self.states[-1]
        if cmd.cmd in {"ENV", "ARG"}:
            self._pip_env(cmd)
            for key, value in _key_values(cmd):
                if cmd.cmd == "ENV" or value or key not in self.global_args:
                    state.env[key] = value
                else:
                    state.env[key] = self.global_args[key] or ""
        elif cmd.cmd == "USER":
            state.user = cmd.value[0].split(":")[0] if cmd.value else None
        elif cmd.cmd == "WORKDIR" and cmd.value:
            state.workdir = posixpath.join(state.workdir or "/", self._expand(cmd.value[0], state))
        elif cmd.cmd in {"COPY", "ADD"} and len(cmd.value) >= 2:
            from_stage = next((f[7:] for f in cmd.flags if f.startswith("--from=")), None)
            self.copies.append(
                CopyStep(
                    cmd.start_line,
                    cmd.end_line,
                    stage.index,
                    tuple(cmd.flags),
                    tuple(cmd.value[:-1]),
                    cmd.value[-1],
                    cmd.json,
                    from_stage,
                    self._expand(cmd.value[-1], state),
                )
            )
            if from_stage is None:
                self._place(tuple(cmd.value[:-1]), self._expand(cmd.value[-1], state), state)
        elif cmd.cmd == "RUN":
            self._run(cmd, stage, state)

    def _run(self, cmd: dockerfile.Command, stage: Stage, state: _State) -> None:
        raw = self.raw(cmd)
        segments, heredoc = run_segments(raw)
        mounts = tuple(f for f in cmd.flags if f.startswith("--mount="))
        depth = 0
        for i, seg in enumerate(segments):
            words = seg.words
            if words and words[0] == "if":
                depth += 1
            if words and words[0] == "fi":
                depth -= 1
            prev = segments[i - 1].words if i else ()
            guarded = seg.separator in {"&&", "||"} and prev and prev[0] in {"[", "[[", "test"}
            self._venv_creation(words, state)
            step = self._step(raw, seg, cmd, stage, state, depth > 0 or bool(guarded))
            if step is not None:
                self.steps.append(replace(step, heredoc=heredoc, mounts=mounts))

    def _venv_creation(self, words: tuple[str, ...], state: _State) -> None:
        for i, w in enumerate(words[:-1]):
            if (w == "venv" and i and words[i - 1] == "-m") or w.endswith("virtualenv"):
                args = [a for a in words[i + 1 :] if not a.startswith("-")]
                if args:
                    state.venvs.add(posixpath.join(state.workdir or "/", args[0]))

    def _step(
        self,
        raw: str,
        seg: Segment,
        cmd: dockerfile.Command,
        stage: Stage,
        state: _State,
        conditional: bool,
    ) -> PipStep | None:
        call = parse_pip(seg.words)
        script = None
        if call is None:
            script, call = self._script_call(seg.words, state)
        if call is None or call.kind == "other":
            return None
        home = _home(state.user, self.homes, self.uids)
        target = self._target(call, state, stage, home)
        no_cache = call.has("--no-cache-dir") or self.env_no_cache or _env_no_cache(state)
        flags = tuple(f"{k}={v}" if v else k for k, v in call.options if k != ">")
        return PipStep(
            self.rel,
            cmd.start_line,
            cmd.end_line,
            stage.name,
            raw[seg.start : seg.end],
            tuple(self._repo_path(self._expand(f, state), state) for f in call.requirement_files),
            call.inline,
            flags,
            script,
            conditional,
            call.kind,
            (seg.start, seg.end, seg.command_start),
            stage_index=stage.index,
            user=state.user,
            user_home=home,
            workdir=state.workdir,
            target=target,
            no_cache=no_cache,
            constraint_files=tuple(self._repo_path(f, state) for f in call.constraint_files),
            wheel_dir=call.wheel_dir or call.option("--find-links"),
            editable=call.editable,
            freeze_file=call.freeze_file,
        )

    def _script_call(
        self, words: tuple[str, ...], state: _State
    ) -> tuple[str | None, PipCall | None]:
        if not words:
            return None, None
        candidate = words[1] if words[0] in {"sh", "bash"} and len(words) > 1 else words[0]
        rel = self._repo_path(candidate, state)
        path = self.root / rel
        if not rel or ".." in rel.split("/") or not path.is_file():
            return None, None
        # Only install scripts: a task runner such as `run` may mention pip in some other task.
        if not _INSTALL_SCRIPT_NAME.search(posixpath.basename(rel)):
            return None, None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None, None
        calls = _script_pip_calls(text)
        installs = [c for c in calls if c.kind in {"requirements", "project"}]
        if not installs:
            return None, None
        options = tuple(dict.fromkeys(o for c in calls for o in c.options))
        freeze = [c.freeze_file for c in calls if c.freeze_file]
        self.script_freezes.extend(freeze)
        merged = PipCall(
            "requirements",
            tuple(dict.fromkeys(f for c in installs for f in c.requirement_files)),
            tuple(dict.fromkeys(f for c in installs for f in c.constraint_files)),
            tuple(dict.fromkeys(r for c in installs for r in c.inline)),
            options,
            installs[0].venv,
        )
        return rel, merged

    def _place(self, sources: tuple[str, ...], dest: str, state: _State) -> None:
        """Remember where COPY put repo paths in the image, to map pip's paths back."""
        target = posixpath.normpath(posixpath.join(state.workdir or "/", dest))
        into_dir = dest.endswith("/") or dest in {".", ".."} or len(sources) > 1
        for source in sources:
            if any(c in source for c in "*?["):
                continue
            repo = posixpath.normpath(source.lstrip("/"))
            if (self.root / repo).is_dir():
                self.placed[
                    target
                    if not into_dir or source.endswith("/")
                    else posixpath.join(target, posixpath.basename(repo))
                ] = repo + "/"
            else:
                name = posixpath.join(target, posixpath.basename(repo)) if into_dir else target
                self.placed[name] = repo

    def _repo_path(self, path: str, state: _State) -> str:
        image = posixpath.normpath(posixpath.join(state.workdir or "/", path))
        for placed, repo in self.placed.items():
            if image == placed and not repo.endswith("/"):
                return repo
            if repo.endswith("/") and image.startswith(placed.rstrip("/") + "/"):
                return posixpath.normpath(repo + image[len(placed.rstrip("/")) + 1 :])
        workdir = (state.workdir or "/").rstrip("/") + "/"
        if path.startswith(workdir) and workdir != "/":
            path = path[len(workdir) :]
        elif path.startswith("/"):
            base = posixpath.basename(path)
            return base if (self.root / base).is_file() else path.lstrip("/")
        return posixpath.normpath(path)

    def _target(self, call: PipCall, state: _State, stage: Stage, home: str | None) -> str | None:
        """Where this pip call puts packages (spec §4.2 table); None when unknown."""
        if call.kind == "wheel" or call.has("--target") or call.has("--root"):
            return None
        if call.venv:
            return call.venv
        if call.option("--prefix"):
            return call.option("--prefix")
        venv = _active_venv(state)
        if venv and not call.has("--user"):
            return venv
        # A non-root pip on the official image falls back to a user install by itself.
        if call.has("--user") or (not _is_root(state.user) and stage.official_python):
            base = state.env.get("PYTHONUSERBASE")
            if base:
                return base
            return posixpath.join(home, ".local") if home else None
        return "/usr/local" if stage.official_python else None


def _env_no_cache(state: _State) -> bool:
    value = state.env.get("PIP_NO_CACHE_DIR", "")
    return value.lower() not in {"", "0", "false", "off", "no"}


def _active_venv(state: _State) -> str | None:
    if state.env.get("VIRTUAL_ENV"):
        return state.env["VIRTUAL_ENV"]
    path = state.env.get("PATH", "")
    for venv in sorted(state.venvs):
        if f"{venv}/bin" in path.split(":"):
            return venv
    return None


def _script_pip_calls(text: str) -> list[PipCall]:
    cleaned = "".join(
        "\n" if line.lstrip().startswith("#") else line for line in text.splitlines(True)
    )
    calls = []
    for seg in split_segments(cleaned, 0, len(cleaned), newline=True):
        call = parse_pip(seg.words)
        if call is not None:
            calls.append(call)
    return calls


def _error_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if "<<" in line and line.lstrip().upper().startswith("RUN"):
            return number
    return max(1, len(text.splitlines()))


def _setup_py_only(root: Path) -> bool:
    pyproject = root / "pyproject.toml"
    has_meta = (root / "setup.py").is_file() or (root / "setup.cfg").is_file()
    if not has_meta:
        return False
    if pyproject.is_file():
        return not re.search(r"(?m)^\[project\]", pyproject.read_text(encoding="utf-8"))
    return True


def inspect_dockerfile(root: Path, rel: str) -> DockerfileFacts:
    """Read one Dockerfile; a parse error is refusal R4 with file:line."""
    try:
        text = (root / rel).read_bytes().decode("utf-8")  # a BOM stays part of the text
    except UnicodeDecodeError as exc:
        raise MigrationRefused("R4", f"{rel}:1: not UTF-8 text ({exc.reason})") from exc
    reader = _Reader(root, rel, text)
    reader.read()
    steps = _classify_wheels(reader)
    installs = [s for s in steps if s.kind in {"requirements", "wheel"}] or steps
    main = installs[0] if installs else None
    stage = reader.stages[main.stage_index] if main else (reader.stages or [None])[-1]
    freeze_files = [*reader.script_freezes, *(s.freeze_file for s in steps if s.freeze_file)]
    return DockerfileFacts(
        path=rel,
        text=text,
        python_version=stage.python_version if stage else None,
        stages=tuple(s.name for s in reader.stages),
        pip_steps=tuple(steps),
        installed_requirement_files=tuple(
            dict.fromkeys(f for s in steps for f in s.requirement_files)
        ),
        freeze_written_files=tuple(dict.fromkeys(freeze_files)),
        inline_requirements=tuple(
            (r, f"{rel}:{s.line}")
            for s in steps
            if s.kind == "requirements"
            for r in s.inline_requirements
        ),
        pip_env_options=tuple(reader.env_options),
        user=main.user if main else None,
        user_home=main.user_home if main else None,
        environment_target=_main_target(steps),
        findings=tuple(reader.findings + _option_findings(rel, steps)),
        pip_cli_options=tuple(
            (k, v, f"{rel}:{s.line}")
            for s in steps
            if s.kind != "wheels"
            for k, v in (f.partition("=")[::2] for f in s.flags)
            if k in _CLI_INDEX_OPTIONS
        ),
        constraint_files=tuple(dict.fromkeys(f for s in steps for f in s.constraint_files)),
        installs_project=any(s.kind == "project" for s in steps),
        setup_py_only=_setup_py_only(root),
        stage_facts=tuple(reader.stages),
        copies=tuple(reader.copies),
    )


def _main_target(steps: list[PipStep]) -> str | None:
    for step in steps:
        if step.kind in {"requirements", "project"}:
            return step.target
    return None


def _classify_wheels(reader: _Reader) -> list[PipStep]:
    """`--no-index --find-links D` is the wheel handoff (d) only when D came from a builder."""
    handoffs = {(c.stage_index, c.dest.rstrip("/")) for c in reader.copies if c.from_stage}
    out = []
    for step in reader.steps:
        if step.kind == "wheels":
            wheel_dir = (step.wheel_dir or "").rstrip("/")
            dirs = {wheel_dir} | {posixpath.dirname(i) for i in step.inline_requirements}
            if not any((step.stage_index, d) in handoffs for d in dirs if d):
                step = replace(step, kind="requirements")
        out.append(step)
    return out


def _option_findings(rel: str, steps: list[PipStep]) -> list[Finding]:
    findings = []
    for step in steps:
        if step.kind == "upgrade":
            findings.append(
                Finding(
                    "I-PIP-UPGRADE",
                    "Upgrading pip/setuptools/wheel is not needed with uv; the step is removed.",
                    Level.INFO,
                    rel,
                    step.line,
                )
            )
        for flag in step.flags:
            name = flag.partition("=")[0]
            if name not in CARRIED_OPTIONS:
                findings.append(
                    Finding(
                        "W-OPTION",
                        f"pip option {name} has no uv equivalent and is not carried.",
                        Level.WARNING,
                        rel,
                        step.line,
                    )
                )
        if step.conditional:
            findings.append(
                Finding(
                    "W-CONDITIONAL",
                    "A conditional pip install becomes bin/uv-install with "
                    "the dev group; the unconditional install excludes it.",
                    Level.WARNING,
                    rel,
                    step.line,
                )
            )
    return findings
