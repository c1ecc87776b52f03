"""pip vs uv: time of the dependency-install step of an app's original and migrated image.

For each corpus app (default: `flask-seed`, the article's layout with `--user` and no package
cache, and `django-cache`, a root install with a BuildKit cache mount) the script copies the app,
migrates the copy with uvtui (locking against the live package index), then builds the original
(pip) and the migrated (uv) image in the same run, alternating which goes first:

- cold: no layer cache (`nocache`) and no package cache: BuildKit cache mounts are pruned first
  (on the 20.10 engine `--no-cache` also gives a RUN an empty cache mount); the apps' own
  `--no-cache-dir` / `UV_NO_CACHE=1` keep pip and uv from caching anything else.
- warm: right after the cold build, the dependency file alone is touched (a comment appended to
  requirements.txt, or to pyproject.toml, which leaves uv.lock fresh) and the image is rebuilt
  with the layer cache: every layer before the dependency COPY is cached, the install step runs
  again with whatever package cache the Dockerfile keeps: the cache mount's pip or uv cache for
  `django-cache` (filled by the cold build); none for `flask-seed` (there "warm" only means the
  index, DNS and the host's disk cache are warm).

The step is timed by `uvtui.core.dockerfile.build_check`: with the legacy builder, the wall
time between the streamed `Step N/M : RUN …` header of the install step and the next step's
header (container start and layer commit included, for both sides); with BuildKit, the
`DONE x.xs` time BuildKit prints for that RUN vertex. Figures are medians over `--runs` builds
(default 3).

Run: `uv run python benchmarks/install_speed.py [--runs N] [APP ...]` (needs the Docker engine
and the stand-in images from .ci/setup-docker.sh, and the live package index).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import docker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from uvtui.core.dockerfile.build_check import (  # noqa: E402
    BuildOptions,
    build_image,
    buildkit_cli,
    connect,
)
from uvtui.core.migrate.plan import apply_migration, plan_migration  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "pip-projects"
DEFAULT_APPS = ("flask-seed", "django-cache")
BENCHMARK_LABEL = "org.uvtui.benchmark"


def prepare(app: str, workdir: Path) -> tuple[Path, Path]:
    """A copy of the app (original) and a migrated copy of it."""
    original = Path(shutil.copytree(CORPUS / app, workdir / app / "original", symlinks=True))
    dockerfile = original / "Dockerfile"
    data = dockerfile.read_bytes()
    if data.startswith(b"# syntax="):  # BuildKit would fetch that frontend from a registry
        dockerfile.write_bytes(data.split(b"\n", 1)[1])
    migrated = Path(shutil.copytree(original, workdir / app / "migrated", symlinks=True))
    apply_migration(plan_migration(migrated))
    return original, migrated


def prune_cache_mounts() -> None:
    subprocess.run(
        [buildkit_cli(), "builder", "prune", "--force", "--filter", "type=exec.cachemount"],
        check=True,
        capture_output=True,
    )


Times = dict[str, dict[str, list[float]]]  # mode -> installer -> seconds, one per run
# The file whose change re-runs the install step (appending a comment changes no requirement).
DEPENDENCY_FILES = {"pip": "requirements.txt", "uv": "pyproject.toml"}


def build_seconds(client: docker.DockerClient, role: str, root: Path, *, nocache: bool) -> float:
    """Build the image (then remove it); the install step's seconds."""
    options = BuildOptions(nocache=nocache, labels={BENCHMARK_LABEL: "1"})
    image = build_image(client, role, root, options)
    if image.dependency_seconds is None:
        raise SystemExit(f"no install step found in the {role} build of {root}")
    return image.dependency_seconds


def measure(client: docker.DockerClient, original: Path, migrated: Path, runs: int) -> Times:
    """Cold then warm builds of each image, `runs` times, alternating which image goes first."""
    times: Times = {mode: {"pip": [], "uv": []} for mode in ("cold", "warm")}
    for run in range(runs):
        order = [("pip", original), ("uv", migrated)]
        if run % 2:
            order.reverse()
        for role, root in order:
            prune_cache_mounts()
            times["cold"][role].append(build_seconds(client, role, root, nocache=True))
            with (root / DEPENDENCY_FILES[role]).open("a", encoding="utf-8") as file:
                file.write(f"# benchmark run {run}\n")
            times["warm"][role].append(build_seconds(client, role, root, nocache=False))
            remove_images(client)
    return times


def remove_images(client: docker.DockerClient) -> None:
    from docker.errors import ImageNotFound

    for image in client.images.list(filters={"label": BENCHMARK_LABEL}):
        try:
            client.images.remove(image.id, force=True)
        except ImageNotFound:  # listed under two tags, or removed by another build meanwhile
            continue


def report(app: str, times: Times) -> None:
    for mode, by_role in times.items():
        pip, uv = (statistics.median(by_role[role]) for role in ("pip", "uv"))
        pairs = zip(by_role["pip"], by_role["uv"], strict=True)
        runs = " ".join(f"{p:.1f}/{u:.1f}" for p, u in pairs)
        line = f"{app:14} {mode:5} pip {pip:6.1f}s  uv {uv:6.1f}s  pip/uv {pip / uv:5.1f}x"
        print(f"{line}  [{runs}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", nargs="*", default=list(DEFAULT_APPS))
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    client = connect()
    with tempfile.TemporaryDirectory(prefix="uvtui-install-speed-") as scratch:
        for app in arguments.apps:
            original, migrated = prepare(app, Path(scratch))
            report(app, measure(client, original, migrated, arguments.runs))
    prune_cache_mounts()


if __name__ == "__main__":
    main()
