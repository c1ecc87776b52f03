"""Benchmark: uvtui's outdated check against `uv tree --outdated --depth 1 --frozen`.

Uses the LIVE package index (this is a benchmark, not a test). For each shared fixture
(tests/fixtures/medium-django and large-data, copied to a temp dir so nothing in the repo is
touched) it times, in the same run:

- uv cold: `uv tree --outdated --depth 1 --frozen --universal --all-groups` with a fresh
  UV_CACHE_DIR, then uv warm: the same again with the cache it left;
- ours cold: load pyproject.toml + uv.lock and `check_outdated` every locked package (the same
  work uv does: it asks about every locked package) with an empty cache directory;
- ours warm: the same again with the cache the cold run left;
- ours direct: the default `uvtui outdated` work (direct dependencies only), warm;

and prints each as seconds and as a ratio to uv of the same round (cold to uv cold, warm ones to
uv warm), plus our time to the first row, then the medians over all rounds. The targets: cold
ratio <= 1.0, warm ratio <= 0.3, first row within 1 s. UVTUI_HTTP_TRANSPORT=httpx measures
httpx's own transport instead of ours. Use --repeat 5 or more: on some machines one DNS lookup
in ~40 stalls for 5 s, and other work on the machine moves single rounds a lot.

    uv run python benchmarks/outdated_check.py [--repeat N] [project ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from uvtui.core.index.client import IndexClient
from uvtui.core.index.config import resolve_indexes
from uvtui.core.project.lock import load_lock
from uvtui.core.project.model import load_project
from uvtui.core.project.outdated import CheckStatus, OutdatedRow, check_outdated

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
PROJECTS = ("medium-django", "large-data")


@dataclass(frozen=True)
class Timing:
    total: float
    first_row: float | None = None
    rows: int = 0
    unknown: int = 0


def time_uv(project: Path, scratch: Path) -> Timing:
    env = os.environ | {"UV_CACHE_DIR": str(scratch / "uv-cache")}
    started = time.perf_counter()
    subprocess.run(
        ["uv", "tree", "--outdated", "--depth", "1", "--frozen", "--universal", "--all-groups"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    return Timing(time.perf_counter() - started)


def time_ours(project: Path, cache_dir: Path, *, include_transitive: bool) -> Timing:
    started = time.perf_counter()
    first: list[float] = []

    def on_row(row: OutdatedRow) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    loaded = load_project(project)
    settings = resolve_indexes(loaded, os.environ)
    with IndexClient(settings, cache_dir=cache_dir) as client:
        rows = check_outdated(
            loaded,
            load_lock(project),
            client,
            include_transitive=include_transitive,
            on_row=on_row,
        )
    unknown = sum(row.status is CheckStatus.UNKNOWN for row in rows)
    return Timing(time.perf_counter() - started, first[0] if first else None, len(rows), unknown)


def bench(name: str, repeat: int) -> None:
    rounds: list[tuple[Timing, Timing, Timing, Timing, Timing]] = []
    with tempfile.TemporaryDirectory(prefix=f"uvtui-bench-{name}-") as temp:
        scratch = Path(temp)
        project = Path(shutil.copytree(FIXTURES / name, scratch / name))
        for attempt in range(repeat):
            run_dir = scratch / f"run{attempt}"
            run_dir.mkdir()
            uv = time_uv(project, run_dir)
            uv_warm = time_uv(project, run_dir)
            cold = time_ours(project, run_dir / "ours", include_transitive=True)
            warm = time_ours(project, run_dir / "ours", include_transitive=True)
            direct = time_ours(project, run_dir / "ours", include_transitive=False)
            rounds.append((uv, uv_warm, cold, warm, direct))
            print(f"{name} (run {attempt + 1}): {cold.rows} locked packages, {direct.rows} direct")
            print(f"  uv tree --outdated --depth 1 (cold) {uv.total:7.2f} s")
            print(f"  uv tree --outdated --depth 1 (warm) {uv_warm.total:7.2f} s")
            for label, timing, base in (
                ("cold", cold, uv),
                ("warm", warm, uv_warm),
                ("direct, warm", direct, uv_warm),
            ):
                print(
                    f"  uvtui {label:<28}{timing.total:7.2f} s   {timing.total / base.total:4.2f}"
                    f"   first row {timing.first_row or 0:.3f} s"
                    + (f"   ({timing.unknown} unknown)" if timing.unknown else "")
                )
    print_medians(name, rounds)


def print_medians(name: str, rounds: list[tuple[Timing, Timing, Timing, Timing, Timing]]) -> None:
    print(f"{name}: medians of {len(rounds)} rounds (ratios are medians of per-round ratios)")
    for index, label in ((0, "cold"), (1, "warm")):
        uv = statistics.median(r[index].total for r in rounds)
        print(f"  uv tree --outdated --depth 1 ({label}) {uv:7.2f} s")
    for index, label, base in ((2, "cold", 0), (3, "warm", 1), (4, "direct, warm", 1)):
        total = statistics.median(r[index].total for r in rounds)
        ratio = statistics.median(r[index].total / r[base].total for r in rounds)
        first = statistics.median(r[index].first_row or 0 for r in rounds)
        print(f"  uvtui {label:<28}{total:7.2f} s   {ratio:4.2f}   first row {first:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("projects", nargs="*", default=PROJECTS)
    args = parser.parse_args()
    for name in args.projects:
        bench(name, args.repeat)


if __name__ == "__main__":
    main()
