"""A project locked behind its constraints (old versions kept), for add / bump / remove tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.local_index import LocalIndex

# Locked first with the pins, then relaxed and locked again: uv keeps the pinned versions, so
# every relaxed constraint has a newer compatible release.
PINNED = """\
[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "flask>=2.3,<3",  # the web framework
    "gunicorn==21.2.0",
    'demo-a==1.0',
    "demo-b",
]

[project.optional-dependencies]
cache = ["redis==4.6.0"]

[dependency-groups]
dev = ["pytest==7.4.4"]

[tool.uv]
package = false
constraint-dependencies = ["markupsafe==2.1.3"]
"""

RELAXED = (
    PINNED.replace('"gunicorn==21.2.0"', '"gunicorn>=21,<23"')
    .replace("'demo-a==1.0'", "'demo-a>=1.0,<2'")
    .replace('constraint-dependencies = ["markupsafe==2.1.3"]\n', "")
)


def uv(root: Path, index: LocalIndex, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real uv in root against the local index only."""
    return subprocess.run(
        ["uv", *args],
        cwd=root,
        env=index.uv_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def edit_project(root: Path, index: LocalIndex) -> Path:
    """Create ROOT holding RELAXED and a uv.lock with the pinned (older) versions."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PINNED)
    for text in (PINNED, RELAXED):
        (root / "pyproject.toml").write_text(text)
        result = uv(root, index, "lock", "--quiet", "--python", "3.11")
        assert result.returncode == 0, result.stderr
    return root


MEMBER = """\
[project]
name = "api"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["demo-a==1.0"]
"""

WORKSPACE = """\
[project]
name = "site"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["api", "demo-c==1.0"]

[tool.uv.sources]
api = { workspace = true }

[tool.uv.workspace]
members = ["packages/*"]
"""


def workspace_project(root: Path, index: LocalIndex) -> Path:
    """A workspace: the root depends on member `api`, which declares demo-a==1.0."""
    (root / "packages" / "api").mkdir(parents=True)
    (root / "packages" / "api" / "pyproject.toml").write_text(MEMBER)
    (root / "pyproject.toml").write_text(WORKSPACE)
    result = uv(root, index, "lock", "--quiet", "--python", "3.11")
    assert result.returncode == 0, result.stderr
    return root
