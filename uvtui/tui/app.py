"""The Textual app: one main screen, help, command palette, and the `run_app` entry point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from uvtui.tui.config import AppConfig
from uvtui.tui.screens.changes import ChangeActions
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
    (
        "Bump to latest compatible",
        "Marked packages (or the selected one), uv.lock only",
        "bump_compatible",
    ),
    ("Bump to latest", "Rewrite the constraints of the marked packages, then lock", "bump_latest"),
    ("Add a package", "To the project, a dependency group or an extra", "add"),
    ("Remove", "Remove the marked packages (or the selected one)", "remove"),
    ("Mark every outdated", "Mark each shown package that has an update", "mark_outdated"),
    (
        "Mark patch and minor updates",
        "Mark each shown package with a patch or minor update",
        "mark_minor",
    ),
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
            bindings = [
                *self.BINDINGS,
                *MainScreen.BINDINGS,
                *ChangeActions.BINDINGS,
                *DependencyTable.BINDINGS,
            ]
        else:
            bindings = [*self.BINDINGS, *screen.BINDINGS]
        self.push_screen(HelpScreen(bindings))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from uvtui.core.changes import backup_description, latest_backup, next_redo

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
        # One history for migrations and add / bump / remove: the palette names what it takes back.
        backup = latest_backup(screen.loaded.root)
        if backup is not None:
            what = backup_description(backup) or "last migration"
            yield SystemCommand(
                f"Undo {what}",
                "Restore every file it wrote (u)",
                self._main_action(screen, "undo"),
            )
        redo = next_redo(screen.loaded.root)
        if redo is not None:
            what = backup_description(redo) or "last migration"
            yield SystemCommand(
                f"Redo {what}", "Write it again (R)", self._main_action(screen, "redo")
            )

    def _main_action(self, screen: MainScreen, action: str):  # type: ignore[no-untyped-def]
        return lambda: self.call_later(screen.run_action, action)


def run_app(project_path: Path, *, offline: bool = False) -> int:
    """Run the dependency screen on a project; returns the process exit code."""
    result = UvtuiApp(project_path, offline=offline).run()
    return result if isinstance(result, int) else 0
