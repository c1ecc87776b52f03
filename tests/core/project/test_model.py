"""pyproject.toml model: round trip, declared dependencies, workspaces, indexes, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from tests.support.fixture_projects import FIXTURES, LOCKED_PROJECTS
from uvtui.core.errors import ProjectError
from uvtui.core.project.model import (
    VIRTUAL_ROOT_MEMBER,
    IndexConfig,
    ProjectKind,
    detect_pip_project,
    load_project,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fixture", LOCKED_PROJECTS)
def test_document_round_trips_byte_exact(fixture: str) -> None:
    project = load_project(FIXTURES / fixture)
    for local in [project, *project.workspace_members]:
        assert local.text == local.pyproject.read_bytes().decode("utf-8")
        assert tomlkit.dumps(local.document()) == local.text


def test_document_is_fresh_each_time_and_keeps_crlf(tmp_path: Path) -> None:
    text = '[project]\r\nname = "crlf"  # keep me\r\ndependencies = ["six"]\r\n'
    (tmp_path / "pyproject.toml").write_bytes(text.encode())
    project = load_project(tmp_path)
    document = project.document()
    document["project"]["name"] = "changed"
    assert project.text == text
    assert tomlkit.dumps(project.document()) == text


def test_path_may_be_the_file_or_its_directory() -> None:
    by_dir = load_project(FIXTURES / "medium-django")
    by_file = load_project(FIXTURES / "medium-django" / "pyproject.toml")
    assert by_dir.root == by_file.root == FIXTURES / "medium-django"
    assert by_dir.declared == by_file.declared


def test_medium_django_declared_dependencies() -> None:
    project = load_project(FIXTURES / "medium-django")
    assert project.name == "medium-django"
    assert project.kind is ProjectKind.PROJECT
    assert project.members == ["medium-django"]
    assert str(project.requires_python) == ">=3.11"
    groups = [d.group for d in project.declared]
    assert groups.count("main") == 26 and groups.count("dev") == 6
    psycopg = next(d for d in project.declared if d.name == "psycopg")
    assert psycopg.text == "psycopg[binary]==3.1.8"
    assert psycopg.requirement.extras == {"binary"}
    assert str(psycopg.requirement.specifier) == "==3.1.8"
    assert {d.member for d in project.declared} == {"medium-django"}


def test_large_data_groups() -> None:
    project = load_project(FIXTURES / "large-data")
    by_group: dict[str, list[str]] = {}
    for dependency in project.declared:
        by_group.setdefault(dependency.group, []).append(dependency.name)
    assert len(by_group["main"]) == 45
    assert len(by_group["dev"]) == 13
    assert "sphinx" in by_group["docs"]
    assert "mkdocstrings" in by_group["docs"]


def test_groups_include_groups_extras_and_legacy_dev_dependencies() -> None:
    project = load_project(FIXTURES / "workspace-virtual")
    rows = {(d.member, d.group, d.name, d.included_from) for d in project.declared}
    assert rows == {
        (VIRTUAL_ROOT_MEMBER, "dev", "alpha", None),
        (VIRTUAL_ROOT_MEMBER, "dev", "beta", "lint"),
        (VIRTUAL_ROOT_MEMBER, "lint", "beta", None),
        ("alpha", "main", "beta", None),
        ("alpha", "extra:extra-one", "beta", None),
        ("beta", "dev", "alpha", None),
        ("beta", "dev-dependencies", "alpha", None),
    }
    extra = next(d for d in project.declared if d.group == "extra:extra-one")
    assert extra.text == "beta ; python_version >= '3.12'"
    assert str(extra.requirement.marker) == 'python_version >= "3.12"'


def test_workspace_with_virtual_root_and_two_members() -> None:
    project = load_project(FIXTURES / "workspace-virtual")
    assert project.name is None
    assert project.kind is ProjectKind.VIRTUAL_ROOT
    assert project.members == ["alpha", "beta"]  # scratch is excluded
    alpha = next(member for member in project.workspace_members if member.name == "alpha")
    assert alpha.root == FIXTURES / "workspace-virtual/packages/alpha"
    assert [d.name for d in alpha.declared] == ["beta", "beta"]


def test_sources_of_root_and_members() -> None:
    project = load_project(FIXTURES / "workspace-virtual")
    assert project.sources == {"alpha": {"workspace": True}, "beta": {"workspace": True}}
    # beta declares no sources of its own: the root's apply to it.
    beta_dev = next(d for d in project.declared if d.member == "beta" and d.group == "dev")
    assert beta_dev.source == {"workspace": True}

    mixed = load_project(FIXTURES / "sources-mixed")
    assert mixed.sources["gitpkg"] == {"git": "https://github.com/example/gitpkg", "tag": "v1.0.0"}
    assert mixed.sources["edpkg"] == {"path": "libs/edpkg", "editable": True}
    urlpkg = next(d for d in mixed.declared if d.name == "urlpkg")
    assert urlpkg.requirement.url == "https://example.com/downloads/urlpkg-3.0.0.tar.gz"
    assert urlpkg.source is None


def test_member_source_overrides_root_source(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "root"\nversion = "1"\ndependencies = ["lib"]\n'
        '[tool.uv.workspace]\nmembers = ["m"]\n'
        '[tool.uv.sources]\nlib = { git = "https://example.com/lib" }\n',
    )
    write(
        tmp_path / "m/pyproject.toml",
        '[project]\nname = "m"\nversion = "1"\ndependencies = ["lib"]\n'
        '[tool.uv.sources]\nlib = { path = "../lib" }\n',
    )
    project = load_project(tmp_path)
    assert project.members == ["root", "m"]
    sources = {d.member: d.source for d in project.declared}
    assert sources == {"root": {"git": "https://example.com/lib"}, "m": {"path": "../lib"}}
    assert project.sources["lib"] == {"git": "https://example.com/lib"}


def test_indexes_keep_credentials_out_of_url_and_repr(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """[project]
name = "app"
version = "1"

