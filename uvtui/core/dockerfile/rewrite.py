"""Rewrite the pip steps of a Dockerfile to uv (spec §4), splicing on the original lines."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from uvtui.core.dockerfile.facts import SYSTEM_PREFIXES, CopyStep, DockerfileFacts, PipStep
from uvtui.core.dockerfile.shell import run_segments, split_lines, word_spans
from uvtui.core.errors import UvtuiError
from uvtui.core.findings import Finding, Level, MigrationRefused

_UV_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_INSTALL_KINDS = frozenset({"requirements", "wheel", "project"})
_UV_FILES = frozenset({"pyproject.toml", "./pyproject.toml", "uv.lock", "./uv.lock", "uv.lock*"})
_BIN_SOURCES = frozenset({".", "./", "bin", "bin/", "./bin", "./bin/", "bin/*", "bin/uv-install"})


@dataclass(frozen=True)
class DockerfileRewrite:
    path: str
    new_text: str
    target: str
    install_flags: tuple[str, ...]
    findings: tuple[Finding, ...]


@dataclass
class _StagePlan:
    index: int
    target: str
    install: PipStep
    flags: list[str]
    inherits_uv: bool
    inherits_env: bool
    inherits_pyproject: bool
    no_cache: bool
    cache_mount: bool


@dataclass
class _Splices:
    """Line-level edits on the original text: replacements and insertions."""

    lines: list[str]
    eol: str
    replace: dict[int, str | None] = field(default_factory=dict)  # first line -> text (None: drop)
    spans: dict[int, int] = field(default_factory=dict)  # first line -> last line
    before: dict[int, list[str]] = field(default_factory=dict)  # line -> inserted before it
    after: dict[int, list[str]] = field(default_factory=dict)  # line -> inserted after it

    def raw(self, first: int, last: int) -> str:
        return "".join(self.lines[first - 1 : last])

    def set(self, first: int, last: int, text: str | None) -> None:
        self.replace[first] = text
        self.spans[first] = last

    def render(self) -> str:
        out: list[str] = []
        number = 1
        while number <= len(self.lines):
            out.extend(self.before.get(number, []))
            if number in self.replace:
                text = self.replace[number]
                last = self.spans[number]
                if text is not None:
                    out.append(text)
            else:
                last = number
                out.append(self.lines[number - 1])
            for n in range(number, last + 1):
                if n in self.after:
                    if out and not out[-1].endswith("\n"):
                        out[-1] += self.eol
                    out.extend(self.after[n])
            number = last + 1
        return "".join(out)


def _eol(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _is_requirement_source(token: str, known: set[str]) -> bool:
    base = posixpath.basename(token.rstrip("/"))
    if token.rstrip("/") in {"requirements", "./requirements"}:
        return True
    if "requirements" in base or "constraints" in base:
        return True
    return any(fnmatch.fnmatch(k, token) or fnmatch.fnmatch(token, k) for k in known)


def rewrite_dockerfile(
    facts: DockerfileFacts,
    *,
    uv_version: str,
    has_dev_group: bool,
    dev_files: Iterable[str] = (),
    project_env: str | None = None,
    dev_exclude: tuple[str, ...] = ("--no-dev",),
    dev_include: tuple[str, ...] = (),
) -> DockerfileRewrite:
    """Plan the uv Dockerfile: pip steps replaced, uv COPY/ENV inserted, all else byte-identical.

    dev_exclude / dev_include: the uv sync flags that leave the dev requirements out / put them
    in (`--no-dev` / none for the `dev` group).
    Raises MigrationRefused R6 (unknown target, wheel handoff across Pythons) or R7 (project
    install whose metadata lives only in setup.py/setup.cfg).
    """
    if not _UV_VERSION.match(uv_version):
        raise UvtuiError(f"uv version must be X.Y.Z, got {uv_version!r}")
    findings: list[Finding] = []
    if not facts.pip_steps:
        findings.append(
            Finding(
                "W-NO-DOCKER-STEP",
                "No pip install step found; the Dockerfile is left as is.",
                Level.WARNING,
                facts.path,
            )
        )
    if any(s.kind == "project" for s in facts.pip_steps) and facts.setup_py_only:
        step = next(s for s in facts.pip_steps if s.kind == "project")
        raise MigrationRefused(
            "R7",
            f"{facts.path}:{step.line}: the image installs the project with pip, but its "
            "metadata lives only in setup.py/setup.cfg; move it to pyproject.toml [project] "
            "first.",
        )
    eol = _eol(facts.text)
    splices = _Splices(split_lines(facts.text), eol)
    plans = _plan_stages(facts, has_dev_group, set(dev_files), project_env, dev_exclude)
    known = {
        *facts.installed_requirement_files,
        *facts.constraint_files,
        *facts.freeze_written_files,
    }
    run_edits: dict[int, dict[tuple[int, int, int], str | None]] = {}
    for plan in plans.values():
        _check_relocation(facts, plan)
        _plan_stage(facts, plan, splices, known, uv_version, run_edits, plans)
    _plan_other_steps(facts, plans, run_edits, dev_include)
    _plan_wheel_handoff(facts, plans, splices)
    for line, edits in run_edits.items():
        _splice_run(facts, splices, line, edits, plans)
    new_text = splices.render()
    findings += _layer_suggestions(facts, plans, known)
    findings += _leftover_references(facts, new_text)
    main = next(iter(plans.values()), None)
    return DockerfileRewrite(
        facts.path,
        new_text,
        main.target if main else "",
        tuple(main.flags) if main else (),
        tuple(findings),
    )


def _leftover_references(facts: DockerfileFacts, new_text: str) -> list[Finding]:
    """Kept lines that still name a requirement file, which the image no longer receives."""
    names = {
        posixpath.basename(f) for f in (*facts.installed_requirement_files, *facts.constraint_files)
    }
    findings = []
    for number, line in enumerate(split_lines(new_text), start=1):
        hits = sorted(n for n in names if n and n in line)
        if hits:
            findings.append(
                Finding(
                    "W-REQUIREMENT-REFERENCE",
                    f"This line still names {', '.join(hits)}, which the new image does not copy.",
                    Level.WARNING,
                    facts.path,
                    number,
                )
            )
    return findings


def _layer_suggestions(
    facts: DockerfileFacts, plans: dict[int, _StagePlan], known: set[str]
) -> list[Finding]:
    """S-LAYERS: a broad `COPY . .` before the install rebuilds dependencies on every change."""
    findings = []
    for plan in plans.values():
        before = _stage_copies(facts, plan)
        if any(_is_requirement_source(s, known) for c in before for s in c.sources):
            continue
        broad = next((c for c in before if {".", "./"} & set(c.sources)), None)
        if broad is not None:
            findings.append(
                Finding(
                    "S-LAYERS",
                    "Copy pyproject.toml, uv.lock and bin/uv-install before the source tree so "
                    "the dependency layer stays cached.",
                    Level.SUGGESTION,
                    facts.path,
                    broad.line,
                )
            )
    return findings


def _check_relocation(facts: DockerfileFacts, plan: _StagePlan) -> None:
    """A uv environment only works at the path it was built for (scripts, pyvenv.cfg)."""
    name = facts.stage_facts[plan.index].name
    target = plan.target.rstrip("/")
    for copy in facts.copies:
        moved = copy.dest.rstrip("/") != target
        if copy.from_stage == name and moved and any(s.rstrip("/") == target for s in copy.sources):
            raise MigrationRefused(
                "R6",
                f"{facts.path}:{copy.line}: {target} is copied to {copy.dest}; a uv "
                "environment cannot move (its scripts and pyvenv.cfg name the build path), "
                "and over a system prefix it would replace the interpreter.",
            )


def _ancestors(facts: DockerfileFacts, index: int) -> list[int]:
    chain = []
    parent = facts.stage_facts[index].parent
    while parent is not None:
        chain.append(parent)
        parent = facts.stage_facts[parent].parent
    return chain


def _plan_stages(
    facts: DockerfileFacts,
    has_dev: bool,
    dev_files: set[str],
    project_env: str | None,
    dev_exclude: tuple[str, ...],
) -> dict[int, _StagePlan]:
    plans: dict[int, _StagePlan] = {}
    for step in _install_candidates(facts.pip_steps):
        if step.kind not in _INSTALL_KINDS or step.stage_index in plans:
            continue
        index = step.stage_index
        target = project_env or step.target or ("/opt/venv" if step.kind == "wheel" else None)
        if target is None:
            raise MigrationRefused(
                "R6",
                f"{facts.path}:{step.line}: cannot tell where pip installs packages in stage "
                f"{step.stage} (root with a distro Python, --target or --root); pass "
                "--project-env DIR.",
            )
        chain = _ancestors(facts, index)
        installed = {
            f
            for s in facts.pip_steps
            if (s.stage_index == index or s.stage_index in chain) and not s.conditional
            for f in s.requirement_files
        }
        flags = []
        if has_dev and not installed & dev_files:
            flags += dev_exclude
        if target.rstrip("/") in SYSTEM_PREFIXES or target == "/":
            flags.append("--inexact")
        in_chain = [plans[i] for i in chain if i in plans]
        cache_mount = any("type=cache" in m for m in step.mounts)
        plans[index] = _StagePlan(
            index,
            target,
            step,
            flags,
            inherits_uv=bool(in_chain),
            inherits_env=any(p.target == target for p in in_chain),
            inherits_pyproject=bool(in_chain),
            no_cache=step.no_cache and not cache_mount,
            cache_mount=cache_mount,
        )
    return plans


def _install_candidates(steps: Iterable[PipStep]) -> list[PipStep]:
    """Steps that install requirement files come first: the one uv step takes their place.

    Packages named on pip command lines (`pip install gunicorn==22.0.0`, before or after the
    requirements COPY) are carried as dependencies, so their steps are only removed; the uv
    step belongs where pyproject.toml and uv.lock have been copied.
    """
    return sorted(steps, key=lambda s: s.kind == "requirements" and not s.requirement_files)


def _env_block(plan: _StagePlan, eol: str) -> str:
    lines = [
        "ENV UV_COMPILE_BYTECODE=1",
        # A cache mount is another filesystem: uv must copy from it. Without one, uv's cache
        # (temporary with UV_NO_CACHE) shares the layer's filesystem and hard links are faster.
        f"  UV_LINK_MODE={'copy' if plan.cache_mount else 'hardlink'}",
        f'  UV_PROJECT_ENVIRONMENT="{plan.target}"',
        "  UV_PYTHON_DOWNLOADS=never",
    ]
    if plan.no_cache:
        lines.append("  UV_NO_CACHE=1")
    return f" \\{eol}".join(lines) + eol


def _stage_copies(facts: DockerfileFacts, plan: _StagePlan) -> list[CopyStep]:
    return [c for c in facts.copies if c.stage_index == plan.index and c.line < plan.install.line]


def _plan_stage(
    facts: DockerfileFacts,
    plan: _StagePlan,
    splices: _Splices,
    known: set[str],
    uv_version: str,
    run_edits: dict[int, dict[tuple[int, int, int], str | None]],
    plans: dict[int, _StagePlan],
) -> None:
    eol = splices.eol
    stage = facts.stage_facts[plan.index]
    last_step = max(s.line for s in facts.pip_steps if s.stage_index == plan.index)
    req_copies = [
        c
        for c in facts.copies
        if c.stage_index == plan.index
        and c.from_stage is None
        and c.line < last_step
        and any(_is_requirement_source(s, known) for s in c.sources)
    ]
    dep_copy = None
    for copy in req_copies:
        first = dep_copy is None and not plan.inherits_pyproject and copy.line < plan.install.line
        if first:
            dep_copy = copy
        splices.set(copy.line, copy.end_line, _rewrite_copy(splices, copy, known, first))
    project_dir = _project_dir(dep_copy)
    bind = any("type=bind" in m and "requirements" in m for m in plan.install.mounts)
    needs_script = plan.install.kind != "project" and not bind
    if not plan.inherits_env:
        anchor = dep_copy.line if dep_copy else plan.install.line
        splices.before.setdefault(anchor, []).append(_env_block(plan, eol))
    if not plan.inherits_uv:
        # Just before the first layer that runs uv: bumping uv then leaves the slow system
        # layers above it (apt, useradd) cached.
        uv_copy = f"COPY --from=ghcr.io/astral-sh/uv:{uv_version} /uv /uvx /usr/local/bin/{eol}"
        splices.before.setdefault(plan.install.line, []).append(uv_copy)
    copied = any(
        set(c.sources) & _BIN_SOURCES
        for c in facts.copies
        if (c.stage_index == plan.index and c.line < plan.install.line)
        or c.stage_index in _ancestors(facts, plan.index)
    )
    if needs_script and not copied:
        flags = " ".join(
            f for f in (dep_copy.flags if dep_copy else ()) if f.startswith(("--chown", "--link"))
        )
        line = f"COPY {flags + ' ' if flags else ''}bin/uv-install {project_dir}bin/uv-install{eol}"
        if dep_copy:
            splices.after.setdefault(dep_copy.end_line, []).append(line)
        else:
            splices.before.setdefault(plan.install.line, []).append(line)
    real_dir = _new_dest(dep_copy, expanded=True) if dep_copy else "./"
    command = _install_command(plan, real_dir, bind, stage.base or "")
    run_edits.setdefault(plan.install.line, {})[plan.install.span] = command


def _install_command(plan: _StagePlan, project_dir: str, bind: bool, base: str) -> str:
    flags = "".join(f" {f}" for f in plan.flags)
    step = plan.install
    if step.kind == "project":
        return _project_command(step, plan.flags)
    if bind:
        return f"uv sync --locked --no-install-project{flags}"
    workdir = posixpath.normpath(step.workdir or "/")
    target_dir = posixpath.normpath(posixpath.join(workdir, project_dir or "."))
    if target_dir != workdir:
        # bin/uv-install works in the current directory; `env -C` avoids hadolint DL3003,
        # busybox env (Alpine) has no -C, so a subshell there.
        if "alpine" in base:
            return f"(cd {target_dir} && bin/uv-install{flags})"
        return f"env -C {target_dir} bin/uv-install{flags}"
    return f"bin/uv-install{flags}"


def _project_command(step: PipStep, flags: list[str]) -> str:
    extra = "" if step.editable else " --no-editable"
    return f"uv sync --frozen{extra}{''.join(f' {f}' for f in flags)}"


def _project_dir(copy: CopyStep | None) -> str:
    """Directory (with trailing slash) where pyproject.toml lands, relative or absolute."""
    return _new_dest(copy) if copy else "./"


def _new_dest(copy: CopyStep, expanded: bool = False) -> str:
    """The dependency COPY's destination, kept unless it names a requirement file or folder."""
    dest = copy.dest_expanded if expanded and copy.dest_expanded else copy.dest
    base = posixpath.basename(dest.rstrip("/"))
    if dest in {".", "./"}:
        return "./"  # the same directory; hadolint DL3021 wants the slash for several sources
    if "requirements" in base or (
        len(copy.sources) == 1 and "." in base and not dest.endswith("/")
    ):
        parent = posixpath.dirname(dest.rstrip("/"))
        return parent.rstrip("/") + "/" if parent else "./"
    return dest if dest.endswith("/") else dest + "/"  # several sources need a directory


