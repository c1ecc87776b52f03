"""lock_mismatch: fixtures match their locks; edited copies are reported in one sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.fixture_projects import FIXTURES, LOCKED_PROJECTS
from uvtui.core.project.lock import load_lock
from uvtui.core.project.model import load_project
from uvtui.core.project.staleness import lock_mismatch


def mismatch(root: Path) -> str | None:
    lock = load_lock(root)
    assert lock is not None
    return lock_mismatch(load_project(root), lock)


def edited_copy(tmp_path: Path, fixture: str, file: str, old: str, new: str) -> Path:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("fixture", LOCKED_PROJECTS)
def test_fixtures_match_their_locks(fixture: str) -> None:
    assert mismatch(FIXTURES / fixture) is None


def test_changed_specifier(tmp_path: Path) -> None:
    root = edited_copy(
        tmp_path, "medium-django", "pyproject.toml", '"httpx==0.24.0"', '"httpx>=0.28"'
    )
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: httpx>=0.28 is declared but the lock "
        "was made for httpx==0.24.0 (run `uv lock` to update it)."
    )


def test_specifier_order_and_spacing_do_not_matter(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, "large-data", "pyproject.toml", '"numpy>=1.26"', '"numpy >= 1.26"')
    assert mismatch(root) is None


def test_added_and_removed_requirements(tmp_path: Path) -> None:
    root = edited_copy(
        tmp_path,
        "medium-django",
        "pyproject.toml",
        '"coverage==7.2.5",',
        '"coverage==7.2.5", "tox",',
    )
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: tox is declared in group 'dev' but not in "
        "the lock (run `uv lock` to update it)."
    )
    root = edited_copy(tmp_path / "b", "medium-django", "pyproject.toml", '"bleach==6.0.0",', "")
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: the lock was made for bleach==6.0.0, which "
        "is no longer declared (run `uv lock` to update it)."
    )


def test_changed_extras(tmp_path: Path) -> None:
    root = edited_copy(
        tmp_path, "large-data", "pyproject.toml", '"dask[complete]>=2024.1"', '"dask>=2024.1"'
    )
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: dask>=2024.1 is declared but the lock was "
        "made for dask[complete]>=2024.1 (run `uv lock` to update it)."
    )


def test_workspace_member_requirement_changed(tmp_path: Path) -> None:
    root = edited_copy(
        tmp_path, "workspace-virtual", "packages/alpha/pyproject.toml", "Extra_One", "Other"
    )
    assert mismatch(root) == (
        "uv.lock is out of date with packages/alpha/pyproject.toml: the lock was made for beta "
        "in extra 'extra-one', which is no longer declared (run `uv lock` to update it)."
    )


def test_virtual_root_group_changed(tmp_path: Path) -> None:
    root = edited_copy(
        tmp_path, "workspace-virtual", "pyproject.toml", 'lint = ["beta"]', "lint = []"
    )
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: the lock was made for beta in group 'dev', "
        "which is no longer declared (run `uv lock` to update it)."
    )


def test_new_workspace_member(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "workspace-virtual", root)
    (root / "packages/gamma").mkdir()
    (root / "packages/gamma/pyproject.toml").write_text(
        '[project]\nname = "gamma"\nversion = "1"\n', encoding="utf-8"
    )
    assert mismatch(root) == (
        "uv.lock is out of date with the workspace: member gamma is not in the lock "
        "(run `uv lock` to update it)."
    )


def test_sources_and_direct_urls_compare_without_specifiers(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, "sources-mixed", "pyproject.toml", '"dirpkg",', '"dirpkg>=1",')
    # uv records no specifier for a path source, so this edit does not make the lock stale.
    assert mismatch(root) is None
    root = edited_copy(
        tmp_path / "b", "sources-mixed", "pyproject.toml", '"six>=1.16"', '"six>=1.17"'
    )
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: six>=1.17 is declared in extra 'web' but the "
        "lock was made for six>=1.16 (run `uv lock` to update it)."
    )


@pytest.mark.parametrize(
    ("declared", "locked"),
    [
        ("~=3.11", ">=3.11, <4"),
        ("~=3.11.2", ">=3.11.2, <3.12"),
        ("<4,>=3.11", ">=3.11, <4"),
        ("~=3.11,!=3.11.3", ">=3.11, !=3.11.3, <4"),
        (">=3.11,>=3.10", ">=3.11"),
    ],
)
def test_requires_python_as_uv_rewrites_it(tmp_path: Path, declared: str, locked: str) -> None:
    root = edited_copy(tmp_path, "sources-mixed", "pyproject.toml", '">=3.11"', f'"{declared}"')
    lock_path = root / "uv.lock"
    lock_path.write_text(
        lock_path.read_text(encoding="utf-8").replace('">=3.11"', f'"{locked}"', 1),
        encoding="utf-8",
    )
    assert mismatch(root) is None


def test_requires_python_changed(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, "medium-django", "pyproject.toml", '">=3.11"', '">=3.12"')
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: requires-python is >=3.12 but the lock was "
        "made for >=3.11 (run `uv lock` to update it)."
    )


def test_requires_python_upper_bound_changed(tmp_path: Path) -> None:
    root = edited_copy(tmp_path, "medium-django", "pyproject.toml", '">=3.11"', '">=3.11,<3.13"')
    message = mismatch(root)
    assert message is not None and "requires-python is >=3.11,<3.13 but" in message


def test_requirement_forms_compare_as_uv_normalizes_them(tmp_path: Path) -> None:
    root = edited_copy(
        tmp_path, "sources-requirement-forms", "pyproject.toml", '"pluggy~=1.0"', '"pluggy~=1.5"'
    )
    # lint is included into Test, so the first difference is found through the include.
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: pluggy~=1.5 is declared in group 'lint' "
        "but the lock was made for pluggy~=1.0 (run `uv lock` to update it)."
    )


def test_constraints_and_overrides(tmp_path: Path) -> None:
    # What uv writes into [manifest] for [tool.uv] constraint- and override-dependencies.
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "medium-django", root)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write(
            'constraint-dependencies = ["urllib3<2"]\noverride-dependencies = ["Six>=1"]\n'
        )
    lock_path = root / "uv.lock"
    text = lock_path.read_text(encoding="utf-8")
    manifest = (
        '[manifest]\nconstraints = [{ name = "urllib3", specifier = "<2" }]\n'
        'overrides = [{ name = "six", specifier = ">=1" }]\n\n'
    )
    lock_path.write_text(text.replace("\n\n[[package]]", "\n\n" + manifest + "[[package]]", 1))
    assert mismatch(root) is None

    lock_path.write_text(
        text.replace("\n\n[[package]]", "\n\n" + manifest.replace("<2", "<3") + "[[package]]", 1)
    )
    assert mismatch(root) == (
        "uv.lock is out of date with pyproject.toml: urllib3<2 is declared in [tool.uv] "
        "constraint-dependencies but the lock was made for urllib3<3 (run `uv lock` to update it)."
    )
