"""Package names of local directories, wheels and sdists."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.core.findings import MigrationRefused
from uvtui.core.migrate.local_packages import local_package_name, package_name_from_filename


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Foo_Bar-1.0-py3-none-any.whl", "foo-bar"),
        ("foo-bar-2.0.tar.gz", "foo-bar"),
        ("notes.txt", None),
    ],
)
def test_package_name_from_filename(filename: str, expected: str | None) -> None:
    assert package_name_from_filename(filename) == expected


def test_unreadable_file_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    with pytest.raises(MigrationRefused, match=r"cannot read a package name from notes\.txt"):
        local_package_name(tmp_path, "notes.txt", "requirements.txt:3")


def test_directory_name_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "pyproject.toml").write_text('[project]\nname = "lib-one"\n', "utf-8")
    assert local_package_name(tmp_path, "lib", "requirements.txt:1") == "lib-one"


def test_setup_py_without_a_literal_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "setup.py").write_text("setup(name=NAME)\n", "utf-8")
    with pytest.raises(MigrationRefused, match="no package name in lib"):
        local_package_name(tmp_path, "lib", "requirements.txt:1")
