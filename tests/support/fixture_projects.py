"""Where the fixture projects live, and which of them uv has locked (pyproject.toml + uv.lock)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

LOCKED_PROJECTS = (
    "medium-django",
    "large-data",
    "workspace-virtual",
    "sources-mixed",
    "sources-requirement-forms",
)
