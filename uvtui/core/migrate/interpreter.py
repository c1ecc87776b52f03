"""The local Python uv locks with: the image's minor, found on this machine, never downloaded.

uv needs an interpreter that satisfies requires-python to lock. Left to itself it picks the
newest one it can get and may try to download it; the migration knows the image's Python, so
it looks for that minor first: `uv python find`, then where pyenv, asdf and the system keep
interpreters (uv does not see pyenv's versions behind inactive shims). The lock is universal
(it does not depend on the interpreter that made it), so any installed Python that satisfies
requires-python is the fallback; without one the user is told how to get one.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from uvtui.core.findings import MigrationRefused
from uvtui.core.uvrun import run_uv, uv_environment

_VERSION_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
_SYSTEM_DIRS = ("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin")


@dataclass(frozen=True)
class LockPython:
    """The interpreter passed to `uv lock --python`."""

    path: str
    version: str  # X.Y.Z
    found_by: str  # "--python", "uv python find", "pyenv", "asdf", "the system"

    def explain(self, image_minor: str) -> str:
        """One line for the report."""
        same = self.version.startswith(f"{image_minor}.")
        match = f"the image's {image_minor}" if same else f"not {image_minor}, none found"
        return (
            f"Locked with Python {self.version} ({match}; {self.found_by}: {self.path}); "
            "uv.lock is universal, the same whichever interpreter makes it."
        )


def find_lock_python(
    minor: str,
    requires_python: str,
    *,
    given: str | None = None,
    env: Mapping[str, str] | None = None,
) -> LockPython:
    """The interpreter to lock with; raises MigrationRefused (R6) when there is none."""
    if given is not None:
        return _given(given, requires_python)
    merged = uv_environment(env)
    for path, found_by in installed_pythons(minor, merged):
        version = _version_of(path)
        if version is not None and version.startswith(f"{minor}."):
            return LockPython(path, version, found_by)
    fallback = _uv_find(requires_python, env)
    version = _version_of(fallback) if fallback else None
    if fallback and version and _satisfies(version, requires_python):
        return LockPython(fallback, version, "uv python find")
    raise MigrationRefused(
        "R6",
        f"No local Python {minor} to lock with (the image uses {minor}; uvtui lets uv use "
        f"installed interpreters only). Install one with `uv python install {minor}` and run "
        f"again, or pass --python PATH to a Python {minor} interpreter.",
    )


def _given(path: str, requires_python: str) -> LockPython:
    version = _version_of(path)
    if version is None:
        raise MigrationRefused("R6", f"--python {path}: not a Python interpreter that runs here.")
    if not _satisfies(version, requires_python):
        raise MigrationRefused(
            "R6", f"--python {path} is Python {version}, outside requires-python {requires_python}."
        )
    return LockPython(path, version, "--python")


def installed_pythons(minor: str, env: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(path, how it was found) of interpreters that may be Python MINOR, best first."""
    found = _uv_find(minor, env)
    if found:
        yield found, "uv python find"
    home = Path(env.get("HOME") or Path.home())
    roots = (
        ("pyenv", Path(env.get("PYENV_ROOT") or home / ".pyenv") / "versions"),
        ("asdf", Path(env.get("ASDF_DATA_DIR") or home / ".asdf") / "installs" / "python"),
    )
    for manager, root in roots:
        for install in _newest_first(root, minor):
            path = install / "bin" / f"python{minor}"
            if _executable(path):
                yield str(path), manager
    for directory in _SYSTEM_DIRS:
        path = Path(directory) / f"python{minor}"
        if _executable(path):
            yield str(path), "the system"


def _newest_first(root: Path, minor: str) -> list[Path]:
    if not root.is_dir():
        return []
    installs = []
    for path in root.iterdir():
        try:
            version = Version(path.name)
        except InvalidVersion:
            continue
        if f"{version.major}.{version.minor}" == minor:
            installs.append((version, path))
    return [path for _, path in sorted(installs, reverse=True)]


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _uv_find(request: str, env: Mapping[str, str] | None) -> str | None:
    result = run_uv(
        ["python", "find", "--no-project", request], cwd=Path(tempfile.gettempdir()), env=env
    )
    lines = result.stdout.strip().splitlines()
    return lines[-1].strip() if result.returncode == 0 and lines else None


def _version_of(path: str) -> str | None:
    try:
        completed = subprocess.run(
            [path, "-c", _VERSION_CODE], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = completed.stdout.strip()
    return version if completed.returncode == 0 and version.count(".") == 2 else None


def _satisfies(version: str, requires_python: str) -> bool:
    try:
        return SpecifierSet(requires_python or "").contains(version, prereleases=True)
    except InvalidSpecifier:
        return True
