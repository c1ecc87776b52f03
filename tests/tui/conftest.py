"""A small web-app project locked by the real uv against the local index, and app helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex
from tests.support.locked_project import locked_project
from tests.support.tui_app import PYPROJECT, app_environ
from uvtui.tui.app import UvtuiApp


@pytest.fixture(scope="session")
def locked_template(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`shop/` with pyproject.toml and a uv.lock made by `uv lock` against the local index."""
    return locked_project(tmp_path_factory.mktemp("template") / "shop", PYPROJECT, local_index)


@pytest.fixture
def shop(locked_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the locked project, named `shop` (the header shows only that name)."""
    root = tmp_path / "shop"
    shutil.copytree(locked_template, root)
    return root


@pytest.fixture
def make_app(local_index: LocalIndex, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build the app on a project with the local index and a private, empty cache."""

    def make(root: Path, *, offline: bool = False, **environ: str | None) -> UvtuiApp:
        return UvtuiApp(
            root,
            offline=offline,
            environ=app_environ(local_index, **environ),
            cache_dir=tmp_path / "index-cache",
        )

    return make
