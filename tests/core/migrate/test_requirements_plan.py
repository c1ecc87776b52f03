"""Requirement files -> pyproject.toml: classification, mapping table, coverage (spec §2, §3)."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from uvtui.core.findings import Level, MigrationRefused
from uvtui.core.migrate.requirements import parse_requirements_file
from uvtui.core.migrate.requirements_plan import (
    FreezePin,
    InlineRequirement,
    RequirementsPlan,
    detect_other_manager,
    index_name_for,
    plan_requirements,
    specifier_narrows,
    specifiers_overlap,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "requirements"


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def plan(root: Path, **options) -> RequirementsPlan:
    options.setdefault("python_version", "3.12")
    return plan_requirements(root, **options)


def parsed(result: RequirementsPlan) -> dict:
    """The pyproject parses and every dependency string is valid PEP 508."""
    data = tomllib.loads(result.pyproject_text)
    strings = data["project"]["dependencies"] + data.get("dependency-groups", {}).get("dev", [])
    strings += data.get("tool", {}).get("uv", {}).get("constraint-dependencies", [])
    for text in strings:
        Requirement(text)
    return data


def codes(result: RequirementsPlan) -> list[str]:
    return [finding.code for finding in result.findings]


def refused(root: Path, **options) -> MigrationRefused:
    with pytest.raises(MigrationRefused) as error:
        plan(root, **options)
    return error.value


def test_simple_main_file_shape(tmp_path: Path) -> None:
    root = tree(tmp_path / "My_App", {"requirements.txt": "Flask==3.0.3  # web\nredis>=5\n"})
    result = plan(root)
    data = parsed(result)
    assert data["project"] == {
        "name": "my-app",
        "version": "0.1.0",
        "requires-python": ">=3.12",
        "dependencies": ["Flask==3.0.3", "redis>=5"],
    }
    assert '"Flask==3.0.3", # web' in result.pyproject_text
    assert "build-system" not in data
    assert result.main_files == ("requirements.txt",)
    assert result.dev_files == ()
    assert not result.has_dev_group
    assert not result.pyproject_existed


def test_15_dev_file_including_main_contributes_only_its_own_lines(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "flask==3.0.3\n",
            "requirements-dev.txt": "-r requirements.txt\npytest\n",
        },
    )
    result = plan(root, image_installed_files=["requirements.txt"])
    data = parsed(result)
    assert data["dependency-groups"]["dev"] == ["pytest"]
    assert data["project"]["dependencies"] == ["flask==3.0.3"]
    assert result.has_dev_group
    assert result.main_files == ("requirements.txt",)
    assert result.dev_files == ("requirements-dev.txt",)


def test_16_constraint_file_goes_to_constraint_dependencies(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"requirements.txt": "-c constraints.txt\nrequests\n", "constraints.txt": "urllib3<2\n"},
    )
    result = plan(root)
    data = parsed(result)
    assert data["tool"]["uv"]["constraint-dependencies"] == ["urllib3<2"]
    assert result.constraint_files == ("constraints.txt",)
    entry = next(c for c in result.coverage if c.path == "constraints.txt")
    assert (entry.carried, entry.target) == (True, "[tool.uv].constraint-dependencies")


def test_17_freeze_pins_are_returned_not_persisted(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "Flask>=3\n",
            "requirements-lock.txt": "blinker==1.8.2\nflask==3.0.3\nwerkzeug==3.0.3\n",
        },
    )
    result = plan(root)
    data = parsed(result)
    assert data["project"]["dependencies"] == ["Flask>=3"]
    assert "3.0.3" not in result.pyproject_text
    assert "constraint-dependencies" not in result.pyproject_text
    assert result.freeze_file == "requirements-lock.txt"
    assert result.freeze_pins == (
        FreezePin("blinker", "1.8.2", None, "requirements-lock.txt", 1),
        FreezePin("flask", "3.0.3", None, "requirements-lock.txt", 2),
        FreezePin("werkzeug", "3.0.3", None, "requirements-lock.txt", 3),
    )
    assert result.main_files == ("requirements.txt",)
    assert "I-FREEZE" in codes(result)
    pins = [c for c in result.coverage if c.path == "requirements-lock.txt"]
    assert all(c.carried and c.target == "lock-only pin" for c in pins)


def test_18_direct_spec_excluding_the_freeze_version_is_r3(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"requirements.txt": "Flask==3.0.3\n", "requirements-lock.txt": "flask==3.0.2\n"},
    )
    error = refused(root)
    assert error.code == "R3"
    assert "requirements.txt:1" in error.message and "3.0.2" in error.message


def test_19_index_url_credentials_are_stripped(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": (
                "--index-url https://bob:${TOKEN}@pypi.corp.example/simple\nflask\n"
            )
        },
    )
    result = plan(root)
    data = parsed(result)
    assert data["tool"]["uv"]["index"] == [
        {"name": "corp-example", "url": "https://pypi.corp.example/simple", "default": True}
    ]
    assert result.credential_env_vars == (
        "UV_INDEX_CORP_EXAMPLE_USERNAME",
        "UV_INDEX_CORP_EXAMPLE_PASSWORD",
    )
    assert "W-INDEX-CRED" in codes(result)
    assert_no_secret(result, ["bob", "TOKEN"])


def assert_no_secret(result: RequirementsPlan, secrets: list[str]) -> None:
    texts = [result.pyproject_text]
    texts += [entry.text for entry in result.coverage]
    texts += [str(entry.target) for entry in result.coverage]
    texts += [finding.message for finding in result.findings]
    for secret in secrets:
        assert not any(secret in text for text in texts), secret


def test_20_extra_index_is_a_second_index_without_default(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": (
                "-i https://pypi.corp.example/simple\n"
                "--extra-index-url https://www.mirror.example.org/simple/\nflask\n"
            )
        },
    )
    result = plan(root)
    indexes = parsed(result)["tool"]["uv"]["index"]
    assert indexes[1] == {
        "name": "mirror-example-org",
        "url": "https://www.mirror.example.org/simple/",
    }
    assert "W-INDEX-STRATEGY" in codes(result)
    assert "index-strategy" not in result.pyproject_text


def test_an_index_alone_gets_no_empty_tool_uv_header(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "-i https://pypi.corp.example/simple\nflask\n"})
    text = plan(root).pyproject_text
    assert "[tool.uv]\n" not in text
    assert "[[tool.uv.index]]" in text


def test_21_editable_path_and_git_sources(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "-e ./libs/shared\npkg @ git+https://host.example/r@v1.2\n",
            "libs/shared/pyproject.toml": '[project]\nname = "shared"\nversion = "1"\n',
        },
    )
    result = plan(root)
    data = parsed(result)
    assert data["project"]["dependencies"] == ["shared", "pkg"]
    assert data["tool"]["uv"]["sources"] == {
        "shared": {"path": "./libs/shared", "editable": True},
        "pkg": {"git": "https://host.example/r", "rev": "v1.2"},
    }
    assert result.path_sources == ("libs/shared",)


def test_22_hash_continuations_are_dropped(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": (
                "--require-hashes\n"
                "flask==3.0.3 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n"
                "redis==5.0.4 --hash=sha256:cccc\n"
            )
        },
    )
    result = plan(root)
    assert parsed(result)["project"]["dependencies"] == ["flask==3.0.3", "redis==5.0.4"]
    assert "sha256" not in result.pyproject_text
    hash_findings = [f for f in result.findings if f.code == "I-HASH"]
    assert [f.location for f in hash_findings] == [
        "requirements.txt:1",
        "requirements.txt:2",
        "requirements.txt:5",
    ]
    assert all(f.level is Level.INFO for f in hash_findings)


def test_23_pre_and_trusted_host(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": (
                "--pre\n-i https://pypi.corp.example/simple\n"
                "--trusted-host pypi.corp.example\n--trusted-host other.example\nflask\n"
            )
        },
    )
    result = plan(root)
    uv = parsed(result)["tool"]["uv"]
    assert uv["prerelease"] == "allow"
    assert uv["allow-insecure-host"] == ["pypi.corp.example"]
    assert "other.example" not in result.pyproject_text
    trusted = [f.location for f in result.findings if f.code == "W-TRUSTED-HOST"]
    assert trusted == ["requirements.txt:3", "requirements.txt:4"]
    assert "W-PRE-GLOBAL" in codes(result)


def test_24_env_var_line_is_not_carried(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\nfoo==${FOO_VERSION}\n"})
    result = plan(root)
    assert parsed(result)["project"]["dependencies"] == ["flask"]
    finding = next(f for f in result.findings if f.code == "W-ENVVAR")
    assert finding.location == "requirements.txt:2"
    assert len(result.coverage) == 2
    entry = result.coverage[1]
    assert (entry.carried, entry.code) == (False, "W-ENVVAR")


def test_25_overlapping_duplicates_are_joined(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "requests>=2\nflask\nrequests<3\nflask\n"})
    result = plan(root)
    assert parsed(result)["project"]["dependencies"] == ["requests>=2,<3", "flask"]
    assert codes(result).count("W-DUPLICATE") == 1
    assert codes(result).count("I-DUPLICATE") == 1


def test_25_disjoint_duplicates_are_r3(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "foo==1\nfoo==2\n"})
    assert refused(root).code == "R3"


def test_duplicates_with_different_markers_are_kept_apart(tmp_path: Path) -> None:
    text = 'foo==1; python_version < "3.12"\nfoo==2; python_version >= "3.12"\n'
    root = tree(tmp_path, {"requirements.txt": text})
    assert len(parsed(plan(root))["project"]["dependencies"]) == 2


def test_main_and_dev_duplicate_keeps_main_and_stricter_dev(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "flask>=3\nrequests>=2\n",
            "requirements-dev.txt": "flask>=3\nrequests>=2.31\npytest\n",
        },
    )
    result = plan(root)
    data = parsed(result)
    assert data["project"]["dependencies"] == ["flask>=3", "requests>=2"]
    assert data["dependency-groups"]["dev"] == ["requests>=2.31", "pytest"]
    dev_lines = {c.line: c for c in result.coverage if c.path == "requirements-dev.txt"}
    assert (dev_lines[1].target, dev_lines[1].code) == ("[project].dependencies", "W-DUPLICATE")
    assert (dev_lines[2].target, dev_lines[2].code) == ("[dependency-groups].dev", "W-DUPLICATE")


def test_main_and_dev_disjoint_is_r3(tmp_path: Path) -> None:
    root = tree(
        tmp_path, {"requirements.txt": "flask==3.0.3\n", "requirements-dev.txt": "flask==2.3.0\n"}
    )
    assert refused(root).code == "R3"


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (">1", "<2", True),
        ("==1", "==2", False),
        (">=2", "<3", True),
        ("<1", ">=1", False),
        ("~=1.4", ">=2", False),
        ("~=1.4", ">=1.9", True),
        ("==1.*", "<1.5", True),
        ("==1.*", ">=2", False),
        ("!=1", "!=2", True),
        ("==1.0", "!=1.0", False),
        ("", "==5", True),
    ],
)
def test_overlap_heuristic(first: str, second: str, overlap: bool) -> None:
    assert specifiers_overlap(SpecifierSet(first), SpecifierSet(second)) is overlap


def test_narrowing_heuristic() -> None:
    assert specifier_narrows(SpecifierSet(">=2.31"), SpecifierSet(">=2"))
    assert specifier_narrows(SpecifierSet("==2.1"), SpecifierSet(">=2,<3"))
    assert not specifier_narrows(SpecifierSet(">=2"), SpecifierSet(">=2"))
    assert not specifier_narrows(SpecifierSet(""), SpecifierSet(">=2"))
    assert not specifier_narrows(SpecifierSet(">=1"), SpecifierSet(">=2"))


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ({"pyproject.toml": '[tool.poetry]\nname = "x"\n'}, "migrate-to-uv"),
        ({"Pipfile": "[packages]\n"}, "migrate-to-uv"),
        ({"poetry.lock": ""}, "migrate-to-uv"),
        ({"pdm.lock": ""}, "migrate-to-uv"),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["a"]\n', "uv.lock": ""},
            "already migrated",
        ),
    ],
)
def test_26_other_managers_are_r2(tmp_path: Path, files: dict[str, str], needle: str) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n", **files})
    with pytest.raises(MigrationRefused) as error:
        detect_other_manager(root)
    assert error.value.code == "R2"
    assert needle in error.value.message
    assert refused(root).code == "R2"


def test_26_plain_pyproject_is_not_another_manager(tmp_path: Path) -> None:
    root = tree(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"})
    detect_other_manager(root)


def test_27_existing_pyproject_bytes_are_kept(tmp_path: Path) -> None:
    old = (
        "# project settings\n[tool.ruff]\nline-length = 100  # wide\n\n"
        "[tool.ruff.lint]\nselect = ['E']\n"
    )
    root = tree(
        tmp_path,
        {"pyproject.toml": old, "requirements.txt": "flask\n-c c.txt\n", "c.txt": "urllib3<2\n"},
    )
    result = plan(root)
    new = result.pyproject_text
    assert result.pyproject_existed
    assert old in new
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    changed = [line for line in diff[2:] if not line.startswith("@@")]
    assert changed and all(line.startswith("+") for line in changed)
    data = parsed(result)
    assert data["tool"]["ruff"]["line-length"] == 100
    assert data["project"]["dependencies"] == ["flask"]
    # [project] leads the file when the old one held only tool settings
    assert new.startswith("[project]\n")
    assert new.index("[tool.ruff]") < new.index("[tool.uv]")


def test_project_name_comes_from_the_app_package(tmp_path: Path) -> None:
    app = tmp_path / "checkout"
    files = {"requirements.txt": "flask\n", "my_app/__init__.py": "", "tests/__init__.py": ""}
    assert parsed(plan(tree(app, files)))["project"]["name"] == "my-app"
    src = tmp_path / "src-layout"
    files = {"requirements.txt": "flask\n", "src/hello/__init__.py": ""}
    assert parsed(plan(tree(src, files)))["project"]["name"] == "hello"
    several = tmp_path / "Several_Apps"
    files = {"requirements.txt": "flask\n", "config/__init__.py": "", "pages/__init__.py": ""}
    assert parsed(plan(tree(several, files)))["project"]["name"] == "several-apps"


def test_top_level_keys_keep_project_at_the_end(tmp_path: Path) -> None:
    old = 'title = "x"\n\n[tool.ruff]\nline-length = 100\n'
    root = tree(tmp_path, {"pyproject.toml": old, "requirements.txt": "flask\n"})
    new = plan(root).pyproject_text
    assert new.startswith(old)
    assert tomllib.loads(new)["title"] == "x"


def test_existing_project_dependencies_are_kept_and_new_appended(tmp_path: Path) -> None:
    old = (
        '[project]\nname = "keep-me"\nversion = "2.0"\nrequires-python = ">=3.11"\n'
        'dependencies = [\n    "flask>=3",\n]\n'
    )
    root = tree(tmp_path, {"pyproject.toml": old, "requirements.txt": "flask>=3\nredis\n"})
    result = plan(root, python_version=None)
    data = parsed(result)
    assert data["project"]["name"] == "keep-me"
    assert data["project"]["version"] == "2.0"
    assert data["project"]["requires-python"] == ">=3.11"
    assert data["project"]["dependencies"] == ["flask>=3", "redis"]
    diff = list(difflib.unified_diff(old.splitlines(), result.pyproject_text.splitlines(), n=0))
    assert all(line.startswith("+") for line in diff[2:] if not line.startswith("@@"))


def test_existing_dependency_with_other_specifier_is_r3(tmp_path: Path) -> None:
    old = '[project]\nname = "x"\ndependencies = ["flask>=3"]\n'
    root = tree(tmp_path, {"pyproject.toml": old, "requirements.txt": "flask==2.3.0\n"})
    assert refused(root).code == "R3"


def test_29_bad_line_is_r4_and_remote_include_is_r5(tmp_path: Path) -> None:
    bad = tree(tmp_path / "bad", {"requirements.txt": "flask\nflask===\n"})
    error = refused(bad)
    assert error.code == "R4"
    assert "requirements.txt:2:" in error.message
    remote = tree(tmp_path / "remote", {"requirements.txt": "-r https://h.example/r.txt\n"})
    assert refused(remote).code == "R5"


def test_30_coverage_of_every_mapping_row() -> None:
    root = FIXTURES / "every_row"
    result = plan(root)
    data = parsed(result)
    logical = {
        (rel, line.line)
        for rel in (
            "requirements.txt",
            "requirements-dev.txt",
            "requirements/base.txt",
            "constraints.txt",
            "requirements-lock.txt",
        )
        for line in parse_requirements_file(root, rel)
    }
    covered = [(entry.path, entry.line) for entry in result.coverage]
    assert sorted(covered) == sorted(logical)
    assert len(covered) == len(set(covered))
    not_carried = {entry.line: entry.code for entry in result.coverage if not entry.carried}
    assert not_carried == {
        5: "W-NO-INDEX",
        7: "W-TRUSTED-HOST",
        9: "I-HASH",
        12: "W-OPTION",
        13: "W-OPTION",
        27: "W-ENVVAR",
    }
    uv = data["tool"]["uv"]
    assert uv["no-build"] is True
    assert uv["no-binary-package"] == ["lxml"]
    assert uv["prerelease"] == "allow"
    assert uv["constraint-dependencies"] == ["urllib3<2"]
    assert [index["name"] for index in uv["index"]] == [
        "corp-example",
        "mirror-example-org",
        "wheels",
    ]
    assert uv["index"][2]["format"] == "flat"
    assert uv["sources"]["plain"] == {"path": "./libs/plain"}
    assert uv["sources"]["cfgpkg"] == {"path": "./libs/cfgpkg"}
    assert uv["sources"]["wheelpkg"] == {"path": "./wheels/wheelpkg-1.0-py3-none-any.whl"}
    assert uv["sources"]["bare"] == {"url": "https://files.example.org/bare-2.0.tar.gz"}
    assert uv["sources"]["vcspkg"] == {
        "git": "https://git.example.org/org/mono",
        "rev": "v1.2",
        "subdirectory": "pkgs/vcspkg",
    }
    assert uv["sources"]["editvcs"] == {"git": "https://git.example.org/org/editvcs", "rev": "main"}
    deps = data["project"]["dependencies"]
    assert deps[:3] == ["click>=8", "Flask==3.0.3", "redis[hiredis]>=5,<6"]
    assert {"pip", "setuptools>=69", "wheel", "requests>=2,<3"} <= set(deps)
    assert deps.count("gunicorn==22.0.0") == 1
    assert data["dependency-groups"]["dev"] == ["pytest==8.2.0", "requests>=2.31"]
    assert {"W-EDITABLE-VCS", "W-INDEX-CRED", "W-INDEX-STRATEGY", "W-PRE-GLOBAL"} <= set(
        codes(result)
    )
    assert [pin.name for pin in result.freeze_pins] == ["flask", "redis", "requests"]
    assert_no_secret(result, ["bob", "TOKEN"])


def test_freeze_written_by_pip_freeze_rule_a(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n", "installed.txt": "flask==3.0.3\n"})
    result = plan(root, freeze_written_files=["installed.txt", "not-there.txt"])
    assert result.freeze_file == "installed.txt"
    assert [pin.version for pin in result.freeze_pins] == ["3.0.3"]


def test_freeze_used_as_constraint_rule_b(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"requirements.txt": "-c pins.txt\nflask\n", "pins.txt": "flask==3.0.3\nclick==8.1.7\n"},
    )
    result = plan(root)
    assert result.freeze_file == "pins.txt"
    assert "constraint-dependencies" not in result.pyproject_text
    first = result.coverage[0]
    assert (first.carried, first.target) == (True, "lock-only pin")


def test_pip_compile_output_rule_d_uses_its_in_twin(tmp_path: Path) -> None:
    compiled = (
        "#\n# This file is autogenerated by pip-compile with Python 3.12\n#\n"
        "flask==3.0.3\n    # via -r requirements.in\n"
        "-e git+https://g.example/r@v1#egg=local\n"
    )
    root = tree(tmp_path, {"requirements.in": "flask\n", "requirements.txt": compiled})
    result = plan(root)
    assert result.main_files == ("requirements.in",)
    assert result.freeze_file == "requirements.txt"
    assert parsed(result)["project"]["dependencies"] == ["flask"]
    assert [pin.name for pin in result.freeze_pins] == ["flask"]
    assert "I-FREEZE-NO-PIN" in codes(result)


def test_two_freeze_files_for_one_group_is_r3_unless_chosen(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "requirements-lock.txt": "flask==3.0.3\n",
            "requirements-frozen.txt": "flask==3.0.2\n",
        },
    )
    assert refused(root).code == "R3"
    result = plan(root, freeze_choice=["requirements-lock.txt"])
    assert result.freeze_file == "requirements-lock.txt"
    assert result.unreferenced_files == ("requirements-frozen.txt",)


def test_lone_freeze_like_file_is_migrated_as_direct(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements-lock.txt": "flask==3.0.3\n"})
    result = plan(root, image_installed_files=["requirements-lock.txt"])
    assert parsed(result)["project"]["dependencies"] == ["flask==3.0.3"]
    assert result.freeze_pins == ()
    assert "I-FREEZE-AS-DIRECT" in codes(result)


def test_unreferenced_file_is_listed_not_migrated(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n", "extra-requirements.txt": "boto3\n"})
    result = plan(root)
    assert result.unreferenced_files == ("extra-requirements.txt",)
    assert "boto3" not in result.pyproject_text
    entry = next(c for c in result.coverage if c.path == "extra-requirements.txt")
    assert (entry.carried, entry.code) == (False, "W-UNREFERENCED-FILE")


def test_root_rules_dev_tokens_main_names_and_rule_3(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements/base.txt": "flask\n",
            "requirements/prod.txt": "-r base.txt\ngunicorn\n",
            "requirements/local.txt": "-r base.txt\ndjango-debug-toolbar\n",
            "requirements/extras.txt": "-r prod.txt\nipython\n",
        },
    )
    result = plan(root)
    data = parsed(result)
    assert data["project"]["dependencies"] == ["flask", "gunicorn"]
    assert data["dependency-groups"]["dev"] == ["ipython", "django-debug-toolbar"]


def test_editable_name_from_setup_py_and_setup_cfg(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "-e libs/a\n-e ./libs/b\n",
            "libs/a/setup.py": "from setuptools import setup\nsetup(\n    name='alpha',\n)\n",
            "libs/b/setup.cfg": "[metadata]\nname = beta\n",
        },
    )
    result = plan(root)
    assert parsed(result)["tool"]["uv"]["sources"] == {
        "alpha": {"path": "./libs/a", "editable": True},
        "beta": {"path": "./libs/b", "editable": True},
    }
    assert result.path_sources == ("libs/a", "libs/b")


def test_editable_without_a_name_is_r4(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "-e ./libs/a\n", "libs/a/README": ""})
    error = refused(root)
    assert error.code == "R4" and "requirements.txt:1" in error.message


def test_self_install_is_the_project_itself(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"requirements.txt": "-e .\nflask\n", "requirements-dev.txt": "-r requirements.txt\n"},
    )
    result = plan(root)
    assert parsed(result)["project"]["dependencies"] == ["flask"]
    first = next(e for e in result.coverage if e.path == "requirements.txt")
    assert (first.carried, first.target, first.code) == (
        True,
        "the project itself",
        "I-SELF-INSTALL",
    )
    assert dict(result.self_install_files) == {
        "requirements.txt": True,
        "requirements-dev.txt": True,
    }


PIP_COMPILE_FROM_PYPROJECT = """\
#
# This file is autogenerated by pip-compile with Python 3.11
# by the following command:
#
#    pip-compile --output-file=requirements.txt pyproject.toml
#
attrs==23.1.0
    # via app (pyproject.toml)
