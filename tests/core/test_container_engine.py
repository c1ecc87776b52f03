"""Which engine uvtui talks to, and the one-line messages when it cannot (no Docker needed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import requests

from uvtui.core.containers.engine import engine_address, engine_error


def write_context(config: Path, name: str, host: str, *, current: bool = True) -> None:
    meta = config / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    endpoint = {"Host": host, "SkipTLSVerify": False}
    document = {"Name": name, "Metadata": {}, "Endpoints": {"docker": endpoint}}
    (meta / "meta.json").write_text(json.dumps(document))
    if current:
        (config / "config.json").write_text(json.dumps({"currentContext": name}))


def test_docker_host_wins_over_the_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    write_context(tmp_path, "devbox", "tcp://10.1.2.3:2375")
    assert engine_address({"DOCKER_HOST": "ssh://me@devbox"}) == ("ssh://me@devbox", None)
    assert engine_address({})[0] == "tcp://10.1.2.3:2375"


def test_docker_context_variable_names_another_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    write_context(tmp_path, "devbox", "tcp://10.1.2.3:2375")
    write_context(tmp_path, "other", "unix:///run/other.sock", current=False)
    assert engine_address({"DOCKER_CONTEXT": "other"})[0] == "unix:///run/other.sock"


def test_without_settings_the_default_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    assert engine_address({}) == ("unix:///var/run/docker.sock", None)


def test_permission_denied_on_the_socket_is_named() -> None:
    denied = requests.ConnectionError(PermissionError(13, "Permission denied"))
    error = engine_error(denied, "unix:///var/run/docker.sock")
    assert error.message.startswith("Permission denied on the Docker socket")
    assert error.exit_code == 125


def test_an_unreachable_engine_is_one_line() -> None:
    error = engine_error(requests.ConnectionError("refused"), "tcp://10.0.0.1:2375")
    assert (
        error.message == "The Docker engine is not running or not reachable at tcp://10.0.0.1:2375."
    )
