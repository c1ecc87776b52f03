"""Every corpus project that can build here: migrate it, build both images, compare (V6).

Builds are offline and deterministic: the project installs from a local index holding exactly
the versions the corpus pins (`tests/support/corpus_index.py`), and proxy build args send any
other request to a closed port. Images are built one after another; the build check removes
its own images, and the module removes anything labelled that is left.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from packaging.version import Version

from tests.support.corpus_index import (
    OFFLINE_BUILD_ARGS,
    PYENV_ONLY,
    UNBUILDABLE,
    corpus_catalogue,
    corpus_projects,
    offline_copy,
)
from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from tests.support.interpreters import pyenv_only_env
from tests.support.local_index import LocalIndex, serve_local_index
from uvtui.core.dockerfile.build_check import LABEL, BuildCheckResult, check_builds
from uvtui.core.migrate.plan import apply_migration, plan_migration

pytestmark = [pytest.mark.docker, pytest.mark.timeout(300)]

UV_IMAGE = "ghcr.io/astral-sh/uv:0.13.9"
BUILDABLE = [name for name in corpus_projects() if name not in UNBUILDABLE]


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    require_image(client, UV_IMAGE)
    yield client
    for image in client.images.list(filters={"label": [LABEL, TEST_LABEL]}):
        client.images.remove(image.id, force=True)


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    with serve_local_index(corpus_catalogue(), tmp_path_factory.mktemp("corpus-index")) as index:
        yield index


def migrate_and_check(
    client: docker.DockerClient, index: LocalIndex, name: str, workdir: Path
) -> tuple[Path, BuildCheckResult]:
    """Offline copy -> migrated copy (plan + apply) -> build check of the two."""
    original = offline_copy(name, workdir / "original", index.url)
    migrated = Path(shutil.copytree(original, workdir / "migrated", symlinks=True))
    env = index.uv_env()
    if name in PYENV_ONLY:
        env, python = pyenv_only_env(env, workdir / "interpreters")
    plan = plan_migration(migrated, env=env)
    if name in PYENV_ONLY:
        assert plan.lock_python == str(python)
    apply_migration(plan)
    result = check_builds(
        original,
        migrated,
        build_args=OFFLINE_BUILD_ARGS,
        labels={TEST_LABEL: "1"},
        client=client,
    )
    return migrated, result


def describe(result: BuildCheckResult) -> str:
    return (
        f"differences: {result.differences}\nimport failures: {result.import_failures}\n"
        f"original: {dict(result.original_versions)}\nmigrated: {dict(result.migrated_versions)}"
    )


@pytest.mark.parametrize("name", BUILDABLE)
def test_migrated_image_holds_the_same_versions_and_imports_as_its_user(
    client: docker.DockerClient, corpus_index: LocalIndex, name: str, tmp_path: Path
) -> None:
    migrated, result = migrate_and_check(client, corpus_index, name, tmp_path)

    assert result.ok, describe(result)
    assert result.migrated.user == result.original.user
    # Every main dependency really is in the image (not merely absent from both lists) ...
    assert {d.lstrip("?") for d in result.dependencies} <= set(result.migrated_versions)
    # ... at the version uv.lock holds.
    installed = {n: Version(v) for n, v in result.migrated_versions.items()}
    assert {n: installed.get(n) for n in locked_versions(migrated)} == locked_versions(migrated)
    uses_mounts = "--mount" in (migrated / "Dockerfile").read_text(encoding="utf-8")
    assert result.migrated.builder == ("buildkit" if uses_mounts else "legacy")
    assert result.original.dependency_seconds and result.migrated.dependency_seconds


def locked_versions(project: Path) -> dict[str, Version]:
    """Packages uv.lock holds for the project's main dependencies (markers all true here)."""
    packages = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))["package"]
    by_name = {package["name"]: package for package in packages}
    root = next(p for p in packages if "virtual" in p["source"] or "editable" in p["source"])
    pending = [dependency["name"] for dependency in root.get("dependencies", [])]
    found: dict[str, Version] = {}
    while pending:
        package = by_name[pending.pop()]
        if package["name"] not in found:
            found[package["name"]] = Version(package["version"])
            pending += [dependency["name"] for dependency in package.get("dependencies", [])]
    return found