def _rewrite_copy(splices: _Splices, copy: CopyStep, known: set[str], first: bool) -> str | None:
    raw = splices.raw(copy.line, copy.end_line)
    keep = [
        s
        for s in copy.sources
        if not _is_requirement_source(s, known) and not (first and s in _UV_FILES)
    ]
    sources = (["pyproject.toml", "uv.lock*"] if first else []) + keep
    if not sources:
        return None
    dest = _new_dest(copy) if first else copy.dest
    if copy.json:
        flags = "".join(f" {f}" for f in copy.flags)
        items = ", ".join(f'"{s}"' for s in [*sources, dest])
        return f"{raw.split(None, 1)[0]}{flags} [{items}]{_tail_eol(raw)}"
    spans = [s for s in word_spans(raw) if not raw.startswith("--", s[0])][1:]
    start, end = spans[0][0], spans[-1][1]
    return raw[:start] + " ".join([*sources, dest]) + raw[end:]


def _tail_eol(raw: str) -> str:
    return raw[len(raw.rstrip("\r\n")) :]


def _plan_other_steps(
    facts: DockerfileFacts,
    plans: dict[int, _StagePlan],
    run_edits: dict[int, dict[tuple[int, int, int], str | None]],
    dev_include: tuple[str, ...],
) -> None:
    for step in facts.pip_steps:
        plan = plans.get(step.stage_index)
        if plan is not None and step is plan.install:
            continue
        edits = run_edits.setdefault(step.line, {})
        if step.kind == "project" and plan is not None:
            edits[step.span] = _project_command(step, plan.flags)
        elif step.kind == "requirements" and step.conditional and plan is not None:
            flags = [*dev_include, *(["--inexact"] if "--inexact" in plan.flags else [])]
            edits[step.span] = " ".join(["bin/uv-install", *flags])
        else:
            edits[step.span] = None


