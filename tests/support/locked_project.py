"""A project written from a pyproject text and locked by the real uv against the local index."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.local_index import LocalIndex


def locked_project(root: Path, pyproject: str, index: LocalIndex) -> Path:
    """Create ROOT with PYPROJECT and run `uv lock --python 3.11` against INDEX only."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(pyproject)
    subprocess.run(
        ["uv", "lock", "--quiet", "--python", "3.11"],
        cwd=root,
        env=index.uv_env(),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root
