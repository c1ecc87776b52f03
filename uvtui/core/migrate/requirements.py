"""pip requirements files: the whole line format, and the graph of -r / -c includes.

The parser follows pip's own reader (pip/_internal/req/req_file.py): continuation lines are
joined first (a line that already holds a comment does not continue, as in pip), then comments
(`#` at line start or after whitespace) are removed, then the line is split into the
requirement part and options. Nothing is expanded: `${VAR}` stays in the text so the planner can
warn about it.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from uvtui.core.findings import Finding, Level, MigrationRefused
from uvtui.core.redact import redact

COMMENT_RE = re.compile(r"(^|\s+)#(.*)$")
CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
URL_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
ARCHIVE_SUFFIXES = (
    ".whl",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar",
    ".zip",
)

# Options pip accepts in a requirements file, by every spelling -> canonical long name.
OPTION_ALIASES = {
    "-i": "--index-url",
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "--no-index": "--no-index",
    "-c": "--constraint",
    "--constraint": "--constraint",
    "-r": "--requirement",
    "--requirement": "--requirement",
    "-e": "--editable",
    "--editable": "--editable",
    "-f": "--find-links",
    "--find-links": "--find-links",
    "--pre": "--pre",
    "--trusted-host": "--trusted-host",
    "--use-feature": "--use-feature",
    "--only-binary": "--only-binary",
    "--no-binary": "--no-binary",
    "--prefer-binary": "--prefer-binary",
    "--require-hashes": "--require-hashes",
    "--no-deps": "--no-deps",
    "--hash": "--hash",
    "--config-settings": "--config-settings",
    "-C": "--config-settings",
    "--global-option": "--global-option",
    "--install-option": "--install-option",
}
FLAG_OPTIONS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes", "--no-deps"}
PER_REQUIREMENT_OPTIONS = {"--hash", "--config-settings", "--global-option", "--install-option"}
SKIPPED_DIRS = {".git", ".venv", "node_modules", ".uvtui"}


@dataclass(frozen=True)
class RequirementLine:
    """One logical line of a requirements file (continuations joined, comment removed)."""

    path: str  # relative to the project root, POSIX
    line: int  # 1-based number of the first physical line
    text: str  # the logical line as written (minus comment), stripped
    comment: str | None  # trailing comment text, carried as a TOML comment
    # "requirement" | "option" | "include" (-r) | "constraint-include" (-c) | "editable"
    # | "path" | "url" | "vcs"
    kind: str
    requirement: Requirement | None  # when the line (or its `name @ url` form) is PEP 508
    option: str | None  # canonical long option name, e.g. "--index-url"; value in `value`
    value: str | None
    hashes: tuple[str, ...] = ()
    # every (option, value) of an option line, in order (pip allows several on one line);
    # for requirement-like lines: the per-requirement options other than --hash
    options: tuple[tuple[str, str | None], ...] = ()
    # the requirement part of a requirement/path/url/vcs line, without options
    requirement_text: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class RequirementGraph:
    """Requirement files read from disk and their -r / -c edges (paths relative to the root)."""

    files: dict[str, list[RequirementLine]]
    includes: dict[str, list[str]]  # -r edges, in line order
    constraints: dict[str, list[str]]  # -c edges, in line order
    findings: list[Finding] = field(default_factory=list)


def _refuse(path: str, line: int, col: int, reason: str) -> MigrationRefused:
    return MigrationRefused("R4", f"{path}:{line}:{col}: {reason}")


def decode_requirements(data: bytes, path: str) -> str:
    """Decode a requirements file: UTF-8 (a BOM is fine) or the PEP 263 coding line's encoding."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
        for raw in data.splitlines()[:2]:
            match = CODING_RE.match(raw)
            if match:
                encoding = match.group(1).decode("ascii")
                break
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise MigrationRefused("R4", f"{path}: cannot decode as {encoding}: {error}") from None


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Join continuation lines the way pip does; yields (first line number, joined text)."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        continues = line.endswith("\\") and not COMMENT_RE.match(line)
        if continues:
            if not pending:
                first = number
            pending.append(line[:-1])
            continue
        if pending:
            if COMMENT_RE.match(line):
                line = " " + line  # a joined comment line must still read as a comment
            pending.append(line)
            yield first, "".join(pending)
            pending = []
        else:
            yield number, line
    if pending:
        yield first, "".join(pending)


def _split_comment(line: str) -> tuple[str, str | None]:
    match = COMMENT_RE.search(line)
    if match is None:
        return line.strip(), None
    comment = match.group(2).strip()
    return line[: match.start()].strip(), comment or None


def _split_requirement_and_options(text: str) -> tuple[str, str]:
    """Requirement part = tokens before the first token starting with '-' (as pip)."""
    for match in re.finditer(r"\S+", text):
        if match.group().startswith("-"):
            return text[: match.start()].strip(), text[match.start() :].strip()
    return text.strip(), ""


