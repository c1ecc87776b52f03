"""The local index rig itself: protocol details and a real uv resolving against it."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support.local_index import (
    HTML_V1,
    JSON_V1,
    Dist,
    LocalIndex,
    build_wheel,
    serve_local_index,
)

JSON_ACCEPT = f"{JSON_V1}, {HTML_V1};q=0.2, text/html;q=0.01"


def test_wheel_is_a_valid_zip_with_metadata(tmp_path: Path) -> None:
    dist = Dist("demo-x", "1.0", requires_dist=("demo-a>=1",), requires_python=">=3.8")
    path = build_wheel(dist, tmp_path)
    assert path.name == "demo_x-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        metadata = archive.read("demo_x-1.0.dist-info/METADATA").decode()
    assert "demo_x/__init__.py" in names
    assert "demo_x-1.0.dist-info/RECORD" in names
    assert "Requires-Dist: demo-a>=1" in metadata
    assert "Requires-Python: >=3.8" in metadata


def test_json_and_html_by_content_negotiation(local_index: LocalIndex) -> None:
    as_json = httpx.get(f"{local_index.url}/demo-c/", headers={"Accept": JSON_ACCEPT})
    assert as_json.headers["content-type"] == JSON_V1
    document = as_json.json()
    assert document["meta"]["api-version"] == "1.1"
    assert document["versions"] == ["1.0", "1.1", "1.2"]
    yanked = {f["filename"]: f["yanked"] for f in document["files"]}
    assert yanked["demo_c-1.2-py3-none-any.whl"] == "broken build"
    assert document["files"][0]["upload-time"].endswith("Z")

    as_html = httpx.get(f"{local_index.url}/demo-d/")
    assert as_html.headers["content-type"] == "text/html"
    assert 'data-requires-python="&gt;=3.99"' in as_html.text


def test_pypi_json_metadata(local_index: LocalIndex) -> None:
    info = httpx.get(f"{local_index.root_url}/pypi/demo-a/json").json()["info"]
    assert info["summary"] == "Demo A"
    assert info["project_urls"]["Changelog"].endswith("/demo-a/changelog")


@pytest.mark.parametrize(("kind", "status"), [("404", 404), ("500", 500), ("auth", 401)])
def test_faults_per_package(local_index: LocalIndex, kind: str, status: int) -> None:
    with local_index.fault(kind, "demo-a", username="u", password="p"):  # type: ignore[arg-type]
        assert httpx.get(f"{local_index.url}/demo-a/").status_code == status
        assert httpx.get(f"{local_index.url}/demo-b/").status_code == 200
    assert httpx.get(f"{local_index.url}/demo-a/").status_code == 200


def test_auth_fault_accepts_the_right_credentials(local_index: LocalIndex) -> None:
    with local_index.fault("auth", username="user", password="s3cret"):
        assert httpx.get(f"{local_index.url}/demo-a/", auth=("user", "wrong")).status_code == 401
        assert httpx.get(f"{local_index.url}/demo-a/", auth=("user", "s3cret")).status_code == 200


def test_garbage_and_hang(local_index: LocalIndex) -> None:
    with local_index.fault("garbage", "demo-a"):
        response = httpx.get(f"{local_index.url}/demo-a/", headers={"Accept": JSON_ACCEPT})
        with pytest.raises(json.JSONDecodeError):
            response.json()
    with local_index.fault("hang", "demo-a", seconds=1.0), pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{local_index.url}/demo-a/", timeout=0.2)


def test_etag_revalidation_and_request_log(local_index: LocalIndex) -> None:
    before = len(local_index.requests_for("demo-b"))
    first = httpx.get(f"{local_index.url}/demo-b/")
    revalidate = {"If-None-Match": first.headers["etag"]}
    again = httpx.get(f"{local_index.url}/demo-b/", headers=revalidate)
    assert again.status_code == 304
    assert len(local_index.requests_for("demo-b")) == before + 2


def _uv(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["uv", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _project(tmp_path: Path, dependencies: list[str]) -> Path:
    deps = ", ".join(f'"{d}"' for d in dependencies)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        f"dependencies = [{deps}]\n"
    )
    return tmp_path


def test_real_uv_locks_syncs_and_reports_outdated(local_index: LocalIndex, tmp_path: Path) -> None:
    project = _project(tmp_path, ["demo-b==1.0", "demo-a<2", "demo-d"])
    env = local_index.uv_env()

    locked = _uv(["lock", "--python", "3.11"], project, env)
    assert locked.returncode == 0, locked.stderr
    lock = (project / "uv.lock").read_text()
    assert local_index.url in lock
    assert 'name = "demo-a"\nversion = "1.2.1"' in lock
    assert 'name = "demo-d"\nversion = "1.0"' in lock  # 2.0 needs Python >=3.99

    synced = _uv(["sync", "--python", "3.11", "--frozen"], project, env)
    assert synced.returncode == 0, synced.stderr

    tree = _uv(["tree", "--outdated", "--frozen", "--universal", "--python", "3.11"], project, env)
    assert tree.returncode == 0, tree.stderr
    assert "demo-b v1.0 (latest: v1.5)" in tree.stdout
    assert "demo-a v1.2.1 (latest: v2.0)" in tree.stdout


def test_catalogue_is_a_parameter(tmp_path: Path) -> None:
    with serve_local_index([Dist("only-one", "0.1")], tmp_path) as index:
        assert httpx.get(f"{index.url}/only-one/").status_code == 200
        assert httpx.get(f"{index.url}/demo-a/").status_code == 404
        index.add([Dist("late", "1.0")])
        assert httpx.get(f"{index.url}/late/").status_code == 200


def test_suite_is_isolated_from_the_host(tmp_path_factory: pytest.TempPathFactory) -> None:
    assert os.environ["UV_NO_CONFIG"] == "1"
    assert os.environ["UV_PYTHON_DOWNLOADS"] == "never"
    base = tmp_path_factory.getbasetemp()
    for key in ("UV_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        assert Path(os.environ[key]).is_relative_to(base)
    assert not [key for key in os.environ if key.startswith(("PIP_", "UV_INDEX"))]
    assert not Path(os.environ["NETRC"]).exists()


def test_uv_env_points_uv_at_this_index_only(local_index: LocalIndex) -> None:
    env = local_index.uv_env()
    assert env["UV_DEFAULT_INDEX"] == local_index.url
    assert {key for key in env if key.startswith("UV_")} == {
        "UV_DEFAULT_INDEX",
        "UV_NO_CONFIG",
        "UV_CACHE_DIR",
        "UV_PYTHON_DOWNLOADS",
    }
