"""`?`: every key of the app, the main screen and its widgets."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys that come from Textual itself rather than from our BINDINGS.
BUILT_IN_KEYS = (
    ("tab / shift+tab", "Move between panes"),
    ("↑ ↓ pgup pgdn", "Move in the table or tree"),
    ("enter / space", "Expand or collapse a tree node"),
    ("ctrl+p", "Command palette"),
)


def help_table(bindings: list[tuple[str, str]]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=16)
    table.add_column()
    for key, description in [*bindings, *BUILT_IN_KEYS]:
        table.add_row(key, description)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, bindings: list[BindingType]) -> None:
        super().__init__()
        self._listed = [b for b in bindings if isinstance(b, Binding)]

    def compose(self) -> ComposeResult:
        rows = [
            (self.app.get_key_display(binding), binding.tooltip or binding.description)
            for binding in self._listed
        ]
        with VerticalScroll(id="help-dialog"):
            yield Static("uvtui keys", id="help-title")
            yield Static(help_table(rows))
            yield Static("escape or ? to close", id="help-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