def _plan_wheel_handoff(
    facts: DockerfileFacts, plans: dict[int, _StagePlan], splices: _Splices
) -> None:
    for step in facts.pip_steps:
        if step.kind != "wheels":
            continue
        wheel_dir = (step.wheel_dir or "").rstrip("/")
        copy = next(
            c
            for c in facts.copies
            if c.stage_index == step.stage_index
            and c.from_stage
            and c.dest.rstrip("/") in {wheel_dir, *map(posixpath.dirname, step.inline_requirements)}
        )
        builder = next(
            (p for p in plans.values() if facts.stage_facts[p.index].name == copy.from_stage), None
        )
        final = facts.stage_facts[step.stage_index]
        if builder is None:
            raise MigrationRefused(
                "R6",
                f"{facts.path}:{copy.line}: wheels come from stage {copy.from_stage}, "
                "which does not install the requirements.",
            )
        source = facts.stage_facts[builder.index]
        if (source.python_version, source.official_python) != (
            final.python_version,
            final.official_python,
        ) or source.python_version is None:
            raise MigrationRefused(
                "R6",
                f"{facts.path}:{copy.line}: the wheel handoff from {source.base} to "
                f"{final.base} cannot carry a venv: the Python minor or path differs.",
            )
        raw = splices.raw(copy.line, copy.end_line)
        flags = "".join(f" {f}" for f in copy.flags)
        venv = builder.target
        new = (
            f"{raw.split(None, 1)[0]}{flags} {venv} {venv}{splices.eol}"
            f'ENV PATH="{venv}/bin:$PATH"{_tail_eol(raw) or splices.eol}'
        )
        splices.set(copy.line, copy.end_line, new)


