"""`uvtui migrate PATH` without a mode flag: the wizard on a terminal, the --diff report off one."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex
from tests.support.migration_trees import seed, tree_state
from tests.support.terminal import read_until


@pytest.fixture
def env(local_index: LocalIndex) -> dict[str, str]:
    return {**local_index.uv_env(), "TERM": "xterm-256color"}


def test_no_flag_off_a_terminal_prints_the_diff(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    result = subprocess.run(
        [sys.executable, "-m", "uvtui", "migrate", str(root)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "diff --git a/Dockerfile b/Dockerfile" in result.stdout
    assert tree_state(root) == before


def test_no_flag_on_a_terminal_opens_the_wizard(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvtui", "migrate", str(root)],
            env=env,
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            start_new_session=True,
        )
        shown = read_until(primary, b"What was found", 120, process)
        assert b"What was found" in shown
        os.write(primary, b"\x1b")  # escape on the first step closes the wizard
        read_until(primary, b"\x00never", 30, process)  # drain the terminal until it exits
        assert process.wait(timeout=30) == 0
    finally:
        os.close(primary)
        os.close(secondary)
    assert tree_state(root) == before
