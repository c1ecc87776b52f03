"""The index client against real local indexes: protocols, uv's index rules, errors, cache."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.support.local_index import BASE_TIME, Dist, LocalIndex, serve_local_index
from uvtui.core.errors import PackageIndexError
from uvtui.core.index.client import IndexClient, PackageReleases, Release
from uvtui.core.index.config import IndexSettings, resolve_indexes
from uvtui.core.project.model import IndexConfig, Project

SECRET = "hunter2-index-pw"


@pytest.fixture(scope="module")
def second_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """A second, higher-priority index holding its own demo-a and a package only it has."""
    catalogue = [Dist("demo-a", "0.5", summary="Second A"), Dist("demo-z", "1.0", summary="Z")]
    with serve_local_index(catalogue, tmp_path_factory.mktemp("second-index")) as index:
        yield index


def settings_for(environ: dict[str, str], project: Project | None = None) -> IndexSettings:
    return resolve_indexes(project, environ, Path("/nonexistent/netrc"))


def make_client(settings: IndexSettings, cache_dir: Path, **options: object) -> IndexClient:
    options.setdefault("retry_backoff", 0.0)
    return IndexClient(settings, cache_dir=cache_dir, **options)  # type: ignore[arg-type]


@pytest.fixture
def client(local_index: LocalIndex, tmp_path: Path) -> Iterator[IndexClient]:
    with make_client(settings_for({"UV_DEFAULT_INDEX": local_index.url}), tmp_path) as made:
        yield made


def versions(releases: PackageReleases) -> list[str]:
    return [str(release.version) for release in releases.releases]


def by_version(releases: PackageReleases, version: str) -> Release:
    return next(r for r in releases.releases if r.version == Version(version))


def test_json_api(client: IndexClient, local_index: LocalIndex) -> None:
    releases = client.fetch("Demo_A")
    assert releases.name == "demo-a"
    assert releases.index_url == local_index.url
    assert versions(releases) == ["1.0", "1.1", "1.2.1", "2.0", "3.0a1"]  # pre-release kept
    assert by_version(releases, "2.0").requires_python == SpecifierSet(">=3.8")
    assert by_version(releases, "1.0").requires_python is None
    assert by_version(releases, "1.0").upload_time == BASE_TIME
    accept = local_index.requests_for("demo-a")[-1].headers["accept"]
    assert accept.startswith("application/vnd.pypi.simple.v1+json")


def test_yanked_and_requires_python(client: IndexClient) -> None:
    demo_c = client.fetch("demo-c")
    assert [r.yanked for r in demo_c.releases] == [False, False, True]
    demo_d = client.fetch("demo-d")
    assert by_version(demo_d, "2.0").requires_python == SpecifierSet(">=3.99")


def test_html_api(client: IndexClient, local_index: LocalIndex) -> None:
    local_index.set_json_api(False)
    try:
        demo_c = client.fetch("demo-c")
        demo_d = client.fetch("demo-d")
    finally:
        local_index.set_json_api(True)
    assert local_index.requests_for("demo-c")[-1].status == 200
    assert versions(demo_c) == ["1.0", "1.1", "1.2"]
    assert [r.yanked for r in demo_c.releases] == [False, False, True]
    assert by_version(demo_d, "2.0").requires_python == SpecifierSet(">=3.99")
    assert all(r.upload_time is None for r in demo_d.releases)


def test_first_index_wins_and_404_falls_through(
    local_index: LocalIndex, second_index: LocalIndex, tmp_path: Path
) -> None:
    environ = {"UV_INDEX": second_index.url, "UV_DEFAULT_INDEX": local_index.url}
    with make_client(settings_for(environ), tmp_path) as client:
        assert versions(client.fetch("demo-a")) == ["0.5"]  # uv's first-index strategy
        demo_b = client.fetch("demo-b")
        assert demo_b.index_url == local_index.url
        assert client.fetch("demo-z").index_url == second_index.url
        with pytest.raises(PackageIndexError, match="not found on any index"):
            client.fetch("no-such-package")


def test_pinned_and_explicit_indexes(
    local_index: LocalIndex, second_index: LocalIndex, tmp_path: Path
) -> None:
    project = Project(
        root=tmp_path,
        text="",
        name="app",
        requires_python=None,
        indexes=[IndexConfig(url=second_index.url, name="second", explicit=True)],
        sources={"demo-a": {"index": "second"}},
    )
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url}, project)
    with make_client(settings, tmp_path) as client:
        assert versions(client.fetch("demo-a")) == ["0.5"]
        with pytest.raises(PackageIndexError, match="not found on any index"):
            client.fetch("demo-z")  # only on the explicit index, and not pinned to it


@pytest.fixture
def private_index(second_index: LocalIndex) -> Iterator[LocalIndex]:
    with second_index.fault("auth", username="alice", password=SECRET):
        yield second_index


def test_credentials_from_environment(private_index: LocalIndex, tmp_path: Path) -> None:
    environ = {
        "UV_INDEX": f"private={private_index.url}",
        "UV_INDEX_PRIVATE_USERNAME": "alice",
        "UV_INDEX_PRIVATE_PASSWORD": SECRET,
    }
    with make_client(settings_for(environ), tmp_path) as client:
        assert versions(client.fetch("demo-z")) == ["1.0"]


def test_credentials_from_url(private_index: LocalIndex, tmp_path: Path) -> None:
    with_userinfo = private_index.url.replace("http://", f"http://alice:{SECRET}@")
    settings = settings_for({"UV_DEFAULT_INDEX": with_userinfo})
    with make_client(settings, tmp_path) as client:
        releases = client.fetch("demo-z")
    assert releases.index_url == private_index.url
    assert SECRET not in repr(releases)


def test_credentials_from_netrc(private_index: LocalIndex, tmp_path: Path) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine 127.0.0.1 login alice password {SECRET}\n")
    settings = resolve_indexes(None, {"UV_DEFAULT_INDEX": private_index.url}, netrc_file)
    with make_client(settings, tmp_path / "cache") as client:
        assert versions(client.fetch("demo-z")) == ["1.0"]


def test_missing_credentials_name_the_variables(private_index: LocalIndex, tmp_path: Path) -> None:
    environ = {
        "UV_INDEX": f"private={private_index.url}",
        "UV_INDEX_PRIVATE_USERNAME": "alice",
        "UV_INDEX_PRIVATE_PASSWORD": "wrong-" + SECRET,
    }
    with make_client(settings_for(environ), tmp_path) as client:
        with pytest.raises(PackageIndexError) as raised:
            client.fetch("demo-z")
        message = raised.value.message
        assert message == (
            f"authentication required for {private_index.url}: "
            "set UV_INDEX_PRIVATE_USERNAME/UV_INDEX_PRIVATE_PASSWORD"
        )
        assert SECRET not in str(raised.value)
        assert SECRET not in repr(client)


def test_missing_credentials_for_an_unnamed_index(
    private_index: LocalIndex, tmp_path: Path
) -> None:
    with (
        make_client(settings_for({"UV_DEFAULT_INDEX": private_index.url}), tmp_path) as client,
        pytest.raises(PackageIndexError) as raised,
    ):
        client.fetch("demo-z")
    assert raised.value.message.startswith(f"authentication required for {private_index.url}: ")
    assert "~/.netrc" in raised.value.message
    assert "UV_INDEX_<NAME>_USERNAME" in raised.value.message


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("404", "demo-a not found on any index"),
        ("500", "index answered HTTP 500"),
        ("garbage", "index returned invalid JSON"),
    ],
)
def test_index_failures(
    client: IndexClient, local_index: LocalIndex, fault: str, message: str
) -> None:
    with local_index.fault(fault, "demo-a"), pytest.raises(PackageIndexError) as raised:  # type: ignore[arg-type]
        client.fetch("demo-a")
    assert raised.value.message == message


def test_server_errors_are_retried_twice(client: IndexClient, local_index: LocalIndex) -> None:
    before = len(local_index.requests_for("demo-b"))
    with local_index.fault("500", "demo-b"), pytest.raises(PackageIndexError):
        client.fetch("demo-b")
    assert len(local_index.requests_for("demo-b")) == before + 3


def test_timeout(local_index: LocalIndex, tmp_path: Path) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with (
        make_client(settings, tmp_path, timeout=0.3) as client,
        local_index.fault("hang", "demo-a", seconds=1.5),
        pytest.raises(PackageIndexError) as raised,
    ):
        client.fetch("demo-a")
    assert raised.value.message == "index timed out after 0.3 s"


def test_unreachable_index(tmp_path: Path) -> None:
    with serve_local_index([], tmp_path / "gone") as gone:
        url = gone.url
    with make_client(settings_for({"UV_DEFAULT_INDEX": url}), tmp_path) as client:
        with pytest.raises(PackageIndexError, match=r"^could not connect to 127\.0\.0\.1$"):
            client.fetch("demo-a")
        assert client.details("demo-a") is None


def test_cache_answers_within_ttl_without_requests(local_index: LocalIndex, tmp_path: Path) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path) as client:
        first = client.fetch("demo-b")
    before = local_index.request_count
    with make_client(settings, tmp_path) as client:
        assert client.fetch("demo-b") == first
    assert local_index.request_count == before


def test_revalidation_uses_etag(local_index: LocalIndex, tmp_path: Path) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path, ttl=0) as client:
        first = client.fetch("demo-b")
        second = client.fetch("demo-b")
    assert second == first
    revalidation = local_index.requests_for("demo-b")[-1]
    assert revalidation.status == 304
    assert revalidation.headers["if-none-match"].startswith('"')


def test_corrupt_cache_file_is_replaced(local_index: LocalIndex, tmp_path: Path) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path) as client:
        expected = client.fetch("demo-c")
    (cache_file,) = tmp_path.glob("*/demo-c.json")
    cache_file.write_text('{"format": 1, "releases": [["not a version"')
    before = len(local_index.requests_for("demo-c"))
    with make_client(settings, tmp_path) as client:
        assert client.fetch("demo-c") == expected
    assert len(local_index.requests_for("demo-c")) == before + 1
    assert json.loads(cache_file.read_text())["name"] == "demo-c"


def test_cache_holds_a_compact_summary(local_index: LocalIndex, tmp_path: Path) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path) as client:
        client.fetch("demo-a")
    (cache_file,) = tmp_path.glob("*/demo-a.json")
    data = json.loads(cache_file.read_text())
    assert data["releases"][0] == ["1.0", False, None, "2024-01-01T00:00:00+00:00"]
    assert "files" not in cache_file.read_text()


def test_offline_uses_only_the_cache(local_index: LocalIndex, tmp_path: Path) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path, ttl=0) as client:
        online = client.fetch("demo-d")
    before = local_index.request_count
    with make_client(settings, tmp_path, offline=True) as client:
        assert client.fetch("demo-d") == online
        with pytest.raises(PackageIndexError, match=r"^offline: not in cache$"):
            client.fetch("demo-a")
        assert client.details("demo-d") is None
    assert local_index.request_count == before


def test_fetch_many_reports_each_name_once_concurrently(
    local_index: LocalIndex, tmp_path: Path
) -> None:
    names = ["demo-a", "demo-b", "demo-c", "demo-d", "flask", "click", "no-such-thing", "demo-a"]
    results: dict[str, list[object]] = {}
    threads: set[str] = set()
    lock = threading.Lock()

    def on_result(name: str, result: PackageReleases | PackageIndexError) -> None:
        with lock:
            results.setdefault(name, []).append(result)
            threads.add(threading.current_thread().name)

    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path) as client, local_index.fault("slow", seconds=0.4):
        started = time.monotonic()
        client.fetch_many(names, on_result)
        elapsed = time.monotonic() - started
    assert sorted(results) == sorted(set(names))
    assert all(len(answers) == 1 for answers in results.values())
    assert isinstance(results["no-such-thing"][0], PackageIndexError)
    assert isinstance(results["flask"][0], PackageReleases)
    assert elapsed < 0.4 * 4  # 7 distinct names, one round of slow answers
    assert threading.current_thread().name not in threads


def test_fetch_many_reports_errors_per_name(client: IndexClient, local_index: LocalIndex) -> None:
    results: dict[str, PackageReleases | PackageIndexError] = {}
    with local_index.fault("500", "demo-c"):
        client.fetch_many(["demo-b", "demo-c"], results.__setitem__)
    assert isinstance(results["demo-b"], PackageReleases)
    assert isinstance(results["demo-c"], PackageIndexError)
    assert results["demo-c"].message == "index answered HTTP 500"


def test_details(client: IndexClient) -> None:
    details = client.details("Demo-A")
    assert details is not None
    assert details.name == "demo-a"
    assert details.summary == "Demo A"
    assert details.version == "3.0a1"
    assert details.homepage == "https://example.invalid/demo-a"
    assert details.changelog_url == "https://example.invalid/demo-a/changelog"
    assert ("Source", "https://example.invalid/demo-a/source") in details.project_urls


def test_details_missing_or_broken_is_none(client: IndexClient, local_index: LocalIndex) -> None:
    assert client.details("no-such-thing") is None
    with local_index.fault("garbage", "demo-b"):
        assert client.details("demo-b") is None
    with local_index.fault("500", "demo-c"):
        assert client.details("demo-c") is None


def test_details_needs_a_pypi_style_root(second_index: LocalIndex, tmp_path: Path) -> None:
    odd_url = second_index.root_url + "/other"
    with make_client(settings_for({"UV_DEFAULT_INDEX": odd_url}), tmp_path) as client:
        assert client.details("demo-z") is None


def test_upload_time_is_timezone_aware(client: IndexClient) -> None:
    release = by_version(client.fetch("demo-a"), "2.0")
    assert release.upload_time == datetime(2024, 1, 31, tzinfo=UTC)


def test_closed_client_reports_an_index_error(local_index: LocalIndex, tmp_path: Path) -> None:
    client = make_client(settings_for({"UV_DEFAULT_INDEX": local_index.url}), tmp_path)
    client.close()
    results: dict[str, object] = {}
    client.fetch_many(["demo-a"], results.__setitem__)
    assert isinstance(results["demo-a"], PackageIndexError)
    assert results["demo-a"].message == "index client closed"


def test_index_works_while_the_monotonic_clock_is_near_zero(
    local_index: LocalIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first minutes after a machine boots (issue 12, bug 1)."""
    monkeypatch.setattr(time, "monotonic", lambda: 3.0)
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path) as client:
        assert versions(client.fetch("demo-b")) == ["1.0", "1.5"]


