"""Output lines, sanitising, the local runner and the project's actions (no Docker needed)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from uvtui.core.containers.actions import project_actions, recreate_command, sync_flags
from uvtui.core.containers.engine import CommandNotFound, ContainerError
from uvtui.core.containers.local_runner import LocalRunner
from uvtui.core.containers.output import (
    MAX_LINE_CHARACTERS,
    LineSplitter,
    OutputLine,
    plain,
    sanitize,
)
from uvtui.core.containers.runner import Update, explain_exit, run_to_end, start_run


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[1;31mbold red\x1b[0m", "\x1b[1;31mbold red\x1b[0m"),
        ("\x1b[38:5:208mcolon\x1b[m", "\x1b[38:5:208mcolon\x1b[m"),
        ("\x1b]0;title\x07text", "text"),
        ("\x1b]2;title\x1b\\text", "text"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("a\x1b[2Jb\x1b[Hc\x1b[10;10Hd\x1b[?1049he", "abcde"),
        ("\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"),
        ("\x1b[6nquery\x1b[c\x1bc", "query"),
        ("bell\x07back\x08\x7fspace", "bellbackspace"),
        ("\x9b31mC1 csi", "31mC1 csi"),
        ("tab\tkept", "tab\tkept"),
        ("unfinished \x1b[3", "unfinished 3"),
    ],
)
def test_sanitize_keeps_colours_only(raw: str, shown: str) -> None:
    assert sanitize(raw) == shown


def test_plain_drops_colours() -> None:
    assert plain("\x1b[32mok\x1b[0m") == "ok"


def test_fragments_become_lines_per_stream() -> None:
    splitter = LineSplitter()
    assert splitter.feed("stdout", b"hel") == []
    assert splitter.progress == "hel"
    assert splitter.feed("stderr", b"warn\npart") == [OutputLine("stderr", "warn")]
    assert splitter.feed("stdout", b"lo\nwor") == [OutputLine("stdout", "hello")]
    assert splitter.finish() == [OutputLine("stdout", "wor"), OutputLine("stderr", "part")]


def test_carriage_returns_update_in_place_and_crlf_is_a_newline() -> None:
    splitter = LineSplitter()
    assert splitter.feed("stderr", b" 10%\r") == []
    assert splitter.progress == " 10%"
    assert splitter.feed("stderr", b" 50%\r") == []
    assert splitter.progress == " 50%"
    assert splitter.feed("stderr", b"100%\r\ndone\r") == [OutputLine("stderr", "100%")]
    assert splitter.feed("stderr", b"\n") == [OutputLine("stderr", "done")]


def test_utf8_split_across_fragments_and_endless_lines() -> None:
    splitter = LineSplitter()
    data = "é\n".encode()
    assert splitter.feed("stdout", data[:1]) == []
    assert splitter.feed("stdout", data[1:]) == [OutputLine("stdout", "é")]
    lines = splitter.feed("stdout", b"x" * (MAX_LINE_CHARACTERS + 10))
    assert len(lines) == 1 and len(lines[0].text) == MAX_LINE_CHARACTERS + 10


def test_local_runner_streams_and_saves_the_log(tmp_path: Path) -> None:
    updates: list[Update] = []
    # Apart in time: each pipe is read on its own, so only that keeps their order.
    script = "import sys, time; print('out', flush=True); time.sleep(0.2); sys.exit('err')"
    result = run_to_end(
        LocalRunner(tmp_path),
        [sys.executable, "-c", script],
        log_dir=tmp_path / "logs",
        on_update=updates.append,
    )
    lines = [line for update in updates for line in update.lines]
    assert lines == [OutputLine("stdout", "out"), OutputLine("stderr", "err")]
    assert result.exit_code == 1 and result.target == "local"
    assert result.log_path is not None and result.log_path.parent == tmp_path / "logs"
    text = result.log_path.read_text()
    assert "out\nerr\n" in text and "failed with exit code 1" in text


def test_local_cancel_stops_the_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child-alive"
    script = f"sleep 1.5 && touch {marker} & sleep 30"
    run = start_run(LocalRunner(tmp_path), ["sh", "-c", script])
    threading.Timer(0.3, run.cancel).start()
    started = time.monotonic()
    result = run.wait()
    assert result.cancelled and time.monotonic() - started < 5
    time.sleep(2)
    assert not marker.exists()


def test_local_command_not_found(tmp_path: Path) -> None:
    with pytest.raises(CommandNotFound, match="command not found: no-such-tool"):
        start_run(LocalRunner(tmp_path), ["no-such-tool"])
    with pytest.raises(ContainerError, match="No such folder to run in"):
        start_run(LocalRunner(tmp_path / "missing"), ["true"])


def test_exit_explanations() -> None:
    uv_missing = [OutputLine("stderr", "uvtui-run: 1: exec: uv: not found")]
    assert "uvtui migrate" in (explain_exit(127, uv_missing) or "")
    other = [OutputLine("stdout", 'exec: "tool": executable file not found in $PATH')]
    assert explain_exit(126, other) == "command not found: tool"
    assert explain_exit(1, other) is None
    assert "killed" in (explain_exit(137, []) or "")


def test_sync_flags_come_from_the_dockerfile_and_uv_install(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nRUN uv sync --frozen --no-dev \\\n    --group prod && echo ok\n"
    )
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "uv-install").write_text(
        '#!/bin/sh\nuv sync --frozen --no-install-project "$@"\n'
    )
    assert sync_flags(tmp_path) == ["--no-dev", "--group=prod", "--no-install-project"]
    actions = {action.key: action for action in project_actions(tmp_path)}
    assert actions["sync"].argv == (
        "uv", "sync", "--frozen", "--no-dev", "--group=prod", "--no-install-project",
    )  # fmt: skip
    assert actions["uv_install"].argv == ("bin/uv-install",)
    assert actions["outdated"].command == "uv tree --outdated --depth 1"


def test_no_uv_install_action_without_the_script(tmp_path: Path) -> None:
    assert [action.key for action in project_actions(tmp_path)] == ["lock", "sync", "outdated"]


def test_recreate_command_uses_the_compose_cli_given() -> None:
    assert recreate_command("web", "docker compose") == [
        "docker", "compose", "up", "-d", "--no-deps", "--force-recreate", "web",
    ]  # fmt: skip
    assert recreate_command("app", "docker-compose")[:2] == ["docker-compose", "up"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("GET https://user:hunter22@index.example/simple", "GET https://***@index.example/simple"),
        ("UV_INDEX_CORP_PASSWORD=hunter22 uv lock", "UV_INDEX_CORP_PASSWORD=*** uv lock"),
        (
            "fetch https://host/simple?api_token=abc123&x=1",
            "fetch https://host/simple?api_token=***&x=1",
        ),
        ("+ flask==2.3.3 (key signature ok)", "+ flask==2.3.3 (key signature ok)"),
    ],
)
def test_secrets_are_redacted_in_lines(raw: str, shown: str) -> None:
    splitter = LineSplitter()
    assert splitter.feed("stdout", (raw + "\n").encode()) == [OutputLine("stdout", shown)]


def test_a_known_secret_value_is_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_INDEX_CORP_PASSWORD", "s3cr3t-value")
    splitter = LineSplitter()
    lines = splitter.feed("stderr", b"error: 401 for s3cr3t-value\n")
    assert lines == [OutputLine("stderr", "error: 401 for ***")]