-e file:.
"""


def test_pip_compile_output_of_pyproject_is_its_freeze_file(tmp_path: Path) -> None:
    """Issue shape 2: one source of truth (pyproject.toml); requirements.txt only pins."""
    old = '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["attrs>=23.1"]\n'
    root = tree(tmp_path, {"pyproject.toml": old, "requirements.txt": PIP_COMPILE_FROM_PYPROJECT})
    result = plan(root, image_installed_files=["requirements.txt"])
    assert result.freeze_file == "requirements.txt"
    assert [(pin.name, pin.version) for pin in result.freeze_pins] == [("attrs", "23.1.0")]
    assert parsed(result)["project"]["dependencies"] == ["attrs>=23.1"]
    assert result.main_files == ()
    assert dict(result.self_install_files) == {"requirements.txt": True}
    assert [(e.line, e.carried, e.code) for e in result.coverage] == [
        (7, True, None),
        (9, True, "I-SELF-INSTALL"),
    ]


def test_git_credentials_are_stripped(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"requirements.txt": "pkg @ git+https://ghp_s3cret@github.example/o/r@v1\n"},
    )
    result = plan(root)
    source = parsed(result)["tool"]["uv"]["sources"]["pkg"]
    assert source == {"git": "https://github.example/o/r", "rev": "v1"}
    assert "W-URL-CRED" in codes(result)
    assert_no_secret(result, ["s3cret"])


def test_index_names() -> None:
    assert index_name_for("https://pypi.corp.example/simple", []) == "corp-example"
    assert index_name_for("https://www.x.example/simple", []) == "x-example"
    assert index_name_for("https://pypi.corp.example/other", ["corp-example"]) == "corp-example-2"
    assert index_name_for("https://a.example:8080/s", []) == "a-example"


def test_python_version_sources_and_r6(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n", "runtime.txt": "python-3.10.4\n"})
    assert parsed(plan(root, python_version=None))["project"]["requires-python"] == ">=3.10"
    (root / ".python-version").write_text("3.11.9\n")
    assert parsed(plan(root, python_version=None))["project"]["requires-python"] == ">=3.11"
    assert parsed(plan(root))["project"]["requires-python"] == ">=3.12"
    bare = tree(tmp_path / "bare", {"requirements.txt": "flask\n"})
    assert refused(bare, python_version=None).code == "R6"
    fallback = plan(bare, python_version=None, fallback_python="3.13")
    assert parsed(fallback)["project"]["requires-python"] == ">=3.13"


def test_inline_requirements_and_pip_env_options(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n"})
    result = plan(
        root,
        inline_requirements=[InlineRequirement("gunicorn==22.0.0", "Dockerfile:12")],
        pip_env_options=[
            ("--index-url", "https://u:p4ss@pypi.corp.example/simple", "Dockerfile:3"),
            ("--extra-index-url", "https://a.example/s https://b.example/s", "Dockerfile:4"),
            ("--pre", "0", "Dockerfile:5"),
        ],
    )
    data = parsed(result)
    assert data["project"]["dependencies"] == ["flask", "gunicorn==22.0.0"]
    assert [i["name"] for i in data["tool"]["uv"]["index"]] == [
        "corp-example",
        "a-example",
        "b-example",
    ]
    assert "prerelease" not in data["tool"]["uv"]
    inline = [c for c in result.coverage if c.origin == "inline"]
    assert [(c.path, c.line, c.target) for c in inline] == [
        ("Dockerfile", 12, "[project].dependencies")
    ]
    env = [c for c in result.coverage if c.origin == "env"]
    assert [(c.path, c.line, c.carried) for c in env] == [
        ("Dockerfile", 3, True),
        ("Dockerfile", 4, True),
        ("Dockerfile", 5, False),
    ]
    assert {f.path for f in result.findings if f.code == "W-INDEX-CRED"} == {"Dockerfile"}
    assert_no_secret(result, ["p4ss"])


def test_query_tokens_are_stripped_and_redacted(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": (
                "--extra-index-url https://pkgs.example/simple?api_token=t0psecret&x=1\nflask\n"
            )
        },
    )
    result = plan(root)
    index = parsed(result)["tool"]["uv"]["index"][0]
    assert index["url"] == "https://pkgs.example/simple?x=1"
    assert "W-INDEX-CRED" in codes(result)
    assert_no_secret(result, ["t0psecret"])


def test_dockerfile_dollar_variables_count_as_env_vars(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n"})
    result = plan(
        root,
        pip_env_options=[
            ("--index-url", "https://$PIP_USER:$PIP_PASS@pypi.corp.example/simple", "Dockerfile:2"),
            ("--extra-index-url", "https://$MIRROR_HOST/simple", "Dockerfile:3"),
        ],
    )
    indexes = parsed(result)["tool"]["uv"]["index"]
    assert indexes == [
        {"name": "corp-example", "url": "https://pypi.corp.example/simple", "default": True}
    ]
    env = {c.line: c for c in result.coverage if c.origin == "env"}
    assert (env[3].carried, env[3].code) == (False, "W-ENVVAR")
    assert_no_secret(result, ["PIP_USER", "PIP_PASS"])


def test_inline_requirement_error_points_at_the_dockerfile(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n"})
    error = refused(root, inline_requirements=[InlineRequirement("gunicorn===", "Dockerfile:7")])
    assert error.code == "R4"
    assert "Dockerfile:7:" in error.message


def test_sibling_path_source_outside_the_project(tmp_path: Path) -> None:
    tree(tmp_path, {"shared/setup.cfg": "[metadata]\nname = sibling\n"})
    root = tree(tmp_path / "app", {"requirements.txt": "-e ../shared\n"})
    result = plan(root)
    assert parsed(result)["tool"]["uv"]["sources"]["sibling"] == {
        "path": "../shared",
        "editable": True,
    }


def only_added_lines(old: str, new: str) -> bool:
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    changed = [line for line in diff[2:] if not line.startswith("@@")]
    return bool(changed) and all(line.startswith("+") for line in changed)


def test_keys_go_into_existing_tables_without_touching_their_lines(tmp_path: Path) -> None:
    old = (
        '[project]\nname = "x"\ndescription = "d"\n\n# tools below\n'
        "[tool.uv]\npackage = false\n\n"
        '[tool.uv.sources]\nother = { path = "./other" }\n\n'
        '[[tool.uv.index]]\nname = "internal"\nurl = "https://i.example/simple"\n\n'
        "[tool.ruff]\nline-length = 100"
    )
    root = tree(
        tmp_path,
        {
            "pyproject.toml": old,
            "requirements.txt": (
                "flask\n-e ./lib\n-c c.txt\n-i https://i.example/simple\n"
                "--extra-index-url https://pypi.corp.example/simple\n"
            ),
            "requirements-dev.txt": "pytest\n",
            "c.txt": "urllib3<2\n",
            "lib/pyproject.toml": '[project]\nname = "lib"\n',
        },
    )
    result = plan(root)
    assert only_added_lines(old, result.pyproject_text)
    data = parsed(result)
    assert data["project"]["dependencies"] == ["flask", "lib"]
    assert data["project"]["description"] == "d"
    uv = data["tool"]["uv"]
    assert uv["package"] is False
    assert uv["constraint-dependencies"] == ["urllib3<2"]
    assert uv["sources"] == {
        "other": {"path": "./other"},
        "lib": {"path": "./lib", "editable": True},
    }
    assert [index["name"] for index in uv["index"]] == ["internal", "corp-example"]
    assert data["dependency-groups"] == {"dev": ["pytest"]}
    assert data["tool"]["ruff"] == {"line-length": 100}


def test_existing_dev_group_and_sources_conflicts(tmp_path: Path) -> None:
    old = '[dependency-groups]\ndev = [\n    "pytest>=8",\n]\nlint = ["ruff"]\n'
    root = tree(
        tmp_path,
        {
            "pyproject.toml": old,
            "requirements.txt": "flask\n",
            "requirements-dev.txt": "pytest>=8\nmypy\n",
        },
    )
    result = plan(root)
    assert only_added_lines(old, result.pyproject_text)
    assert parsed(result)["dependency-groups"] == {"dev": ["pytest>=8", "mypy"], "lint": ["ruff"]}
    clash = tree(
        tmp_path / "clash",
        {
            "pyproject.toml": '[tool.uv.sources]\nlib = { path = "./elsewhere" }\n',
            "requirements.txt": "-e ./lib\n",
            "lib/setup.cfg": "[metadata]\nname = lib\n",
        },
    )
    assert refused(clash).code == "R3"


def test_image_constraint_files(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "pins.txt": "flask==3.0.3\n",
            "limits.txt": "urllib3<2\n",
        },
    )
    result = plan(root, image_constraint_files=["pins.txt", "limits.txt"])
    assert result.freeze_file == "pins.txt"
    assert result.constraint_files == ("limits.txt",)
    assert parsed(result)["tool"]["uv"]["constraint-dependencies"] == ["urllib3<2"]


def test_pre_flag_from_a_pip_command_line(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n"})
    result = plan(root, pip_env_options=[("--pre", "", "Dockerfile:9")])
    assert parsed(result)["tool"]["uv"]["prerelease"] == "allow"


def test_files_the_image_writes_itself_may_be_missing(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "flask\n"})
    result = plan(
        root,
        image_installed_files=["requirements.txt"],
        image_constraint_files=["requirements-lock.txt"],
        freeze_written_files=["requirements-lock.txt"],
    )
    assert result.freeze_file is None
    assert parsed(result)["project"]["dependencies"] == ["flask"]
    assert refused(root, image_constraint_files=["elsewhere.txt"]).code == "R4"


def test_path_with_extras_and_url_credentials(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "requirements.txt": (
                "-e ./libs/shared[redis]\n"
                "remote @ https://deploy:hunter2@files.example.org/remote-1.0.tar.gz\n"
            ),
            "libs/shared/setup.cfg": "[metadata]\nname = shared\n",
        },
    )
    result = plan(root)
    data = parsed(result)
    assert data["project"]["dependencies"] == ["shared[redis]", "remote"]
    assert data["tool"]["uv"]["sources"] == {
        "shared": {"path": "./libs/shared", "editable": True},
        "remote": {"url": "https://files.example.org/remote-1.0.tar.gz"},
    }
    assert result.coverage[1].code == "W-URL-CRED"
    assert_no_secret(result, ["hunter2", "deploy"])


def test_pip_compile_output_of_a_missing_pyproject_is_migrated_as_direct(tmp_path: Path) -> None:
    root = tree(
        tmp_path, {"requirements.txt": PIP_COMPILE_FROM_PYPROJECT.replace("-e file:.\n", "")}
    )
    result = plan(root)
    assert result.freeze_file is None
    assert parsed(result)["project"]["dependencies"] == ["attrs==23.1.0"]
