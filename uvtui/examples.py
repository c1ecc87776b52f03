"""Where the bundled example project lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

from uvtui.core.errors import UvtuiError

EXAMPLE_NAME = "flask-app"
_PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries the example inside the package (hatch force-include); a checkout at its top.
_CANDIDATES = (
    _PACKAGE_DIR / "_examples" / EXAMPLE_NAME,
    _PACKAGE_DIR.parent / "examples" / EXAMPLE_NAME,
)


def example_project_path() -> Path:
    """The directory of the bundled example Flask app (pyproject.toml, uv.lock, Dockerfile)."""
    for candidate in _CANDIDATES:
        if (candidate / "pyproject.toml").is_file():
            return candidate
    searched = ", ".join(str(candidate) for candidate in _CANDIDATES)
    raise UvtuiError(f"The bundled example project is missing (looked in {searched}).")
