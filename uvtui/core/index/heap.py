"""Keeps page bodies out of glibc's heap, so that memory goes back to the system once read.

A cold check reads ~100 MB of project pages, up to 24 at a time and up to ~20 MB each.
glibc raises its mmap threshold after such a block is freed (up to 32 MB), so later bodies
come from the heap arenas of the index threads, whose fragments stay resident: a third of a
cold check's peak RSS on a large lock. A fixed threshold keeps every body in its own mapping,
returned as soon as it is freed. Nothing happens on other C libraries.
"""

from __future__ import annotations

import contextlib
import ctypes
import platform
import sys

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
_THRESHOLD_BYTES = 128 * 1024  # glibc's own default, before it adapts
_done = False


def keep_large_blocks_mapped() -> None:
    """Fix glibc's mmap threshold at its default (once per process)."""
    global _done
    if _done or not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return
    _done = True
    with contextlib.suppress(OSError, AttributeError):  # no usable mallopt: nothing to do
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, _THRESHOLD_BYTES)
