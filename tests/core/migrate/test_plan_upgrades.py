"""What the migrate wizard needs from plan_migration: upgrades allowed, detected files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex
from tests.support.migration_trees import (
    FLASK_FREEZE,
    PYTHON,
    flask_with_freeze,
    tree_state,
    write_tree,
)
from uvtui.core.findings import MigrationRefused
from uvtui.core.migrate.plan import locked_versions, plan_migration


def test_allow_upgrades_locks_without_the_freeze_pins(
    tmp_path: Path, local_index: LocalIndex
) -> None:
    root = flask_with_freeze(tmp_path / "app")
    before = tree_state(root)
    plan = plan_migration(root, env=local_index.uv_env(), keep_pins=False)
    lock = plan.change_plan.change_for("uv.lock")
    assert lock is not None and lock.new is not None
    assert locked_versions(lock.new)["flask"] != ["3.0.0"]  # the index has newer releases
    moved = {row.name for row in plan.drift if row.status == "drift"}
    assert "flask" in moved
    assert plan.freeze_pins == ()  # validation (V2) does not hold the lock to the pins
    assert "I-UPGRADES-ALLOWED" in {finding.code for finding in plan.findings}
    assert tree_state(root) == before


def test_plan_lists_what_was_detected(tmp_path: Path, local_index: LocalIndex) -> None:
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": "Flask>=3\n-c constraints.txt\n",
            "constraints.txt": "click<9\n",
            "requirements-dev.txt": "-r requirements.txt\npytest\n",
            ".python-version": f"{PYTHON}\n",
        },
    )
    plan = plan_migration(root, env=local_index.uv_env())
    assert plan.main_files == ("requirements.txt",)
    assert plan.dev_files == ("requirements-dev.txt",)
    assert plan.constraint_files == ("constraints.txt",)
    assert plan.dockerfile_facts == ()


def test_several_freeze_files_are_offered_as_choices(
    tmp_path: Path, local_index: LocalIndex
) -> None:
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": "Flask>=3\n",
            "requirements-lock.txt": FLASK_FREEZE,
            "requirements-frozen.txt": FLASK_FREEZE.replace("Flask==3.0.0", "Flask==3.0.3"),
            ".python-version": f"{PYTHON}\n",
        },
    )
    with pytest.raises(MigrationRefused) as refused:
        plan_migration(root, env=local_index.uv_env())
    assert refused.value.code == "R3"
    assert refused.value.choices == ("requirements-frozen.txt", "requirements-lock.txt")
    plan = plan_migration(root, env=local_index.uv_env(), freeze_choice=["requirements-frozen.txt"])
    assert plan.freeze_file == "requirements-frozen.txt"
    assert {row.name: row.locked for row in plan.drift}["flask"] == "3.0.3"
