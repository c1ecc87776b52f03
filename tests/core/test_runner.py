"""The runner seam: uv streamed in batches from the project directory, output made safe."""

from __future__ import annotations

import os
from pathlib import Path

from uvtui.core.runner import LocalRunner, clean_line


def test_local_runner_streams_uv_output_from_the_project(tmp_path: Path) -> None:
    batches: list[list[str]] = []
    cwd = Path.cwd()
    code = LocalRunner(tmp_path).run_uv(["--version"], batches.append)
    assert code == 0
    assert Path.cwd() == cwd  # the user's working directory never changes
    assert any(line.startswith("uv ") for batch in batches for line in batch)


def test_failing_uv_reports_its_exit_code(tmp_path: Path) -> None:
    lines: list[str] = []
    code = LocalRunner(tmp_path, env=dict(os.environ)).run_uv(["no-such-command"], lines.extend)
    assert code != 0
    assert lines


def test_clean_line_drops_escapes_and_hides_credentials() -> None:
    line = "\x1b[32mResolved\x1b[0m https://user:token@host/simple \x1b]8;;http://a\x07link\x07"
    cleaned = clean_line(line)
    assert cleaned.startswith("Resolved https://") and cleaned.endswith("@host/simple link")
    assert "token" not in cleaned and "\x1b" not in cleaned
