"""One line on top: project, requires-python, exclude-newer cut-off, path and lock status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from uvtui.core.project.loading import LoadedProject


def header_text(
    loaded: LoadedProject,
    path_label: str,
    target: str | None = None,
    exclude_newer: str | None = None,
) -> Text:
    project = loaded.project
    text = Text()
    name = project.name if project and project.name else loaded.root.name
    text.append(name, style="bold")
    if project and project.requires_python:
        text.append(f"  python {project.requires_python}")
    if exclude_newer:
        text.append(f"  {exclude_newer}")
    if path_label != name:
        text.append(f"  {path_label}", style="dim")
    if project is None:
        return text
    status = loaded.lock_status
    if status == "ok":
        text.append("  ✓ uv.lock", style="green")
    elif status == "missing":
        text.append("  ✗ no uv.lock — press L to lock", style="bold yellow")
    else:
        text.append(f"  ⚠ uv.lock is stale: {loaded.stale_reason}", style="bold yellow")
    if target is not None:
        text.append(f"  ▸ runs on {target}", style="cyan")
    return text


class ProjectHeader(Static):
    exclude_newer: str | None = None  # uv's cut-off as the screen words it, kept across shows

    def show(self, loaded: LoadedProject, path_label: str, target: str | None = None) -> None:
        self.update(header_text(loaded, path_label, target, self.exclude_newer))
