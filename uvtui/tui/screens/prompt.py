"""Small dialogs for runs: type a command, pick the app container."""

from __future__ import annotations

import shlex
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class CommandPrompt(ModalScreen[list[str] | None]):
    """A command line to run (split like a shell would, without running a shell)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Cancel", show=False)]

    def __init__(self, where: str) -> None:
        super().__init__()
        self._where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            yield Static(f"Run a command {self._where}", id="prompt-title", markup=False)
            yield Input(placeholder="e.g. uv pip list", id="prompt-input")
            yield Static("", id="prompt-error")
            yield Static("enter to run · escape to cancel", id="prompt-hint")

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            argv = shlex.split(event.value)
        except ValueError as error:
            self.query_one("#prompt-error", Static).update(f"cannot split: {error}")
            return
        if argv:
            self.dismiss(argv)

    async def action_dismiss(self, result: list[str] | None = None) -> None:
        self.dismiss(result)


class PickContainer(ModalScreen[str | None]):
    """One of several running containers that could be the app."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Cancel", show=False)]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        """`choices`: (container name, description)."""
        super().__init__()
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            yield Static("Which container runs the app?", id="prompt-title")
            yield OptionList(
                *(Option(label, id=name) for name, label in self._choices), id="prompt-options"
            )
            yield Static("enter to choose · escape to cancel", id="prompt-hint")

    @on(OptionList.OptionSelected, "#prompt-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    async def action_dismiss(self, result: str | None = None) -> None:
        self.dismiss(result)
