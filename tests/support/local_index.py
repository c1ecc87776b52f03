"""A local package index for tests: tiny real wheels served over PEP 503/691 on 127.0.0.1.

Build a catalogue of `Dist` values (or use `default_catalogue()`), then
`with serve_local_index(catalogue, workdir) as index: ...`. The server speaks:

- `/simple/` and `/simple/<name>/`: PEP 503 HTML or PEP 691 JSON (api-version 1.1, content
  negotiation on `Accept`), with requires-python, yanked, upload-time and PEP 658 metadata;
- `/files/<filename>` (and `<filename>.metadata`): the wheels themselves;
- `/pypi/<name>/json`: a PyPI-style JSON metadata document for a details panel.

Faults can be switched on at runtime, globally or per package (`set_fault` / `fault`), and every
request is recorded so tests can assert caching.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

from packaging.utils import canonicalize_name
from packaging.version import Version

JSON_V1 = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
TEXT_HTML = "text/html"

Fault = Literal["404", "500", "hang", "slow", "garbage", "auth"]
FAULTS: tuple[str, ...] = ("404", "500", "hang", "slow", "garbage", "auth")

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Dist:
    """One release (one wheel) of a package in the local index."""

    name: str
    version: str
    requires_dist: tuple[str, ...] = ()
    requires_python: str | None = None
    yanked: bool | str = False  # True, or the yank reason
    summary: str = ""
    upload_time: datetime = BASE_TIME
    provides_extra: tuple[str, ...] = ()
    # served under this name instead of the wheel's, e.g. an odd "thrift-0.14.0-2.tar.gz"
    # on the project's page (the bytes stay the wheel's: only the name is under test)
    filename: str | None = None
    homepage: str | None = None  # None: a made-up example.invalid address (and changelog)

    @property
    def normalized_name(self) -> str:
        return canonicalize_name(self.name)

    @property
    def wheel_filename(self) -> str:
        if self.filename is not None:
            return self.filename
        return f"{self.normalized_name.replace('-', '_')}-{self.version}-py3-none-any.whl"


def _days(n: int) -> datetime:
    return BASE_TIME + timedelta(days=n)


# Real summaries and home pages, so that screenshots show a project as it looks in real life.
PROJECT_INFO: dict[str, tuple[str, str]] = {
    "async-timeout": (
        "Timeout context manager for asyncio programs",
        "https://github.com/aio-libs/async-timeout",
    ),
    "blinker": (
        "Fast, simple object-to-object and broadcast signaling",
        "https://blinker.readthedocs.io/",
    ),
    "click": ("Composable command line interface toolkit", "https://click.palletsprojects.com/"),
    "colorama": ("Cross-platform colored terminal text.", "https://github.com/tartley/colorama"),
    "flask": (
        "A simple framework for building complex web applications.",
        "https://flask.palletsprojects.com/",
    ),
    "gunicorn": ("WSGI HTTP Server for UNIX", "https://gunicorn.org"),
    "iniconfig": (
        "brain-dead simple config-ini parsing",
        "https://github.com/pytest-dev/iniconfig",
    ),
    "itsdangerous": (
        "Safely pass data to untrusted environments and back.",
        "https://itsdangerous.palletsprojects.com/",
    ),
    "jinja2": ("A very fast and expressive template engine.", "https://jinja.palletsprojects.com/"),
    "markupsafe": (
        "Safely add untrusted strings to HTML/XML markup.",
        "https://markupsafe.palletsprojects.com/",
    ),
    "packaging": ("Core utilities for Python packages", "https://github.com/pypa/packaging"),
    "pluggy": (
        "plugin and hook calling mechanisms for python",
        "https://github.com/pytest-dev/pluggy",
    ),
    "psycopg": ("PostgreSQL database adapter for Python", "https://psycopg.org/"),
    "psycopg-binary": (
        "PostgreSQL database adapter for Python -- C optimisation distribution",
        "https://psycopg.org/",
    ),
    "pytest": ("pytest: simple powerful testing with Python", "https://docs.pytest.org/"),
    "python-dotenv": (
        "Read key-value pairs from a .env file and set them as environment variables",
        "https://github.com/theskumar/python-dotenv",
    ),
    "redis": (
        "Python client for Redis database and key-value store",
        "https://github.com/redis/redis-py",
    ),
    "ruff": (
        "An extremely fast Python linter and code formatter, written in Rust.",
        "https://docs.astral.sh/ruff",
    ),
    "werkzeug": (
        "The comprehensive WSGI web application library.",
        "https://werkzeug.palletsprojects.com/",
    ),
}


def _series(
    name: str,
    versions: Sequence[str],
    *,
    requires_dist: tuple[str, ...] = (),
    requires_python: str | None = None,
    start_day: int = 0,
    provides_extra: tuple[str, ...] = (),
) -> list[Dist]:
    return [
        Dist(
            name,
            version,
            requires_dist=requires_dist,
            requires_python=requires_python,
            summary=PROJECT_INFO[name][0] if name in PROJECT_INFO else f"{name} test package",
            homepage=PROJECT_INFO[name][1] if name in PROJECT_INFO else None,
            upload_time=_days(start_day + 30 * i),
            provides_extra=provides_extra,
        )
        for i, version in enumerate(versions)
    ]


def demo_catalogue() -> list[Dist]:
    """The demo-* packages that exercise every index feature."""
    return [
        Dist("demo-a", "1.0", summary="Demo A", upload_time=_days(0)),
        Dist("demo-a", "1.1", summary="Demo A", upload_time=_days(10)),
        Dist("demo-a", "1.2.1", summary="Demo A", upload_time=_days(20)),
        Dist("demo-a", "2.0", summary="Demo A", requires_python=">=3.8", upload_time=_days(30)),
        Dist("demo-a", "3.0a1", summary="Demo A", requires_python=">=3.8", upload_time=_days(40)),
        Dist("demo-b", "1.0", requires_dist=("demo-a>=1",), summary="Demo B", upload_time=_days(5)),
        Dist(
            "demo-b", "1.5", requires_dist=("demo-a>=1",), summary="Demo B", upload_time=_days(25)
        ),
        Dist("demo-c", "1.0", summary="Demo C", upload_time=_days(1)),
        Dist("demo-c", "1.1", summary="Demo C", upload_time=_days(2)),
        Dist("demo-c", "1.2", summary="Demo C", yanked="broken build", upload_time=_days(3)),
        Dist("demo-d", "1.0", summary="Demo D", requires_python=">=3.8", upload_time=_days(1)),
        Dist("demo-d", "2.0", summary="Demo D", requires_python=">=3.99", upload_time=_days(50)),
    ]


def example_app_catalogue() -> list[Dist]:
    """Packages named like a Flask web app's dependencies, each with patch/minor/major steps."""
    flask_deps = (
        "werkzeug>=3.0.0",
        "jinja2>=3.1.2",
        "itsdangerous>=2.1.2",
        "click>=8.1.3",
        "blinker>=1.6.2",
    )
    flask = _series(
        "flask",
        ["2.3.2", "2.3.3"],
        requires_dist=(*flask_deps[1:], "werkzeug>=2.3.7"),
        start_day=-30,
    )
    flask += _series("flask", ["3.0.0", "3.0.3", "3.1.0"], requires_dist=flask_deps, start_day=60)
    return [
        *flask,
        *_series(
            "werkzeug", ["2.3.7", "3.0.1", "3.0.6", "3.1.3"], requires_dist=("markupsafe>=2.1.1",)
        ),
        *_series("jinja2", ["3.1.2", "3.1.4", "3.1.6"], requires_dist=("markupsafe>=2.0",)),
        *_series("itsdangerous", ["2.1.2", "2.2.0"]),
        *_series("click", ["8.1.3", "8.1.6", "8.1.7", "8.1.8", "8.2.1"]),
        *_series("blinker", ["1.6.2", "1.8.2", "1.9.0"]),
        *_series("markupsafe", ["2.1.3", "2.1.5", "3.0.2"]),
        *_series("gunicorn", ["21.2.0", "22.0.0", "23.0.0"]),
        *_series("redis", ["4.6.0", "5.0.1", "5.2.1", "6.2.0"]),
        *_series(
            "psycopg", ["3.1.12"], requires_dist=('psycopg-binary==3.1.12; extra == "binary"',),
            provides_extra=("binary",),
        ),
        *_series(
            "psycopg", ["3.1.18"], requires_dist=('psycopg-binary==3.1.18; extra == "binary"',),
            provides_extra=("binary",), start_day=30,
        ),
        *_series(
            "psycopg", ["3.2.3"], requires_dist=('psycopg-binary==3.2.3; extra == "binary"',),
            provides_extra=("binary",), start_day=60,
        ),
        *_series("psycopg-binary", ["3.1.12", "3.1.18", "3.2.3"]),
        *_series("python-dotenv", ["1.0.0", "1.0.1", "1.1.0"]),
        *_series("pytest", ["7.4.0", "7.4.4", "8.0.0", "8.3.4", "8.4.1"], start_day=-30),
        *_series("ruff", ["0.1.6", "0.1.15", "0.4.10", "0.6.9", "0.8.4"], start_day=-30),
        # The rest of the bundled example's lock (examples/flask-app), for the screenshots.
        *_series("async-timeout", ["4.0.3", "5.0.1"]),
        *_series("colorama", ["0.4.6"]),
        *_series("iniconfig", ["2.0.0", "2.1.0"]),
        *_series("packaging", ["23.1", "24.2", "25.0"]),
        *_series("pluggy", ["1.2.0", "1.5.0", "1.6.0"]),
    ]  # fmt: skip


