"""The migrate wizard (pip + requirements -> uv) and an app that opens on it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from uvtui.tui.screens.migrate.wizard import Choices, MigrateScreen
from uvtui.tui.terminal import TerminalApp

# Undo of a migration is the dependency screen's `u` (one history with add / bump / remove).
__all__ = ["Choices", "MigrateApp", "MigrateScreen", "run_wizard"]


class MigrateApp(TerminalApp):
    """`uvtui migrate PATH` on a terminal: the wizard as the only screen."""

    CSS_PATH = "../../app.tcss"
    TITLE = "uvtui migrate"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit without writing anything more")
    ]

    def __init__(
        self, root: Path, *, env: Mapping[str, str] | None = None, choices: Choices | None = None
    ) -> None:
        super().__init__(env)
        self._wizard = MigrateScreen(root, env=env, choices=choices)

    def get_default_screen(self) -> Screen:
        return self._wizard


def run_wizard(root: Path, choices: Choices | None = None) -> int:
    """Run the wizard on root in the terminal; returns the process exit code."""
    result = MigrateApp(root, choices=choices).run()
    return result if isinstance(result, int) else 0
