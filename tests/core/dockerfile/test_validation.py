"""V4 and V5 on the spec fixtures (case 31) and the hadolint line mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.core.dockerfile.hadolint import hadolint_binary, hadolint_findings, new_hadolint_findings
from uvtui.core.dockerfile.migration import (
    inspect_dockerfile,
    rewrite_dockerfile,
    verify_dockerfile_rewrite,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dockerfiles"
needs_hadolint = pytest.mark.skipif(hadolint_binary() is None, reason="hadolint not installed")


def _rewrite(name: str) -> tuple[str, str]:
    root = FIXTURES / name
    dev = sorted(p.name for p in root.glob("requirements-dev*.txt"))
    facts = inspect_dockerfile(root, "Dockerfile")
    result = rewrite_dockerfile(facts, uv_version="0.13.9", has_dev_group=bool(dev), dev_files=dev)
    return facts.text, result.new_text


@pytest.mark.parametrize("name", ["seed", "seed-multistage", "system", "venv", "cache", "heredoc"])
def test_v4_holds_for_spec_fixtures(name: str) -> None:
    old, new = _rewrite(name)
    assert verify_dockerfile_rewrite(old, new) == []


@needs_hadolint
@pytest.mark.parametrize("name", ["seed", "seed-multistage", "system", "venv", "cache", "heredoc"])
def test_v5_no_new_hadolint_findings(name: str) -> None:
    old, new = _rewrite(name)
    assert new_hadolint_findings(old, new) == []


@needs_hadolint
def test_v5_maps_lines_and_reports_a_new_finding() -> None:
    old = "FROM python:3.11-slim\nWORKDIR /app\nRUN pip install --no-cache-dir flask==3.0.3\n"
    new = (
        "FROM python:3.11-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /usr/local/bin/\n"
        "WORKDIR /app\nRUN bin/uv-install --inexact\nRUN cd /tmp && ls\n"
    )
    assert hadolint_findings(old) == []
    assert new_hadolint_findings(old, new) == [("DL3003", 5)]
    assert new_hadolint_findings(old, new.replace("RUN cd /tmp && ls\n", "")) == []
