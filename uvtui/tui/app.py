"""The Textual app: one main screen, help, command palette, and the `run_app` entry point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from uvtui.tui.config import AppConfig
from uvtui.tui.screens.main import MainScreen
from uvtui.tui.screens.runs import RUN_PALETTE_COMMANDS
from uvtui.tui.terminal import TerminalApp
from uvtui.tui.widgets.dependency_table import DependencyTable

# (title, help, action on the main screen) for the command palette.
PALETTE_COMMANDS = (
    ("Re-check outdated", "Ask the package index again", "recheck"),
    ("Toggle only outdated", "Show only packages with an update", "toggle_outdated"),
    (
        "Toggle transitive",
        "Include packages that are only locked, not declared",
        "toggle_transitive",
    ),
    ("Toggle pre-releases", "Count pre-releases as updates", "toggle_prereleases"),
    ("Filter by name", "Type part of a package name", "filter"),
    ("Why is it installed", "Dependency chains to the selected package", "why"),
    ("Lock", "Create or refresh uv.lock", "lock"),
    ("Migrate to uv", "Turn requirement files and a pip Dockerfile into a uv project", "migrate"),
)


class UvtuiApp(TerminalApp):
    CSS_PATH = "app.tcss"
    TITLE = "uvtui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit uvtui"),
        Binding("question_mark", "help", "Help", tooltip="Show all keys"),
    ]

    def __init__(
        self,
        project_path: Path,
        *,
        offline: bool = False,
        environ: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        display_name: str | None = None,
    ) -> None:
        super().__init__(environ)
        extra = {} if environ is None else {"environ": dict(environ)}
        self.config = AppConfig(
            project_path=project_path,
            offline=offline,
            cache_dir=cache_dir,
            display_name=display_name,
            **extra,
        )

    def get_default_screen(self) -> Screen:
        return MainScreen(self.config)

    def action_help(self) -> None:
        from uvtui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        if isinstance(screen, MainScreen):
            bindings = [*self.BINDINGS, *MainScreen.BINDINGS, *DependencyTable.BINDINGS]
        else:
            bindings = [*self.BINDINGS, *screen.BINDINGS]
        self.push_screen(HelpScreen(bindings))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from uvtui.core.changes import latest_backup

        # Textual's "Keys" panel would be a second "Help": ours lists every key of the screen.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
        yield SystemCommand("Help", "Show all keys", self.action_help)
        if not isinstance(screen, MainScreen):
            return
        for title, help_text, action in PALETTE_COMMANDS:
            if screen.check_action(action, ()):
                yield SystemCommand(title, help_text, self._main_action(screen, action))
        for action, title, help_text in RUN_PALETTE_COMMANDS:
            if screen.check_action(action, ()):
                yield SystemCommand(title, help_text, self._main_action(screen, action))
        if latest_backup(screen.loaded.root) is not None:
            yield SystemCommand(
                "Undo last migration",
                "Restore every file the last migration wrote",
                lambda: self.call_later(self._undo_migration, screen),
            )

    async def _undo_migration(self, screen: MainScreen) -> None:
        from uvtui.tui.screens.migrate import undo_last_migration

        if undo_last_migration(self, screen.loaded.root):
            await screen.reload()

    def _main_action(self, screen: MainScreen, action: str):  # type: ignore[no-untyped-def]
        return lambda: self.call_later(screen.run_action, action)


def run_app(project_path: Path, *, offline: bool = False) -> int:
    """Run the dependency screen on a project; returns the process exit code."""
    result = UvtuiApp(project_path, offline=offline).run()
    return result if isinstance(result, int) else 0
