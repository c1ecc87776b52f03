"""The whole-project migration plan, apply and undo, with the real uv against the local index."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import tomllib
from pathlib import Path

import pytest

from tests.support.interpreters import pyenv_only_env
from tests.support.local_index import Dist, LocalIndex
from tests.support.migration_trees import (
    PYTHON,
    enclosing_uv_settings,
    enclosing_workspace,
    flask_with_freeze,
    seed,
    tree_state,
    write_tree,
)
from uvtui.core.changes import BACKUP_DIR, ChangePlan, latest_backup
from uvtui.core.findings import MigrationRefused
from uvtui.core.migrate.companions import UV_INSTALL_SCRIPT
from uvtui.core.migrate.dev_target import DevTarget
from uvtui.core.migrate.interpreter import installed_pythons
from uvtui.core.migrate.plan import (
    DriftRow,
    MigrationPlan,
    MigrationRestored,
    apply_migration,
    drift_table,
    locked_versions,
    plan_migration,
    undo_migration,
)
from uvtui.core.migrate.requirements_plan import FreezePin
from uvtui.core.uvrun import run_uv

NARROW_PACKAGE = "uvtui-narrow-demo"
NARROW_DEPENDENCY = "uvtui-narrow-dep"


@pytest.fixture
def env(local_index: LocalIndex) -> dict[str, str]:
    return local_index.uv_env()


@pytest.fixture(scope="module")
def narrow_index(local_index: LocalIndex) -> LocalIndex:
    """A package needing another version of its dependency on later Pythons (W-PY-NARROWED).

    A freeze made on this Python pins the dependency at 2.0, which no later Python can use.
    """
    major, minor = (int(part) for part in PYTHON.split("."))
    later = f"{major}.{minor + 1}"
    requires = (
        f"{NARROW_DEPENDENCY}==1.0; python_version >= '{later}'",
        f"{NARROW_DEPENDENCY}==2.0; python_version < '{later}'",
    )
    local_index.add(
        [
            Dist(NARROW_PACKAGE, "1.0", requires_dist=requires),
            Dist(NARROW_DEPENDENCY, "1.0"),
            Dist(NARROW_DEPENDENCY, "2.0"),
        ]
    )
    return local_index


def plan(root: Path, env: dict[str, str], **options: object) -> MigrationPlan:
    return plan_migration(root, env=env, **options)


def codes(plan: MigrationPlan) -> set[str]:
    return {finding.code for finding in plan.findings}


def test_seed_plan_writes_nothing_and_holds_every_file(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    steps: list[str] = []
    result = plan(root, env, progress=steps.append)
    assert tree_state(root) == before
    assert len(steps) == 3
    changes = {change.path: change for change in result.change_plan.changes}
    assert list(changes) == [
        "pyproject.toml",
        "uv.lock",
        "Dockerfile",
        "bin/uv-install",
        ".dockerignore",
    ]
    assert changes["bin/uv-install"].new == UV_INSTALL_SCRIPT.encode()
    assert changes["bin/uv-install"].mode == 0o755
    assert changes["pyproject.toml"].old is None
    assert changes[".dockerignore"].new == b".venv\n.uvtui/\n"
    diff = result.diff()
    assert "--- /dev/null\n+++ b/uv.lock\n" in diff
    assert "+++ b/Dockerfile\n" in diff
    assert f"COPY --from=ghcr.io/astral-sh/uv:{result.uv_version} " in diff
    assert result.requires_python == f">={PYTHON}"
    assert [entry.carried for entry in result.coverage] == [True, True, True]
    assert result.drift == ()
    assert "I-NO-PINS" in codes(result)


def test_no_version_drift_with_a_freeze_file(tmp_path: Path, env: dict) -> None:
    """Spec test 17: uv.lock holds every freeze pin; the pyproject keeps `Flask>=3`."""
    root = flask_with_freeze(tmp_path / "app")
    result = plan(root, env)
    pyproject = tomllib.loads(result.change_plan.change_for("pyproject.toml").new.decode())
    assert pyproject["project"]["dependencies"] == ["Flask>=3"]
    assert "constraint-dependencies" not in pyproject.get("tool", {}).get("uv", {})
    locked = locked_versions(result.change_plan.change_for("uv.lock").new)
    for pin in result.freeze_pins:
        if pin.name != "pip":
            assert locked[pin.name.lower()] == [pin.version], pin
    statuses = {row.name: row.status for row in result.drift}
    assert statuses["flask"] == "same"
    assert statuses["pip"] == "absent"
    assert "drift" not in statuses.values()
    assert "I-FREEZE-TOOL" in codes(result)
    apply_migration(result)
    check = run_uv(["lock", "--check"], cwd=root, env=env, unset=["UV_NO_CONFIG"])
    assert check.returncode == 0, check.stderr


def test_pin_excluded_by_the_direct_spec_is_refused(tmp_path: Path, env: dict) -> None:
    """Spec test 18: R3, nothing written."""
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": "Flask==3.0.3\n",
            "requirements-lock.txt": "Flask==3.0.0\n",
            ".python-version": f"{PYTHON}\n",
        },
    )
    before = tree_state(root)
    with pytest.raises(MigrationRefused) as refused:
        plan(root, env)
    assert refused.value.code == "R3"
    assert tree_state(root) == before


def test_requirements_only_migration_without_dockerfile(tmp_path: Path, env: dict) -> None:
    """Spec test 28: pyproject + lock written, W-NO-DOCKER-STEP, no Dockerfile diff."""
    root = flask_with_freeze(tmp_path / "app")
    result = plan(root, env)
    assert result.change_plan.paths == ("pyproject.toml", "uv.lock")
    assert "W-NO-DOCKER-STEP" in codes(result)
    assert result.dockerfiles == ()
    apply_migration(result)
    assert (root / "pyproject.toml").is_file()
    assert (root / "uv.lock").is_file()


def test_python_narrowed_when_a_pin_needs_it(
    tmp_path: Path, narrow_index: LocalIndex, env: dict
) -> None:
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": f"{NARROW_PACKAGE}\n",
            "requirements-lock.txt": f"{NARROW_PACKAGE}==1.0\n{NARROW_DEPENDENCY}==2.0\n",
            ".python-version": f"{PYTHON}\n",
        },
    )
    result = plan(root, env)
    assert "W-PY-NARROWED" in codes(result)
    assert result.requires_python == f"=={PYTHON}.*"
    pyproject = tomllib.loads(result.change_plan.change_for("pyproject.toml").new.decode())
    assert pyproject["project"]["requires-python"] == f"=={PYTHON}.*"
    assert [row.status for row in result.drift] == ["same", "same"]


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"app.py": "print('hi')\n"}, "R1"),
        ({"Pipfile": "[packages]\nflask = '*'\n", "app.py": ""}, "R2"),
        ({"pyproject.toml": "[tool.poetry]\nname = 'x'\n", "requirements.txt": "flask\n"}, "R2"),
        ({"requirements.txt": "-r missing.txt\nflask\n", ".python-version": PYTHON}, "R4"),
    ],
)
def test_refusals_write_nothing(tmp_path: Path, env: dict, files: dict, code: str) -> None:
    root = write_tree(tmp_path / "app", files)
    before = tree_state(root)
    with pytest.raises(MigrationRefused) as refused:
        plan(root, env)
    assert refused.value.code == code
    assert tree_state(root) == before


def test_apply_backs_up_and_undo_restores(tmp_path: Path, env: dict) -> None:
    """Spec test 4 (core): backups + manifest; undo restores bytes and removes new files."""
    root = seed(tmp_path / "app")
    before = tree_state(root)
    applied = apply_migration(plan(root, env))
    assert applied.backup_dir.parent == root / BACKUP_DIR
    manifest = json.loads((applied.backup_dir / "manifest.json").read_text())
    assert manifest["replaced"] == ["Dockerfile"]
    assert set(manifest["created"]) == {
        "pyproject.toml",
        "uv.lock",
        "bin/uv-install",
        ".dockerignore",
    }
    assert (applied.backup_dir / "Dockerfile").read_bytes() == before["Dockerfile"][0]
    assert stat.S_IMODE((root / "bin" / "uv-install").stat().st_mode) == 0o755
    assert undo_migration(root) is not None
    assert tree_state(root, skip_backups=True) == before
    assert undo_migration(root) is None


def test_remove_requirements_deletes_with_backup(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    requirements = (root / "requirements.txt").read_bytes()
    result = plan(root, env, remove_requirements=True)
    deleted = [c.path for c in result.change_plan.changes if c.new is None]
    assert deleted == ["requirements.txt", "bin/pip3-install"]
    applied = apply_migration(result)
    assert not (root / "requirements.txt").exists()
    assert (applied.backup_dir / "requirements.txt").read_bytes() == requirements


def test_failed_validation_in_place_restores_everything(tmp_path: Path, env: dict) -> None:
    """A parent directory's uv.toml changes the resolution: `uv lock --check` fails in place."""
    root = enclosing_uv_settings(tmp_path / "monorepo")
    before = tree_state(root)
    result = plan(root, env)
    with pytest.raises(MigrationRestored) as restored:
        apply_migration(result)
    assert restored.value.exit_code == 3
    assert "V1" in restored.value.message
    assert tree_state(root, skip_backups=True) == before
    assert latest_backup(root) is None


