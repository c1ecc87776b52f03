"""Add, bump and remove end to end with the real uv against the local index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from packaging.version import Version

from tests.support.edit_project import edit_project, uv, workspace_project
from tests.support.local_index import LocalIndex
from uvtui.core.changes import latest_backup, redo_latest, undo_latest
from uvtui.core.edits.plan import (
    EditPlan,
    FilesChanged,
    HeldBack,
    Options,
    apply_edit,
    plan_add,
    plan_bump,
    plan_remove,
)
from uvtui.core.edits.uv_messages import EditFailed
from uvtui.core.errors import UvtuiError

FILES = ("pyproject.toml", "uv.lock")


@pytest.fixture(scope="module")
def template(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edit_project(tmp_path_factory.mktemp("edits") / "shop", local_index)


@pytest.fixture
def shop(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(template, root)
    return root


@pytest.fixture
def options(local_index: LocalIndex) -> Options:
    return Options(env=local_index.uv_env())


def _diff_of(plan: EditPlan, path: str) -> str:
    change = plan.change_plan.change_for(path)
    return change.diff() if change else ""


def _bytes(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in FILES}


def _rows(plan: EditPlan) -> dict[str, tuple[str | None, str | None, str]]:
    return {change.name: (change.old, change.new, change.kind) for change in plan.lock_changes}


def _applied_and_checked(plan: EditPlan, root: Path, index: LocalIndex) -> None:
    apply_edit(plan)
    check = uv(root, index, "lock", "--check")
    assert check.returncode == 0, check.stderr


def test_bump_compatible_moves_only_the_lock(
    shop: Path, options: Options, local_index: LocalIndex
) -> None:
    before = _bytes(shop)
    plan = plan_bump(shop, ["gunicorn"], options=options)
    assert _bytes(shop) == before  # planning writes nothing
    assert plan.change_plan.paths == ("uv.lock",)
    assert _rows(plan)["gunicorn"] == ("21.2.0", "22.0.0", "upgraded")
    assert "Updated gunicorn v21.2.0 -> v22.0.0" in plan.uv_messages
    _applied_and_checked(plan, shop, local_index)
    assert (shop / "pyproject.toml").read_bytes() == before["pyproject.toml"]


def test_bump_latest_rewrites_the_constraint_in_its_style(
    shop: Path, options: Options, local_index: LocalIndex
) -> None:
    plan = plan_bump(shop, ["gunicorn"], targets={"gunicorn": Version("23.0.0")}, options=options)
    diff = _diff_of(plan, "pyproject.toml")
    assert '-    "gunicorn>=21,<23",\n+    "gunicorn>=23,<24",\n' in diff
    assert _rows(plan)["gunicorn"][1] == "23.0.0"
    _applied_and_checked(plan, shop, local_index)
    text = (shop / "pyproject.toml").read_text()
    assert '"flask>=2.3,<3",  # the web framework' in text


def test_bump_transitive_is_lock_only(shop: Path, options: Options) -> None:
    plan = plan_bump(shop, ["markupsafe"], options=options)
    assert plan.change_plan.paths == ("uv.lock",)
    assert _rows(plan)["markupsafe"] == ("2.1.3", "3.0.2", "upgraded")


def test_several_bumps_in_one_plan(shop: Path, options: Options, local_index: LocalIndex) -> None:
    plan = plan_bump(
        shop,
        ["demo-a", "gunicorn"],
        targets={"demo-a": Version("2.0"), "gunicorn": Version("23.0.0")},
        options=options,
    )
    diff = _diff_of(plan, "pyproject.toml")
    assert "+    'demo-a>=2.0,<3'," in diff
    assert '+    "gunicorn>=23,<24",' in diff
    rows = _rows(plan)
    assert rows["demo-a"][1] == "2.0"
    assert rows["gunicorn"][1] == "23.0.0"
    _applied_and_checked(plan, shop, local_index)


def test_add_to_a_new_group_and_to_an_extra(
    shop: Path, options: Options, local_index: LocalIndex
) -> None:
    plan = plan_add(shop, ["python-dotenv>=1"], group="docs", options=options)
    assert _diff_of(plan, "pyproject.toml").count("\n+") == 4  # only the new group
    assert '+docs = [\n+    "python-dotenv>=1",\n+]' in plan.diff()
    assert _rows(plan)["python-dotenv"][2] == "added"
    _applied_and_checked(plan, shop, local_index)
    plan = plan_add(shop, ["blinker"], extra="cache", options=options)
    assert '-cache = ["redis==4.6.0"]\n+cache = ["redis==4.6.0", "blinker>=1.9.0"]\n' in plan.diff()
    _applied_and_checked(plan, shop, local_index)


def test_remove_a_package_others_still_need(
    shop: Path, options: Options, local_index: LocalIndex
) -> None:
    plan = plan_remove(shop, ["demo-a"], options=options)
    assert "-    'demo-a>=1.0,<2',\n" in plan.diff()
    assert "demo-a" not in _rows(plan)  # still locked: demo-b needs it
    assert plan.notes == (
        "demo-a stays in uv.lock as a transitive dependency: demo-b still need it.",
    )
    _applied_and_checked(plan, shop, local_index)


def test_workspace_member_gets_the_change(
    tmp_path: Path, options: Options, local_index: LocalIndex
) -> None:
    root = workspace_project(tmp_path / "site", local_index)
    root_before = (root / "pyproject.toml").read_bytes()
    plan = plan_bump(root, ["demo-a"], targets={"demo-a": Version("1.2.1")}, options=options)
    assert plan.change_plan.paths == ("packages/api/pyproject.toml", "uv.lock")
    assert '+dependencies = ["demo-a==1.2.1"]' in plan.diff()
    _applied_and_checked(plan, root, local_index)
    assert (root / "pyproject.toml").read_bytes() == root_before


def test_remove_drops_the_source_of_the_last_declaration(
    tmp_path: Path, options: Options, local_index: LocalIndex
) -> None:
    root = workspace_project(tmp_path / "site", local_index)
    before = (root / "pyproject.toml").read_text()
    plan = plan_remove(root, ["api"], options=options)
    new = plan.change_plan.change_for("pyproject.toml").new.decode()  # type: ignore[union-attr]
    assert "-[tool.uv.sources]\n-api = { workspace = true }\n" in _diff_of(plan, "pyproject.toml")
    assert new == before.replace('"api", ', "").replace(
        "[tool.uv.sources]\napi = { workspace = true }\n\n", ""
    )
    _applied_and_checked(plan, root, local_index)


def test_remove_keeps_a_source_another_declaration_uses(
    tmp_path: Path, options: Options, local_index: LocalIndex
) -> None:
    root = workspace_project(tmp_path / "site", local_index)
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        text.replace("[tool.uv.sources]", '[dependency-groups]\ndev = ["api"]\n\n[tool.uv.sources]')
    )
    assert uv(root, local_index, "lock").returncode == 0
    plan = plan_remove(root, ["api"], group="main", options=options)
    assert "api = { workspace = true }" not in "".join(
        line for line in _diff_of(plan, "pyproject.toml").splitlines(True) if line[0] in "+-"
    )
    _applied_and_checked(plan, root, local_index)


def test_undo_and_redo_restore_exact_bytes(shop: Path, options: Options) -> None:
    before = _bytes(shop)
    plan = plan_bump(shop, ["gunicorn"], targets={"gunicorn": Version("23.0.0")}, options=options)
    apply_edit(plan)
    after = _bytes(shop)
    backup = latest_backup(shop)
    assert backup is not None
    assert "bump gunicorn to latest" in (backup / "manifest.json").read_text()
    assert undo_latest(shop) is not None
    assert _bytes(shop) == before
    assert redo_latest(shop) is not None
    assert _bytes(shop) == after
    assert redo_latest(shop) is None
    assert undo_latest(shop) is not None
    assert _bytes(shop) == before


def test_a_new_apply_forgets_what_could_be_redone(shop: Path, options: Options) -> None:
    apply_edit(plan_bump(shop, ["gunicorn"], options=options))
    undo_latest(shop)
    apply_edit(plan_bump(shop, ["markupsafe"], options=options))
    assert redo_latest(shop) is None


# -- failure paths: a clear message and every file byte-identical ------------------------------


def test_unsatisfiable_bump_says_which_requirement(shop: Path, options: Options) -> None:
    before = _bytes(shop)
    with pytest.raises(EditFailed) as caught:
        plan_bump(shop, ["flask"], targets={"flask": Version("9.0")}, options=options)
    assert "flask>=9.0" in caught.value.message
    assert "nothing was written" in caught.value.message
    assert _bytes(shop) == before


def test_unknown_package_is_refused_before_uv_runs(shop: Path, options: Options) -> None:
    before = _bytes(shop)

    def check_name(name: str) -> None:
        raise UvtuiError(f"{name} is not on the package index.")

    with pytest.raises(UvtuiError, match="no-such-package is not on the package index"):
        plan_add(shop, ["no-such-package"], options=options, check_name=check_name)
    with pytest.raises(UvtuiError, match="not a valid requirement"):
        plan_add(shop, ["flask>>2"], options=options)
    with pytest.raises(EditFailed, match="no-such-package"):
        plan_add(shop, ["no-such-package"], options=options)
    assert _bytes(shop) == before


def test_index_down_during_the_lock(shop: Path, local_index: LocalIndex, tmp_path: Path) -> None:
    before = _bytes(shop)
    cold = Options(env=local_index.uv_env(cache_dir=tmp_path / "cold-cache"))
    with local_index.fault("500"), pytest.raises(EditFailed) as caught:
        plan_bump(shop, ["gunicorn"], options=cold)
    assert "500" in caught.value.message
    assert _bytes(shop) == before


def test_uv_missing(shop: Path, options: Options, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _bytes(shop)
    monkeypatch.setenv("PATH", str(shop / "nowhere"))
    monkeypatch.setattr("uvtui.core.uvrun.sysconfig.get_path", lambda _name: str(shop))
    with pytest.raises(UvtuiError, match="uv is not installed"):
        plan_bump(shop, ["gunicorn"], options=options)
    assert _bytes(shop) == before


def test_file_changed_between_review_and_apply(shop: Path, options: Options) -> None:
    plan = plan_bump(shop, ["gunicorn"], options=options)
    edited = (shop / "pyproject.toml").read_bytes() + b"# edited meanwhile\n"
    (shop / "pyproject.toml").write_bytes(edited)
    lock = (shop / "uv.lock").read_bytes()
    with pytest.raises(FilesChanged, match=r"pyproject\.toml changed on disk since the review"):
        apply_edit(plan)
    assert (shop / "pyproject.toml").read_bytes() == edited
    assert (shop / "uv.lock").read_bytes() == lock


def test_unwritable_project(shop: Path, options: Options) -> None:
    plan = plan_bump(shop, ["gunicorn"], options=options)
    before = _bytes(shop)
    (shop / ".uvtui").write_text("a file where the backups would go\n")
    with pytest.raises(UvtuiError, match="Could not write"):
        apply_edit(plan)
    assert _bytes(shop) == before


def test_read_only_file(shop: Path, options: Options) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes read-only files")
    plan = plan_bump(shop, ["gunicorn"], options=options)
    before = _bytes(shop)
    shop.chmod(0o555)
    try:
        with pytest.raises(UvtuiError, match="Could not write"):
            apply_edit(plan)
    finally:
        shop.chmod(0o755)
    assert _bytes(shop) == before


def test_interrupted_between_two_files_restores_both(
    shop: Path, options: Options, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    plan = plan_bump(shop, ["gunicorn"], targets={"gunicorn": Version("23.0.0")}, options=options)
    before = _bytes(shop)
    real_replace = os.replace

    def replace_then_interrupt(source, target):  # type: ignore[no-untyped-def]
        if Path(target) == shop / "uv.lock":  # pyproject.toml is already replaced by then
            raise KeyboardInterrupt
        return real_replace(source, target)

    monkeypatch.setattr("uvtui.core.changes.os.replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        apply_edit(plan)
    assert _bytes(shop) == before  # pyproject.toml was already replaced: rolled back
    assert latest_backup(shop) is None


def test_a_constraint_holding_the_bump_back_is_named_or_rewritten(
    shop: Path, options: Options, local_index: LocalIndex
) -> None:
    text = (shop / "pyproject.toml").read_text()
    held = text.replace(
        "package = false\n", "package = false\nconstraint-dependencies = ['gunicorn <23']\n"
    )
    (shop / "pyproject.toml").write_text(held)
    assert uv(shop, local_index, "lock").returncode == 0
    before = _bytes(shop)
    target = {"gunicorn": Version("23.0.0")}
    with pytest.raises(HeldBack, match=r"gunicorn 23\.0\.0: held by constraint <23"):
        plan_bump(shop, ["gunicorn"], targets=target, options=options)
    assert _bytes(shop) == before
    plan = plan_bump(shop, ["gunicorn"], targets=target, edit_constraints=True, options=options)
    diff = _diff_of(plan, "pyproject.toml")
    assert "+constraint-dependencies = ['gunicorn <24']" in diff
    assert '+    "gunicorn>=23,<24",' in diff
    _applied_and_checked(plan, shop, local_index)
