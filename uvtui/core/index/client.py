"""Package index client: PEP 691 JSON simple API, concurrent, cached on disk."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from uvtui.core.errors import PackageIndexError
from uvtui.core.index.config import IndexSettings, credential_variables
from uvtui.core.index.page import PageFile, files_from_json
from uvtui.core.index.page import version_text as _version_text
from uvtui.core.project.model import IndexConfig

if TYPE_CHECKING:
    import httpx  # imported lazily at run time: it is slow to import


@dataclass(frozen=True)
class Release:
    """One version of a package as the index lists it (all its files folded together)."""

    version: Version
    yanked: bool  # every file of this version is yanked
    requires_python: SpecifierSet | None  # None when the index does not say
    upload_time: datetime | None  # earliest file upload (PEP 700), when given


@dataclass(frozen=True)
class PackageReleases:
    name: str  # normalized
    index_url: str  # the simple-API root that answered (no credentials)
    releases: tuple[Release, ...]  # ascending by version


@dataclass(frozen=True)
class PackageDetails:
    """What a details panel shows about a package (from the index's PyPI-style JSON API)."""

    name: str  # normalized
    version: str | None  # the newest version the metadata describes
    summary: str | None
    homepage: str | None
    changelog_url: str | None
    project_urls: tuple[tuple[str, str], ...]  # (label, url) as the project lists them


SIMPLE_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
CACHE_TTL_SECONDS = 600.0
RETRIES = 2
MIN_CONNECT_TIMEOUT = 6.0  # DNS lookups stall for ~5 s on some machines
# "httpx": httpx's own transport instead of the lean standard-library one (transport.py)
TRANSPORT_VARIABLE = "UVTUI_HTTP_TRANSPORT"
_CACHE_FORMAT = 2  # 2: file names read knowing the project name (1 misread some)
_CHANGELOG_LABELS = {"changelog", "changes", "releasenotes", "history", "whatsnew", "news"}


def default_cache_dir() -> Path:
    """Where index answers are cached unless told otherwise (user cache dir / "index")."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("uvtui")) / "index"


@dataclass(frozen=True)
class _CacheEntry:
    fetched_at: float  # time.time() of the last answer from the index
    etag: str | None
    last_modified: str | None
    releases: tuple[Release, ...] | None  # None: the index does not have the package (404)
    rows: list[_Row] | None = None  # the releases as cache rows, when the fold made them


class IndexClient:
    """Asks package indexes which releases exist, the way uv would (first-index strategy).

    One pooled HTTP client serves the whole run; answers are cached on disk per (index, name)
    as compact summaries, fresh for `ttl` seconds and revalidated with ETag/Last-Modified after.
    All failures surface as PackageIndexError with a short reason.
    """

    def __init__(
        self,
        settings: IndexSettings,
        *,
        cache_dir: Path | None = None,
        offline: bool = False,
        timeout: float = 10.0,
        max_in_flight: int = 24,
        ttl: float = CACHE_TTL_SECONDS,
        retry_backoff: float = 0.5,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._settings = settings
        environ = os.environ if environ is None else environ
        self._httpx_transport = environ.get(TRANSPORT_VARIABLE, "").strip().lower() == "httpx"
        self._cache = _DiskCache(cache_dir or default_cache_dir())
        self._offline = offline
        self._timeout = timeout
        self._max_in_flight = max_in_flight
        self._ttl = ttl
        self._retry_backoff = retry_backoff
        self._details: dict[str, PackageDetails | None] = {}
        self._details_lock = threading.Lock()
        # created on the first request: a run answered from the cache never pays for
        # importing httpx and loading the CA certificates
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        with self._http_lock:
            self._closed = True
            if self._http is not None:
                self._http.close()

    def __enter__(self) -> IndexClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, name: str) -> PackageReleases:
        """Releases of `name` from the first index (in uv's priority order) that has it."""
        normalized = canonicalize_name(name)
        indexes = [i for i in self._settings.indexes_for(normalized) if _is_http(i.url)]
        if not indexes:
            raise PackageIndexError(f"no package index to ask for {normalized}")
        for index in indexes:
            releases = self._fetch_from(index, normalized)
            if releases is not None:
                return PackageReleases(normalized, index.url, releases)
        raise PackageIndexError(f"{normalized} not found on any index")

    def fetch_many(
        self,
        names: Iterable[str],
        on_result: Callable[[str, PackageReleases | PackageIndexError], None],
    ) -> None:
        """Fetch every name concurrently; `on_result(name, answer)` runs once per distinct
        name (as passed), as soon as that name is done: in the calling thread for answers the
        cache holds (no thread is started for a warm check), else in a worker thread."""
        pending = []
        for name in dict.fromkeys(names):
            cached = self._cached_answer(name)
            if cached is None:
                pending.append(name)
            else:
                on_result(name, cached)
        if not pending:
            return
        workers = min(self._max_in_flight, len(pending))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="uvtui-index") as pool:
            futures = [pool.submit(self._fetch_and_report, name, on_result) for name in pending]
        for future in futures:
            future.result()  # surfaces an exception raised by on_result itself

    def details(self, name: str) -> PackageDetails | None:
        """Summary and links for `name` from `<index root>/pypi/<name>/json`, when an index
        serves that API; None otherwise (never raises)."""
        normalized = canonicalize_name(name)
        with self._details_lock:
            if normalized in self._details:
                return self._details[normalized]
        found = None if self._offline else self._fetch_details(normalized)
        with self._details_lock:
            self._details[normalized] = found
        return found

    # -- internals ------------------------------------------------------------------------------

    def _fetch_and_report(
        self, name: str, on_result: Callable[[str, PackageReleases | PackageIndexError], None]
    ) -> None:
        try:
            answer: PackageReleases | PackageIndexError = self.fetch(name)
        except PackageIndexError as error:
            answer = error
        on_result(name, answer)

    def _cached_answer(self, name: str) -> PackageReleases | PackageIndexError | None:
        """What `fetch` would answer from fresh cache entries alone; None when it must ask."""
        normalized = canonicalize_name(name)
        try:
            indexes = [i for i in self._settings.indexes_for(normalized) if _is_http(i.url)]
        except PackageIndexError as error:
            return error
        for index in indexes:
            cached = self._cache.load(index.url, normalized)
            if cached is None or not (self._offline or self._fresh(cached)):
                return None
            if cached.releases is not None:
                return PackageReleases(normalized, index.url, cached.releases)
        return None  # no index, or none has it: `fetch` says so

    def _fresh(self, cached: _CacheEntry) -> bool:
        # an answer stamped in the future (clock set back, cache copied) is not fresh
        return 0.0 <= time.time() - cached.fetched_at < self._ttl

    def _fetch_from(self, index: IndexConfig, name: str) -> tuple[Release, ...] | None:
        """Releases from one index; None when it does not have the package."""
        cached = self._cache.load(index.url, name)
        if self._offline:
            if cached is None:
                raise PackageIndexError("offline: not in cache")
            return cached.releases
        if cached is not None and self._fresh(cached):
            return cached.releases
        headers = {"Accept": SIMPLE_ACCEPT}
        if cached is not None and cached.releases is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        response = self._get(index, f"{index.url}/{name}/", headers)
        if response.status_code == 304 and cached is not None and cached.releases is not None:
            self._cache.store(index.url, name, replace(cached, fetched_at=time.time()))
            return cached.releases
        if response.status_code in (404, 410):
            self._cache.store(index.url, name, _CacheEntry(time.time(), None, None, None))
            return None
        _raise_for_status(response, index)
        releases, rows = _fold(_parse_page(response, name))
        entry = _CacheEntry(
            time.time(),
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
            releases,
            rows,
        )
        self._cache.store(index.url, name, entry)
        return releases

    def _fetch_details(self, name: str) -> PackageDetails | None:
        try:
            indexes = self._settings.indexes_for(name)
        except PackageIndexError:
            return None
        for index in indexes:
            root = _metadata_root(index.url)
            if root is None:
                continue
            try:
                response = self._get(
                    index, f"{root}/pypi/{name}/json", {"Accept": "application/json"}
                )
            except PackageIndexError:
                return None
            if response.status_code == 404:
                continue
            if response.status_code != 200:
                return None
            return _parse_details(name, response.content)
        return None

    def _client(self) -> httpx.Client:
        """The pooled HTTP client; RuntimeError once closed (as httpx raises itself)."""
        import httpx

        from uvtui.core.index.heap import keep_large_blocks_mapped
        from uvtui.core.index.transport import StdlibTransport

        with self._http_lock:
            if self._closed:
                raise RuntimeError("the index client is closed")
            if self._http is None:
                keep_large_blocks_mapped()
                limits = httpx.Limits(
                    max_connections=self._max_in_flight,
                    max_keepalive_connections=self._max_in_flight,
                )
                self._http = httpx.Client(
                    timeout=httpx.Timeout(
                        self._timeout, connect=max(self._timeout, MIN_CONNECT_TIMEOUT)
                    ),
                    limits=limits,  # for httpx's transport (and a proxy from the environment)
                    transport=(
                        None
                        if self._httpx_transport
                        else StdlibTransport(httpx.create_ssl_context())
                    ),
                    follow_redirects=True,
                    headers={"User-Agent": "uvtui"},
                )
            return self._http

    def _get(self, index: IndexConfig, url: str, headers: dict[str, str]) -> httpx.Response:
        """GET with retries (connect errors and 5xx) and errors turned into short reasons."""
        import httpx

        credentials = self._settings.credentials_for(index)
        auth = credentials.as_basic_auth() if credentials else None
        host = urlsplit(index.url).hostname or index.url
        attempt = 0
        while True:
            try:
                response = self._client().get(url, headers=headers, auth=auth)
                # httpx binds the read stream to its response (a reference cycle): until the
                # garbage collector runs, every page body read would stay in memory
                response.stream = httpx.ByteStream(response.content)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if attempt == RETRIES:
                    raise PackageIndexError(f"could not connect to {host}") from None
            except httpx.RemoteProtocolError:  # e.g. a pooled connection the server dropped
                if attempt == RETRIES:
                    raise PackageIndexError(f"request to {host} failed") from None
            except httpx.TimeoutException:
                raise PackageIndexError(f"index timed out after {self._timeout:g} s") from None
            except httpx.HTTPError:
                raise PackageIndexError(f"request to {host} failed") from None
            except RuntimeError:  # httpx: the client was closed, e.g. while the app quits
                raise PackageIndexError("index client closed") from None
            else:
                if response.status_code < 500 or attempt == RETRIES:
                    return response
            time.sleep(self._retry_backoff * 2**attempt)
            attempt += 1


class _DiskCache:
    """Compact per-(index, name) summaries as small JSON files; unreadable files count as absent."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def load(self, index_url: str, name: str) -> _CacheEntry | None:
        try:
            data = json.loads(self._path(index_url, name).read_text(encoding="utf-8"))
            if data["format"] != _CACHE_FORMAT or data["index_url"] != index_url:
                return None
            rows = data["releases"]
            releases = None if rows is None else tuple(_release_from_row(row) for row in rows)
            return _CacheEntry(
                float(data["fetched_at"]), data["etag"], data["last_modified"], releases
            )
        except (OSError, ValueError, KeyError, TypeError, InvalidVersion, InvalidSpecifier):
            return None

    def store(self, index_url: str, name: str, entry: _CacheEntry) -> None:
        rows = entry.rows
        if rows is None and entry.releases is not None:
            rows = [_release_to_row(release) for release in entry.releases]
        data = {
            "format": _CACHE_FORMAT,
            "index_url": index_url,
            "name": name,
            "fetched_at": entry.fetched_at,
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "releases": rows,
        }
        path = self._path(index_url, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # write-then-rename: concurrent readers never see half a file
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(json.dumps(data, separators=(",", ":")))  # dump() encodes in Python
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only or full cache only costs a refetch next time

    def _path(self, index_url: str, name: str) -> Path:
        index_key = hashlib.sha256(index_url.encode()).hexdigest()[:16]
        return self._directory / index_key / f"{name}.json"


# A release in the cache: version, yanked, Requires-Python, upload time (ISO 8601)
_Row = list[object]


def _release_to_row(release: Release) -> _Row:
    return [
        str(release.version),
        release.yanked,
        None if release.requires_python is None else str(release.requires_python),
        None if release.upload_time is None else release.upload_time.isoformat(),
    ]


def _release_from_row(row: _Row) -> Release:
    version, yanked, requires_python, upload_time = row
    return Release(
        version=_known_version(str(version)),
        yanked=bool(yanked),
        requires_python=None if requires_python is None else _known_specifier(str(requires_python)),
        upload_time=None if upload_time is None else datetime.fromisoformat(str(upload_time)),
    )


@lru_cache(maxsize=1024)
def _known_specifier(text: str) -> SpecifierSet:
    """A cached summary's Requires-Python; raises InvalidSpecifier like SpecifierSet."""
    return SpecifierSet(text)


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _metadata_root(index_url: str) -> str | None:
    """`https://host/simple` -> `https://host` (where a PyPI-style `/pypi/<name>/json` lives)."""
    if not _is_http(index_url) or not index_url.endswith("/simple"):
        return None
    return index_url.removesuffix("/simple")


def _raise_for_status(response: httpx.Response, index: IndexConfig) -> None:
    status = response.status_code
    if status in (401, 403):
        if index.name:
            user_variable, password_variable = credential_variables(index.name)
            hint = f"set {user_variable}/{password_variable}"
        else:
            hint = (
                "add credentials to ~/.netrc, or name the index (UV_INDEX=name=url) "
                "and set UV_INDEX_<NAME>_USERNAME/PASSWORD"
            )
        raise PackageIndexError(f"authentication required for {index.url}: {hint}")
    if status != 200:
        raise PackageIndexError(f"index answered HTTP {status}")


def _parse_page(response: httpx.Response, name: str) -> list[PageFile]:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if "json" in content_type:
        return files_from_json(response.content, name)
    return _files_from_html(response.text, name)


class _LinkParser(HTMLParser):
    """Collects the anchors of a PEP 503 project page."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name  # normalized
        self.files: list[PageFile] = []
        self._anchor: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._anchor, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or self._anchor is None:
            return
        href = self._anchor.get("href") or ""
        filename = "".join(self._text).strip() or unquote(urlsplit(href).path.rsplit("/", 1)[-1])
        text = _version_text(filename, self.name)
        if text is not None:  # PEP 503 pages do not carry upload times
            requires_python = self._anchor.get("data-requires-python")
            self.files.append((text, requires_python, "data-yanked" in self._anchor, None))
        self._anchor = None


def _files_from_html(text: str, name: str) -> list[PageFile]:
    parser = _LinkParser(name)
    parser.feed(text)
    parser.close()
    return parser.files


def _fold(files: list[PageFile]) -> tuple[tuple[Release, ...], list[_Row]]:
    """One Release per version (ascending), folding that version's files together, and
    each as a cache row (from the texts on the page: cheaper than `_release_to_row`)."""
    by_text: dict[str, list[PageFile]] = {}
    for file in files:
        group = by_text.get(file[0])
        if group is None:
            by_text[file[0]] = [file]
        else:
            group.append(file)
    by_version: dict[Version, list[PageFile]] = {}
    spelled_twice: list[Version] = []  # e.g. files of both "1.0" and "1.0.0"
    for text, group in by_text.items():
        version = _version(text)
        if version is None:
            continue
        if version in by_version:
            by_version[version] = by_version[version] + group
            spelled_twice.append(version)
        else:
            by_version[version] = group
    if spelled_twice:  # back to page order, which decides the Requires-Python
        position = {id(file): index for index, file in enumerate(files)}
        for version in spelled_twice:
            by_version[version].sort(key=lambda file: position[id(file)])
    folded = [_release(version, by_version[version]) for version in sorted(by_version)]
    return tuple(release for release, _ in folded), [row for _, row in folded]


def _release(version: Version, group: list[PageFile]) -> tuple[Release, _Row]:
    """The release of one version's files: yanked only if all are, Requires-Python of the
    first installable file that states a valid one, earliest upload time."""
    installable = [file for file in group if not file[2]]
    requires_python = requires_python_text = None
    for _, text, _, _ in installable or group:
        if text is not None and (requires_python := _specifier(text)) is not None:
            requires_python_text = text
            break
    upload_time = _earliest([text for _, _, _, text in group if text is not None])
    release = Release(version, not installable, requires_python, upload_time)
    # group[0] is the first file of the spelling that made `version`
    upload_text = None if upload_time is None else upload_time.isoformat()
    row = [group[0][0], not installable, requires_python_text, upload_text]
    return release, row


def _version(text: str) -> Version | None:
    try:
        return _known_version(text)
    except InvalidVersion:
        return None


# Projects share most version texts ("1.0.0", "0.2.1", ...): a large fixture's 35k releases
# spell only 13k of them. Versions are immutable, so one object can serve them all.
_known_version = lru_cache(maxsize=32768)(Version)


@lru_cache(maxsize=1024)  # a few dozen distinct Requires-Python values cover most of an index
def _specifier(text: str) -> SpecifierSet | None:
    if not text.strip():
        return None
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def _earliest(texts: list[str]) -> datetime | None:
    """The earliest of some ISO 8601 upload times (None for none that reads)."""
    if not texts:
        return None
    # PyPI writes one fixed UTC shape ("2024-01-02T03:04:05.123456Z"), in which text order is
    # time order: one parse per release instead of one per file
    shape = len(texts[0])
    if texts[0].endswith("Z") and all(len(text) == shape and text[-1] == "Z" for text in texts):
        earliest = _timestamp(min(texts))
        if earliest is not None:
            return earliest
    return min((moment for text in texts if (moment := _timestamp(text)) is not None), default=None)


def _timestamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_details(name: str, content: bytes) -> PackageDetails | None:
    try:
        info = json.loads(content)["info"]
        raw_urls = info.get("project_urls") or {}
        project_urls = tuple((str(label), str(url)) for label, url in raw_urls.items() if url)
        labels = {_label_key(label): url for label, url in project_urls}
        return PackageDetails(
            name=name,
            version=info.get("version"),
            summary=info.get("summary") or None,
            homepage=info.get("home_page") or labels.get("homepage") or labels.get("home"),
            changelog_url=next((labels[k] for k in labels if k in _CHANGELOG_LABELS), None),
            project_urls=project_urls,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _label_key(label: str) -> str:
    """PyPI's label normalization: lowercase, punctuation and spaces dropped."""
    return "".join(character for character in label.lower() if character.isalnum())
