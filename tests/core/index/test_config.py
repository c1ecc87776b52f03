"""Index resolution: uv's priority rules, pins, explicit indexes and credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.core.errors import PackageIndexError
from uvtui.core.index.config import (
    PUBLIC_INDEX_URL,
    Credentials,
    credential_variables,
    resolve_indexes,
)
from uvtui.core.project.model import IndexConfig, Project, load_project

SECRET = "s3cr3t-pw"


def project(indexes: list[IndexConfig], sources: dict | None = None) -> Project:
    return Project(
        root=Path("/nowhere"),
        text="",
        name="app",
        requires_python=None,
        indexes=indexes,
        sources=sources or {},
    )


def urls(indexes: list[IndexConfig] | tuple[IndexConfig, ...]) -> list[str]:
    return [index.url for index in indexes]


def test_public_index_when_nothing_is_configured(tmp_path: Path) -> None:
    settings = resolve_indexes(None, {}, tmp_path / "none")
    assert urls(settings.indexes) == [PUBLIC_INDEX_URL]
    assert urls(settings.indexes_for("flask")) == [PUBLIC_INDEX_URL]


def test_project_indexes_in_order_default_last(tmp_path: Path) -> None:
    settings = resolve_indexes(
        project(
            [
                IndexConfig(url="https://a.example/simple/", name="a"),
                IndexConfig(url="https://main.example/simple", name="main", default=True),
                IndexConfig(url="https://b.example/simple", name="b"),
            ]
        ),
        {},
        tmp_path / "none",
    )
    assert urls(settings.indexes) == [
        "https://a.example/simple",
        "https://b.example/simple",
        "https://main.example/simple",
    ]
    assert PUBLIC_INDEX_URL not in urls(settings.indexes)
    assert settings.indexes[-1].name == "main"


def test_environment_comes_before_project_and_replaces_default(tmp_path: Path) -> None:
    environ = {
        "UV_INDEX": "first=https://one.example/simple https://two.example/simple",
        "UV_EXTRA_INDEX_URL": "https://extra.example/simple",
        "UV_DEFAULT_INDEX": "https://default.example/simple",
        "UV_INDEX_URL": "https://legacy.example/simple",
    }
    own = project(
        [
            IndexConfig(url="https://proj.example/simple", name="proj"),
            IndexConfig(url="https://projdefault.example/simple", default=True),
        ]
    )
    settings = resolve_indexes(own, environ, tmp_path / "none")
    assert urls(settings.indexes) == [
        "https://one.example/simple",
        "https://two.example/simple",
        "https://extra.example/simple",
        "https://proj.example/simple",
        "https://default.example/simple",
    ]
    assert settings.indexes[0].name == "first"
    assert settings.indexes[1].name is None


def test_deprecated_index_url_is_the_default(tmp_path: Path) -> None:
    settings = resolve_indexes(None, {"UV_INDEX_URL": "https://legacy.example/simple"}, None)
    assert urls(settings.indexes) == ["https://legacy.example/simple"]


def test_pinned_explicit_and_flat_indexes(tmp_path: Path) -> None:
    own = project(
        [
            IndexConfig(url="https://torch.example/whl", name="torch", explicit=True),
            IndexConfig(url="https://wheels.example/", name="wheels", format="flat"),
            IndexConfig(url="https://private.example/simple", name="private"),
        ],
        sources={
            "torch": {"index": "torch"},
            "Split_Pkg": [
                {"index": "private", "marker": "sys_platform == 'linux'"},
                {"index": "torch", "marker": "sys_platform != 'linux'"},
            ],
            "local-thing": {"path": "../thing"},
            "ghost": {"index": "nope"},
        },
    )
    settings = resolve_indexes(own, {}, tmp_path / "none")
    assert urls(settings.indexes_for("torch")) == ["https://torch.example/whl"]
    assert urls(settings.indexes_for("split-pkg")) == [
        "https://private.example/simple",
        "https://torch.example/whl",
    ]
    # explicit indexes are never used unless pinned; flat indexes have no pages to check
    assert urls(settings.indexes_for("flask")) == [
        "https://private.example/simple",
        PUBLIC_INDEX_URL,
    ]
    assert urls(settings.indexes_for("local-thing")) == urls(settings.indexes_for("flask"))
    with pytest.raises(PackageIndexError, match="pinned to index 'nope'"):
        settings.indexes_for("ghost")


def test_credential_variable_names() -> None:
    assert credential_variables("my-private.index") == (
        "UV_INDEX_MY_PRIVATE_INDEX_USERNAME",
        "UV_INDEX_MY_PRIVATE_INDEX_PASSWORD",
    )


def test_credentials_from_environment_variables(tmp_path: Path) -> None:
    environ = {
        "UV_INDEX": "corp-idx=https://corp.example/simple",
        "UV_INDEX_CORP_IDX_USERNAME": "alice",
        "UV_INDEX_CORP_IDX_PASSWORD": SECRET,
    }
    settings = resolve_indexes(None, environ, tmp_path / "none")
    found = settings.credentials_for(settings.indexes[0])
    assert found == Credentials("alice", SECRET)
    assert settings.credentials_for(settings.indexes[-1]) is None
    assert_hidden(settings)


def test_credentials_from_url_userinfo(tmp_path: Path) -> None:
    environ = {"UV_DEFAULT_INDEX": f"https://bob:{SECRET}@corp.example/simple"}
    settings = resolve_indexes(None, environ, tmp_path / "none")
    assert urls(settings.indexes) == ["https://corp.example/simple"]
    assert settings.credentials_for(settings.indexes[0]) == Credentials("bob", SECRET)
    assert_hidden(settings)


def test_credentials_from_project_userinfo(tmp_path: Path) -> None:
    index = IndexConfig(url="https://corp.example/simple", name="corp", userinfo=f"carol:{SECRET}")
    settings = resolve_indexes(project([index]), {}, tmp_path / "none")
    assert settings.credentials_for(settings.indexes[0]) == Credentials("carol", SECRET)
    assert_hidden(settings)


def test_environment_overrides_url_credentials(tmp_path: Path) -> None:
    environ = {
        "UV_INDEX": "corp=https://old:old@corp.example/simple",
        "UV_INDEX_CORP_PASSWORD": SECRET,
    }
    settings = resolve_indexes(None, environ, tmp_path / "none")
    assert settings.credentials_for(settings.indexes[0]) == Credentials("old", SECRET)


def test_credentials_from_netrc(tmp_path: Path) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine corp.example login dave password {SECRET}\n")
    environ = {"UV_INDEX": "https://corp.example/simple", "NETRC": str(netrc_file)}
    settings = resolve_indexes(None, environ)
    assert settings.credentials_for(settings.indexes[0]) == Credentials("dave", SECRET)
    assert settings.credentials_for(settings.indexes[-1]) is None
    # an explicit path wins over $NETRC; a broken file is ignored like uv does
    broken = tmp_path / "broken"
    broken.write_text("machine\n")
    assert resolve_indexes(None, environ, broken).credentials == {}
    assert_hidden(settings)


def assert_hidden(settings: object) -> None:
    for text in (repr(settings), str(settings)):
        assert SECRET not in text
    for credentials in getattr(settings, "credentials", {}).values():
        assert SECRET not in repr(credentials)
        assert SECRET not in str(credentials)
        assert SECRET not in f"{credentials}"


def test_from_a_real_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["torch", "flask"]\n\n'
        '[tool.uv.sources]\ntorch = { index = "pytorch" }\n\n'
        '[[tool.uv.index]]\nname = "pytorch"\n'
        f'url = "https://me:{SECRET}@download.example/whl/cpu"\nexplicit = true\n\n'
        '[[tool.uv.index]]\nname = "corp"\nurl = "https://corp.example/simple/"\ndefault = true\n'
    )
    settings = resolve_indexes(load_project(tmp_path), {}, tmp_path / "none")
    assert urls(settings.indexes_for("torch")) == ["https://download.example/whl/cpu"]
    assert urls(settings.indexes_for("flask")) == ["https://corp.example/simple"]
    torch_index = settings.indexes_for("torch")[0]
    assert settings.credentials_for(torch_index) == Credentials("me", SECRET)
    assert_hidden(settings)
