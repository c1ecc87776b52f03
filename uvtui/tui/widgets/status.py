"""Bottom status line: progress of the index checks and why some answers are missing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class StatusLine(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("", id="status-text")
        yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="status-progress")

    def show(self, message: str, done: int | None = None, total: int | None = None) -> None:
        self.query_one("#status-text", Label).update(message)
        bar = self.query_one("#status-progress", ProgressBar)
        bar.display = total is not None and done is not None and done < total
        if bar.display:
            bar.update(total=total, progress=done)
