"""Exact pins (the overlap heuristics are tested through plan_requirements)."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from uvtui.core.migrate.specifier_overlap import exact_pin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a==1.2", "1.2"),
        ("a==1.*", None),
        ("a>=1", None),
        ("a==1,<2", None),
        ("a @ https://x.example/a-1.0.tar.gz", None),
    ],
)
def test_exact_pin(text: str, expected: str | None) -> None:
    assert exact_pin(Requirement(text)) == expected


def test_no_requirement_is_no_pin() -> None:
    assert exact_pin(None) is None