def _parse_options(
    options_text: str, path: str, line: int, col: int
) -> list[tuple[str, str | None]]:
    try:
        tokens = shlex.split(options_text, posix=True)
    except ValueError as error:
        raise _refuse(path, line, col, f"cannot split options: {error}") from None
    parsed: list[tuple[str, str | None]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        name, value = _option_name_value(token)
        if name is None:
            raise _refuse(path, line, col, f"unknown option or stray argument {token!r}")
        if name in FLAG_OPTIONS:
            if value is not None:
                raise _refuse(path, line, col, f"option {name} takes no value")
            parsed.append((name, None))
            continue
        if value is None:
            if index >= len(tokens):
                raise _refuse(path, line, col, f"option {name} needs a value")
            value = tokens[index]
            index += 1
        parsed.append((name, value))
    return parsed


def _option_name_value(token: str) -> tuple[str | None, str | None]:
    """Map `--opt=value`, `--opt`, `-x`, `-xVALUE` to (canonical name, value or None)."""
    if token.startswith("--"):
        name, eq, value = token.partition("=")
        canonical = OPTION_ALIASES.get(name)
        return canonical, (value if eq else None)
    if token.startswith("-") and len(token) >= 2:
        canonical = OPTION_ALIASES.get(token[:2])
        rest = token[2:]
        if rest.startswith("="):
            rest = rest[1:]
        return canonical, (rest or None)
    return None, None


def _looks_like_path(text: str) -> bool:
    return (
        text.startswith((".", "/", "~"))
        or "/" in text
        or "\\" in text
        or text.lower().endswith(ARCHIVE_SUFFIXES)
    )


def _strip_marker(text: str) -> str:
    """URL/path lines may end with ` ; marker` (pip needs whitespace before ';' after a URL)."""
    match = re.search(r"\s;", text)
    return text[: match.start()].strip() if match else text


def _classify_requirement(
    text: str, path: str, line: int, col: int
) -> tuple[str, Requirement | None]:
    target = _strip_marker(text)
    if not (target.startswith(VCS_PREFIXES) or URL_SCHEME_RE.match(target)):
        target = text.split(";", 1)[0].strip()
    if target.startswith(VCS_PREFIXES):
        return "vcs", None
    if URL_SCHEME_RE.match(target) or target.startswith("file:"):
        return ("path" if target.startswith("file:") else "url"), None
    if _looks_like_path(target) and "@" not in target:
        return "path", None
    if has_env_var(re.sub(r"://[^/@\s]*@", "://", text)):
        return "requirement", None  # pip expands it at install time; the planner warns
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise _refuse(
            path, line, col + _error_offset(str(error)), _first_line(str(error))
        ) from None
    if requirement.url:
        url = requirement.url
        if url.startswith(VCS_PREFIXES):
            return "vcs", requirement
        return ("path" if url.startswith("file:") else "url"), requirement
    return "requirement", requirement


def _first_line(message: str) -> str:
    return message.splitlines()[0] if message else "invalid requirement"


def _error_offset(message: str) -> int:
    """packaging marks the error column with '^' under the text, indented by 4 spaces."""
    lines = message.splitlines()
    if len(lines) >= 3 and "^" in lines[-1]:
        return max(lines[-1].index("^") - 4, 0)
    return 0


def _parse_logical_line(raw: str, path: str, number: int) -> RequirementLine | None:
    text, comment = _split_comment(raw)
    if not text:
        return None
    col = len(raw) - len(raw.lstrip()) + 1
    requirement_text, options_text = _split_requirement_and_options(text)
    options = _parse_options(options_text, path, number, col) if options_text else []
    base = {"path": path, "line": number, "text": text, "comment": comment}
    if not requirement_text:
        return _option_line(base, options, path, number, col)
    per_requirement = [(name, value) for name, value in options if name not in {"--hash"}]
    for name, _value in per_requirement:
        if name not in PER_REQUIREMENT_OPTIONS:
            raise _refuse(path, number, col, f"option {name} cannot follow a requirement")
    hashes = tuple(value or "" for name, value in options if name == "--hash")
    kind, requirement = _classify_requirement(requirement_text, path, number, col)
    return RequirementLine(
        **base,
        kind=kind,
        requirement=requirement,
        option=None,
        value=None,
        hashes=hashes,
        options=tuple(per_requirement),
        requirement_text=requirement_text,
    )


def _option_line(
    base: dict, options: list[tuple[str, str | None]], path: str, number: int, col: int
) -> RequirementLine:
    name, value = options[0]
    if name in PER_REQUIREMENT_OPTIONS:
        raise _refuse(path, number, col, f"option {name} needs a requirement before it")
    kinds = {
        "--requirement": "include",
        "--constraint": "constraint-include",
        "--editable": "editable",
    }
    kind = kinds.get(name, "option")
    if kind != "option" and len(options) > 1:
        extra = [n for n, _ in options[1:] if n not in PER_REQUIREMENT_OPTIONS]
        if extra:
            raise _refuse(path, number, col, f"{name} cannot share a line with {extra[0]}")
    hashes = tuple(v or "" for n, v in options[1:] if n == "--hash")
    rest = tuple((n, v) for n, v in options[1:] if n != "--hash")
    return RequirementLine(
        **base,
        kind=kind,
        requirement=None,
        option=name,
        value=value,
        hashes=hashes,
        options=tuple(options) if kind == "option" else rest,
        requirement_text=(value or "") if kind == "editable" else "",
    )


def parse_requirements_text(text: str, path: str) -> list[RequirementLine]:
    """Parse requirements text; raises MigrationRefused("R4", "<path>:<line>:<col>: <reason>")."""
    lines: list[RequirementLine] = []
    for number, raw in _logical_lines(text):
        parsed = _parse_logical_line(raw, path, number)
        if parsed is not None:
            lines.append(parsed)
    return lines


def parse_requirements_file(root: Path, rel: str) -> list[RequirementLine]:
    """Read and parse ROOT/REL (encoding: UTF-8 with optional BOM, or a PEP 263 coding line)."""
    try:
        data = (root / rel).read_bytes()
    except OSError as error:
        raise MigrationRefused("R4", f"{rel}: cannot read: {error.strerror}") from None
    return parse_requirements_text(decode_requirements(data, rel), rel)


def is_requirements_name(rel: str) -> bool:
    """§2 scan rule: *requirements*.txt|in, or requirements/*.txt|in."""
    name = posixpath.basename(rel)
    suffix = posixpath.splitext(name)[1]
    if suffix not in {".txt", ".in"}:
        return False
    parent = posixpath.basename(posixpath.dirname(rel))
    return "requirements" in name or parent == "requirements"


def find_requirement_files(root: Path) -> list[str]:
    """Requirement files under ROOT by name (§2), skipping .git, .venv, node_modules, .uvtui
    and any other virtualenv (a directory holding pyvenv.cfg)."""
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        # a virtualenv under any name (pyvenv.cfg) holds other projects' requirement files
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIPPED_DIRS and not (Path(directory) / d / "pyvenv.cfg").is_file()
        )
        rel_dir = Path(directory).relative_to(root).as_posix()
        for name in sorted(filenames):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if is_requirements_name(rel) and (root / rel).is_file():
                found.append(rel)
    return sorted(found)


