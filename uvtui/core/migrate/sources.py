"""-e, path, URL and VCS lines -> a package name plus a [tool.uv.sources] entry (spec §3.1)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement, Requirement

from uvtui.core.findings import Level, MigrationRefused
from uvtui.core.migrate.credentials import strip_userinfo
from uvtui.core.migrate.line_decisions import LineDecisions
from uvtui.core.migrate.local_packages import local_package_name, package_name_from_filename
from uvtui.core.migrate.requirements import VCS_PREFIXES, RequirementLine
from uvtui.core.redact import redact

SELF_TARGET = "the project itself"


@dataclass(frozen=True)
class SourcedRequirement:
    """The package a line names and where uv gets it from."""

    requirement: Requirement  # name and extras; no specifier, the source says what to install
    marker: str | None  # as written
    source: dict
    code: str | None  # a warning raised while reading the line


class SourceMapper:
    """Builds [tool.uv.sources] entries; one instance per plan."""

    def __init__(self, root: Path, record: LineDecisions) -> None:
        self.root = root
        self.record = record
        self.path_sources: list[str] = []  # root-relative POSIX paths of path/editable sources
        self.self_installs: list[tuple[str, bool]] = []  # (file, editable) of `-e .` / `.` lines

    def map(self, line: RequirementLine) -> SourcedRequirement | None:
        """None when the line is not carried (decided and noted here)."""
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
                self.record.note(
                    "W-EDITABLE-VCS", "editable VCS install becomes non-editable.", line
                )
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
        return SourcedRequirement(egg_req, marker, source, code)

    def self_install(self, line: RequirementLine) -> bool:
        """Record a `-e .` / `.` / `-e file:.` line (the project itself); False for others."""
        text = re.sub(r"\[[^\]]*\]$", "", line.requirement_text.partition("#")[0].strip())
        if text.startswith("file:"):
            text = unquote(urlsplit(text).path) if text.startswith("file://") else text[5:]
        if not text or text.startswith(VCS_PREFIXES) or "://" in text:
            return False
        if (self.root / text).resolve() != self.root.resolve():
            return False
        self._record_self_install(line)
        return True

    def _record_self_install(self, line: RequirementLine) -> None:
        # Not a dependency of itself: `uv sync` installs the project (editable unless
        # --no-editable) when it has a [build-system].
        self.record.decide(line, True, SELF_TARGET, "I-SELF-INSTALL")
        self.record.note(
            "I-SELF-INSTALL",
            "the project itself: uv sync installs it, and so does the image's install step.",
            line,
            Level.INFO,
        )
        self.self_installs.append((line.path, line.kind == "editable"))

    def _url_credentials(self, line: RequirementLine) -> None:
        self.record.note(
            "W-URL-CRED",
            "credentials removed from a URL; uv reads them from git or netrc configuration.",
            line,
        )

    def _vcs_source(self, line: RequirementLine, url: str) -> dict | None:
        if not url.startswith("git+"):
            self.record.decide(line, False, None, "W-OPTION")
            self.record.note("W-OPTION", "only git VCS URLs can be carried to uv.", line)
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
            self._record_self_install(line)
            return None
        outside = posixpath.isabs(relative) or relative.startswith("../")
        written = relative if outside else f"./{relative}"
        source: dict = {"path": written}
        if line.kind == "editable":
            source["editable"] = True
        if not posixpath.isabs(relative) and relative not in self.path_sources:
            self.path_sources.append(relative)
        return source


def _fragment(fragment: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(fragment).items() if values}


def _split_url_marker(text: str) -> tuple[str, str | None]:
    match = re.search(r"\s;", text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), text[match.end() :].strip() or None
