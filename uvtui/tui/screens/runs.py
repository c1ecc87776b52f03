"""The main screen's commands that run in the app's container (or locally), each in a log.

A mixin of MainScreen: it owns the choice of where commands run (the app container, a picked
container, or "run locally instead") and shows that choice in the header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import work

from uvtui.core.errors import UvtuiError

if TYPE_CHECKING:
    from uvtui.core.containers.discovery import AppContainer, OneOffPlan
    from uvtui.core.containers.runner import Run, RunResult
    from uvtui.core.edits.plan import EditPlan
    from uvtui.tui.config import AppConfig

# (action, title, help) for the command palette; the keys are in MainScreen.BINDINGS.
RUN_PALETTE_COMMANDS = (
    ("run_lock", "uv lock in the container", "Lock in the app container (or locally)"),
    ("run_sync", "uv sync --frozen in the container", "Install from uv.lock as the image does"),
    ("run_uv_install", "bin/uv-install in the container", "The project's install script"),
    ("run_outdated", "uv tree --outdated", "uv's own outdated view, in the container"),
    ("run_command", "Run a command…", "Any command, with live output"),
    ("build_image", "Build the image", "docker build the project's Dockerfile, live log"),
    ("toggle_local", "Run locally instead (toggle)", "Run commands here, not in a container"),
    ("choose_container", "Choose the app container", "When several containers could be it"),
    ("copy_lock_back", "Copy uv.lock back from the container", "When the project is not mounted"),
)


class RunActions:
    """Needs `config`, `loaded`, `app`, `notify`, `query_one` and `reload` of MainScreen."""

    config: AppConfig
    run_locally: bool = False
    chosen_container: str | None = None
    run_target: str | None = None  # where the last run went (or the toggle), for the header
    one_off_agreed: bool = False  # the user said yes to a one-off container

    def _project_root(self) -> Path:
        return self.loaded.root  # type: ignore[attr-defined]

    def _where(self) -> str:
        if self.run_locally:
            return "locally"
        if self.chosen_container:
            return f"in {self.chosen_container}"
        return "in the app container"

    def _project_action(self, key: str) -> tuple[str, ...] | None:
        from uvtui.core.containers.actions import project_actions

        for action in project_actions(self._project_root()):
            if action.key == key:
                return action.argv
        return None

    def _run_project_action(self, key: str) -> None:
        argv = self._project_action(key)
        if argv is None:
            self.notify(f"Nothing to run for {key} in this project.", severity="warning")  # type: ignore[attr-defined]
            return
        self.start_in_log(argv)

    def action_run_lock(self) -> None:
        self._run_project_action("lock")

    def action_run_sync(self) -> None:
        self._run_project_action("sync")

    def action_run_uv_install(self) -> None:
        self._run_project_action("uv_install")

    def action_run_outdated(self) -> None:
        self._run_project_action("outdated")

    def action_run_command(self) -> None:
        from uvtui.tui.screens.prompt import CommandPrompt

        self.app.push_screen(CommandPrompt(self._where()), self._typed)  # type: ignore[attr-defined]

    def _typed(self, argv: list[str] | None) -> None:
        if argv:
            self.start_in_log(argv)

    def start_in_log(self, argv: Sequence[str]) -> None:
        """Run `argv` where the user chose, in the log screen; with no app container running,
        ask before a one-off container (a yes holds for the session)."""
        if self.run_locally or self.chosen_container or self.one_off_agreed:
            self._open_command_log(argv)
        else:
            self.check_app_container(argv)

    @work(thread=True, exclusive=True, group="container-check", exit_on_error=False)
    def check_app_container(self, argv: Sequence[str]) -> None:
        from uvtui.core.containers.discovery import find_app_container
        from uvtui.core.containers.engine import connect

        call = self.app.call_from_thread  # type: ignore[attr-defined]
        try:
            found = find_app_container(connect(self.config.environ).client, self._project_root())
        except UvtuiError:
            call(self._open_command_log, argv)  # the log screen says what is wrong
            return
        if found.chosen is None and not found.needs_choice and found.one_off is not None:
            call(self._offer_one_off, found.one_off, argv)
        else:
            call(self._open_command_log, argv)

    def _offer_one_off(self, plan: OneOffPlan, argv: Sequence[str]) -> None:
        from uvtui.tui.screens.confirm import ConfirmScreen

        question = f"No {plan.service} container is running. Run in a one-off container?"
        detail = (
            f"A container of {plan.image} with the project mounted at {plan.mount_target}, "
            f"like `docker compose run --rm {plan.service}`, removed afterwards. "
            "A yes holds until you quit."
        )
        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmScreen(question, detail, "Run one-off"),
            lambda yes: self._one_off_answered(plan, argv, bool(yes)),
        )

    def _one_off_answered(self, plan: OneOffPlan, argv: Sequence[str], agreed: bool) -> None:
        if not agreed:
            self.notify(  # type: ignore[attr-defined]
                f"Nothing run. Start the app with `docker compose up -d {plan.service}`, "
                "or press T to run locally.",
                title="no container",
            )
            return
        self.one_off_agreed = True
        self._open_command_log(argv)

    def _open_command_log(self, argv: Sequence[str]) -> None:
        from uvtui.core.containers.targets import start_command

        root = self._project_root()
        local, container, one_off = self.run_locally, self.chosen_container, self.one_off_agreed
        environ = self.config.environ

        def start() -> tuple[Run, Callable[[], None]]:
            return start_command(
                root, argv, local=local, container=container, environ=environ, one_off=one_off
            )

        self._open_log(" ".join(argv), start)

    def action_build_image(self) -> None:
        from uvtui.core.containers.targets import start_build

        root = self._project_root()
        if not (root / "Dockerfile").is_file():
            self.notify("This project has no Dockerfile to build.", severity="warning")  # type: ignore[attr-defined]
            return
        environ = self.config.environ
        self._open_log("docker build", lambda: start_build(root, environ=environ), "build")

    def _open_log(
        self,
        title: str,
        start: Callable[[], tuple[Run, Callable[[], None]]],
        kind: Literal["run", "build", "recreate"] = "run",
    ) -> None:
        from uvtui.tui.screens.log import LogScreen

        before = _read_lock(self._project_root())
        self.app.push_screen(  # type: ignore[attr-defined]
            LogScreen(title, start), lambda result: self._run_done(result, before, kind)
        )

    async def _run_done(
        self, result: RunResult | None, lock_before: bytes | None, kind: str = "run"
    ) -> None:
        if kind == "build" and result is not None and result.ok:
            self.offer_recreate()
        if kind != "run":
            return
        if result is not None:
            self.run_target = result.target
            self.show_header()
        if _read_lock(self._project_root()) != lock_before:
            await self.reload()  # type: ignore[attr-defined]
        elif result is not None and result.target != "local" and not result.cancelled:
            self.offer_lock_copy(quiet=True)

    @work(thread=True, exclusive=True, group="containers", exit_on_error=False)
    def offer_recreate(self) -> None:
        """After a build: offer to recreate the app container when compose built its image."""
        from uvtui.core.containers.discovery import find_app_container
        from uvtui.core.containers.engine import connect

        try:
            found = find_app_container(connect(self.config.environ).client, self._project_root())
        except UvtuiError:
            return  # the build worked; recreating is only an offer
        if found.chosen is not None and found.chosen.builds_project:
            self.app.call_from_thread(self._confirm_recreate, found.chosen)  # type: ignore[attr-defined]

    def _confirm_recreate(self, container: AppContainer) -> None:
        from uvtui.tui.screens.confirm import ConfirmScreen

        detail = f"docker compose recreates the {container.service} service from the new image."
        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmScreen(f"Recreate {container.name}?", detail, "Recreate"),
            lambda yes: self._recreate(container) if yes else None,
        )

    def _recreate(self, container: AppContainer) -> None:
        from uvtui.core.containers.actions import recreate_command
        from uvtui.core.containers.local_runner import LocalRunner
        from uvtui.core.containers.runner import start_run

        argv = recreate_command(container.service)
        folder, environ = Path(container.working_dir), self.config.environ

        def start() -> tuple[Run, Callable[[], None]]:
            return start_run(LocalRunner(folder, environ), argv), lambda: None

        self._open_log(" ".join(argv), start, "recreate")

    def action_copy_lock_back(self) -> None:
        self.offer_lock_copy(quiet=False)

    @work(thread=True, exclusive=True, group="containers", exit_on_error=False)
    def offer_lock_copy(self, quiet: bool) -> None:
        """Compare the container's uv.lock with the project's when the project is not mounted;
        offer the difference as a change (`quiet`: say nothing unless there is one)."""
        from uvtui.core.containers.discovery import find_app_container
        from uvtui.core.containers.engine import connect
        from uvtui.core.containers.lock_copy import container_lock, mounts_project, review_lock_copy

        root = self._project_root()
        say = self.app.call_from_thread  # type: ignore[attr-defined]
        try:
            engine = connect(self.config.environ)
            found = find_app_container(engine.client, root, container=self.chosen_container)
            if found.chosen is None:
                if not quiet:
                    say(self.notify, "No single running app container.", severity="warning")  # type: ignore[attr-defined]
                return
            if mounts_project(engine.client, found.chosen.id, root):
                if not quiet:
                    say(self.notify, "The project is mounted in the container: nothing to copy.")  # type: ignore[attr-defined]
                return
            lock = container_lock(engine.client, found.chosen.id)
        except UvtuiError as error:
            if not quiet:
                say(self.notify, error.message, severity="error")  # type: ignore[attr-defined]
            return
        plan = review_lock_copy(root, lock, found.chosen.name) if lock is not None else None
        if plan is None:
            if not quiet:
                say(self.notify, "The container's uv.lock is the project's.")  # type: ignore[attr-defined]
            return
        say(self._review_lock_copy, plan)

    def _review_lock_copy(self, plan: EditPlan) -> None:
        from uvtui.tui.screens.review import ReviewScreen

        self.app.push_screen(  # type: ignore[attr-defined]
            ReviewScreen(plan), lambda yes: self._copy_lock(plan, bool(yes))
        )

    async def _copy_lock(self, plan: EditPlan, confirmed: bool) -> None:
        from uvtui.core.edits.plan import apply_edit

        if not confirmed:
            return
        try:
            apply_edit(plan)
        except UvtuiError as error:
            self.notify(error.message, title="not written", severity="error")  # type: ignore[attr-defined]
            return
        await self.reload()  # type: ignore[attr-defined]
        self.notify("uv.lock copied back · u undoes it", title="uv.lock")  # type: ignore[attr-defined]

    def action_toggle_local(self) -> None:
        self.run_locally = not self.run_locally
        self.run_target = "local" if self.run_locally else "the app container"
        self.show_header()
        self.notify(f"Commands run {self._where()}.", timeout=2)  # type: ignore[attr-defined]

    def action_choose_container(self) -> None:
        self.list_candidates()

    @work(thread=True, exclusive=True, group="containers", exit_on_error=False)
    def list_candidates(self) -> None:
        from uvtui.core.containers.discovery import describe, find_app_container
        from uvtui.core.containers.engine import connect

        try:
            engine = connect(self.config.environ)
            found = find_app_container(engine.client, self._project_root())
        except UvtuiError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error")  # type: ignore[attr-defined]
            return
        choices = [(c.name, describe(c)) for c in found.candidates]
        self.app.call_from_thread(self._pick, choices)  # type: ignore[attr-defined]

    def _pick(self, choices: list[tuple[str, str]]) -> None:
        from uvtui.tui.screens.prompt import PickContainer

        if not choices:
            self.notify("No running container belongs to this project.", severity="warning")  # type: ignore[attr-defined]
            return
        self.app.push_screen(PickContainer(choices), self._picked)  # type: ignore[attr-defined]

    def _picked(self, name: str | None) -> None:
        if name:
            self.chosen_container, self.run_locally = name, False
            self.run_target = f"container {name}"
            self.show_header()

    def show_header(self) -> None:
        from uvtui.tui.widgets.header import ProjectHeader

        header = self.query_one(ProjectHeader)  # type: ignore[attr-defined]
        header.show(self.loaded, self.path_label, self.run_target)  # type: ignore[attr-defined]


def _read_lock(root: Path) -> bytes | None:
    try:
        return (root / "uv.lock").read_bytes()
    except OSError:
        return None
