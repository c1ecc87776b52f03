"""Benchmark: peak memory (RSS) of the outdated check on the large fixture, against 120 MB.

Uses the LIVE package index (this is a benchmark, not a test). Each measurement runs in a
fresh Python subprocess and reports that process's peak resident set size (ru_maxrss):

- cold: load tests/fixtures/large-data (pyproject.toml + uv.lock), compute the local rows and
  check every locked package against the index with an empty cache (this fills the cache);
- warm: the same with the cache the cold run left (no network: answered from the cache);
- load only: pyproject.toml + uv.lock + local rows, no index at all (the first paint's share);
- uv cold: `uv tree --outdated --depth 1 --frozen --universal --all-groups` with a fresh cache,
  for comparison (its own peak RSS, measured the same way).

The 120 MB target applies to the cold check.

    uv run python benchmarks/memory.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "large-data"
TARGET_MB = 120.0

# Runs in the subprocess: argv = [fixture, cache dir or "", "online" | "offline"].
CHILD = """
import os, resource, sys
from pathlib import Path
from uvtui.core.project.lock import load_lock
from uvtui.core.project.outdated import CheckStatus, check_outdated, local_rows
from uvtui.core.project.model import load_project

fixture, cache_dir, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
project, lock = load_project(fixture), load_lock(fixture)
rows = local_rows(project, lock)
if cache_dir:
    from uvtui.core.index.client import IndexClient
    from uvtui.core.index.config import resolve_indexes

    settings = resolve_indexes(project, os.environ)
    with IndexClient(settings, cache_dir=Path(cache_dir), offline=mode == "offline") as client:
        rows = check_outdated(project, lock, client)
    unknown = sum(row.status is CheckStatus.UNKNOWN for row in rows)
    if unknown:
        sys.exit(f"{unknown} rows unknown")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux
"""


def peak_mb(cache_dir: Path | None, mode: str) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(FIXTURE), str(cache_dir or ""), mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(completed.stdout.strip())


UV_CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""
UV_TREE = ["uv", "tree", "--outdated", "--depth", "1", "--frozen", "--universal", "--all-groups"]


def uv_peak_mb(scratch: Path) -> float:
    project = scratch / "project"
    if not project.exists():
        shutil.copytree(FIXTURE, project)
    completed = subprocess.run(
        [sys.executable, "-c", UV_CHILD, *UV_TREE],
        cwd=project,
        env=os.environ | {"UV_CACHE_DIR": str(scratch / "uv-cache")},
        check=True,
        capture_output=True,
        text=True,
    )
    return float(completed.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"load only": [], "cold": [], "warm": [], "uv cold": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="uvtui-memory-") as temp:
            cache = Path(temp) / "ours"
            results["load only"].append(peak_mb(None, "offline"))
            results["cold"].append(peak_mb(cache, "online"))
            results["warm"].append(peak_mb(cache, "offline"))
            results["uv cold"].append(uv_peak_mb(Path(temp)))
    print(f"large-data, peak RSS (median of {args.repeat}), target {TARGET_MB:.0f} MB for cold")
    for label, values in results.items():
        median = statistics.median(values)
        verdict = ("ok" if median <= TARGET_MB else "OVER") if label == "cold" else ""
        print(f"  {label:<10} {median:7.1f} MB   {verdict}")


if __name__ == "__main__":
    main()
