"""Import hygiene, checked in a fresh interpreter: the headless core never imports textual, and
the modules the first paint needs stay clear of the slow editing and HTTP-side imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent

CHECK = textwrap.dedent(
    """
    import importlib
    import pkgutil
    import sys

    import uvtui.core

    names = [m.name for m in pkgutil.walk_packages(uvtui.core.__path__, "uvtui.core.")]
    for name in names:
        importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print(len(names), loaded)
    """
)


def test_core_never_imports_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.split(" ", 1)
    assert int(count) >= 3  # project, lock, staleness at least
    assert loaded.strip() == "[]"


# What the first paint imports (pyproject/uv.lock reading, the outdated table) must not pull in
# tomlkit (editing only) or the index client's stack: each costs ~100 ms of startup.
STARTUP = textwrap.dedent(
    """
    import sys

    import uvtui.core.project.outdated
    import uvtui.core.project.model

    slow = ("tomlkit", "httpx", "uvtui.core.index.client", "uvtui.core.index.config", "netrc")
    print(sorted(m for m in sys.modules if m.partition(".")[0] in slow or m in slow))
    """
)


def test_first_paint_modules_skip_tomlkit_and_the_index_client() -> None:
    result = subprocess.run(
        [sys.executable, "-c", STARTUP],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
