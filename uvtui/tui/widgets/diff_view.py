"""A scrollable unified-diff viewer: added lines green, removed lines red, hunks and headers dim.

Reusable by every feature that shows a ChangePlan (migrate today; bump/add/remove later).
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.containers import ScrollableContainer
from textual.widgets import Static

from uvtui.core.redact import redact
from uvtui.tui.formatting import RED

_HEADER_PREFIXES = ("diff --git ", "new file mode", "deleted file mode", "--- ", "+++ ", "Binary ")


def diff_text(diff: str) -> Text:
    """The unified diff as styled text (one line per diff line, nothing re-wrapped)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for line in diff.splitlines():
        text.append(line.replace("\r", "␍"), style=_line_style(line))
        text.append("\n")
    return text


def _line_style(line: str) -> str:
    if line.startswith(_HEADER_PREFIXES):
        return "bold"
    if line.startswith("@@"):
        return "cyan"
    if line.startswith("+"):
        return "green"
    if line.startswith("-"):
        return RED
    if line.startswith("\\"):
        return "dim"
    return ""


class DiffView(ScrollableContainer, can_focus=True):
    """Shows one diff (or any renderable, e.g. a summary) and scrolls with the keyboard.

    Long lines scroll sideways rather than wrap: a wrapped tail (`\\`, `./app`) would read
    as a context line of its own.
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="diff-body", markup=False)

    def show_diff(self, diff: str, *, empty: str = "No changes.") -> None:
        self.show(diff_text(redact(diff)) if diff else Text(empty, style="dim"))

    def show(self, renderable: RenderableType) -> None:
        self.query_one("#diff-body", Static).update(renderable)
        self.scroll_to(0, 0, animate=False)
