"""The log screen under a flood: lines ingested per second and keypress latency meanwhile.

A local subprocess writes N prepared lines as fast as it can, in 64 KiB pieces (colour codes on
every 10th line, every 50th on stderr); the log screen streams them (read, split, sanitise,
batch, write to the Log) in a headless Textual app of 120x40. Meanwhile a thread sends a key
every 50 ms through the app's event loop; the latency is from sending it to its binding's action
running.

Baseline in the same run: the same subprocess consumed headless (`run_to_end`, no UI), and the
keypress latency of the idle log screen. Targets: ≥ 100k lines/s ingested, keypress < 50 ms.
Run: `uv run python benchmarks/log_flood.py [--lines N] [--runs N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from uvtui.core.containers.local_runner import LocalRunner  # noqa: E402
from uvtui.core.containers.runner import Run, run_to_end, start_run  # noqa: E402
from uvtui.tui.screens.log import LogScreen  # noqa: E402
from uvtui.tui.widgets.log_view import LogView  # noqa: E402

SIZE = (120, 40)
KEY_INTERVAL = 0.05
# Writes the prepared stdout and stderr texts in 64 KiB pieces, interleaved, as fast as it can.
WRITER = """\
import os, sys
out, err = (open(path, "rb").read() for path in sys.argv[1:3])
step = 65536
share = max(1, len(err) * step // max(1, len(out)))
for index, start in enumerate(range(0, len(out), step)):
    os.write(1, out[start:start + step])
    os.write(2, err[index * share:(index + 1) * share])
os.write(2, err[(index + 1) * share:])
"""


def prepare_flood(lines: int, folder: Path) -> list[str]:
    """The writer's argv and the number of lines it prints (one in 50 on stderr, colours on
    one in 10, the rest like a download log)."""
    out, err = [], []
    for i in range(lines):
        if i % 50 == 49:
            err.append(f"warning: line {i} went to stderr\n")
        elif i % 10 == 9:
            out.append(f"\x1b[32m+ package-{i}==1.0.{i % 7}\x1b[0m installed in {i % 97}ms\n")
        else:
            out.append(f"line {i}: Downloading demo-{i % 13} (1.{i % 9} MiB) from the index\n")
    (folder / "out.txt").write_text("".join(out))
    (folder / "err.txt").write_text("".join(err))
    argv = [sys.executable, "-c", WRITER, str(folder / "out.txt"), str(folder / "err.txt")]
    return argv


class TimedLogScreen(LogScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("p", "ping", "Ping", show=False)]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sent: float | None = None
        self.latencies: list[float] = []

    def action_ping(self) -> None:
        if self.sent is not None:
            self.latencies.append(time.perf_counter() - self.sent)
            self.sent = None


class FloodApp(App[None]):
    CSS_PATH = ROOT / "uvtui" / "tui" / "app.tcss"

    def __init__(self, screen: TimedLogScreen) -> None:
        super().__init__()
        self.log_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.log_screen)


def start_local(argv: list[str]) -> Callable[[], tuple[Run, Callable[[], None]]]:
    def start() -> tuple[Run, Callable[[], None]]:
        return start_run(LocalRunner(Path.cwd()), argv), lambda: None

    return start


def key_sender(
    app: FloodApp, screen: TimedLogScreen, stop: threading.Event, loop: asyncio.AbstractEventLoop
) -> None:
    """Every KEY_INTERVAL, one `p` into the app's loop (the next only after the last arrived)."""
    while not stop.wait(KEY_INTERVAL):
        if screen.sent is not None:
            continue  # still waiting for the last one: that wait is part of its latency
        screen.sent = time.perf_counter()
        loop.call_soon_threadsafe(app.post_message, events.Key("p", "p"))


async def measure_screen(argv: list[str], lines: int) -> tuple[float, float, list[float], int]:
    """(seconds until every line was in the view, CPU seconds of this process meanwhile,
    keypress latencies, lines kept)."""
    screen = TimedLogScreen("flood", start_local(argv))
    app = FloodApp(screen)
    async with app.run_test(size=SIZE) as pilot:
        stop = threading.Event()
        sender = threading.Thread(
            target=key_sender, args=(app, screen, stop, asyncio.get_running_loop()), daemon=True
        )
        started, cpu = time.perf_counter(), time.process_time()
        sender.start()
        view = screen.query_one(LogView)
        while view.written < lines or screen.running:
            await asyncio.sleep(0.005)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        stop.set()
        sender.join()
        await pilot.pause()
        return seconds, cpu, screen.latencies, view.line_count


async def measure_idle(seconds: float = 1.0) -> list[float]:
    screen = TimedLogScreen("idle", start_local([sys.executable, "-c", "pass"]))
    app = FloodApp(screen)
    async with app.run_test(size=SIZE):
        stop = threading.Event()
        sender = threading.Thread(
            target=key_sender, args=(app, screen, stop, asyncio.get_running_loop()), daemon=True
        )
        sender.start()
        await asyncio.sleep(seconds)
        stop.set()
        sender.join()
    return screen.latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="uvtui-flood-") as folder:
        argv = prepare_flood(args.lines, Path(folder))
        measure(argv, args.lines, args.runs)


def measure(argv: list[str], lines: int, runs: int) -> None:
    headless, screen_rates, cpu_rates, latencies, kept = [], [], [], [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = run_to_end(LocalRunner(Path.cwd()), argv)
        headless.append(lines / (time.perf_counter() - started))
        assert result.lines == lines, result
        seconds, cpu, run_latencies, kept = asyncio.run(measure_screen(argv, lines))
        screen_rates.append(lines / seconds)
        cpu_rates.append(lines / cpu)
        latencies.extend(run_latencies)
    idle = asyncio.run(measure_idle())

    rate, base = statistics.median(screen_rates), statistics.median(headless)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"lines per run: {lines:,}, runs: {runs}, scroll-back kept: {kept:,}")
    print(f"machine: {os.cpu_count()} CPUs, load average {load}")
    print(f"headless ingest (no UI):   {base:>12,.0f} lines/s (median)")
    print(
        f"log screen ingest:         {rate:>12,.0f} lines/s (median), {rate / base:.2f} of headless"
    )
    print(
        f"log screen per CPU second:  {statistics.median(cpu_rates):>11,.0f} lines/s "
        "(UI + reader threads of the uvtui process)"
    )
    print(
        f"keypress during the flood: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms "
        f"({len(latencies)} keys)"
    )
    print(
        f"keypress idle (baseline):  median {statistics.median(idle) * 1000:.1f} ms, "
        f"max {max(idle) * 1000:.1f} ms ({len(idle)} keys)"
    )
    ok_rate = rate >= 100_000
    ok_keys = percentile(latencies, 0.95) < 0.050
    print(f"targets: ingest >= 100k lines/s {'met' if ok_rate else 'MISSED'}; ", end="")
    print(f"keypress p95 < 50 ms {'met' if ok_keys else 'MISSED'}")


if __name__ == "__main__":
    main()
