"""Every corpus project (tests/fixtures/pip-projects) rewrites with V4 (and V5 with hadolint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.core.dockerfile.hadolint import hadolint_binary, new_hadolint_findings
from uvtui.core.dockerfile.migration import (
    find_dockerfiles,
    inspect_dockerfile,
    rewrite_dockerfile,
    verify_dockerfile_rewrite,
)
from uvtui.core.migrate.companions import find_pip_callers, plan_dockerignore

CORPUS = Path(__file__).parents[2] / "fixtures" / "pip-projects"
PROJECTS = sorted(p.name for p in CORPUS.iterdir() if (p / "Dockerfile").is_file())
DEV_STEMS = ("requirements-dev.txt", "requirements/dev.txt")


def test_corpus_is_large_and_documented() -> None:
    readme = (CORPUS / "README.md").read_text()
    assert len(PROJECTS) >= 15
    assert all(f"`{name}`" in readme for name in PROJECTS)


@pytest.mark.parametrize("name", PROJECTS)
def test_corpus_project_rewrites_soundly(name: str) -> None:
    root = CORPUS / name
    assert find_dockerfiles(root) == ["Dockerfile"]
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.python_version == "3.11"
    assert facts.installed_requirement_files or facts.inline_requirements
    dev = [d for d in DEV_STEMS if (root / d).is_file()]
    result = rewrite_dockerfile(facts, uv_version="0.13.9", has_dev_group=bool(dev), dev_files=dev)
    assert result.new_text != facts.text
    assert "ghcr.io/astral-sh/uv:0.13.9" in result.new_text
    assert verify_dockerfile_rewrite(facts.text, result.new_text) == []
    if hadolint_binary() is not None:
        assert new_hadolint_findings(facts.text, result.new_text) == []
    text, _ = plan_dockerignore(root)
    assert text is not None and ".venv" in text


def test_corpus_compose_and_makefile_callers_are_suggested() -> None:
    found = {f.location for f in find_pip_callers(CORPUS / "django-compose")}
    assert found == {"compose.yaml:4", "Makefile:3"}
