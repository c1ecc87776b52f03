"""Project trees for migration tests (core and CLI): copies of fixtures and small written trees.

uv needs an interpreter matching requires-python to lock, and tests never download one, so the
Dockerfiles' base images are switched to the Python running the tests.
"""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dockerfiles"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

# Freeze pins deliberately older than the newest releases in the local index.
FLASK_FREEZE = """\
blinker==1.6.2
click==8.1.3
Flask==3.0.0
itsdangerous==2.1.2
Jinja2==3.1.2
MarkupSafe==2.1.3
Werkzeug==3.0.1
pip==24.0
"""


def copy_fixture(name: str, destination: Path) -> Path:
    """Copy tests/fixtures/dockerfiles/NAME to destination, base images on the test Python."""
    shutil.copytree(FIXTURES / name, destination)
    for dockerfile in destination.rglob("*Dockerfile*"):
        text = dockerfile.read_bytes().decode("utf-8")
        dockerfile.write_bytes(re.sub(r"python:3\.\d+", f"python:{PYTHON}", text).encode())
    return destination


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write files (relative path -> text) under root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


def tree_state(root: Path, *, skip_backups: bool = False) -> dict[str, tuple[bytes | None, int]]:
    """Every path under root with its bytes (None for directories) and mode."""
    state = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if skip_backups and rel.split("/")[0] == ".uvtui":
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        state[rel] = (None if path.is_dir() else path.read_bytes(), mode)
    return state


def flask_with_freeze(root: Path) -> Path:
    """Spec test 17: `Flask>=3` plus a pip-freeze lock file; no Dockerfile."""
    return write_tree(
        root,
        {
            "requirements.txt": "Flask>=3\n",
            "requirements-lock.txt": FLASK_FREEZE,
            ".python-version": f"{PYTHON}\n",
        },
    )


def seed(root: Path) -> Path:
    """Spec layout (a): the article's Dockerfile, bin/pip3-install, requirements.txt."""
    return copy_fixture("seed", root)


def enclosing_workspace(parent: Path) -> Path:
    """The seed app as a member of an enclosing uv workspace (a monorepo the app sits in)."""
    parent.mkdir()
    (parent / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["app"]\n')
    return seed(parent / "app")


def enclosing_uv_settings(parent: Path) -> Path:
    """The seed app below a uv.toml that no uv here satisfies (uv reads its parents' config).

    Locking in the scratch directory cannot see it, so `uv lock --check` only fails in place,
    after the files were written: the real way to reach exit code 3.
    """
    parent.mkdir()
    (parent / "uv.toml").write_text('required-version = ">=99"\n')
    return seed(parent / "app")