[[tool.uv.index]]
name = "private"
url = "https://deploy:s3cr%40t@pkgs.example.com/simple/"
explicit = true

[[tool.uv.index]]
url = "https://mirror.example.com/simple"
default = true

[tool.uv]
extra-index-url = ["https://extra.example.com/simple"]
find-links = ["https://wheels.example.com/"]
""",
    )
    project = load_project(tmp_path)
    private, mirror, extra, flat = project.indexes
    assert private == IndexConfig(
        url="https://pkgs.example.com/simple/", name="private", explicit=True
    )
    assert private.auth == ("deploy", "s3cr@t")
    assert "s3cr" not in repr(private) and "s3cr" not in repr(project)
    assert mirror.default and mirror.auth is None
    assert extra.url == "https://extra.example.com/simple" and not extra.default
    assert flat.format == "flat"


def test_pyproject_without_project_or_workspace_is_not_a_uv_project(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    project = load_project(tmp_path)
    assert project.name is None
    assert project.kind is ProjectKind.NOT_UV_PROJECT
    assert project.declared == [] and project.members == []


def test_detect_pip_project(tmp_path: Path) -> None:
    for name in [
        "requirements.txt",
        "dev-requirements.txt",
        "requirements.in",
        "requirements/base.txt",
        "requirements/prod.txt",
        "docs/requirements.txt",
        "README.md",
    ]:
        write(tmp_path / name, "")
    assert detect_pip_project(tmp_path) == [
        tmp_path / "dev-requirements.txt",
        tmp_path / "requirements.in",
        tmp_path / "requirements.txt",
        tmp_path / "requirements/base.txt",
        tmp_path / "requirements/prod.txt",
    ]
    assert detect_pip_project(FIXTURES / "medium-django") == []


def test_missing_pyproject(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"No pyproject\.toml found at .*pyproject\.toml"):
        load_project(tmp_path)


def test_malformed_toml_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml", '[project]\nname = "x"\ndependencies = [\n  "a",\n  b\n]\n'
    )
    with pytest.raises(ProjectError) as caught:
        load_project(tmp_path)
    assert caught.value.message == f"{path}:5:3: invalid TOML: Unexpected character: 'b'."


def test_bad_requirement_names_file_group_and_string(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\nversion = "1"\n[dependency-groups]\ntest = ["pytest>>=8"]\n',
    )
    with pytest.raises(ProjectError) as caught:
        load_project(tmp_path)
    message = caught.value.message
    assert str(path) in message and "'test'" in message and "'pytest>>=8'" in message


def test_include_group_cycle_and_unknown_group(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[dependency-groups]\na = [{include-group = "b"}]\nb = ["six", {include-group = "A"}]\n',
    )
    with pytest.raises(ProjectError, match="include each other: a -> b -> a"):
        load_project(tmp_path)
    write(tmp_path / "pyproject.toml", '[dependency-groups]\na = [{include-group = "nope"}]\n')
    with pytest.raises(ProjectError, match="'a' includes unknown dependency group 'nope'"):
        load_project(tmp_path)


def test_wrong_shapes_are_project_errors(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\ndependencies = "six"\n')
    with pytest.raises(ProjectError, match="'main' must be a list of requirement strings"):
        load_project(tmp_path)
    write(tmp_path / "pyproject.toml", "project = 3\n")
    with pytest.raises(ProjectError, match=r"\[project\] must be a table"):
        load_project(tmp_path)


def test_workspace_member_directories(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.uv.workspace]\nmembers = ["libs/*"]\n')
    write(tmp_path / "libs/one/pyproject.toml", '[project]\nname = "One"\nversion = "1"\n')
    (tmp_path / "libs/empty").mkdir()
    write(tmp_path / "libs/file.txt", "not a directory")
    assert load_project(tmp_path).members == ["one"]
    write(tmp_path / "libs/notes/README.md", "no pyproject here")
    with pytest.raises(ProjectError, match=r"member libs/notes .* has no pyproject\.toml"):
        load_project(tmp_path)


def test_loading_writes_nothing() -> None:
    for fixture in LOCKED_PROJECTS:
        root = FIXTURES / fixture
        before = snapshot(root)
        load_project(root)
        assert snapshot(root) == before
