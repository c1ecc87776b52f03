"""How long a build's dependency-install step took, remembered per installer.

The first build of the pip Dockerfile and a build after the migration each leave their time in
the project's `.uvtui/build-times.json`, so the build banner can say "pip 48.1 s -> uv 6.3 s".
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path

from uvtui.core.containers.output import LineSplitter, plain
from uvtui.core.dockerfile.build_check import buildkit_step_seconds, dependency_seconds

TIMES_FILE = Path(".uvtui") / "build-times.json"
_LEGACY_STEP = re.compile(r"^Step \d+/\d+ : (?P<instruction>.*)$")
_BUILDKIT_LINE = re.compile(r"^#\d+ (?:\[|DONE )")
_UV_STEP = re.compile(r"\buv\s+(?:sync|pip)\b|\buv-install\b")


class StepClock:
    """Times each build step from the build log as it streams (legacy) or from BuildKit's
    own `#N DONE 1.2s` lines."""

    def __init__(self) -> None:
        self._splitter = LineSplitter()
        self._legacy: list[tuple[str, float]] = []
        self._current: tuple[str, float] | None = None
        self._buildkit: list[str] = []

    def feed(self, data: bytes) -> None:
        now = time.monotonic()
        for line in self._splitter.feed("stdout", data):
            text = plain(line.text)
            step = _LEGACY_STEP.match(text)
            if step:
                self._close(now)
                self._current = (step["instruction"], now)
            elif _BUILDKIT_LINE.match(text):
                self._buildkit.append(text)

    def steps(self) -> list[tuple[str, float]]:
        """(instruction, seconds) of every finished step."""
        self._close(time.monotonic())
        return self._legacy + buildkit_step_seconds(self._buildkit)

    def _close(self, now: float) -> None:
        if self._current is not None:
            instruction, started = self._current
            self._legacy.append((instruction, now - started))
            self._current = None


def dependency_step(steps: list[tuple[str, float]]) -> tuple[str, float] | None:
    """("uv" or "pip", seconds) of the dependency-install steps, if the build has any."""
    seconds = dependency_seconds(steps)
    if seconds is None:
        return None
    installs = [text for text, _ in steps if dependency_seconds([(text, 0.0)]) is not None]
    installer = "uv" if any(_UV_STEP.search(text) for text in installs) else "pip"
    return installer, seconds


def remember(root: Path, installer: str, seconds: float) -> dict[str, float]:
    """Store this build's dependency-step time; return every installer's last time."""
    path = root / TIMES_FILE
    try:
        times = {key: float(value) for key, value in json.loads(path.read_text()).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        times = {}
    times[installer] = round(seconds, 1)
    with contextlib.suppress(OSError):  # a read-only project still builds
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(times, indent=2, sort_keys=True) + "\n")
    return times


def describe(root: Path, steps: list[tuple[str, float]]) -> str | None:
    """The banner's note on the dependency step: this build's time, and pip's beside uv's."""
    found = dependency_step(steps)
    if found is None:
        return None
    installer, seconds = found
    times = remember(root, installer, seconds)
    if "pip" in times and "uv" in times:
        return f"dependency install: pip {times['pip']:.1f} s -> uv {times['uv']:.1f} s"
    return f"dependency install with {installer}: {seconds:.1f} s"
