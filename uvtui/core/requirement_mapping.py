"""Requirement lines and pip options -> pyproject.toml targets, a decision per line (spec §3.1)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from uvtui.core.findings import Finding, Level, MigrationRefused
from uvtui.core.local_packages import local_package_name, package_name_from_filename
from uvtui.core.pip_option_mapping import PipOptionMapper
from uvtui.core.requirements import (
    VCS_PREFIXES,
    RequirementGraph,
    RequirementLine,
    has_env_var,
    resolve_include,
)
from uvtui.core.specifier_overlap import exact_pin, specifier_narrows, specifiers_overlap
from uvtui.core.url_credentials import USERINFO_RE, redact, strip_userinfo

MAIN_TARGET = "[project].dependencies"
DEV_TARGET = "[dependency-groups].dev"
CONSTRAINT_TARGET = "[tool.uv].constraint-dependencies"
PIN_TARGET = "lock-only pin"


@dataclass(frozen=True)
class FreezePin:
    """`name==version` from a freeze/lock file, used only while locking (§3.3)."""

    name: str
    version: str
    marker: str | None
    path: str
    line: int

    @property
    def requirement(self) -> str:
        marker = f"; {self.marker}" if self.marker else ""
        return f"{self.name}=={self.version}{marker}"


@dataclass
class MappedDependency:
    """A dependency as it will be written: merged duplicates, its lines, its source."""

    name: str  # as written
    key: tuple[str, str]  # (canonical name, marker)
    extras: set[str]
    parts: list[str]  # specifier parts as written, in order
    marker: str | None  # marker text as written
    source: dict | None
    comment: str | None
    origin: str  # "path:line"
    lines: list[tuple[str, int]] = field(default_factory=list)
    text: str = ""  # the original text when unchanged

    @property
    def specifier(self) -> SpecifierSet:
        return SpecifierSet(",".join(self.parts))

    def render(self) -> str:
        if self.text:
            return self.text
        return self._format(",".join(self.parts))

    def render_bare(self) -> str:
        """The entry without specifiers, for a dependency whose source says where it comes from."""
        return self._format("")

    def _format(self, specifier: str) -> str:
        extras = f"[{','.join(sorted(self.extras))}]" if self.extras else ""
        marker = f"; {self.marker}" if self.marker else ""
        return f"{self.name}{extras}{specifier}{marker}"


class RequirementMapper:
    """Accumulates the mapping of every line; one instance per plan."""

    def __init__(self, root: Path, graph: RequirementGraph) -> None:
        self.root = root
        self.graph = graph
        self.findings: list[Finding] = list(graph.findings)
        self.decisions: dict[tuple[str, int], tuple[bool, str | None, str | None]] = {}
        self.groups: dict[str, list[MappedDependency]] = {"main": [], "dev": []}
        self.constraints: list[str] = []
        self.path_sources: list[str] = []
        self.pins: list[FreezePin] = []
        self.freeze_files: set[str] = set()
        self.options = PipOptionMapper(self.findings, self.decisions)

    # -- findings and decisions

    def note(
        self, code: str, message: str, where: RequirementLine | None, level: Level = Level.WARNING
    ) -> None:
        path, line = (where.path, where.line) if where else (None, None)
        self.findings.append(Finding(code, message, level, path, line))

    def decide(
        self, line: RequirementLine, carried: bool, target: str | None, code: str | None
    ) -> None:
        self.decisions[(line.path, line.line)] = (carried, target, code)

    # -- walking files

    def walk(self, rel: str, role: str, visited: set[str], constraint_queue: list[str]) -> None:
        visited.add(rel)
        for line in self.graph.files[rel]:
            if line.kind == "include":
                self._include(line, role, visited, constraint_queue)
            elif line.kind == "constraint-include":
                self._constraint_include(line, constraint_queue)
            elif line.kind == "option":
                self.options.map_options(line, line.options)
            elif role == "constraint":
                self._constraint_line(line)
            else:
                self.map_requirement(line, role)

    def _include(
        self, line: RequirementLine, role: str, visited: set[str], constraint_queue: list[str]
    ) -> None:
        target = self._included_file(line, "-r")
        if target is None:
            return
        self.decide(line, True, f"lines of {target}", None)
        if target not in visited:
            self.walk(target, role, visited, constraint_queue)

    def _constraint_include(self, line: RequirementLine, constraint_queue: list[str]) -> None:
        target = self._included_file(line, "-c")
        if target is None:
            return
        if target in self.freeze_files:
            self.decide(line, True, PIN_TARGET, "I-FREEZE")
        else:
            self.decide(line, True, CONSTRAINT_TARGET, None)
            constraint_queue.append(target)

    def _included_file(self, line: RequirementLine, flag: str) -> str | None:
        """The file FLAG (-r or -c) names; None when an environment variable hides it."""
        if has_env_var(line.value or ""):
            self.decide(line, False, None, "W-ENVVAR")
            self.note("W-ENVVAR", f"{flag} {line.value} uses an environment variable.", line)
            return None
        return resolve_include(self.root, line.path, line.value or "", line.location)

    def _constraint_line(self, line: RequirementLine) -> None:
        if line.kind != "requirement":
            self.decide(line, False, None, "W-OPTION")
            self.note("W-OPTION", f"{redact(line.text)} in a constraint file is not carried.", line)
            return
        if has_env_var(line.requirement_text):
            self._envvar(line)
            return
        self._hashes(line)
        if line.requirement_text not in self.constraints:
            self.constraints.append(line.requirement_text)
        self.decide(line, True, CONSTRAINT_TARGET, None)

    def _envvar(self, line: RequirementLine) -> None:
        self.decide(line, False, None, "W-ENVVAR")
        self.note(
            "W-ENVVAR",
            f"{redact(line.text)} uses an environment variable; the line is not carried.",
            line,
        )

    def _hashes(self, line: RequirementLine) -> None:
        if line.hashes:
            self.note(
                "I-HASH", "--hash dropped: uv.lock records artifact hashes.", line, Level.INFO
            )
        for name, _value in line.options:
            self.note("W-OPTION", f"{name} is not carried (uv has no per-requirement form).", line)

    # -- requirements

    def map_requirement(self, line: RequirementLine, group: str) -> None:
        text = line.requirement_text
        if has_env_var(USERINFO_RE.sub(r"\g<scheme>", text)):
            self._envvar(line)
            return
        self._hashes(line)
        if line.kind == "requirement":
            assert line.requirement is not None
            dependency = self._plain_dependency(line, line.requirement, text)
            code = None
        else:
            built = self._sourced_dependency(line)
            if built is None:
                return
            dependency, code = built
        target, duplicate_code = self.add_dependency(group, dependency, line)
        self.decide(line, True, target, code or duplicate_code)

    def _plain_dependency(
        self, line: RequirementLine, requirement: Requirement, text: str
    ) -> MappedDependency:
        marker = _marker_text(text) if requirement.marker else None
        return MappedDependency(
            name=requirement.name,
            key=(canonicalize_name(requirement.name), str(requirement.marker or "")),
            extras=set(requirement.extras),
            parts=_specifier_parts(text),
            marker=marker,
            source=None,
            comment=redact(line.comment) if line.comment else None,
            origin=line.location,
            lines=[(line.path, line.line)],
            text=text,
        )

    def _sourced_dependency(
        self, line: RequirementLine
    ) -> tuple[MappedDependency, str | None] | None:
        """-e, paths, URLs and VCS lines: a bare name plus a [tool.uv.sources] entry."""
        requirement = line.requirement
        target_text = requirement.url if requirement else line.requirement_text
        marker = str(requirement.marker) if requirement and requirement.marker else None
        if requirement is None:
            target_text, marker = _split_url_marker(line.requirement_text)
        code: str | None = None
        path_extras = None
        url_part, _, fragment = (target_text or "").partition("#")
        egg = _fragment(fragment).get("egg")
        if target_text.startswith(VCS_PREFIXES):
            source = self._vcs_source(line, target_text)
            if source is None:
                return None
            if line.kind == "editable":
                code = "W-EDITABLE-VCS"
                self.note("W-EDITABLE-VCS", "editable VCS install becomes non-editable.", line)
        elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", target_text) and not target_text.startswith(
            "file:"
        ):
            url, had_credentials = strip_userinfo(url_part)
            if had_credentials:
                code = "W-URL-CRED"
                self._url_credentials(line)
            source = {"url": url}
            if egg is None:
                egg = package_name_from_filename(posixpath.basename(urlsplit(url).path))
        else:
            # pip accepts extras after a local path: `-e ./libs/shared[redis]`
            path_extras = re.match(r"^(.*?)(\[[^\]]*\])$", url_part)
            if path_extras:
                url_part = path_extras.group(1)
            source = self._path_source(line, url_part)
            if source is None:
                return None
        name_text = requirement.name if requirement else egg
        local = source.get("path")
        if name_text is None and local:
            name_text = local_package_name(self.root, posixpath.normpath(local), line.location)
            if path_extras:
                name_text += path_extras.group(2)
        if name_text is None:
            raise MigrationRefused(
                "R4", f"{line.location}: cannot tell the package name of {redact(target_text)}"
            )
        try:
            egg_req = Requirement(name_text) if requirement is None else requirement
        except InvalidRequirement:
            raise MigrationRefused(
                "R4", f"{line.location}: {name_text!r} is not a package name"
            ) from None
        extras = set(egg_req.extras)
        dependency = MappedDependency(
            name=egg_req.name,
            key=(canonicalize_name(egg_req.name), marker or ""),
            extras=extras,
            parts=[],
            marker=marker,
            source=source,
            comment=redact(line.comment) if line.comment else None,
            origin=line.location,
            lines=[(line.path, line.line)],
        )
        return dependency, code

    def _url_credentials(self, line: RequirementLine) -> None:
        self.note(
            "W-URL-CRED",
            "credentials removed from a URL; uv reads them from git or netrc configuration.",
            line,
        )

    def _vcs_source(self, line: RequirementLine, url: str) -> dict | None:
        if not url.startswith("git+"):
            self.decide(line, False, None, "W-OPTION")
            self.note("W-OPTION", "only git VCS URLs can be carried to uv.", line)
            return None
        base, _, fragment = url[4:].partition("#")
        parts = urlsplit(base)
        path, rev = parts.path, None
        if "@" in path:
            path, rev = path.rsplit("@", 1)
        clean, had_credentials = strip_userinfo(
            urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), keep_ssh_user=True
        )
        if had_credentials:
            self._url_credentials(line)
        source: dict = {"git": clean}
        if rev:
            source["rev"] = rev
        subdirectory = _fragment(fragment).get("subdirectory")
        if subdirectory:
            source["subdirectory"] = subdirectory
        return source

    def _path_source(self, line: RequirementLine, target: str) -> dict | None:
        if target.startswith("file:"):
            target = unquote(urlsplit(target).path) if target.startswith("file://") else target[5:]
        relative = target
        if posixpath.isabs(target):
            try:
                relative = Path(target).resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                relative = target
        relative = posixpath.normpath(relative) if not posixpath.isabs(relative) else relative
        if relative == ".":
            self.decide(line, False, None, "W-SELF-INSTALL")
            self.note(
                "W-SELF-INSTALL",
                "installing the project itself is not a dependency (see the Dockerfile plan).",
                line,
            )
            return None
        outside = posixpath.isabs(relative) or relative.startswith("../")
        written = relative if outside else f"./{relative}"
        source: dict = {"path": written}
        if line.kind == "editable":
            source["editable"] = True
        if not posixpath.isabs(relative) and relative not in self.path_sources:
            self.path_sources.append(relative)
        return source

    def add_dependency(
        self, group: str, dependency: MappedDependency, line: RequirementLine
    ) -> tuple[str, str | None]:
        """Add to a group, merging a duplicate; returns (coverage target, warning code)."""
        target = MAIN_TARGET if group == "main" else DEV_TARGET
        if dependency.source:
            target += f", [tool.uv.sources].{dependency.name}"
        for existing in self.groups[group]:
            if existing.key == dependency.key:
                return target, self._merge(existing, dependency, line)
        self.groups[group].append(dependency)
        return target, None

    def _merge(
        self, existing: MappedDependency, new: MappedDependency, line: RequirementLine
    ) -> str | None:
        where = f"{new.origin} and {existing.origin}"
        existing.lines.extend(new.lines)
        if existing.source or new.source:
            if existing.source == new.source or not (new.source or new.parts):
                self._duplicate_info(line, existing)
                return None
            if not (existing.source or existing.parts):
                existing.source, existing.text = new.source, ""
                return self._duplicate_warning(line, existing)
            raise MigrationRefused("R3", f"{existing.name} is given two different ways at {where}")
        if existing.specifier == new.specifier and existing.extras == new.extras:
            self._duplicate_info(line, existing)
            return None
        if not specifiers_overlap(existing.specifier, new.specifier):
            raise MigrationRefused(
                "R3",
                f"{existing.name}: {','.join(existing.parts)} and {','.join(new.parts)} "
                f"cannot both hold ({where})",
            )
        for part in new.parts:
            if part not in existing.parts:
                existing.parts.append(part)
        existing.extras |= new.extras
        existing.text = ""
        return self._duplicate_warning(line, existing)

    def _duplicate_info(self, line: RequirementLine, existing: MappedDependency) -> None:
        self.note(
            "I-DUPLICATE",
            f"{existing.name} is already listed at {existing.origin}; kept once.",
            line,
            Level.INFO,
        )

    def _duplicate_warning(self, line: RequirementLine, existing: MappedDependency) -> str:
        self.note(
            "W-DUPLICATE",
            f"{existing.name} also listed at {existing.origin}; joined as {existing.render()}.",
            line,
        )
        return "W-DUPLICATE"

    def reconcile_dev_with_main(self) -> None:
        """A dev entry already in main stays in main; the dev copy survives only if stricter."""
        main = {dep.key: dep for dep in self.groups["main"]}
        kept: list[MappedDependency] = []
        for dep in self.groups["dev"]:
            other = main.get(dep.key)
            if other is None:
                kept.append(dep)
                continue
            plain = dep.source is None and other.source is None
            stricter = plain and specifier_narrows(dep.specifier, other.specifier)
            if plain and not specifiers_overlap(dep.specifier, other.specifier):
                raise MigrationRefused(
                    "R3",
                    f"{dep.name}: dev {','.join(dep.parts)} ({dep.origin}) and main "
                    f"{','.join(other.parts)} ({other.origin}) cannot both hold",
                )
            if stricter:
                kept.append(dep)
            verdict = "the stricter dev copy is kept too" if stricter else "dev copy dropped"
            for path, number in dep.lines:
                target = DEV_TARGET if stricter else MAIN_TARGET
                self.decisions[(path, number)] = (True, target, "W-DUPLICATE")
                self.findings.append(
                    Finding(
                        "W-DUPLICATE",
                        f"{dep.name} is also a main dependency ({other.origin}); {verdict}.",
                        Level.WARNING,
                        path,
                        number,
                    )
                )
        self.groups["dev"] = kept

    # -- freeze files

    def read_freeze(self, rel: str) -> None:
        self.findings.append(
            Finding(
                "I-FREEZE",
                f"{rel} pins are used only while locking and are not written to pyproject.toml.",
                Level.INFO,
                rel,
            )
        )
        for line in self.graph.files[rel]:
            if line.kind == "option":
                self.options.map_options(line, line.options)
                continue
            version = exact_pin(line.requirement) if line.kind == "requirement" else None
            if version is None or line.requirement is None:
                self.decide(line, False, None, "I-FREEZE-NO-PIN")
                self.note("I-FREEZE-NO-PIN", f"{redact(line.text)} gives no pin.", line, Level.INFO)
                continue
            if line.hashes:
                self.note("I-HASH", "--hash dropped: uv.lock records hashes.", line, Level.INFO)
            marker = str(line.requirement.marker) if line.requirement.marker else None
            self.pins.append(FreezePin(line.requirement.name, version, marker, rel, line.line))
            self.decide(line, True, PIN_TARGET, None)

    def check_pins_against_direct(self) -> None:
        """A direct specifier that excludes the frozen version cannot keep promise 1 (R3)."""
        for dep in self.groups["main"] + self.groups["dev"]:
            if dep.source or not dep.parts:
                continue
            for pin in self.pins:
                if canonicalize_name(pin.name) != dep.key[0]:
                    continue
                if pin.marker and dep.key[1] and pin.marker != dep.key[1]:
                    continue
                if not dep.specifier.contains(pin.version, prereleases=True):
                    raise MigrationRefused(
                        "R3",
                        f"{dep.origin}: {dep.render()} excludes the frozen version "
                        f"{pin.name}=={pin.version} ({pin.path}:{pin.line})",
                    )


def _fragment(fragment: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(fragment).items() if values}


def _split_url_marker(text: str) -> tuple[str, str | None]:
    match = re.search(r"\s;", text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), text[match.end() :].strip() or None


def _specifier_parts(requirement_text: str) -> list[str]:
    """Specifier clauses as written: `requests >= 2, <3 ; m` -> ['>= 2', '<3']."""
    head = requirement_text.split(";", 1)[0]
    head = re.sub(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?", "", head).strip()
    head = head.strip("()").strip()
    return [part.strip() for part in head.split(",") if part.strip()]


def _marker_text(requirement_text: str) -> str | None:
    match = re.search(r";(.*)$", requirement_text)
    return match.group(1).strip() or None if match else None
