"""Requirement files -> dependency groups, constraints and freeze pins, a decision per line (§3.1).

Options go to pip_option_mapping, -e/path/URL/VCS lines to requirement_sources; duplicates are
merged here, and a dev copy of a main dependency is kept only when it is stricter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from uvtui.core.findings import Finding, Level, MigrationRefused
from uvtui.core.migrate.line_decisions import LineDecisions
from uvtui.core.migrate.pip_options import PipOptionMapper
from uvtui.core.migrate.requirements import (
    RequirementGraph,
    RequirementLine,
    has_env_var,
    resolve_include,
)
from uvtui.core.migrate.sources import SourceMapper
from uvtui.core.migrate.specifier_overlap import exact_pin, specifier_narrows, specifiers_overlap
from uvtui.core.redact import USERINFO_RE, redact

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


class RequirementMapper(LineDecisions):
    """Accumulates the mapping of every line; one instance per plan."""

    def __init__(self, root: Path, graph: RequirementGraph, dev_target: str = DEV_TARGET) -> None:
        super().__init__(list(graph.findings))
        self.root = root
        self.graph = graph
        self.dev_target = dev_target  # the coverage target of dev requirements
        self.groups: dict[str, list[MappedDependency]] = {"main": [], "dev": []}
        self.constraints: list[str] = []
        self.pins: list[FreezePin] = []
        self.freeze_files: set[str] = set()
        self.options = PipOptionMapper(self)
        self.sources = SourceMapper(root, self)

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
            sourced = self.sources.map(line)
            if sourced is None:
                return
            dependency = _dependency(
                line,
                sourced.requirement,
                key_marker=sourced.marker or "",
                marker=sourced.marker,
                source=sourced.source,
            )
            code = sourced.code
        target, duplicate_code = self.add_dependency(group, dependency, line)
        self.decide(line, True, target, code or duplicate_code)

    def _plain_dependency(
        self, line: RequirementLine, requirement: Requirement, text: str
    ) -> MappedDependency:
        return _dependency(
            line,
            requirement,
            key_marker=str(requirement.marker or ""),
            marker=_marker_text(text) if requirement.marker else None,
            parts=_specifier_parts(text),
            text=text,
        )

    def add_dependency(
        self, group: str, dependency: MappedDependency, line: RequirementLine
    ) -> tuple[str, str | None]:
        """Add to a group, merging a duplicate; returns (coverage target, warning code)."""
        target = MAIN_TARGET if group == "main" else self.dev_target
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
                target = self.dev_target if stricter else MAIN_TARGET
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
            if line.kind != "requirement" and self.sources.self_install(line):
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


def _specifier_parts(requirement_text: str) -> list[str]:
    """Specifier clauses as written: `requests >= 2, <3 ; m` -> ['>= 2', '<3']."""
    head = requirement_text.split(";", 1)[0]
    head = re.sub(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?", "", head).strip()
    head = head.strip("()").strip()
    return [part.strip() for part in head.split(",") if part.strip()]


def _marker_text(requirement_text: str) -> str | None:
    match = re.search(r";(.*)$", requirement_text)
    return match.group(1).strip() or None if match else None


def _dependency(
    line: RequirementLine,
    requirement: Requirement,
    *,
    key_marker: str,
    marker: str | None,
    parts: list[str] | None = None,
    source: dict | None = None,
    text: str = "",
) -> MappedDependency:
    return MappedDependency(
        name=requirement.name,
        key=(canonicalize_name(requirement.name), key_marker),
        extras=set(requirement.extras),
        parts=parts or [],
        marker=marker,
        source=source,
        comment=redact(line.comment) if line.comment else None,
        origin=line.location,
        lines=[(line.path, line.line)],
        text=text,
    )