def test_a_cache_entry_from_the_future_is_not_fresh(
    local_index: LocalIndex, tmp_path: Path
) -> None:
    """A clock set back (or a cache copied from another machine) must not freeze answers."""
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    with make_client(settings, tmp_path) as client:
        client.fetch("demo-b")
    (cache_file,) = tmp_path.glob("*/demo-b.json")
    data = json.loads(cache_file.read_text())
    data["fetched_at"] = time.time() + 86400
    cache_file.write_text(json.dumps(data))
    before = len(local_index.requests_for("demo-b"))
    with make_client(settings, tmp_path) as client:
        client.fetch("demo-b")
    assert len(local_index.requests_for("demo-b")) == before + 1


@pytest.mark.parametrize("json_api", [True, False])
def test_file_names_are_read_knowing_the_project_name(json_api: bool, tmp_path: Path) -> None:
    """thrift's page lists `thrift-0.14.0-2.tar.gz`: release 0.14.0-2, not version 2."""
    catalogue = [
        Dist("thrift", "0.24.0"),
        Dist("thrift", "0.25.0"),
        Dist("thrift", "0.14.0", filename="thrift-0.14.0-2.tar.gz"),
        Dist("thrift", "0.25.0", filename="thrift-tools-9.0.tar.gz"),  # another project's
        Dist("thrift", "0.25.0", filename="thrift_tools-9.0-py3-none-any.whl"),
    ]
    with serve_local_index(catalogue, tmp_path / "index") as index:
        index.set_json_api(json_api)
        settings = settings_for({"UV_DEFAULT_INDEX": index.url})
        with make_client(settings, tmp_path / "cache") as client:
            thrift = client.fetch("thrift")
    assert versions(thrift) == ["0.14.0.post2", "0.24.0", "0.25.0"]