def _splice_run(
    facts: DockerfileFacts,
    splices: _Splices,
    line: int,
    edits: dict[tuple[int, int, int], str | None],
    plans: dict[int, _StagePlan],
) -> None:
    step = next(s for s in facts.pip_steps if s.line == line)
    raw = splices.raw(step.line, step.end_line)
    segments, _ = run_segments(raw)
    out = _rewrite_flags(raw[: segments[0].start], step, plans)
    kept = 0
    for i, seg in enumerate(segments):
        key = (seg.start, seg.end, seg.command_start)
        if key in edits and edits[key] is None and not seg.keyword:
            continue
        text = raw[seg.start : seg.end]
        if key in edits:
            text = raw[seg.start : seg.command_start] + (edits[key] or ":")
        if kept:
            out += raw[segments[i - 1].end : seg.start]
        out += text
        kept += 1
    out += raw[segments[-1].end :]
    splices.set(step.line, step.end_line, out if kept else None)


def _rewrite_flags(prefix: str, step: PipStep, plans: dict[int, _StagePlan]) -> str:
    plan = plans.get(step.stage_index)
    if plan is None or not step.mounts:
        return prefix
    out = prefix
    for start, end in reversed(word_spans(prefix)):
        word = prefix[start:end]
        if not word.startswith("--mount="):
            continue
        new = _rewrite_mount(word, step)
        out = out[:start] + new + out[end:]
    return out


def _rewrite_mount(word: str, step: PipStep) -> str:
    options = word[len("--mount=") :].split(",")
    if "type=cache" in options:
        home = step.user_home or "/root"
        return "--mount=" + ",".join(
            f"{o.split('=')[0]}={home}/.cache/uv"
            if o.startswith(("target=", "dst=", "destination=")) and o.endswith("/.cache/pip")
            else o
            for o in options
        )
    if "type=bind" in options and "requirements" in word:
        rest = [o for o in options if not o.startswith(("source=", "src=", "target=", "dst="))]
        workdir = (step.workdir or "").rstrip("/")
        mounts = [
            ",".join(
                [
                    *rest,
                    f"source={name}",
                    f"target={workdir}/{name}" if workdir else f"target={name}",
                ]
            )
            for name in ("pyproject.toml", "uv.lock")
        ]
        return " ".join(f"--mount={m}" for m in mounts)
    return word