def test_credentials_never_reach_a_written_file(tmp_path: Path, env: dict) -> None:
    """Spec test 19 (core): index default without userinfo, variables named, nothing leaks."""
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": (
                "--index-url https://bob:${TOKEN}@pypi.corp.example/simple\nflask>=3\n"
            ),
            ".python-version": f"{PYTHON}\n",
        },
    )
    result = plan(root, env)
    assert result.credential_env_vars == (
        "UV_INDEX_CORP_EXAMPLE_USERNAME",
        "UV_INDEX_CORP_EXAMPLE_PASSWORD",
    )
    pyproject = tomllib.loads(result.change_plan.change_for("pyproject.toml").new.decode())
    assert pyproject["tool"]["uv"]["index"] == [
        {"name": "corp-example", "url": "https://pypi.corp.example/simple", "default": True}
    ]
    apply_migration(result)
    for path in root.rglob("*"):
        if path.is_file() and path.name != "requirements.txt":
            text = path.read_bytes()
            assert b"bob" not in text and b"TOKEN" not in text, path


def test_uv_version_option_goes_into_the_dockerfile(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    result = plan(root, env, uv_version="0.5.1")
    dockerfile = result.change_plan.change_for("Dockerfile").new.decode()
    assert "COPY --from=ghcr.io/astral-sh/uv:0.5.1 /uv /uvx /usr/local/bin/" in dockerfile
    assert "I-UV-VERSION" in codes(result)


def test_drift_table_statuses() -> None:
    lock = b"""
version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }

[[package]]
name = "flask"
version = "3.0.0"
source = { registry = "https://example.invalid/simple" }

[[package]]
name = "werkzeug"
version = "3.1.3"
source = { registry = "https://example.invalid/simple" }

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://example.invalid/simple" }
"""
    pins = [
        FreezePin("Flask", "3.0", None, "lock.txt", 1),
        FreezePin("werkzeug", "3.0.1", None, "lock.txt", 2),
        FreezePin("six", "1.16.0", None, "lock.txt", 3),
    ]
    assert drift_table(pins, lock) == [
        DriftRow("flask", "3.0", "3.0.0", "same"),
        DriftRow("werkzeug", "3.0.1", "3.1.3", "drift"),
        DriftRow("six", "1.16.0", None, "absent"),
        DriftRow("colorama", None, "0.4.6", "added"),
    ]


@pytest.mark.parametrize("source", ["libs/shared", "../libs/shared"])
def test_scratch_lock_sees_path_sources(tmp_path: Path, env: dict, source: str) -> None:
    """An editable local package is reached through a symlink; the lock keeps its path."""
    root = tmp_path / "repo" / "app"
    write_tree(
        root,
        {
            "requirements.txt": f"-e ./{source}\nflask>=3\n",
            ".python-version": f"{PYTHON}\n",
            f"{source}/pyproject.toml": (
                '[project]\nname = "shared"\nversion = "0.1.0"\ndependencies = []\n'
                '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
            ),
        },
    )
    before = tree_state(root)
    result = plan(root, env)
    assert tree_state(root) == before
    lock = result.change_plan.change_for("uv.lock").new.decode()
    assert f'source = {{ editable = "{source}" }}' in lock
    assert os.sep + "tmp" not in lock
    apply_migration(result)  # and `uv lock --check` passes in place


def test_unresolvable_requirements_are_refused_with_uvs_reason(tmp_path: Path, env: dict) -> None:
    root = write_tree(
        tmp_path / "app", {"requirements.txt": "flask>=99\n", ".python-version": PYTHON}
    )
    with pytest.raises(MigrationRefused) as refused:
        plan(root, env)
    assert refused.value.code == "R3"
    assert "flask" in refused.value.message


def test_locking_uses_the_index_from_the_requirements(
    tmp_path: Path, local_index: LocalIndex
) -> None:
    """No UV_DEFAULT_INDEX, and UV_NO_CONFIG set: the new [[tool.uv.index]] still decides."""
    env = {k: v for k, v in local_index.uv_env().items() if k != "UV_DEFAULT_INDEX"}
    assert env["UV_NO_CONFIG"] == "1"
    root = write_tree(
        tmp_path / "app",
        {"requirements.txt": f"-i {local_index.url}\nflask>=3\n", ".python-version": PYTHON},
    )
    result = plan_migration(root, env=env)
    lock = result.change_plan.change_for("uv.lock").new.decode()
    assert f'source = {{ registry = "{local_index.url}" }}' in lock


def test_existing_pyproject_bytes_are_kept_verbatim(tmp_path: Path, env: dict) -> None:
    """Spec test 27 through the whole plan: the pyproject diff only adds lines."""
    ruff = '[tool.ruff]\nline-length = 100  # keep\n\n[tool.ruff.lint]\nselect = ["E"]\n'
    root = write_tree(
        tmp_path / "app",
        {"pyproject.toml": ruff, "requirements.txt": "flask>=3\n", ".python-version": PYTHON},
    )
    result = plan(root, env)
    new = result.change_plan.change_for("pyproject.toml").new.decode()
    assert ruff in new
    body = result.change_plan.change_for("pyproject.toml").diff().splitlines()[4:]
    assert not [line for line in body if line.startswith("-")]


def test_named_pip_installs_around_the_requirements_copy_collapse_into_one_uv_step(
    tmp_path: Path, env: dict
) -> None:
    """Issue shape 1: pip by name before and after the requirements COPY, plus a self-upgrade."""
    dockerfile = (
        f"FROM python:{PYTHON}-slim-bookworm\n"
        "RUN pip install --upgrade pip setuptools wheel\n"
        "RUN pip install --no-cache-dir demo-c==1.1\n"
        "WORKDIR /app\n"
        "COPY requirements.txt ./\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "# installed separately so ops can bump it\n"
        'RUN pip install --no-cache-dir "demo-d==1.0"\n'
        "COPY . .\n"
    )
    root = write_tree(
        tmp_path / "app", {"Dockerfile": dockerfile, "requirements.txt": "demo-a==1.1\n"}
    )
    result = plan(root, env)
    pyproject = tomllib.loads(result.change_plan.change_for("pyproject.toml").new.decode())
    assert pyproject["project"]["dependencies"] == ["demo-a==1.1", "demo-c==1.1", "demo-d==1.0"]
    new = result.change_plan.change_for("Dockerfile").new.decode()
    assert new == (
        f"FROM python:{PYTHON}-slim-bookworm\n"
        "WORKDIR /app\n"
        "ENV UV_COMPILE_BYTECODE=1 \\\n"
        "  UV_LINK_MODE=hardlink \\\n"
        '  UV_PROJECT_ENVIRONMENT="/usr/local" \\\n'
        "  UV_PYTHON_DOWNLOADS=never \\\n"
        "  UV_NO_CACHE=1\n"
        "COPY pyproject.toml uv.lock* ./\n"
        "COPY bin/uv-install ./bin/uv-install\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /usr/local/bin/\n"
        "RUN bin/uv-install --inexact\n"
        "# installed separately so ops can bump it\n"
        "COPY . .\n"
    ).replace("0.13.9", result.uv_version)
    upgrade = [entry for entry in result.coverage if entry.code == "I-PIP-UPGRADE"]
    assert [(e.path, e.line, e.carried) for e in upgrade] == [("Dockerfile", 2, False)]
    assert "pip install --upgrade pip setuptools wheel" in upgrade[0].text
    inline = {e.text: e.line for e in result.coverage if e.origin == "inline" and e.carried}
    assert inline == {"demo-c==1.1": 3, "demo-d==1.0": 8}


def test_enclosing_workspace_is_refused_while_planning(tmp_path: Path, env: dict) -> None:
    """Issue point 5: found before anything is written (it used to fail only in place)."""
    root = enclosing_workspace(tmp_path / "monorepo")
    before = tree_state(tmp_path)
    with pytest.raises(MigrationRefused) as refused:
        plan(root, env)
    assert refused.value.code == "R8"
    assert "workspace" in refused.value.message
    assert tree_state(tmp_path) == before


def test_excluded_workspace_member_migrates_on_its_own(tmp_path: Path, env: dict) -> None:
    parent = tmp_path / "monorepo"
    parent.mkdir()
    (parent / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["*"]\nexclude = ["app"]\n'
    )
    root = seed(parent / "app")
    assert plan(root, env).change_plan.changes


def test_pip_compile_output_of_pyproject_locks_its_pins_and_installs_the_project(
    tmp_path: Path, env: dict
) -> None:
    """Issue shape 2: pyproject.toml is the source of truth, requirements.txt its freeze file."""
    pyproject = (
        '[project]\nname = "app"\nversion = "1.0"\n'
        f'requires-python = ">={PYTHON}"\ndependencies = ["demo-a>=1.0"]\n\n'
        '[project.scripts]\napp = "app:main"\n\n'
        '[build-system]\nrequires = ["uv_build>=0.9,<0.14"]\nbuild-backend = "uv_build"\n'
    )
    compiled = (
        "#\n# This file is autogenerated by pip-compile with Python 3.11\n"
        "# by the following command:\n#\n"
        "#    pip-compile --output-file=requirements.txt pyproject.toml\n#\n"
        "demo-a==1.1\n    # via app (pyproject.toml)\n-e file:.\n"
    )
    dockerfile = (
        f"FROM python:{PYTHON}-slim-bookworm\nWORKDIR /app\nCOPY . .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
    )
    root = write_tree(
        tmp_path / "app",
        {
            "pyproject.toml": pyproject,
            "requirements.txt": compiled,
            "Dockerfile": dockerfile,
            "src/app/__init__.py": "def main():\n    print('app')\n",
        },
    )
    result = plan(root, env)
    new_pyproject = result.change_plan.change_for("pyproject.toml")
    assert new_pyproject is None or new_pyproject.new.decode() == pyproject
    assert locked_versions(result.change_plan.change_for("uv.lock").new)["demo-a"] == ["1.1"]
    assert [(row.name, row.status) for row in result.drift] == [("demo-a", "same")]
    new = result.change_plan.change_for("Dockerfile").new.decode()
    assert new.endswith("RUN uv sync --frozen --inexact\n")
    assert "bin/uv-install" not in new


DEV_LAYOUT = {
    "requirements.txt": "demo-a==1.1\n",
    "requirements-dev.txt": "-r requirements.txt\ndemo-c==1.1\n",
    "Dockerfile": (
        f"FROM python:{PYTHON}-slim-bookworm\nARG DEV=false\nWORKDIR /app\n"
        "COPY requirements.txt requirements-dev.txt ./\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        'RUN if [ "$DEV" = "true" ]; then pip install --no-cache-dir -r requirements-dev.txt; fi\n'
    ),
}


@pytest.mark.parametrize(
    ("target", "table", "exclude", "include"),
    [
        (None, ("dependency-groups", "dev"), " --no-dev", ""),
        (DevTarget("Test"), ("dependency-groups", "test"), " --no-group test", " --group test"),
        (
            DevTarget("dev", extra=True),
            ("project", "optional-dependencies", "dev"),
            "",
            " --extra dev",
        ),
    ],
)
def test_dev_requirements_go_to_the_chosen_group_or_extra(
    tmp_path: Path, env: dict, target: DevTarget | None, table: tuple, exclude: str, include: str
) -> None:
    """Issue point 8: the group name or an optional extra; the default is unchanged."""
    root = write_tree(tmp_path / "app", DEV_LAYOUT)
    result = plan(root, env, dev_target=target)
    pyproject = tomllib.loads(result.change_plan.change_for("pyproject.toml").new.decode())
    section = pyproject
    for key in table:
        section = section[key]
    assert section == ["demo-c==1.1"]
    assert pyproject["project"]["dependencies"] == ["demo-a==1.1"]
    label = f"[{'.'.join(table[:-1])}].{table[-1]}"
    assert [e.target for e in result.coverage if e.text == "demo-c==1.1"] == [label]
    dockerfile = result.change_plan.change_for("Dockerfile").new.decode()
    assert f"RUN bin/uv-install{exclude} --inexact\n" in dockerfile
    assert f"then bin/uv-install{include} --inexact; fi" in dockerfile
    locked = locked_versions(result.change_plan.change_for("uv.lock").new)
    assert locked["demo-c"] == ["1.1"]


def python_of_another_minor() -> str | None:
    """An installed interpreter of a later minor than the tests' (pyenv, asdf, /usr/bin)."""
    major, minor = (int(part) for part in PYTHON.split("."))
    for later in range(minor + 1, minor + 4):
        for path, _ in installed_pythons(f"{major}.{later}", os.environ):
            return path
    return None


def test_no_local_python_of_the_image_offers_install_or_path(tmp_path: Path, env: dict) -> None:
    """Issue shape 3: a clear refusal instead of uv's download or DNS error; nothing written."""
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": "demo-a==1.1\n",
            "Dockerfile": "FROM python:3.99-slim\nRUN pip install -r requirements.txt\n",
        },
    )
    before = tree_state(root)
    with pytest.raises(MigrationRefused) as refused:
        plan(root, env)
    assert refused.value.code == "R6"
    assert "uv python install 3.99" in refused.value.message
    assert "--python PATH" in refused.value.message
    assert tree_state(root) == before


