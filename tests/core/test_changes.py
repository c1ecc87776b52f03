"""ChangePlan diffs, atomic apply with backups and rollback, undo."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from uvtui.core.changes import (
    BACKUP_DIR,
    ChangePlan,
    FileChange,
    apply_plan,
    latest_backup,
    materialize,
    undo_latest,
)
from uvtui.core.errors import UvtuiError


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mode of every file under root, except uvtui's own backups."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".uvtui" not in path.relative_to(root).parts
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "keep.txt").write_bytes(b"one\ntwo\nthree\n")
    (root / "crlf.txt").write_bytes(b"a\r\nb\r\n")
    (root / "gone.txt").write_bytes(b"bye\n")
    script = root / "run.sh"
    script.write_bytes(b"#!/bin/sh\necho hi\n")
    script.chmod(0o750)
    return root


def plan_for(root: Path) -> ChangePlan:
    return ChangePlan(
        root=root,
        changes=(
            FileChange("keep.txt", b"one\ntwo\nthree\n", b"one\n2\nthree\n"),
            FileChange("crlf.txt", b"a\r\nb\r\n", b"a\r\nb\r\nc\r\n"),
            FileChange("run.sh", b"#!/bin/sh\necho hi\n", b"#!/bin/sh\necho hello\n"),
            FileChange("gone.txt", b"bye\n", None),
            FileChange("bin/new-tool", None, b"#!/bin/sh\nexit 0\n", mode=0o755),
            FileChange("blob.bin", None, b"\x00\x01\x02"),
        ),
    )


def test_diff_covers_every_kind_of_change(tree: Path) -> None:
    plan = plan_for(tree)
    diff = plan.diff()
    assert "--- a/keep.txt\n+++ b/keep.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n" in diff
    assert "new file mode 100755\n--- /dev/null\n+++ b/bin/new-tool\n@@ -0,0 +1,2 @@\n" in diff
    assert "deleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n" in diff
    assert "Binary files /dev/null and b/blob.bin differ\n" in diff
    assert "+c\r\n" in diff


def test_diff_marks_missing_final_newline() -> None:
    change = FileChange("a.txt", b"x\ny", b"x\ny\n")
    assert change.diff().endswith("-y\n\\ No newline at end of file\n+y\n")


def test_diff_is_a_patch_git_applies(tree: Path, tmp_path: Path) -> None:
    """The text diff reproduces the planned tree when applied by git (binary aside)."""
    plan = plan_for(tree)
    text_plan = ChangePlan(tree, tuple(c for c in plan.changes if c.path != "blob.bin"))
    patch = tmp_path / "plan.patch"
    patch.write_text(text_plan.diff(), encoding="utf-8", newline="")
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=tree, check=True)
    assert (tree / "keep.txt").read_bytes() == b"one\n2\nthree\n"
    assert (tree / "crlf.txt").read_bytes() == b"a\r\nb\r\nc\r\n"
    assert not (tree / "gone.txt").exists()
    assert os.access(tree / "bin" / "new-tool", os.X_OK)


def test_apply_writes_backs_up_and_keeps_modes(tree: Path) -> None:
    applied = apply_plan(plan_for(tree))
    assert (tree / "keep.txt").read_bytes() == b"one\n2\nthree\n"
    assert stat.S_IMODE((tree / "run.sh").stat().st_mode) == 0o750
    assert stat.S_IMODE((tree / "bin" / "new-tool").stat().st_mode) == 0o755
    assert not (tree / "gone.txt").exists()
    assert applied.backup_dir.parent == tree.resolve() / BACKUP_DIR
    assert (applied.backup_dir / "keep.txt").read_bytes() == b"one\ntwo\nthree\n"
    assert (applied.backup_dir / "gone.txt").read_bytes() == b"bye\n"
    manifest = json.loads((applied.backup_dir / "manifest.json").read_text())
    assert manifest["replaced"] == ["keep.txt", "crlf.txt", "run.sh"]
    assert manifest["deleted"] == ["gone.txt"]
    assert manifest["created"] == ["bin/new-tool", "blob.bin"]
    assert manifest["modes"]["run.sh"] == 0o750
    assert manifest["created_dirs"] == ["bin"]
    assert applied.created == ("bin/new-tool", "blob.bin")
    assert not list(tree.rglob("*.uvtui-tmp"))


def test_undo_restores_bytes_and_modes_and_removes_created_files(tree: Path) -> None:
    before = snapshot(tree)
    apply_plan(plan_for(tree))
    undone = undo_latest(tree)
    assert undone is not None
    assert snapshot(tree) == before
    assert not (tree / "bin").exists()
    assert undo_latest(tree) is None


def test_second_undo_reverses_the_apply_before(tree: Path) -> None:
    first = snapshot(tree)
    apply_plan(ChangePlan(tree, (FileChange("keep.txt", b"one\ntwo\nthree\n", b"v2\n"),)))
    second = snapshot(tree)
    apply_plan(ChangePlan(tree, (FileChange("keep.txt", b"v2\n", b"v3\n"),)))
    undo_latest(tree)
    assert snapshot(tree) == second
    undo_latest(tree)
    assert snapshot(tree) == first
    assert latest_backup(tree) is None


def test_apply_refuses_when_a_file_changed_since_the_plan(tree: Path) -> None:
    plan = plan_for(tree)
    (tree / "run.sh").write_bytes(b"edited by hand\n")
    before = snapshot(tree)
    with pytest.raises(UvtuiError, match=r"run\.sh changed on disk since the plan was made"):
        apply_plan(plan)
    assert snapshot(tree) == before
    assert latest_backup(tree) is None


def test_apply_refuses_when_a_planned_new_file_appeared(tree: Path) -> None:
    plan = plan_for(tree)
    (tree / "blob.bin").write_bytes(b"someone else's")
    with pytest.raises(UvtuiError, match="changed on disk"):
        apply_plan(plan)


def test_failure_mid_apply_restores_everything(tree: Path) -> None:
    """`bin` is a file, so creating bin/new-tool fails after keep.txt etc. were written."""
    (tree / "bin").write_bytes(b"not a directory\n")
    before = snapshot(tree)
    with pytest.raises(UvtuiError, match="every file was restored"):
        apply_plan(plan_for(tree))
    assert snapshot(tree) == before
    assert latest_backup(tree) is None
    assert not list(tree.rglob("*.uvtui-tmp"))


def test_failure_writing_a_large_file_rolls_back(tree: Path) -> None:
    """A real write error (file size limit, EFBIG) in the middle of an apply."""
    code = textwrap.dedent(
        f"""
        import resource, signal
        from pathlib import Path
        from uvtui.core.changes import ChangePlan, FileChange, apply_plan
        from uvtui.core.errors import UvtuiError
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        root = Path({str(tree)!r})
        plan = ChangePlan(root, (
            FileChange("keep.txt", b"one\\ntwo\\nthree\\n", b"small\\n"),
            FileChange("gone.txt", b"bye\\n", None),
            FileChange("big.txt", None, b"x" * 10000),
        ))
        try:
            apply_plan(plan)
        except UvtuiError as error:
            print(error.message)
        """
    )
    before = snapshot(tree)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "every file was restored" in result.stdout
    assert snapshot(tree) == before
    assert latest_backup(tree) is None


def test_paths_outside_the_root_are_refused(tree: Path) -> None:
    plan = ChangePlan(tree, (FileChange("../escape.txt", None, b"x"),))
    with pytest.raises(UvtuiError, match="outside the project"):
        apply_plan(plan)
    assert not (tree.parent / "escape.txt").exists()


def test_backups_are_ignored_by_git(tree: Path) -> None:
    apply_plan(ChangePlan(tree, (FileChange("new.txt", None, b"x\n"),)))
    assert (tree / ".uvtui" / ".gitignore").read_text().endswith("*\n")


def test_new_files_without_a_mode_follow_the_umask(tree: Path) -> None:
    previous = os.umask(0o027)
    try:
        apply_plan(ChangePlan(tree, (FileChange("fresh.txt", None, b"x\n"),)))
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tree / "fresh.txt").stat().st_mode) == 0o640


def test_materialize_applies_the_plan_to_a_copy(tree: Path, tmp_path: Path) -> None:
    (tree / ".git").mkdir()
    (tree / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = snapshot(tree)
    copy = materialize(plan_for(tree), tmp_path / "copy")
    assert snapshot(tree) == before
    assert (copy / "keep.txt").read_bytes() == b"one\n2\nthree\n"
    assert not (copy / "gone.txt").exists()
    assert stat.S_IMODE((copy / "bin" / "new-tool").stat().st_mode) == 0o755
    assert stat.S_IMODE((copy / "run.sh").stat().st_mode) == 0o750
    assert not (copy / ".git").exists()


def test_a_plan_that_changes_nothing_is_not_applied(tree: Path) -> None:
    plan = ChangePlan(tree, (FileChange("keep.txt", b"one\ntwo\nthree\n", b"one\ntwo\nthree\n"),))
    assert plan.diff() == ""
    with pytest.raises(UvtuiError, match="changes nothing"):
        apply_plan(plan)
    assert latest_backup(tree) is None
