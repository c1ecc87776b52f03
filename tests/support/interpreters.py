"""An environment in which uv sees no Python, but a pyenv folder holds the tests' interpreter."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def pyenv_only_env(env: dict[str, str], workdir: Path) -> tuple[dict[str, str], Path]:
    """`env` with PATH and uv's managed Pythons emptied and PYENV_ROOT at a folder holding
    `versions/X.Y.99/bin/pythonX.Y` (a link to the interpreter running the tests).

    Returns the environment and the interpreter's path in the pyenv folder.
    """
    bin_dir = workdir / "pyenv" / "versions" / f"{PYTHON}.99" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / f"python{PYTHON}"
    python.symlink_to(os.path.realpath(sys._base_executable))
    empty = workdir / "empty"
    empty.mkdir()
    hidden = {
        **env,
        "PATH": str(empty),
        "UV_PYTHON_INSTALL_DIR": str(empty),
        "PYENV_ROOT": str(workdir / "pyenv"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    return hidden, python
