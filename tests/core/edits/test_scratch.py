"""The scratch copy: edited files are copies, everything else links back, nothing leaks."""

from __future__ import annotations

from pathlib import Path

from uvtui.core.edits.scratch import edited_files, scratch_copy
from uvtui.core.project.model import load_project

ROOT_PYPROJECT = """\
[project]
name = "site"
version = "0.1.0"
dependencies = ["api", "lib"]

[tool.uv.sources]
api = { workspace = true }
lib = { path = "../lib" }

[tool.uv.workspace]
members = ["packages/*"]
"""


def test_scratch_copies_what_uv_writes_and_links_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "packages" / "api" / "src").mkdir(parents=True)
    (root / "packages" / "api" / "pyproject.toml").write_text('[project]\nname = "api"\n')
    (root / "packages" / "api" / "src" / "app.py").write_text("x = 1\n")
    (root / "pyproject.toml").write_text(ROOT_PYPROJECT)
    (root / "uv.lock").write_text("version = 1\n")
    (root / "README.md").write_text("readme\n")
    (root / ".venv").mkdir()
    (tmp_path / "lib").mkdir()
    project = load_project(root)
    assert edited_files(project) == ["pyproject.toml", "packages/api/pyproject.toml", "uv.lock"]
    with scratch_copy(project) as scratch:
        for rel in edited_files(project):
            assert not (scratch / rel).is_symlink()
            (scratch / rel).write_text("changed in the scratch copy\n")
        assert (scratch / "README.md").is_symlink()
        assert (scratch / "packages" / "api" / "src").is_symlink()
        assert not (scratch / ".venv").exists()
        assert (scratch / ".." / "lib").resolve() == (tmp_path / "lib").resolve()
    assert (root / "pyproject.toml").read_text() == ROOT_PYPROJECT
    assert (root / "uv.lock").read_text() == "version = 1\n"
    assert (root / "packages" / "api" / "pyproject.toml").read_text().startswith("[project]")
