"""`uvtui PATH` on a path that is not there: one line and exit code 3, like `uvtui outdated`."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.cli import main


@pytest.mark.parametrize("form", ["positional", "option"])
def test_missing_directory_exits_3_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    argv = [str(missing)] if form == "positional" else ["--project", str(missing)]
    assert main(argv) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"uvtui: No such directory: {missing}\n"
    assert not missing.exists()
