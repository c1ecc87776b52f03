"""Which package indexes uv would consult, in which order, and with which credentials.

Mirrors uv's rules: indexes from the environment (UV_INDEX, then UV_EXTRA_INDEX_URL) come before
the project's [[tool.uv.index]] entries (in file order); the default index (UV_DEFAULT_INDEX,
else UV_INDEX_URL, else the project's `default = true` index, else the public index) is always
last. A package pinned with `[tool.uv.sources] name = { index = "..." }` uses only that index;
`explicit = true` indexes are used for pinned packages only.
"""

from __future__ import annotations

import netrc
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from packaging.utils import canonicalize_name

from uvtui.core.errors import PackageIndexError
from uvtui.core.project.model import IndexConfig, Project
from uvtui.core.redact import netrc_location, read_netrc

PUBLIC_INDEX_URL = "https://pypi.org/simple"

_NAMED_URL = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)=(?P<url>.+)$")


@dataclass(frozen=True)
class Credentials:
    """HTTP basic credentials for one index; never shown in repr/str."""

    username: str
    password: str | None

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"

    __str__ = __repr__

    def as_basic_auth(self) -> tuple[str, str]:
        return self.username, self.password or ""


@dataclass(frozen=True)
class IndexSettings:
    """The indexes uv would use for a project, in priority order (the default index last)."""

    indexes: tuple[IndexConfig, ...]
    # normalized package name -> index names it is pinned to in [tool.uv.sources]
    pins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # index URL (as in `indexes`) -> credentials; repr=False keeps secrets out of logs
    credentials: Mapping[str, Credentials] = field(default_factory=dict, repr=False)

    def indexes_for(self, name: str) -> list[IndexConfig]:
        """Simple-API indexes to ask for `name`, first-index order.

        A pinned package gets only its pinned index(es); otherwise every non-explicit index.
        Flat (find-links) indexes are left out: they have no project pages to check.
        Raises PackageIndexError when the pin names an index that is not defined.
        """
        pinned = self.pins.get(canonicalize_name(name))
        if pinned:
            chosen = []
            for index_name in pinned:
                index = self._by_name(index_name)
                if index is None:
                    raise PackageIndexError(
                        f"{name} is pinned to index '{index_name}', which is not defined"
                    )
                chosen.append(index)
        else:
            chosen = [index for index in self.indexes if not index.explicit]
        return [index for index in chosen if index.format != "flat"]

    def credentials_for(self, index: IndexConfig) -> Credentials | None:
        return self.credentials.get(index.url)

    def _by_name(self, index_name: str) -> IndexConfig | None:
        return next((index for index in self.indexes if index.name == index_name), None)


def credential_variables(index_name: str) -> tuple[str, str]:
    """The UV_INDEX_<NAME>_USERNAME / _PASSWORD variable names uv reads for a named index."""
    upper = re.sub(r"[^A-Z0-9]", "_", index_name.upper())
    return f"UV_INDEX_{upper}_USERNAME", f"UV_INDEX_{upper}_PASSWORD"


def resolve_indexes(
    project: Project | None, environ: Mapping[str, str], netrc_path: Path | None = None
) -> IndexSettings:
    """Resolve the indexes (and their credentials) uv would use for `project` under `environ`.

    `netrc_path` overrides where .netrc is read from (default: $NETRC, else ~/.netrc).
    """
    candidates: list[tuple[IndexConfig, Credentials | None]] = []
    for text in environ.get("UV_INDEX", "").split():
        candidates.append(_from_environment(text))
    for text in environ.get("UV_EXTRA_INDEX_URL", "").split():
        candidates.append(_from_environment(text, named=False))
    if project is not None:
        candidates += [_from_project(index) for index in project.indexes]

    # The first default wins: UV_DEFAULT_INDEX, UV_INDEX_URL, the project's, the public index.
    defaults = []
    if environ.get("UV_DEFAULT_INDEX", "").strip():
        defaults.append(_from_environment(environ["UV_DEFAULT_INDEX"], default=True))
    if environ.get("UV_INDEX_URL", "").strip():
        defaults.append(_from_environment(environ["UV_INDEX_URL"], default=True, named=False))
    defaults += [candidate for candidate in candidates if candidate[0].default]
    defaults.append((IndexConfig(url=PUBLIC_INDEX_URL, default=True), None))
    ordered = [candidate for candidate in candidates if not candidate[0].default] + defaults[:1]

    indexes: list[IndexConfig] = []
    credentials: dict[str, Credentials] = {}
    netrc_file = read_netrc(netrc_path or netrc_location(environ))
    for index, url_credentials in ordered:
        if any(known.url == index.url for known in indexes):
            continue
        indexes.append(index)
        found = _credentials(index, url_credentials, environ, netrc_file)
        if found is not None:
            credentials[index.url] = found
    pins = _pins(project.sources) if project is not None else {}
    return IndexSettings(indexes=tuple(indexes), pins=pins, credentials=credentials)


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """`url` without `user:password@`, and those credentials (None when there are none)."""
    parts = urlsplit(url.strip())
    if "@" not in parts.netloc:
        return url.strip().rstrip("/"), None
    userinfo, _, host = parts.netloc.rpartition("@")
    username, has_password, password = userinfo.partition(":")
    found = Credentials(unquote(username), unquote(password) if has_password else None)
    return urlunsplit(parts._replace(netloc=host)).rstrip("/"), found


def _from_environment(
    text: str, *, default: bool = False, named: bool = True
) -> tuple[IndexConfig, Credentials | None]:
    match = _NAMED_URL.match(text.strip()) if named else None
    name, url = (match["name"], match["url"]) if match else (None, text)
    clean_url, found = split_credentials(url)
    return IndexConfig(url=clean_url, name=name, default=default), found


def _from_project(index: IndexConfig) -> tuple[IndexConfig, Credentials | None]:
    clean_url, found = split_credentials(index.url)
    if found is None and index.auth is not None:
        found = Credentials(*index.auth)
    return replace(index, url=clean_url), found


def _credentials(
    index: IndexConfig,
    from_url: Credentials | None,
    environ: Mapping[str, str],
    netrc_file: netrc.netrc | None,
) -> Credentials | None:
    """uv's order: UV_INDEX_<NAME>_* variables, then the URL's userinfo, then .netrc."""
    if index.name:
        user_variable, password_variable = credential_variables(index.name)
        username, password = environ.get(user_variable), environ.get(password_variable)
        if username is not None or password is not None:
            fallback_user = from_url.username if from_url else ""
            return Credentials(username if username is not None else fallback_user, password)
    if from_url is not None and from_url.password is not None:
        return from_url
    host = urlsplit(index.url).hostname
    entry = netrc_file.authenticators(host) if netrc_file is not None and host else None
    if entry is not None:
        login, _, password = entry
        if from_url is None or from_url.username in ("", login):
            return Credentials(login, password)
    return from_url


def _pins(sources: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Index names each package is pinned to (a list of sources may pin one per marker)."""
    pins: dict[str, tuple[str, ...]] = {}
    for name, source in sources.items():
        entries = source if isinstance(source, list) else [source]
        names = [entry["index"] for entry in entries if _pinned_index(entry)]
        if names:
            pins[canonicalize_name(name)] = tuple(dict.fromkeys(names))
    return pins


def _pinned_index(entry: object) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("index"), str)
