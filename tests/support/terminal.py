"""A real pseudo-terminal for tests that start uvtui's screens as a user would."""

from __future__ import annotations

import os
import select
import subprocess
import time


def read_until(fd: int, needle: bytes, timeout: float, process: subprocess.Popen) -> bytes:
    """Read the terminal until needle shows up, the process ends, or the time is up."""
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return seen