def has_env_var(text: str) -> bool:
    """pip expands `${NAME}` only (uppercase, digits, underscore)."""
    return re.search(r"\$\{[A-Za-z0-9_]+\}", text) is not None


def resolve_include(root: Path, including: str, target: str, where: str) -> str:
    """Resolve a -r/-c target against the including file's directory; root-relative result."""
    if URL_SCHEME_RE.match(target) or target.startswith("file:"):
        raise MigrationRefused("R5", f"{where}: remote include {redact(target)} cannot be migrated")
    if posixpath.isabs(target) or os.path.isabs(target):
        try:
            rel = Path(target).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise MigrationRefused("R4", f"{where}: {target} is outside the project") from None
        return rel
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(including), target))
    if joined == ".." or joined.startswith("../"):
        raise MigrationRefused("R4", f"{where}: {target} is outside the project")
    return joined


def load_requirement_graph(root: Path, entry_files: Iterable[str]) -> RequirementGraph:
    """Read the entry files and everything they -r / -c include (each file once).

    Missing targets -> R4, remote targets -> R5; a cycle is reported as an info finding.
    Includes whose path holds `${VAR}` are not followed (the planner warns about them).
    """
    files: dict[str, list[RequirementLine]] = {}
    includes: dict[str, list[str]] = {}
    constraints: dict[str, list[str]] = {}
    findings: list[Finding] = []
    pending = list(dict.fromkeys(entry_files))
    for rel in pending:
        if not (root / rel).is_file():
            raise MigrationRefused("R4", f"{rel}: requirement file not found")
    active: list[str] = []

    def visit(rel: str) -> None:
        active.append(rel)
        files[rel] = parse_requirements_file(root, rel)
        includes[rel], constraints[rel] = [], []
        for line in files[rel]:
            if line.kind not in {"include", "constraint-include"} or has_env_var(line.value or ""):
                continue
            target = resolve_include(root, rel, line.value or "", line.location)
            if not (root / target).is_file():
                raise MigrationRefused(
                    "R4", f"{line.location}: included file {line.value} not found"
                )
            (includes if line.kind == "include" else constraints)[rel].append(target)
            if target in active:
                findings.append(
                    Finding(
                        "I-INCLUDE-CYCLE",
                        f"{target} is included again in a cycle; it is read once.",
                        Level.INFO,
                        line.path,
                        line.line,
                    )
                )
            elif target not in files:
                visit(target)
        active.pop()

    for rel in pending:
        if rel not in files:
            visit(rel)
    return RequirementGraph(files, includes, constraints, findings)
