"""Companion files: bin/uv-install, .dockerignore, suggestions (spec §5; cases 1, 32, 33)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from uvtui.core.findings import Level
from uvtui.core.migrate.companions import (
    UV_INSTALL_SCRIPT,
    find_pip_callers,
    plan_dockerignore,
)

SPEC = Path(__file__).parents[3] / "docs" / "migration.md"
# The script as the spec shows it (§5.1), the one code block after its heading.
SPEC_SCRIPT = (
    SPEC.read_text(encoding="utf-8").split("### 5.1", 1)[1].split("```bash\n", 1)[1].split("```")[0]
)


def test_uv_install_script_is_byte_equal_to_the_spec() -> None:
    assert UV_INSTALL_SCRIPT == SPEC_SCRIPT
    assert "\r" not in UV_INSTALL_SCRIPT


def test_dockerignore_missing_is_created(tmp_path: Path) -> None:
    text, findings = plan_dockerignore(tmp_path)
    assert text == ".venv\n.uvtui/\n"
    assert findings == ()


def test_dockerignore_appends_only_what_is_absent(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text(".git\n.venv/\nnode_modules")
    text, _ = plan_dockerignore(tmp_path)
    assert text == ".git\n.venv/\nnode_modules\n.uvtui/\n"
    (tmp_path / ".dockerignore").write_text(".venv\n.uvtui/\n")
    assert plan_dockerignore(tmp_path) == (None, ())


def test_dockerignore_hiding_uv_files_warns_without_editing_the_pattern(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("# build context\n*.toml\nbin\n!bin/uv-install\n")
    text, findings = plan_dockerignore(tmp_path)
    assert [(f.code, f.line) for f in findings] == [("W-DOCKERIGNORE", 2)]
    assert "pyproject.toml" in findings[0].message
    assert text is not None and text.startswith("# build context\n*.toml\nbin\n!bin/uv-install\n")


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_pip_callers_are_suggestions_with_locations_and_files_stay(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    build:\n      context: .\n      args:\n"
        "        - PIP_INDEX_URL=https://pypi.corp.example/simple\n"
        '    command: sh -c "pip install -r requirements.txt && gunicorn app:app"\n'
    )
    (tmp_path / "Makefile").write_text(
        "# pip install in a comment is ignored\ndeps:\n\tpip3 install -r requirements.txt\n"
    )
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "pip3-install").write_text("#!/bin/sh\npip3 install --user -r r.txt\n")
    (tmp_path / "bin" / "uv-install").write_text(SPEC_SCRIPT)
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "jobs:\n  t:\n    steps:\n      - run: python -m pip install -r r.txt\n"
    )
    before = _hashes(tmp_path)
    findings = find_pip_callers(tmp_path)
    assert [f.location for f in findings] == [
        "Makefile:3",
        "compose.yaml:6",
        "compose.yaml:7",
        ".github/workflows/ci.yml:4",
        "bin/pip3-install:2",
    ]
    assert all(f.level is Level.SUGGESTION for f in findings)
    assert "uv does not read" in findings[1].message
    assert "bin/uv-install" in findings[2].message
    assert "uv sync --locked" in findings[3].message
    assert _hashes(tmp_path) == before


def test_run_script_calling_the_old_install_script_is_suggested() -> None:
    seed = Path(__file__).parents[2] / "fixtures" / "pip-projects" / "flask-seed"
    found = {(f.location, f.message) for f in find_pip_callers(seed)}
    assert ("run:10", "calls bin/pip3-install; call `bin/uv-install` instead.") in found
    assert any(location.startswith("bin/pip3-install:") for location, _ in found)
