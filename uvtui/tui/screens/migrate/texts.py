"""What the wizard's steps say: pure functions from the plan to Rich text (no widgets)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from uvtui.core.changes import AppliedChange, FileChange
from uvtui.core.dockerfile.facts import DockerfileFacts
from uvtui.core.findings import Finding, Level
from uvtui.core.migrate.plan import MigrationPlan, locked_versions
from uvtui.tui.formatting import RED

KIND_LABELS = {"create": "new", "modify": "changed", "delete": "delete"}
_LEVEL_STYLES = {Level.WARNING: "yellow", Level.INFO: "dim", Level.SUGGESTION: "cyan"}


def found_text(
    plan: MigrationPlan,
    includes: Mapping[str, Sequence[str]],
    constraints: Mapping[str, Sequence[str]],
) -> Text:
    """Step 1: requirement files and their relations, freeze file, Python, Dockerfile facts."""
    text = Text()
    text.append("Requirement files\n", style="bold")
    if not plan.requirement_files:
        text.append("  none (the Dockerfile's pip steps name the packages)\n", style="dim")
    for rel in plan.requirement_files:
        text.append(f"  {rel}", style="bold")
        text.append(f"  {_file_role(plan, rel)}")
        relations = [f"-r {t}" for t in includes.get(rel, ())]
        relations += [f"-c {t}" for t in constraints.get(rel, ())]
        if relations:
            text.append(f"  ({', '.join(relations)})", style="dim")
        text.append("\n")
    text.append("\nPython ", style="bold")
    text.append(f"{plan.python_version} → requires-python = {plan.requires_python!r}\n")
    if not plan.dockerfile_facts:
        text.append("\nNo Dockerfile: only pyproject.toml and uv.lock are migrated.\n", style="dim")
    for facts in plan.dockerfile_facts:
        text.append_text(_dockerfile_text(facts, plan))
    return text


def _file_role(plan: MigrationPlan, rel: str) -> str:
    if rel == plan.freeze_file:
        return "freeze/lock file (its pins are kept while locking)"
    if rel in plan.main_files:
        return "main → [project].dependencies"
    if rel in plan.dev_files:
        return f"dev → {plan.dev_target.label}"
    if rel in plan.constraint_files:
        return "constraints → [tool.uv] constraint-dependencies"
    return "not migrated (see warnings)"


def _dockerfile_text(facts: DockerfileFacts, plan: MigrationPlan) -> Text:
    text = Text()
    text.append(f"\n{facts.path}\n", style="bold")
    text.append(f"  stages: {', '.join(facts.stages) or '-'}\n")
    text.append(f"  base image Python: {facts.python_version or 'unknown'}\n")
    user = facts.user or "root"
    home = f" (home {facts.user_home})" if facts.user_home else ""
    text.append(f"  runs as: {user}{home}\n")
    text.append(f"  pip installs into: {_pip_target(facts)}\n")
    rewrite = next((r for r in plan.dockerfiles if r.path == facts.path), None)
    if rewrite is not None:
        text.append(f"  uv environment: UV_PROJECT_ENVIRONMENT={rewrite.target}\n")
    if not facts.pip_steps:
        text.append("  no pip step\n", style="dim")
    for step in facts.pip_steps:
        via = f" (via {step.via_script})" if step.via_script else ""
        text.append(f"  line {step.line}, stage {step.stage}: ", style="dim")
        text.append(f"{_one_line(step.text)}{via}\n")
    return text


def _pip_target(facts: DockerfileFacts) -> str:
    flags = {flag.split("=")[0] for step in facts.pip_steps for flag in step.flags}
    how = "--user" if "--user" in flags else "--prefix" if "--prefix" in flags else None
    target = facts.environment_target or "unknown"
    return f"{target} ({how})" if how else target


def _one_line(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def file_label(change: FileChange) -> str:
    return f"{change.path} ({KIND_LABELS[change.kind]})"


def lock_summary(plan: MigrationPlan, change: FileChange) -> Text:
    """uv.lock in the preview: package count and the drift table instead of the raw diff."""
    packages = locked_versions(change.new) if change.new is not None else {}
    text = Text(f"uv.lock ({KIND_LABELS[change.kind]}): {len(packages)} packages locked\n")
    if plan.freeze_file is None and not plan.drift:
        text.append("\nNo freeze/lock file: the direct specifiers were locked as written.\n")
    else:
        text.append_text(_drift_text(plan))
    text.append("\nLocked versions\n", style="bold")
    for name, versions in sorted(packages.items()):
        text.append(f"  {name:<32} {', '.join(versions)}\n")
    return text


def _drift_text(plan: MigrationPlan) -> Text:
    text = Text()
    drifted = [row for row in plan.drift if row.status == "drift"]
    text.append(f"\nVersions that differ from {plan.freeze_file}: {len(drifted)}\n", style="bold")
    if not drifted:
        text.append("  none: every pinned version is kept\n", style="green")
    for row in drifted:
        text.append(f"  {row.name:<24} {row.freeze or '-':<12} → {row.locked or '-'}\n")
    for status, meaning in (("absent", "pinned, not needed"), ("added", "locked, not pinned")):
        names = [row.name for row in plan.drift if row.status == status]
        if names:
            text.append(f"\n{meaning}: {', '.join(names)}\n", style="dim")
    return text


def findings_text(findings: Sequence[Finding]) -> Text:
    """Warnings, infos and hints (compose, run scripts, CI calling pip) beside the diff."""
    text = Text()
    text.append("Warnings and hints\n", style="bold")
    if not findings:
        text.append("  none\n", style="dim")
    order = {Level.WARNING: 0, Level.SUGGESTION: 1, Level.INFO: 2}
    for finding in sorted(findings, key=lambda f: order[f.level]):
        text.append(f"\n{finding.level.value} {finding.code}", style=_LEVEL_STYLES[finding.level])
        if finding.location:
            text.append(f"  {finding.location}", style="dim")
        text.append(f"\n  {finding.message}\n")
    return text


def done_text(plan: MigrationPlan, applied: AppliedChange) -> Text:
    """Step 5: what was written, where the backup is, what to run from now on."""
    text = Text()
    text.append("Migrated to uv\n\n", style="bold green")
    for label, paths in (
        ("created", applied.created),
        ("replaced", applied.replaced),
        ("deleted", applied.deleted),
    ):
        for rel in paths:
            text.append(f"  {label:<9}{rel}\n")
    backup = applied.backup_dir.relative_to(applied.root).as_posix()
    text.append(f"\nBackup of every replaced file: {backup}\n", style="dim")
    text.append("Press u to undo in one step (or run `uvtui migrate --undo`).\n\n")
    text.append("Next steps\n", style="bold")
    for step in plan.next_steps:
        text.append(f"  • {step}\n")
    if plan.dockerfiles:
        text.append("  • Build it with `docker compose build` (or `docker build .`).\n")
        text.append(
            "  • In the container, `bin/uv-install` installs from uv.lock (e.g. "
            "`./run deps:install` if your run script has that shortcut).\n"
        )
    text.append("  • Change dependencies with `uv add PKG`, `uv remove PKG`, `uv lock`.\n")
    return text


def undone_text(undone: AppliedChange) -> Text:
    text = Text()
    text.append("Migration undone\n\n", style="bold")
    for rel in (*undone.replaced, *undone.deleted):
        text.append(f"  restored {rel}\n")
    for rel in undone.created:
        text.append(f"  removed  {rel}\n")
    text.append("\nEvery file is back to its bytes before the migration.\n", style="dim")
    return text


def refusal_text(message: str, refused: bool) -> Text:
    title = (
        "The migration cannot be done safely" if refused else "The migration could not be planned"
    )
    text = Text()
    text.append(f"{title}\n\n", style=f"bold {RED}")
    text.append(message)
    text.append("\n\nNothing was written.", style="bold")
    return text


def freeze_choice_text(refusal: str) -> Text:
    text = Text()
    text.append("Several freeze/lock files were found\n\n", style="bold")
    text.append(refusal)
    text.append(
        "\n\nPick the one whose versions to keep (Enter); the others are reported, not "
        "used. Nothing was written.\n"
    )
    return text


def plan_status(plan: MigrationPlan) -> str:
    """What the status line says of a plan: what matters first, so a narrow terminal cuts
    nothing that matters; the counts are those of the findings `w` lists."""
    levels = [finding.level for finding in plan.findings]
    counts = [
        _count(levels.count(level), word)
        for level, word in (
            (Level.WARNING, "warning"),
            (Level.SUGGESTION, "suggestion"),
            (Level.INFO, "info"),
        )
        if level in levels
    ]
    findings = ", ".join(counts) if counts else "no findings"
    files = _count(len(plan.change_plan.changes), "file")
    return f"nothing written yet · {files} to write · w: {findings}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 or word == "info" else f"{number} {word}s"
