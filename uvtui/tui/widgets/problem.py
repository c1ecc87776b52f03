"""Shown instead of the panes when there is nothing to show: a load error or a pip project."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from uvtui.tui.formatting import RED


def error_text(message: str) -> Text:
    text = Text("Cannot open this project\n\n", style=f"bold {RED}")
    text.append(message)
    text.append(
        "\n\nNothing was written. Fix the file and press r to reload, or q to quit.", style="dim"
    )
    return text


def pip_project_text(root: Path, files: list[Path]) -> Text:
    text = Text("This is a pip project (no [project] table in pyproject.toml)\n\n", style="bold")
    text.append("Requirement files found:\n")
    for path in files:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        text.append(f"  • {shown.as_posix()}\n")
    text.append("\nPress M to migrate it to uv.", style="bold")
    return text


class ProblemPanel(Static):
    pass
