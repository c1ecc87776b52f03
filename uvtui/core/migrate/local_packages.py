"""The package name of a local directory (its metadata), a wheel or an sdist."""

from __future__ import annotations

import ast
import configparser
import tomllib
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from uvtui.core.findings import MigrationRefused


def local_package_name(root: Path, rel: str, where: str) -> str:
    """Name of the package at ROOT/REL (directory with metadata, wheel or sdist file)."""
    path = root / rel
    if path.is_file():
        name = package_name_from_filename(path.name)
        if name is None:
            raise MigrationRefused("R4", f"{where}: cannot read a package name from {rel}")
        return name
    name = _name_from_metadata(path) if path.is_dir() else None
    if name is None:
        raise MigrationRefused(
            "R4", f"{where}: no package name in {rel} (pyproject.toml, setup.cfg or setup.py)"
        )
    return name


def _name_from_metadata(directory: Path) -> str | None:
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            data = {}
        name = data.get("project", {}).get("name") or data.get("tool", {}).get("poetry", {}).get(
            "name"
        )
        if isinstance(name, str):
            return name
    setup_cfg = directory / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(setup_cfg, encoding="utf-8")
            name = parser.get("metadata", "name", fallback=None)
        except configparser.Error:
            name = None
        if name:
            return name.strip()
    setup_py = directory / "setup.py"
    if setup_py.is_file():
        return _name_from_setup_py(setup_py.read_text(encoding="utf-8", errors="replace"))
    return None


def _name_from_setup_py(source: str) -> str | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "name" and isinstance(value, ast.Constant):
                return value.value if isinstance(value.value, str) else None
    return None


def package_name_from_filename(filename: str) -> str | None:
    """The name in a wheel or sdist file name, or None when it is neither."""
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