def test_the_image_minor_is_found_where_pyenv_keeps_it_and_the_lock_is_the_same(
    tmp_path: Path, env: dict
) -> None:
    """uv cannot see this interpreter (no PATH, no managed Pythons): the pyenv folder has it."""
    root = write_tree(
        tmp_path / "app",
        {"requirements.txt": "demo-b==1.0\n", ".python-version": f"{PYTHON}\n"},
    )
    usual = plan(root, env)
    hidden, python = pyenv_only_env(env, tmp_path)
    found = plan(root, hidden)
    assert found.lock_python == str(python)
    explained = [f.message for f in found.findings if f.code == "I-LOCK-PYTHON"]
    assert len(explained) == 1 and "pyenv" in explained[0] and f"image's {PYTHON}" in explained[0]
    lock = found.change_plan.change_for("uv.lock").new
    assert lock == usual.change_plan.change_for("uv.lock").new
    other = python_of_another_minor()
    if other is not None:  # a newer interpreter makes the same universal lock
        again = plan(root, env, python_path=other)
        assert again.change_plan.change_for("uv.lock").new == lock


def test_shortcuts_calling_pip_become_planned_byte_minimal_changes(
    tmp_path: Path, env: dict
) -> None:
    """Issue point 6: run script, Makefile, compose command and CI step, in the same review."""
    root = seed(tmp_path / "app")
    write_tree(
        root,
        {
            "requirements-dev.txt": "-r requirements.txt\ndemo-c==1.1\n",
            "run": "#!/usr/bin/env bash\nfunction deps:install {\n  cmd bin/pip3-install\n}\n",
            "Makefile": (
                "deps:\r\n\tpip3 install --user -r requirements-dev.txt  # all of it\r\n"
                "lint:\r\n\tpip install black && black .\r\n"
            ),
            "compose.yaml": (
                'services:\n  web:\n    build: .\n    command: sh -c "pip install -r '
                'requirements-dev.txt && gunicorn app:app"\n'
            ),
            ".github/workflows/ci.yml": (
                "jobs:\n  test:\n    steps:\n      - run: python -m pip install -r "
                "requirements.txt\n      - run: pytest\n"
            ),
        },
    )
    before = tree_state(root)
    result = plan(root, env)
    changed = {c.path: c for c in result.change_plan.changes}
    assert changed["run"].new.decode() == (
        "#!/usr/bin/env bash\nfunction deps:install {\n  cmd bin/uv-install --no-dev\n}\n"
    )
    assert changed["Makefile"].new.decode() == (
        "deps:\r\n\tbin/uv-install  # all of it\r\nlint:\r\n\tpip install black && black .\r\n"
    )
    assert (
        changed["compose.yaml"]
        .new.decode()
        .endswith('command: sh -c "bin/uv-install && gunicorn app:app"\n')
    )
    assert changed[".github/workflows/ci.yml"].new.decode() == (
        "jobs:\n  test:\n    steps:\n      - run: uv sync --locked --no-dev\n      - run: pytest\n"
    )
    rewritten = {f.location for f in result.findings if f.code == "I-PIP-CALLER"}
    assert rewritten == {"run:3", "Makefile:2", "compose.yaml:4", ".github/workflows/ci.yml:4"}
    suggestions = {f.location for f in result.findings if f.code == "S-PIP-CALLER"}
    assert "Makefile:4" in suggestions and "run:3" not in suggestions
    assert tree_state(root) == before
    # deselecting a caller writes everything else
    kept = tuple(c for c in result.change_plan.changes if c.path != "compose.yaml")
    apply_migration(
        dataclasses.replace(result, change_plan=ChangePlan(root, kept, result.change_plan.findings))
    )
    assert (root / "compose.yaml").read_bytes() == before["compose.yaml"][0]
    assert (root / "run").read_bytes() == changed["run"].new
