"""The Python range of a fork: requires-python narrowed by the fork's marker (lower bounds)."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from uvtui.core.project.python_range import fork_requires_python

PY311 = SpecifierSet(">=3.11")


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        (None, ">=3.11"),
        ("python_full_version < '3.12'", ">=3.11"),
        ("python_full_version >= '3.12'", ">=3.11,>=3.12"),
        ("python_full_version > '3.12'", ">=3.11,>3.12"),
        ("python_version > '3.11'", ">=3.11,>=3.12"),  # 3.11.x is "3.11", not above it
        ("python_version >= '3.13'", ">=3.11,>=3.13"),
        ("'3.12' <= python_full_version", ">=3.11,>=3.12"),
        ("python_full_version == '3.14.*' and sys_platform == 'win32'", ">=3.11,>=3.14"),
        (
            "python_full_version >= '3.11.5' and python_full_version < '3.12'",
            ">=3.11,>=3.11.5",
        ),
        ("python_full_version >= '3.10'", ">=3.10,>=3.11"),  # no narrower than before
        ("sys_platform == 'linux'", ">=3.11"),
        ("python_full_version >= '3.13' or sys_platform == 'linux'", ">=3.11"),
        ("python_full_version >= '3.13' or python_full_version == '3.12.*'", ">=3.11,>=3.12"),
        ("(python_full_version >= '3.13' and sys_platform == 'linux') or extra == 'x'", ">=3.11"),
        ("sys_platform == 'linux' and (python_full_version >= '3.13')", ">=3.11,>=3.13"),
        ("not a marker", ">=3.11"),
    ],
)
def test_fork_requires_python(marker: str | None, expected: str) -> None:
    narrowed = fork_requires_python(PY311, marker)
    assert narrowed == SpecifierSet(expected)


def test_without_requires_python_the_marker_alone_counts() -> None:
    assert fork_requires_python(None, "python_full_version >= '3.12'") == SpecifierSet(">=3.12")
    assert fork_requires_python(None, "python_full_version < '3.12'") is None
