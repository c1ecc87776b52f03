"""Dockerfile facts and rewrite (spec §2, §4; test cases 1, 5-14)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from uvtui.core.dockerfile.migration import (
    find_dockerfiles,
    inspect_dockerfile,
    rewrite_dockerfile,
    verify_dockerfile_rewrite,
)
from uvtui.core.findings import MigrationRefused

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dockerfiles"
UV = "0.13.9"


def dev_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("requirements-dev*.txt"))


def rewrite(name: str, **kwargs):
    root = FIXTURES / name
    facts = inspect_dockerfile(root, "Dockerfile")
    dev = dev_files(root)
    kwargs.setdefault("has_dev_group", bool(dev))
    kwargs.setdefault("dev_files", dev)
    return facts, rewrite_dockerfile(facts, uv_version=UV, **kwargs)


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True)))
    removed = [line[2:] for line in diff if line.startswith("- ")]
    added = [line[2:] for line in diff if line.startswith("+ ")]
    return removed, added


def write(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "Dockerfile").write_bytes(text.encode())
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(content)
    return tmp_path


@pytest.mark.parametrize(
    "name", sorted(p.parent.name for p in FIXTURES.glob("*/expected.Dockerfile"))
)
def test_rewrite_matches_the_reviewed_golden_file(name: str) -> None:
    facts, result = rewrite(name)
    assert result.new_text == (FIXTURES / name / "expected.Dockerfile").read_bytes().decode()
    assert verify_dockerfile_rewrite(facts.text, result.new_text) == []


def test_seed_layout_gives_exactly_the_article_diff() -> None:
    facts, result = rewrite("seed")
    removed, added = changed_lines(facts.text, result.new_text)
    assert removed == [
        "COPY --chown=python:python requirements*.txt ./\n",
        "RUN chmod 0755 bin/* && bin/pip3-install\n",
    ]
    assert added == [
        "ENV UV_COMPILE_BYTECODE=1 \\\n",
        "  UV_LINK_MODE=hardlink \\\n",
        '  UV_PROJECT_ENVIRONMENT="/home/python/.local" \\\n',
        "  UV_PYTHON_DOWNLOADS=never \\\n",
        "  UV_NO_CACHE=1\n",
        "COPY --chown=python:python pyproject.toml uv.lock* ./\n",
        f"COPY --from=ghcr.io/astral-sh/uv:{UV} /uv /uvx /usr/local/bin/\n",
        "RUN chmod 0755 bin/* && bin/uv-install\n",
    ]
    lines = result.new_text.splitlines()
    assert lines[0] == "FROM python:3.13-slim-bookworm"
    # uv comes just before the layer that runs it, below the slow system layers
    uv_line = lines.index(f"COPY --from=ghcr.io/astral-sh/uv:{UV} /uv /uvx /usr/local/bin/")
    assert lines[uv_line + 1] == "RUN chmod 0755 bin/* && bin/uv-install"
    assert lines.index("USER python") < lines.index("ENV UV_COMPILE_BYTECODE=1 \\")
    assert result.install_flags == ()
    assert result.target == "/home/python/.local"


def test_seed_facts_follow_the_install_script() -> None:
    facts = inspect_dockerfile(FIXTURES / "seed", "Dockerfile")
    (step,) = facts.pip_steps
    assert step.via_script == "bin/pip3-install"
    assert step.line == 22
    assert facts.installed_requirement_files == ("requirements.txt",)
    assert facts.freeze_written_files == ("requirements-lock.txt",)
    assert facts.python_version == "3.13"
    assert (facts.user, facts.user_home) == ("python", "/home/python")
    assert facts.environment_target == "/home/python/.local"
    assert "--user" in step.flags and "--no-cache-dir" in step.flags


def test_root_system_install_pattern_b() -> None:
    _, result = rewrite("system")
    assert result.target == "/usr/local"
    assert result.install_flags == ("--no-dev", "--inexact")
    assert "RUN bin/uv-install --no-dev --inexact\n" in result.new_text
    assert "  UV_NO_CACHE=1\n" in result.new_text
    assert "COPY bin/uv-install ./bin/uv-install\n" in result.new_text


def test_venv_builder_pattern_c_keeps_final_stage() -> None:
    facts, result = rewrite("venv")
    final = facts.text[facts.text.index("FROM python:3.11-slim-bookworm\n") :]
    assert result.new_text.endswith(final)
    assert result.target == "/opt/venv"
    assert "RUN python -m venv /opt/venv\n" in result.new_text
    assert "RUN bin/uv-install --no-dev\n" in result.new_text


def test_wheel_handoff_pattern_d() -> None:
    _, result = rewrite("wheels")
    assert "COPY --from=builder /opt/venv /opt/venv\n" in result.new_text
    assert 'ENV PATH="/opt/venv/bin:$PATH"\n' in result.new_text
    assert "/wheels /wheels" not in result.new_text
    assert "pip" not in result.new_text


def test_wheel_handoff_across_python_minors_is_refused() -> None:
    with pytest.raises(MigrationRefused) as caught:
        rewrite("wheels-mismatch")
    assert caught.value.code == "R6"


def test_cache_mount_pattern_e() -> None:
    _, result = rewrite("cache")
    assert "--mount=type=cache,target=/root/.cache/uv,sharing=locked \\\n" in result.new_text
    assert "UV_NO_CACHE" not in result.new_text
    assert "UV_LINK_MODE=copy" in result.new_text


def test_cache_mount_of_a_non_root_user_uses_its_home(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "FROM python:3.11-slim-bookworm\nRUN useradd -m -u 1000 app\nUSER app\nWORKDIR /home/app\n"
        "COPY --chown=app:app requirements.txt ./\n"
        "RUN --mount=type=cache,target=/root/.cache/pip,uid=1000,gid=1000 "
        "pip install --user -r requirements.txt\n",
        files={"requirements.txt": "flask\n"},
    )
    result = rewrite_dockerfile(
        inspect_dockerfile(root, "Dockerfile"), uv_version=UV, has_dev_group=False
    )
    assert "--mount=type=cache,target=/home/app/.cache/uv,uid=1000,gid=1000 " in result.new_text
    assert result.target == "/home/app/.local"


def test_bind_mount_pattern_e_syncs_locked() -> None:
    _, result = rewrite("bind")
    assert "source=pyproject.toml" in result.new_text and "source=uv.lock" in result.new_text
    assert "uv sync --locked --no-install-project --inexact\n" in result.new_text
    assert "bin/uv-install" not in result.new_text


def test_project_install_pattern_f() -> None:
    facts, result = rewrite("project")
    assert facts.installs_project
    assert "RUN uv sync --frozen --no-dev --inexact\n" in result.new_text
    assert "RUN bin/uv-install --no-dev --inexact\n" in result.new_text


def test_project_install_with_setup_py_only_is_refused() -> None:
    with pytest.raises(MigrationRefused) as caught:
        rewrite("setup-only")
    assert caught.value.code == "R7"


def test_several_pip_runs_pattern_g() -> None:
    facts, result = rewrite("several")
    assert facts.inline_requirements == (("gunicorn==22.0.0", "Dockerfile:7"),)
    assert "gunicorn==22.0.0" not in result.new_text
    assert "then bin/uv-install --inexact; fi\n" in result.new_text
    assert "RUN bin/uv-install --no-dev --inexact\n" in result.new_text
    assert any(f.code == "W-CONDITIONAL" and f.line == 8 for f in facts.findings)


def test_arg_templated_base_pattern_h() -> None:
    facts, result = rewrite("argpy")
    assert facts.python_version == "3.11"
    assert result.new_text.startswith("ARG PY=3.11\nFROM python:${PY}-slim-bookworm\n")


def test_arg_without_default_leaves_the_version_unknown(tmp_path: Path) -> None:
    root = write(tmp_path, "ARG PY\nFROM python:${PY}-slim\nRUN pip install flask\n")
    assert inspect_dockerfile(root, "Dockerfile").python_version is None


def test_upgrade_segment_removed_pattern_i() -> None:
    facts, result = rewrite("upgrade")
    assert "pip install --upgrade" not in result.new_text
    assert (
        "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
        "    && bin/uv-install --inexact \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    ) in result.new_text
    assert any(f.code == "I-PIP-UPGRADE" for f in facts.findings)


def test_upgrade_alone_deletes_the_run(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim\nRUN pip install -U pip\nCOPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    result = rewrite_dockerfile(
        inspect_dockerfile(root, "Dockerfile"), uv_version=UV, has_dev_group=False
    )
    assert "RUN pip install -U pip" not in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_heredoc_pattern_j_changes_one_body_line() -> None:
    facts, result = rewrite("heredoc")
    removed, added = changed_lines(facts.text, result.new_text)
    assert "pip install --no-cache-dir -r requirements.txt\n" in removed
    assert "bin/uv-install --inexact\n" in added
    assert "RUN <<EOT\nset -eux\nbin/uv-install" in result.new_text
    assert 'python -c "import flask"\nEOT\n' in result.new_text


def test_crlf_lines_are_kept_and_inserted_lines_use_crlf() -> None:
    facts, result = rewrite("crlf")
    new = result.new_text
    assert "\n" not in new.replace("\r\n", "")
    assert new.count("\r\n") == len(new.splitlines())
    removed, _ = changed_lines(facts.text, new)
    untouched = [line for line in facts.text.splitlines(keepends=True) if line not in removed]
    assert all(line in new.splitlines(keepends=True) for line in untouched)


def test_unknown_target_is_refused_unless_project_env(tmp_path: Path) -> None:
    text = "FROM ubuntu:24.04\nRUN apt-get install -y python3-pip && pip3 install flask\n"
    root = write(tmp_path, text)
    facts = inspect_dockerfile(root, "Dockerfile")
    with pytest.raises(MigrationRefused) as caught:
        rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert caught.value.code == "R6"
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False, project_env="/opt/app")
    assert 'UV_PROJECT_ENVIRONMENT="/opt/app"' in result.new_text
    assert "apt-get install -y python3-pip && bin/uv-install\n" in result.new_text


def test_parse_error_is_refusal_r4_with_location(tmp_path: Path) -> None:
    root = write(tmp_path, "FROM python:3.11\nRUN <<EOF\npip install flask\n")
    with pytest.raises(MigrationRefused) as caught:
        inspect_dockerfile(root, "Dockerfile")
    assert caught.value.code == "R4"
    assert "Dockerfile:2:" in caught.value.message


def test_pip_environment_options_are_reported(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim\nENV PIP_INDEX_URL=https://pypi.corp.example/simple \\\n"
        "    PIP_PRE=1\nARG PIP_EXTRA_INDEX_URL=https://a.example/simple\n"
        "RUN pip install --prefer-binary -r requirements.txt\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.pip_env_options == (
        ("--index-url", "https://pypi.corp.example/simple", "Dockerfile:2"),
        ("--pre", "", "Dockerfile:2"),
        ("--extra-index-url", "https://a.example/simple", "Dockerfile:4"),
    )
    assert [f.code for f in facts.findings] == ["W-OPTION"]


def test_user_install_with_pythonuserbase_and_prefix(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "FROM python:3.11-slim\nENV PYTHONUSERBASE=/deps\nRUN pip install --user flask\n"
        "FROM python:3.11-slim AS other\nRUN pip install --prefix=/install flask\n",
    )
    facts = inspect_dockerfile(root, "Dockerfile")
    assert [s.target for s in facts.pip_steps] == ["/deps", "/install"]


def test_find_dockerfiles(tmp_path: Path) -> None:
    for name in (
        "Dockerfile",
        "web.Dockerfile",
        "Dockerfile.prod",
        "docker/custom",
        "x/Dockerfile",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("FROM python:3.11\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("*\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "Dockerfile").write_text("FROM x\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/custom\n"
    )
    assert find_dockerfiles(tmp_path) == [
        "Dockerfile",
        "Dockerfile.prod",
        "docker/custom",
        "web.Dockerfile",
        "x/Dockerfile",
    ]


def test_verify_catches_a_change_outside_pip_steps() -> None:
    facts, result = rewrite("seed")
    tampered = result.new_text.replace("WORKDIR /app", "WORKDIR /srv")
    assert verify_dockerfile_rewrite(facts.text, tampered)
    no_uv = result.new_text.replace(
        f"COPY --from=ghcr.io/astral-sh/uv:{UV} /uv /uvx /usr/local/bin/\n", ""
    )
    assert any("O1" in p for p in verify_dockerfile_rewrite(facts.text, no_uv))
    assert verify_dockerfile_rewrite(facts.text, "RUN <<EOF\n")


def test_moving_a_uv_environment_to_another_path_is_refused(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "FROM python:3.11-slim AS builder\nCOPY requirements.txt .\n"
        "RUN pip install --prefix=/install -r requirements.txt\n"
        "FROM python:3.11-slim\nCOPY --from=builder /install /usr/local\n",
        files={"requirements.txt": "flask\n"},
    )
    with pytest.raises(MigrationRefused) as caught:
        rewrite_dockerfile(
            inspect_dockerfile(root, "Dockerfile"), uv_version=UV, has_dev_group=False
        )
    assert caught.value.code == "R6"
    assert "Dockerfile:5" in caught.value.message


def test_requirement_file_outside_workdir_and_leftover_reference(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim\nCOPY requirements.txt /tmp/requirements.txt\n"
        "RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt\nWORKDIR /app\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.installed_requirement_files == ("requirements.txt",)
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert "COPY pyproject.toml uv.lock* /tmp/\n" in result.new_text
    assert "RUN env -C /tmp bin/uv-install --inexact && rm /tmp/requirements.txt\n" in (
        result.new_text
    )
    assert [(f.code, f.line) for f in result.findings] == [("W-REQUIREMENT-REFERENCE", 9)]
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_broad_copy_before_install_is_kept_with_a_layer_suggestion(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    result = rewrite_dockerfile(
        inspect_dockerfile(root, "Dockerfile"), uv_version=UV, has_dev_group=False
    )
    assert "COPY . .\n" in result.new_text and "COPY bin/uv-install" not in result.new_text
    assert [(f.code, f.line) for f in result.findings] == [("S-LAYERS", 3)]


def test_derived_stage_installs_dev_without_a_second_uv_copy(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim AS app\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\nCOPY . .\n\nFROM app AS dev\n"
        "COPY requirements-dev.txt .\nRUN pip install -r requirements-dev.txt\n"
        "RUN python3 <<EOF\nprint('pip install is only text here')\nEOF\n"
    )
    files = {"requirements.txt": "flask\n", "requirements-dev.txt": "-r requirements.txt\npytest\n"}
    root = write(tmp_path, text, files=files)
    facts = inspect_dockerfile(root, "Dockerfile")
    assert [s.line for s in facts.pip_steps] == [4, 9]
    result = rewrite_dockerfile(
        facts, uv_version=UV, has_dev_group=True, dev_files=["requirements-dev.txt"]
    )
    assert result.new_text.count("ghcr.io/astral-sh/uv") == 1
    assert result.new_text.count("ENV UV_COMPILE_BYTECODE") == 1
    assert "FROM app AS dev\nRUN bin/uv-install --inexact\nRUN python3 <<EOF\n" in result.new_text
    assert "RUN bin/uv-install --no-dev --inexact\n" in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_bom_is_kept_and_pyproject_is_not_copied_twice(tmp_path: Path) -> None:
    text = (
        "\ufeffFROM python:3.11-slim\nWORKDIR /app\n"
        "COPY --chmod=0644 pyproject.toml requirements.txt setup.cfg ./\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.text == text
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert result.new_text.startswith("\ufeffFROM python:3.11-slim\nWORKDIR /app\nENV ")
    assert "COPY --chmod=0644 pyproject.toml uv.lock* setup.cfg ./\n" in result.new_text
    assert "COPY bin/uv-install ./bin/uv-install\n" in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_verify_checks_the_copies_before_uv_runs() -> None:
    facts, result = rewrite("system")
    no_script = result.new_text.replace("COPY bin/uv-install ./bin/uv-install\n", "")
    assert any(
        "bin/uv-install is not copied" in p
        for p in verify_dockerfile_rewrite(facts.text, no_script)
    )
    no_env = result.new_text.replace('  UV_PROJECT_ENVIRONMENT="/usr/local" \\\n', "")
    assert any("O2" in p for p in verify_dockerfile_rewrite(facts.text, no_env))
    exact = result.new_text.replace("--no-dev --inexact", "--no-dev")
    assert any("O5" in p for p in verify_dockerfile_rewrite(facts.text, exact))


def test_comment_lines_inside_a_run_do_not_confuse_the_shell_split(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN apt-get update \\\n"
        "    # it's the deps; keep them\n    && pip install -r requirements.txt \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    result = rewrite_dockerfile(
        inspect_dockerfile(root, "Dockerfile"), uv_version=UV, has_dev_group=False
    )
    assert (
        "RUN apt-get update \\\n    # it's the deps; keep them\n"
        "    && bin/uv-install --inexact \\\n    && rm -rf /var/lib/apt/lists/*\n"
    ) in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_fastapi_docs_layout_and_json_add(tmp_path: Path) -> None:
    text = (
        "FROM python:3.9\nWORKDIR /code\nCOPY ./requirements.txt /code/requirements.txt\n"
        "RUN pip install --no-cache-dir --upgrade -r /code/requirements.txt\n"
        "COPY ./app /code/app\n\nFROM python:3.9 AS json\nWORKDIR /srv\n"
        'ADD ["requirements.txt", \\\n     "./"]\n'
        "RUN python3.9 -m pip install -r requirements.txt\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "fastapi\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.installed_requirement_files == ("requirements.txt",)
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert "COPY pyproject.toml uv.lock* /code/\nCOPY bin/uv-install /code/bin/uv-install\n" in (
        result.new_text
    )
    assert "RUN bin/uv-install --inexact\nCOPY ./app /code/app\n" in result.new_text
    assert 'ADD ["pyproject.toml", "uv.lock*", "./"]\n' in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_task_runner_scripts_are_not_taken_for_install_scripts(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\nCOPY . .\nRUN ./run assets:build\n"
    run = "#!/usr/bin/env bash\nfunction pip3:install {\n  pip3 install -r requirements.txt\n}\n"
    root = write(tmp_path, text, files={"run": run})
    assert inspect_dockerfile(root, "Dockerfile").pip_steps == ()


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ("COPY requirements.txt /app", "COPY pyproject.toml uv.lock* /app/\n"),
        ("COPY requirements.txt requirements.txt", "COPY pyproject.toml uv.lock* ./\n"),
        ("ADD requirements.txt $HOME_DIR", "ADD pyproject.toml uv.lock* $HOME_DIR/\n"),
    ],
)
def test_common_destinations_become_directories(tmp_path: Path, copy: str, expected: str) -> None:
    text = (
        "FROM python:3.12-slim\nENV HOME_DIR=/app\nWORKDIR $HOME_DIR\n"
        f"{copy}\nRUN pip install --no-cache --upgrade pip setuptools\n"
        "RUN pip install --no-cache -r requirements.txt\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert expected in result.new_text
    assert result.new_text.endswith("\nRUN bin/uv-install --inexact\n")
    assert "  UV_NO_CACHE=1\n" in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_requirement_paths_map_back_through_copy(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "prod.txt").write_text("flask\n")
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "extra.txt").write_text("redis\n")
    text = (
        "FROM python:3.12-slim as builder\nWORKDIR /app\nCOPY requirements/prod.txt .\n"
        "ARG EXTRA=/opt/deps/extra.txt\n"
        "COPY deps/ /opt/deps/\nRUN pip install --user -r prod.txt -r ${EXTRA}\n"
        "FROM python:3.12-slim\nCOPY --from=builder /root/.local /root/.local\n"
    )
    root = write(tmp_path, text)
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.installed_requirement_files == ("requirements/prod.txt", "deps/extra.txt")
    assert facts.environment_target == "/root/.local"
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert "COPY --from=builder /root/.local /root/.local\n" in result.new_text
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_unicode_line_separators_do_not_shift_lines(tmp_path: Path) -> None:
    text = (
        'FROM python:3.11-slim\nLABEL description="a\u2028b\x0cc"\nCOPY requirements.txt .\n'
        "RUN pip install -r requirements.txt\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    assert facts.pip_steps[0].line == 4
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    assert 'LABEL description="a\u2028b\x0cc"\n' in result.new_text
    assert result.new_text.endswith("RUN bin/uv-install --inexact\n")
    assert verify_dockerfile_rewrite(text, result.new_text) == []


def test_verify_rejects_a_changed_stage_handoff() -> None:
    facts, result = rewrite("venv")
    moved = result.new_text.replace(
        "COPY --from=builder /opt/venv /opt/venv\n", "COPY --from=builder /opt/venv /venv\n"
    )
    assert any("non-pip instruction" in p for p in verify_dockerfile_rewrite(facts.text, moved))


def test_uv_copy_comes_after_slow_system_layers_just_before_uv_runs(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim-bookworm\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends build-essential\n"
        "RUN useradd --create-home app\n"
        "WORKDIR /app\n"
        "COPY requirements.txt ./\n"
        "RUN apt-get install -y --no-install-recommends libpq-dev\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "USER app\n"
    )
    root = write(tmp_path, text, files={"requirements.txt": "flask\n"})
    facts = inspect_dockerfile(root, "Dockerfile")
    result = rewrite_dockerfile(facts, uv_version=UV, has_dev_group=False)
    lines = result.new_text.splitlines()
    uv_line = lines.index(f"COPY --from=ghcr.io/astral-sh/uv:{UV} /uv /uvx /usr/local/bin/")
    assert lines[uv_line - 1].startswith("RUN apt-get install -y --no-install-recommends libpq")
    assert lines[uv_line + 1] == "RUN bin/uv-install --inexact"
    assert verify_dockerfile_rewrite(facts.text, result.new_text) == []
    # uv copied after the step that runs it is an O1 problem
    late = result.new_text.replace(lines[uv_line] + "\n", "") + lines[uv_line] + "\n"
    assert any("O1" in p for p in verify_dockerfile_rewrite(facts.text, late))
