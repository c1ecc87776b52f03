"""pip requirements format parser and the -r / -c include graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvtui.core.findings import MigrationRefused
from uvtui.core.migrate.requirements import (
    find_requirement_files,
    load_requirement_graph,
    parse_requirements_file,
    parse_requirements_text,
)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def test_continuation_is_joined_before_the_comment_is_removed() -> None:
    lines = parse_requirements_text("requests \\\n  >=2 # why \\\nflask\nclick\n", "r.txt")
    assert [line.line for line in lines] == [1, 4]
    first = lines[0]
    assert first.kind == "requirement"
    assert str(first.requirement.specifier) == ">=2"
    # pip joins the third line into the comment of the second
    assert first.comment == "why flask"
    assert lines[1].text == "click"


def test_comment_line_ending_in_backslash_does_not_continue() -> None:
    lines = parse_requirements_text("# note \\\nflask\n", "r.txt")
    assert [(line.line, line.text) for line in lines] == [(2, "flask")]


def test_hash_without_whitespace_is_not_a_comment() -> None:
    text = "git+https://git.example.org/r@v1#egg=pkg  # trailing\n"
    (line,) = parse_requirements_text(text, "r.txt")
    assert line.kind == "vcs"
    assert line.text == "git+https://git.example.org/r@v1#egg=pkg"
    assert line.comment == "trailing"


def test_full_line_and_blank_lines_are_skipped() -> None:
    assert parse_requirements_text("# only\n\n   \n  # indented\n", "r.txt") == []


def test_crlf_line_endings() -> None:
    lines = parse_requirements_text("flask==3.0.3\r\nredis \\\r\n  >=5\r\n", "r.txt")
    assert [line.text for line in lines] == ["flask==3.0.3", "redis   >=5"]
    assert [line.line for line in lines] == [1, 2]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": b"\xef\xbb\xbfflask==3.0.3\n"})
    (line,) = parse_requirements_file(tmp_path, "requirements.txt")
    assert line.requirement.name == "flask"


def test_pep263_coding_line(tmp_path: Path) -> None:
    data = "# -*- coding: latin-1 -*-\nflask  # caf\xe9\n".encode("latin-1")
    write(tmp_path, {"requirements.txt": data})
    (line,) = parse_requirements_file(tmp_path, "requirements.txt")
    assert line.comment == "caf\xe9"


def test_undecodable_file_is_r4(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": b"flask # \xff\xfe\n"})
    with pytest.raises(MigrationRefused) as error:
        parse_requirements_file(tmp_path, "requirements.txt")
    assert error.value.code == "R4"


@pytest.mark.parametrize(
    "text",
    [
        "a==1.0",
        "a!=1.0",
        "a<=1.0",
        "a>=1.0",
        "a<1.0",
        "a>1.0",
        "a~=1.4",
        "a===1.0-weird",
        "a==1.*",
        "a>=1,<2",
        "a[x,y]>=1",
        'a>=1; python_version < "3.13" and sys_platform != "win32"',
        "a (>=1)",
    ],
)
def test_every_operator_extras_and_markers(text: str) -> None:
    (line,) = parse_requirements_text(text + "\n", "r.txt")
    assert line.kind == "requirement"
    assert line.requirement is not None and line.requirement.name == "a"
    assert line.requirement_text == text


def test_hashes_on_continuation_lines() -> None:
    text = "foo==1.0 \\\n    --hash=sha256:aa \\\n    --hash sha256:bb\nbar\n"
    foo, bar = parse_requirements_text(text, "r.txt")
    assert foo.hashes == ("sha256:aa", "sha256:bb")
    assert foo.requirement_text == "foo==1.0"
    assert foo.options == ()
    assert bar.line == 4


@pytest.mark.parametrize(
    ("text", "option", "value"),
    [
        ("--index-url=https://i.example/simple", "--index-url", "https://i.example/simple"),
        ("--index-url https://i.example/simple", "--index-url", "https://i.example/simple"),
        ("-i https://i.example/simple", "--index-url", "https://i.example/simple"),
        ("--extra-index-url=https://x.example/s", "--extra-index-url", "https://x.example/s"),
        ("-f ./wheels", "--find-links", "./wheels"),
        ("--trusted-host h.example", "--trusted-host", "h.example"),
        ("--only-binary=:all:", "--only-binary", ":all:"),
        ("--no-binary lxml", "--no-binary", "lxml"),
        ("--pre", "--pre", None),
        ("--no-index", "--no-index", None),
        ("--require-hashes", "--require-hashes", None),
    ],
)
def test_options_with_equals_and_with_space(text: str, option: str, value: str | None) -> None:
    (line,) = parse_requirements_text(text + "\n", "r.txt")
    assert (line.kind, line.option, line.value) == ("option", option, value)
    assert line.options == ((option, value),)


def test_several_options_on_one_line() -> None:
    (line,) = parse_requirements_text("-i https://a.example/s --trusted-host a.example\n", "r")
    assert line.options == (
        ("--index-url", "https://a.example/s"),
        ("--trusted-host", "a.example"),
    )


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("-r base.txt", "include", "base.txt"),
        ("-rbase.txt", "include", "base.txt"),
        ("--requirement=base.txt", "include", "base.txt"),
        ("-c constraints.txt", "constraint-include", "constraints.txt"),
        ("--constraint constraints.txt", "constraint-include", "constraints.txt"),
        ("-e ./libs/shared", "editable", "./libs/shared"),
        ("--editable=git+https://g.example/r#egg=x", "editable", "git+https://g.example/r#egg=x"),
    ],
)
def test_include_and_editable_lines(text: str, kind: str, value: str) -> None:
    (line,) = parse_requirements_text(text + "\n", "r.txt")
    assert (line.kind, line.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "kind", "has_requirement"),
    [
        ("./libs/plain", "path", False),
        ("wheels/x-1.0-py3-none-any.whl", "path", False),
        ("x @ file:///srv/x", "path", True),
        ("https://f.example/x-1.0.tar.gz", "url", False),
        ("x @ https://f.example/x-1.0.tar.gz", "url", True),
        ("git+https://g.example/r@v1#egg=x", "vcs", False),
        ("x @ git+https://g.example/r@v1", "vcs", True),
        ('x>=1; sys_platform == "linux/x"', "requirement", True),
    ],
)
def test_path_url_and_vcs_lines(text: str, kind: str, has_requirement: bool) -> None:
    (line,) = parse_requirements_text(text + "\n", "r.txt")
    assert line.kind == kind
    assert (line.requirement is not None) is has_requirement


def test_env_var_requirement_is_kept_unparsed() -> None:
    (line,) = parse_requirements_text("foo==${FOO_VERSION}\n", "r.txt")
    assert (line.kind, line.requirement, line.text) == ("requirement", None, "foo==${FOO_VERSION}")


def test_bad_requirement_is_r4_with_line_and_column() -> None:
    with pytest.raises(MigrationRefused) as error:
        parse_requirements_text("flask\n\n  flask===\n", "reqs/main.txt")
    assert error.value.code == "R4"
    assert "reqs/main.txt:3:" in error.value.message


@pytest.mark.parametrize("text", ["--frobnicate", "flask --index-url https://x", "--hash=sha256:a"])
def test_unknown_or_misplaced_option_is_r4(text: str) -> None:
    with pytest.raises(MigrationRefused) as error:
        parse_requirements_text(text + "\n", "r.txt")
    assert error.value.code == "R4"
    assert "r.txt:1:" in error.value.message


def test_find_requirement_files_skips_tool_directories(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "",
            "dev-requirements.in": "",
            "requirements/prod.txt": "",
            "requirements/notes.md": "",
            "docs/requirements.txt": "",
            "constraints.txt": "",
            ".venv/requirements.txt": "",
            ".git/requirements.txt": "",
            "node_modules/x/requirements.txt": "",
            ".uvtui/backup/requirements.txt": "",
        },
    )
    assert find_requirement_files(tmp_path) == [
        "dev-requirements.in",
        "docs/requirements.txt",
        "requirements.txt",
        "requirements/prod.txt",
    ]


def test_include_chain_with_relative_directories(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements/prod.txt": "-r base.txt\ngunicorn\n",
            "requirements/base.txt": "-r ../shared/common.txt\n-c ../constraints.txt\nflask\n",
            "shared/common.txt": "click\n",
            "constraints.txt": "urllib3<2\n",
        },
    )
    graph = load_requirement_graph(tmp_path, ["requirements/prod.txt"])
    assert graph.includes == {
        "requirements/prod.txt": ["requirements/base.txt"],
        "requirements/base.txt": ["shared/common.txt"],
        "shared/common.txt": [],
        "constraints.txt": [],
    }
    assert graph.constraints["requirements/base.txt"] == ["constraints.txt"]
    assert set(graph.files) == {
        "requirements/prod.txt",
        "requirements/base.txt",
        "shared/common.txt",
        "constraints.txt",
    }


def test_cycle_reads_each_file_once(tmp_path: Path) -> None:
    write(tmp_path, {"a-requirements.txt": "-r b.txt\nx\n", "b.txt": "-r a-requirements.txt\ny\n"})
    graph = load_requirement_graph(tmp_path, ["a-requirements.txt"])
    assert list(graph.files) == ["a-requirements.txt", "b.txt"]
    assert [finding.code for finding in graph.findings] == ["I-INCLUDE-CYCLE"]
    assert graph.findings[0].location == "b.txt:1"


def test_missing_include_is_r4(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask\n-r missing.txt\n"})
    with pytest.raises(MigrationRefused) as error:
        load_requirement_graph(tmp_path, ["requirements.txt"])
    assert error.value.code == "R4"
    assert "requirements.txt:2" in error.value.message


@pytest.mark.parametrize("line", ["-r https://h.example/r.txt", "-c https://u:p@h.example/c.txt"])
def test_remote_include_is_r5(tmp_path: Path, line: str) -> None:
    write(tmp_path, {"requirements.txt": line + "\n"})
    with pytest.raises(MigrationRefused) as error:
        load_requirement_graph(tmp_path, ["requirements.txt"])
    assert error.value.code == "R5"
    assert "u:p" not in error.value.message


def test_find_requirement_files_skips_any_virtualenv(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "",
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/site-packages/pkg/requirements.txt": "",
        },
    )
    assert find_requirement_files(tmp_path) == ["requirements.txt"]
