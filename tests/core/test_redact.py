"""The one redactor: every secret is hidden from what uvtui shows, prints, logs or writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.core.errors import UvtuiError
from uvtui.core.findings import Finding
from uvtui.core.redact import known_secrets, redact
from uvtui.core.uvrun import UvFailed, run_uv


def test_userinfo_in_urls() -> None:
    text = "GET https://bob:s3cret@pypi.corp.example/simple/flask/ and git+ssh://tok@h/x"
    assert redact(text, secrets=()) == (
        "GET https://***@pypi.corp.example/simple/flask/ and git+ssh://***@h/x"
    )


def test_tokens_in_query_strings() -> None:
    assert (
        redact("https://u:p@h.example/s?api_token=x&y=1&sig=abc", secrets=())
        == "https://***@h.example/s?api_token=***&y=1&sig=***"
    )


def test_credential_variables_assigned_in_output() -> None:
    text = "env: UV_INDEX_CORP_PASSWORD=hunter22 UV_PUBLISH_TOKEN=pypi-abc HOME=/root"
    assert redact(text, secrets=()) == (
        "env: UV_INDEX_CORP_PASSWORD=*** UV_PUBLISH_TOKEN=*** HOME=/root"
    )
    # a reference to the variable is no secret: migrated Dockerfiles show them
    assert redact("ENV UV_INDEX_CORP_PASSWORD=${UV_INDEX_CORP_PASSWORD}", secrets=()) == (
        "ENV UV_INDEX_CORP_PASSWORD=${UV_INDEX_CORP_PASSWORD}"
    )


def test_values_of_credential_variables_echoed_anywhere() -> None:
    environ = {
        "UV_INDEX_CORP_PASSWORD": "pa55-w0rd",
        "UV_INDEX_URL": "https://dave:url-s3cret@corp.example/simple",
        "UV_EXTRA_INDEX_URL": "https://eve:p%40ss-word@other.example/simple",
        "UV_INDEX_CORP_USERNAME": "dave",
        "UV_NO_PROGRESS": "1",
    }
    secrets = known_secrets(environ, netrc_path=Path("/nonexistent"))
    assert secrets == {"pa55-w0rd", "url-s3cret", "p%40ss-word", "p@ss-word"}
    text = "401 for dave with pa55-w0rd; retried with url-s3cret"
    assert redact(text, secrets) == "401 for dave with ***; retried with ***"


def test_netrc_passwords(tmp_path: Path) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine corp.example login dave password n3trc-pass\n")
    secrets = known_secrets({"NETRC": str(netrc_file)})
    assert secrets == {"n3trc-pass"}
    assert redact("Basic dave:n3trc-pass rejected", secrets) == "Basic dave:*** rejected"


def test_short_values_are_not_hunted_everywhere() -> None:
    assert redact("1 package, 1 index", secrets={"1"}) == "1 package, 1 index"


def test_defaults_to_the_process_environment_and_netrc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine corp.example login dave password n3trc-pass\n")
    monkeypatch.setenv("NETRC", str(netrc_file))
    monkeypatch.setenv("UV_INDEX_CORP_PASSWORD", "env-s3cret")
    assert redact("n3trc-pass env-s3cret") == "*** ***"
    # errors and findings, which the CLI and the screens show, are redacted when made
    assert UvtuiError("bad answer for env-s3cret").message == "bad answer for ***"
    assert Finding("W-X", "https://u:n3trc-pass@h/").message == "https://***@h/"


def test_what_uv_echoes_back_is_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uv repeats an index URL it cannot parse, credentials and all."""
    monkeypatch.setenv("UV_INDEX_CORP_PASSWORD", "env-s3cret")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    env = {"UV_INDEX_URL": "http://dave:env-s3cret@[bad/simple", "UV_CACHE_DIR": str(tmp_path)}
    with pytest.raises(UvFailed) as caught:
        run_uv(["lock", "--offline"], cwd=tmp_path, env=env, check=True, timeout=60)
    assert "invalid value 'http://***@[bad/simple'" in caught.value.message
    assert "env-s3cret" not in caught.value.stderr