def default_catalogue(extra: Iterable[Dist] = ()) -> list[Dist]:
    """The catalogue the session-wide `local_index` fixture serves, plus `extra` dists."""
    return [*demo_catalogue(), *example_app_catalogue(), *extra]


# -- wheels -------------------------------------------------------------------------------------

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def metadata_text(dist: Dist) -> str:
    """The METADATA file of `dist`'s wheel (core metadata 2.1)."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {dist.name}",
        f"Version: {dist.version}",
        f"Summary: {dist.summary}",
        *(f"{key}: {value}" for key, value in _project_urls(dist)),
    ]
    if dist.requires_python:
        lines.append(f"Requires-Python: {dist.requires_python}")
    lines += [f"Provides-Extra: {extra}" for extra in dist.provides_extra]
    lines += [f"Requires-Dist: {requirement}" for requirement in dist.requires_dist]
    return "\n".join(lines) + "\n"


def _project_urls(dist: Dist) -> list[tuple[str, str]]:
    """Home-page and Project-URL metadata lines: the real home page, or made-up addresses."""
    if dist.homepage:
        return [("Home-page", dist.homepage)]
    made_up = f"https://example.invalid/{dist.normalized_name}"
    return [
        ("Home-page", made_up),
        ("Project-URL", f"Changelog, {made_up}/changelog"),
        ("Project-URL", f"Source, {made_up}/source"),
    ]


def build_wheel(dist: Dist, directory: Path) -> Path:
    """Write a minimal, installable pure-Python wheel for `dist` into `directory`."""
    module = dist.normalized_name.replace("-", "_")
    dist_info = f"{module}-{dist.version}.dist-info"
    wheel = "Wheel-Version: 1.0\nGenerator: uvtui-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files = {
        f"{module}/__init__.py": f'__version__ = "{dist.version}"\n'.encode(),
        f"{dist_info}/METADATA": metadata_text(dist).encode(),
        f"{dist_info}/WHEEL": wheel.encode(),
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    path = directory / dist.wheel_filename
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_DATE), data)
    return path


# -- server -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # lowercased names
    status: int


@dataclass(frozen=True)
class FaultSetting:
    kind: Fault
    username: str = ""
    password: str = ""
    seconds: float = 5.0


@dataclass
class _File:
    dist: Dist
    filename: str
    data: bytes
    metadata: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class _State:
    base_url: str
    projects: dict[str, list[_File]] = field(default_factory=dict)
    files: dict[str, _File] = field(default_factory=dict)
    faults: dict[str | None, FaultSetting] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    json_api: bool = True
    arrivals: int = 0  # counted before answering, so a slow answer cannot land in a later test
    lock: threading.Lock = field(default_factory=threading.Lock)


def _negotiate(accept: str | None) -> str:
    """Pick the simple-API representation the client prefers (PEP 691 content negotiation)."""
    if not accept:
        return TEXT_HTML
    best, best_q = None, 0.0
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                quality = float(value)
        if media == "*/*":
            media = TEXT_HTML
        if media in (JSON_V1, HTML_V1, TEXT_HTML) and quality > best_q:
            best, best_q = media, quality
    return best or TEXT_HTML


def _project_json(name: str, files: list[_File], base_url: str) -> dict:
    versions = sorted({f.dist.version for f in files}, key=Version)
    return {
        "meta": {"api-version": "1.1"},
        "name": name,
        "versions": versions,
        "files": [
            {
                "filename": f.filename,
                "url": f"{base_url}/files/{f.filename}",
                "hashes": {"sha256": f.sha256},
                "requires-python": f.dist.requires_python,
                "yanked": f.dist.yanked,
                "upload-time": f.dist.upload_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "size": len(f.data),
                "core-metadata": {"sha256": hashlib.sha256(f.metadata).hexdigest()},
            }
            for f in files
        ],
    }


def _project_html(name: str, files: list[_File], base_url: str) -> str:
    anchors = []
    for f in files:
        attributes = [f'href="{base_url}/files/{f.filename}#sha256={f.sha256}"']
        if f.dist.requires_python:
            attributes.append(f'data-requires-python="{html.escape(f.dist.requires_python)}"')
        if f.dist.yanked:
            reason = f.dist.yanked if isinstance(f.dist.yanked, str) else ""
            attributes.append(f'data-yanked="{html.escape(reason)}"')
        metadata_hash = hashlib.sha256(f.metadata).hexdigest()
        attributes.append(f'data-core-metadata="sha256={metadata_hash}"')
        anchors.append(f"<a {' '.join(attributes)}>{f.filename}</a><br/>")
    body = "\n".join(anchors)
    return (
        '<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1">'
        f"<title>Links for {name}</title></head><body><h1>Links for {name}</h1>\n{body}\n"
        "</body></html>\n"
    )


def _pypi_json(name: str, files: list[_File], base_url: str) -> dict:
    latest = max(files, key=lambda f: Version(f.dist.version)).dist
    made_up = f"https://example.invalid/{name}"
    project_urls = (
        {"Homepage": latest.homepage}
        if latest.homepage
        else {
            "Homepage": made_up,
            "Changelog": f"{made_up}/changelog",
            "Source": f"{made_up}/source",
        }
    )
    return {
        "info": {
            "name": latest.name,
            "version": latest.version,
            "summary": latest.summary,
            "home_page": latest.homepage or made_up,
            "requires_python": latest.requires_python,
            "project_urls": project_urls,
        },
        "releases": {
            f.dist.version: [{"filename": f.filename, "url": f"{base_url}/files/{f.filename}"}]
            for f in files
        },
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def _handle(self, *, send_body: bool) -> None:
        state = self.server.state
        path = self.path.split("?", 1)[0]
        package = self._package_of(path)
        with state.lock:
            state.arrivals += 1
            fault = state.faults.get(package) or state.faults.get(None)
        status, headers, body = self._answer(path, package, fault)
        etag = headers.get("ETag")
        if status == 200 and etag and self.headers.get("If-None-Match") == etag:
            status, body = 304, b""
        received = {key.lower(): value for key, value in self.headers.items()}
        record = RecordedRequest("GET" if send_body else "HEAD", path, received, status)
        with state.lock:
            state.requests.append(record)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def _package_of(self, path: str) -> str | None:
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] in ("simple", "pypi"):
            return canonicalize_name(parts[1])
        if len(parts) == 2 and parts[0] == "files":
            file = self.server.state.files.get(parts[1].removesuffix(".metadata"))
            return file.dist.normalized_name if file else None
        return None

    def _answer(
        self, path: str, package: str | None, fault: FaultSetting | None
    ) -> tuple[int, dict[str, str], bytes]:
        if fault is not None:
            answer = self._fault_answer(fault, path)
            if answer is not None:
                return answer
        state = self.server.state
        parts = [p for p in path.split("/") if p]
        if parts == ["simple"]:
            return self._simple_root()
        if len(parts) == 2 and parts[0] == "simple" and package in state.projects:
            return self._simple_project(package, state.projects[package])
        is_pypi_json = len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json"
        if is_pypi_json and package in state.projects:
            document = _pypi_json(package, state.projects[package], state.base_url)
            return 200, {"Content-Type": "application/json"}, json.dumps(document).encode()
        if len(parts) == 2 and parts[0] == "files":
            if parts[1] in state.files:
                return 200, {"Content-Type": "application/octet-stream"}, state.files[parts[1]].data
            wheel = parts[1].removesuffix(".metadata")
            if parts[1].endswith(".metadata") and wheel in state.files:
                return 200, {"Content-Type": "text/plain"}, state.files[wheel].metadata
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _fault_answer(
        self, fault: FaultSetting, path: str
    ) -> tuple[int, dict[str, str], bytes] | None:
        if fault.kind == "404":
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if fault.kind == "500":
            return 500, {"Content-Type": "text/plain"}, b"internal error"
        if fault.kind == "hang":
            time.sleep(fault.seconds)
            return 503, {"Content-Type": "text/plain"}, b"too late"
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return None
        if fault.kind == "garbage":
            content_type = JSON_V1 if path.startswith("/simple") else "application/json"
            return 200, {"Content-Type": content_type}, b'{"meta": {"api-version": "1.1", <<garbage'
        expected = base64.b64encode(f"{fault.username}:{fault.password}".encode()).decode()
        if self.headers.get("Authorization") == f"Basic {expected}":
            return None
        return 401, {"Content-Type": "text/plain", "WWW-Authenticate": 'Basic realm="local"'}, b""

    def _media_type(self) -> str:
        media = _negotiate(self.headers.get("Accept"))
        return TEXT_HTML if media == JSON_V1 and not self.server.state.json_api else media

    def _simple_root(self) -> tuple[int, dict[str, str], bytes]:
        names = sorted(self.server.state.projects)
        if self._media_type() == JSON_V1:
            document = {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
            return 200, {"Content-Type": JSON_V1}, json.dumps(document).encode()
        links = "\n".join(f'<a href="/simple/{n}/">{n}</a><br/>' for n in names)
        body = f"<!DOCTYPE html>\n<html><body>\n{links}\n</body></html>\n".encode()
        return 200, {"Content-Type": TEXT_HTML}, body

    def _simple_project(self, name: str, files: list[_File]) -> tuple[int, dict[str, str], bytes]:
        base_url = self.server.state.base_url
        media = self._media_type()
        if media == JSON_V1:
            body = json.dumps(_project_json(name, files, base_url)).encode()
        else:
            body = _project_html(name, files, base_url).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {
            "Content-Type": media,
            "ETag": etag,
            "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
            "Vary": "Accept",
        }
        return 200, headers, body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that time out close the socket under a hanging handler; that is expected


class LocalIndex:
    """A running local package index (see the module docstring)."""

    def __init__(self, catalogue: Iterable[Dist], workdir: Path) -> None:
        self._workdir = workdir
        (workdir / "files").mkdir(parents=True, exist_ok=True)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self.root_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.url = f"{self.root_url}/simple"
        self._server.state = _State(base_url=self.root_url)
        self.add(catalogue)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def add(self, dists: Iterable[Dist]) -> None:
        """Publish more dists (a test may add packages to a running index)."""
        state = self._server.state
        for dist in dists:
            path = build_wheel(dist, self._workdir / "files")
            file = _File(dist, path.name, path.read_bytes(), metadata_text(dist).encode())
            with state.lock:
                state.files[file.filename] = file
                state.projects.setdefault(dist.normalized_name, []).append(file)

    def set_fault(
        self,
        kind: Fault | None,
        package: str | None = None,
        *,
        username: str = "",
        password: str = "",
        seconds: float = 5.0,
    ) -> None:
        """Switch a fault on for `package` (or every request when None); `kind=None` clears it.

        Faults: "404", "500", "hang" (sleep `seconds`, then 503), "slow" (sleep `seconds`, then
        answer normally), "garbage" (200 with broken JSON), "auth" (401 unless HTTP basic auth
        with `username`/`password` is sent).
        """
        key = canonicalize_name(package) if package else None
        with self._server.state.lock:
            if kind is None:
                self._server.state.faults.pop(key, None)
            else:
                assert kind in FAULTS, kind
                setting = FaultSetting(kind, username, password, seconds)
                self._server.state.faults[key] = setting

    @contextmanager
    def fault(
        self,
        kind: Fault,
        package: str | None = None,
        *,
        username: str = "",
        password: str = "",
        seconds: float = 5.0,
    ) -> Iterator[None]:
        """`set_fault` for a `with` block (the shared fixture must be left clean)."""
        self.set_fault(kind, package, username=username, password=password, seconds=seconds)
        try:
            yield
        finally:
            self.set_fault(None, package)

    def set_json_api(self, enabled: bool) -> None:
        """Answer PEP 691 JSON when asked (default), or only ever PEP 503 HTML."""
        self._server.state.json_api = enabled

    def clear_faults(self) -> None:
        with self._server.state.lock:
            self._server.state.faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far (a copy)."""
        with self._server.state.lock:
            return list(self._server.state.requests)

    @property
    def request_count(self) -> int:
        """Requests received so far (counted on arrival; `requests` lists answered ones)."""
        with self._server.state.lock:
            return self._server.state.arrivals

    def requests_for(self, package: str) -> list[RecordedRequest]:
        """Requests for `package`'s simple page or JSON metadata."""
        name = canonicalize_name(package)
        return [
            r
            for r in self.requests
            if r.path.rstrip("/") in (f"/simple/{name}", f"/pypi/{name}/json")
        ]

    def uv_env(self, cache_dir: Path | None = None) -> dict[str, str]:
        """A complete environment for `subprocess` in which a real `uv` uses only this index.

        Host UV_*/PIP_* variables and VIRTUAL_ENV are dropped and NETRC points at a missing
        file; the uv cache defaults to a directory private to this index (so wheels never leak
        in from another run). Also fit for `resolve_indexes(project, index.uv_env())`.
        """
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("UV_", "PIP_")) and key not in ("VIRTUAL_ENV", "NETRC")
        }
        env.update(
            UV_DEFAULT_INDEX=self.url,
            UV_NO_CONFIG="1",
            UV_CACHE_DIR=str(cache_dir or self._workdir / "uv-cache"),
            UV_PYTHON_DOWNLOADS="never",
            NETRC=str(self._workdir / "no-netrc"),
        )
        return env

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serve_local_index(catalogue: Iterable[Dist] | None, workdir: Path) -> Iterator[LocalIndex]:
    """Serve `catalogue` (default: `default_catalogue()`) until the block ends."""
    index = LocalIndex(default_catalogue() if catalogue is None else catalogue, workdir)
    try:
        yield index
    finally:
        index.close()
