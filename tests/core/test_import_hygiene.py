"""The headless core never imports textual (checked in a fresh interpreter)."""

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
