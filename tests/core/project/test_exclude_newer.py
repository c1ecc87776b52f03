"""uv's exclude-newer: where the cut-off comes from and how it is written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from uvtui.core.project.exclude_newer import exclude_newer_for, parse_exclude_newer
from uvtui.core.project.lock import parse_lock
from uvtui.core.project.model import load_project

NOW = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28", datetime(2026, 11, 29, tzinfo=UTC)),  # the end of that day
        ("2026-11-30T12:00:00Z", datetime(2026, 11, 30, 12, tzinfo=UTC)),
        ("2026-11-30T12:00:00+01:00", datetime(2026, 11, 30, 11, tzinfo=UTC)),
        ("4 days", datetime(2026, 11, 29, 16, tzinfo=UTC)),
        ("1 week", datetime(2026, 11, 26, 16, tzinfo=UTC)),
        ("24 hours", datetime(2026, 12, 2, 16, tzinfo=UTC)),
        ("P4D", datetime(2026, 11, 29, 16, tzinfo=UTC)),
        ("PT12H", datetime(2026, 12, 3, 4, tzinfo=UTC)),
        ("P1M", datetime(2026, 11, 3, 16, tzinfo=UTC)),
        ("P1Y2D", datetime(2025, 12, 1, 16, tzinfo=UTC)),
        ("soon", None),
        ("4 fortnights", None),
        ("P", None),
    ],
)
def test_parse_exclude_newer(text: str, expected: datetime | None) -> None:
    assert parse_exclude_newer(text, NOW) == expected


LOCK_HEAD = 'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n\n'


def project_at(tmp_path: Path, tool_uv: str = "") -> object:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0"\ndependencies = []\n\n[tool.uv]\n{tool_uv}'
    )
    return load_project(tmp_path)


def test_the_lock_decides_when_there_is_one(tmp_path: Path) -> None:
    project = project_at(tmp_path, 'exclude-newer = "1 day"\n')
    lock = parse_lock(
        LOCK_HEAD + "[options]\n"
        'exclude-newer = "0001-01-01T00:00:00Z" # no effect with a span\n'
        'exclude-newer-span = "P4D"\n\n'
        "[options.exclude-newer-package]\n"
        'other = "2026-11-29T00:00:00Z"\n'
        'spanned = { timestamp = "0001-01-01T00:00:00Z", span = "P3D" }\n'
        "free = false\n"
    )
    found = exclude_newer_for(project, lock, {"UV_EXCLUDE_NEWER": "2020-01-01"}, NOW)
    assert found is not None
    assert found.cutoff_for("anything") == datetime(2026, 11, 29, 16, tzinfo=UTC)
    assert found.cutoff_for("other") == datetime(2026, 11, 29, tzinfo=UTC)
    assert found.cutoff_for("spanned") == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert found.cutoff_for("free") is None
    assert found.describe() == "exclude-newer 2026-11-29 16:00 UTC (P4D), 3 per-package"


def test_a_lock_without_options_has_no_cutoff(tmp_path: Path) -> None:
    project = project_at(tmp_path, 'exclude-newer = "1 day"\n')
    assert exclude_newer_for(project, parse_lock(LOCK_HEAD), {}, NOW) is None


def test_without_a_lock_the_environment_then_pyproject(tmp_path: Path) -> None:
    project = project_at(
        tmp_path, 'exclude-newer = "4 days"\nexclude-newer-package = { other = "2026-11-28" }\n'
    )
    found = exclude_newer_for(project, None, {}, NOW)
    assert found is not None
    assert found.cutoff == datetime(2026, 11, 29, 16, tzinfo=UTC)
    assert found.cutoff_for("other") == datetime(2026, 11, 29, tzinfo=UTC)
    from_env = exclude_newer_for(project, None, {"UV_EXCLUDE_NEWER": "2026-12-01"}, NOW)
    assert from_env is not None and from_env.cutoff == datetime(2026, 12, 2, tzinfo=UTC)
    assert from_env.describe() == "exclude-newer 2026-12-02 00:00 UTC (2026-12-01), 1 per-package"
    assert exclude_newer_for(project_at(tmp_path), None, {}, NOW) is None
