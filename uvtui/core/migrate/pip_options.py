"""pip options -> [tool.uv] settings and [[tool.uv.index]] entries, a decision per line (§3.1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from uvtui.core.findings import Finding, Level
from uvtui.core.index.config import credential_variables
from uvtui.core.index.names import index_name_for
from uvtui.core.migrate.credentials import strip_userinfo
from uvtui.core.migrate.line_decisions import LineDecisions
from uvtui.core.migrate.requirements import RequirementLine, has_env_var
from uvtui.core.redact import redact


@dataclass(frozen=True)
class _OptionResult:
    """What one option became; a --trusted-host is decided once every index is known."""

    carried: bool
    target: str | None
    code: str | None
    trusted_host: str | None = None


@dataclass
class MappedIndex:
    """A [[tool.uv.index]] entry from --index-url, --extra-index-url or --find-links."""

    name: str
    url: str
    default: bool = False
    flat: bool = False
    host: str | None = None
    netloc: str | None = None


class PipOptionMapper:
    """Collects the settings and indexes pip options ask for; one instance per plan."""

    def __init__(self, record: LineDecisions) -> None:
        self.record = record
        self.indexes: list[MappedIndex] = []
        self.trusted: list[str] = []
        self.tool_uv: dict[str, object] = {}
        self.credential_vars: list[str] = []
        self.option_results: dict[tuple[str, int], list[_OptionResult]] = {}
        self.taken_names: list[str] = []  # names of indexes already in pyproject.toml

    def map_options(self, line: RequirementLine, options: Iterable[tuple[str, str | None]]) -> None:
        results = [self._option(name, value, line) for name, value in options]
        self.option_results[(line.path, line.line)] = results

    def _option(self, name: str, value: str | None, line: RequirementLine) -> _OptionResult:
        value = value or ""
        if name in {"--index-url", "--extra-index-url", "--find-links"}:
            return self._index_option(name, value, line)
        if name == "--trusted-host":
            self.trusted.append(value)
            return _OptionResult(False, None, "W-TRUSTED-HOST", trusted_host=value)
        if name == "--no-index":
            self.record.note(
                "W-NO-INDEX", "--no-index is not carried; uv uses the configured indexes.", line
            )
            return _OptionResult(False, None, "W-NO-INDEX")
        if name == "--pre":
            self.tool_uv["prerelease"] = "allow"
            self.record.note(
                "W-PRE-GLOBAL", '--pre becomes prerelease = "allow" for the whole resolution.', line
            )
            return _OptionResult(True, "[tool.uv].prerelease", "W-PRE-GLOBAL")
        if name == "--require-hashes":
            self.record.note(
                "I-HASH", "--require-hashes dropped: uv.lock records hashes.", line, Level.INFO
            )
            return _OptionResult(False, None, "I-HASH")
        if name in {"--only-binary", "--no-binary"}:
            return self._binary_option(name, value, line)
        self.record.note("W-OPTION", f"{name} is not carried.", line)
        return _OptionResult(False, None, "W-OPTION")

    def _binary_option(self, name: str, value: str, line: RequirementLine) -> _OptionResult:
        key = "no-build" if name == "--only-binary" else "no-binary"
        packages = [item.strip() for item in value.split(",") if item.strip()]
        if ":none:" in packages or not packages:
            self.record.note("W-OPTION", f"{name} {value} is not carried.", line)
            return _OptionResult(False, None, "W-OPTION")
        if ":all:" in packages:
            self.tool_uv[key] = True
            return _OptionResult(True, f"[tool.uv].{key}", None)
        listed = self.tool_uv.setdefault(f"{key}-package", [])
        assert isinstance(listed, list)
        listed.extend(p for p in packages if p not in listed)
        return _OptionResult(True, f"[tool.uv].{key}-package", None)

    def _index_option(self, name: str, value: str, line: RequirementLine) -> _OptionResult:
        url, had_credentials = strip_userinfo(value)
        if has_env_var(url):
            self.record.note(
                "W-ENVVAR",
                f"{name} {redact(value)} uses an environment variable; not carried.",
                line,
            )
            return _OptionResult(False, None, "W-ENVVAR")
        index = self._add_index(
            url, line, default=name == "--index-url", flat=name == "--find-links"
        )
        code = None
        if name == "--extra-index-url":
            code = "W-INDEX-STRATEGY"
            self.record.note(
                "W-INDEX-STRATEGY",
                f"index {index.name}: uv takes a package from the first index that has it, "
                "while pip merged all indexes.",
                line,
            )
        if had_credentials:
            code = code or "W-INDEX-CRED"
            username, password = credential_variables(index.name)
            for variable in (username, password):
                if variable not in self.credential_vars:
                    self.credential_vars.append(variable)
            self.record.note(
                "W-INDEX-CRED",
                f"credentials removed from index {index.name}; set {username} and {password}.",
                line,
            )
        return _OptionResult(True, f"[[tool.uv.index]] {index.name}", code)

    def _add_index(
        self, url: str, line: RequirementLine, *, default: bool, flat: bool
    ) -> MappedIndex:
        for index in self.indexes:
            if index.url.rstrip("/") == url.rstrip("/"):
                return index
        if default and any(index.default for index in self.indexes):
            default = False
            self.record.note(
                "W-INDEX-STRATEGY",
                f"a second --index-url {url} is added as an extra index.",
                line,
            )
        name = index_name_for(url, [index.name for index in self.indexes] + self.taken_names)
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1] or None
        index = MappedIndex(name, url, default, flat, (parts.hostname or None), netloc)
        self.indexes.append(index)
        return index

    def finish(self) -> None:
        """Decide --trusted-host against the carried indexes, then record option decisions."""
        hosts = {i.host for i in self.indexes if i.host} | {
            i.netloc for i in self.indexes if i.netloc
        }
        allowed: list[str] = []
        for host in self.trusted:
            if host in hosts and host not in allowed:
                allowed.append(host)
        if allowed:
            self.tool_uv["allow-insecure-host"] = allowed
        for key, results in self.option_results.items():
            decided = [self._trusted_host(key, r, hosts) if r.trusted_host else r for r in results]
            targets = [r.target for r in decided if r.target]
            codes = [r.code for r in decided if r.code]
            self.record.decisions[key] = (
                any(r.carried for r in decided),
                "; ".join(targets) or None,
                codes[0] if codes else None,
            )

    def _trusted_host(
        self, key: tuple[str, int], result: _OptionResult, hosts: set[str]
    ) -> _OptionResult:
        host = result.trusted_host
        carried = host in hosts
        outcome = (
            "uv allows insecure connections to it (allow-insecure-host)."
            if carried
            else "not the host of a carried index; nothing written."
        )
        self.record.findings.append(
            Finding("W-TRUSTED-HOST", f"--trusted-host {host}: {outcome}", path=key[0], line=key[1])
        )
        target = "[tool.uv].allow-insecure-host" if carried else None
        return _OptionResult(carried, target, "W-TRUSTED-HOST")
