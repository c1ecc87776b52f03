"""`w`: the dependency chains that bring the selected package in."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from uvtui.core.project.why import ChainStep, WhyResult


def chain_text(chain: list[ChainStep]) -> Text:
    text = Text()
    for index, step in enumerate(chain):
        if index:
            text.append(" → ", style="dim")
        package = step.package
        label = f"{package.name} {package.version}" if package.version else package.name
        text.append(label, style="bold" if index == len(chain) - 1 else "")
        edge = step.edge
        if edge is not None and edge.group != "main":
            text.append(f" ({edge.group})", style="dim")
        if edge is not None and edge.marker:
            text.append(f" ; {edge.marker}", style="dim")
    return text


def why_text(title: str, result: WhyResult) -> Text:
    text = Text(f"Why is {title} installed?\n\n", style="bold")
    if not result.chains:
        text.append("It is not in uv.lock.", style="dim")
    for chain in result.chains:
        text.append_text(chain_text(chain))
        text.append("\n")
    if result.truncated:
        text.append("… more chains not shown\n", style="dim")
    return text


class WhyScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,w", "dismiss", "Close", show=False)]

    def __init__(self, title: str, result: WhyResult) -> None:
        super().__init__()
        self._title = title
        self._result = result

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-dialog"):
            yield Static(why_text(self._title, self._result), id="why-body")
            yield Static("escape to close", id="why-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