@pytest.mark.parametrize("choice", ["", "httpx"])
def test_transport_can_fall_back_to_httpx_own(
    choice: str, local_index: LocalIndex, tmp_path: Path
) -> None:
    import httpx

    from uvtui.core.index.transport import StdlibTransport

    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    environ = {"UVTUI_HTTP_TRANSPORT": choice}
    with make_client(settings, tmp_path, environ=environ) as client:
        assert versions(client.fetch("demo-b")) == ["1.0", "1.5"]
        transport = client._client()._transport
    expected = httpx.HTTPTransport if choice else StdlibTransport
    assert isinstance(transport, expected)


def test_fetch_many_answers_from_a_fresh_cache_without_threads(
    local_index: LocalIndex, tmp_path: Path
) -> None:
    settings = settings_for({"UV_DEFAULT_INDEX": local_index.url})
    names = ["demo-a", "demo-b", "no-such-package"]
    with make_client(settings, tmp_path) as client:
        client.fetch_many(names, lambda name, answer: None)
    before = local_index.request_count
    threads: dict[str, str] = {}
    with make_client(settings, tmp_path) as client:
        client.fetch_many(
            names, lambda name, _: threads.update({name: threading.current_thread().name})
        )
    assert threads["demo-a"] == threads["demo-b"] == threading.current_thread().name
    assert threads["no-such-package"].startswith("uvtui-index")  # a cached 404: fetch says so
    assert local_index.request_count == before
