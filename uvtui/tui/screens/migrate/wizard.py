"""The migrate wizard: found -> choices -> per-file preview -> confirm and apply -> next steps.

Planning runs uv twice (seconds), so it happens in a thread worker that posts typed messages;
every choice that changes the plan plans again there. Nothing is written before the confirm.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    LoadingIndicator,
    OptionList,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState, get_current_worker

from uvtui.core.changes import AppliedChange, ChangePlan
from uvtui.core.errors import UvtuiError
from uvtui.core.findings import MigrationRefused
from uvtui.core.migrate.dev_target import DEV_GROUP, DevTarget
from uvtui.core.migrate.plan import (
    UV_INSTALL_PATH,
    MigrationPlan,
    apply_migration,
    plan_migration,
    undo_migration,
)
from uvtui.core.migrate.requirements import load_requirement_graph
from uvtui.tui.formatting import worker_error_message
from uvtui.tui.messages import ApplyFinished, PlanFailed, PlanProgress, PlanReady
from uvtui.tui.screens.confirm import ConfirmScreen
from uvtui.tui.screens.migrate import texts
from uvtui.tui.widgets.diff_view import DiffView

# Written together or not at all: the in-place re-check (`uv lock --check`) needs both.
REQUIRED_FILES = ("pyproject.toml", "uv.lock")
STEP_TITLES = {
    "busy": "Planning",
    "found": "1/5 What was found",
    "choices": "2/5 Choices",
    "preview": "3/5 Preview (space: keep or skip a file)",
    "done": "5/5 Next steps",
    "message": "Stopped",
}
STEP_ACTIONS = {  # actions offered per step (besides back/next)
    "preview": {"apply", "hints"},
    "done": {"undo"},
}


@dataclasses.dataclass(frozen=True)
class Choices:
    """What the user picked in step 2; None means the planner's default."""

    keep_pins: bool = True
    project_env: str | None = None
    uv_version: str | None = None
    remove_requirements: bool = False
    python: str | None = None  # only used when no Python version is detected
    python_path: str | None = None  # the interpreter to lock with (else the image's minor)
    freeze_choice: tuple[str, ...] | None = None  # picked when several freeze files were found
    dev_target: DevTarget | None = None  # where dev requirements go; None: [dependency-groups].dev


class MigrateScreen(Screen[bool]):
    """Dismissed with True when the migration was written (and not undone)."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next", priority=True, tooltip="Go to the next step"),
        Binding("escape", "back", "Back", tooltip="Close the warnings, else the previous step"),
        Binding("a", "apply", "Apply", tooltip="Write the selected files (asks first)"),
        Binding("w", "hints", "Warnings", tooltip="Warnings and hints instead of the diff"),
        Binding("u", "undo", "Undo", tooltip="Restore every file from the backup"),
    ]

    def __init__(
        self,
        root: Path,
        *,
        env: Mapping[str, str] | None = None,
        choices: Choices | None = None,
    ) -> None:
        super().__init__()
        self.root = root.resolve()
        self.env = env
        self.choices = choices or Choices()
        self._initial = self.choices
        self._defaults = ("", "")  # (environment target, uv version) of the first plan
        self.step = "busy"
        self.plan: MigrationPlan | None = None
        self.planning = False
        self.pending_step: str | None = "found"  # where to go when the plan in progress is ready
        self.deselected: set[str] = set()
        self.applied: AppliedChange | None = None
        self.applying = False
        self._plan_choices = self.choices  # what the plan shown was made with
        self._showing_hints = False

    def compose(self) -> ComposeResult:
        yield Static(id="migrate-title", markup=False)
        with ContentSwitcher(id="migrate-steps", initial="busy"):
            with Vertical(id="busy", classes="migrate-step"):
                yield LoadingIndicator(id="migrate-busy")
                yield Static(id="busy-label", markup=False)
            with VerticalScroll(id="found", classes="migrate-step migrate-text"):
                yield Static(id="found-body", markup=False)
            with VerticalScroll(id="choices", classes="migrate-step migrate-choices"):
                yield Checkbox("Keep the resolved versions (no upgrades)", True, id="keep-pins")
                yield Static(id="dev-choice", classes="migrate-label", markup=False)
                with Horizontal(id="dev-target", classes="migrate-row"):
                    yield Input(id="dev-name", restrict=r"[A-Za-z0-9._-]*")
                    yield Checkbox(
                        "as an optional extra ([project.optional-dependencies])",
                        False,
                        id="dev-extra",
                    )
                yield Label(
                    "Environment in the image (UV_PROJECT_ENVIRONMENT)", classes="migrate-label"
                )
                yield Input(id="project-env")
                yield Label("uv version for the image", classes="migrate-label")
                yield Input(id="uv-version", restrict=r"[0-9.]*")
                yield Checkbox(
                    "Delete the old requirements files (backed up)", False, id="remove-reqs"
                )
            with Horizontal(id="preview", classes="migrate-step"):
                yield SelectionList[str](id="migrate-files")
                yield DiffView(id="migrate-diff")
            with VerticalScroll(id="message", classes="migrate-step migrate-text"):
                yield Static(id="message-body", markup=False)
                yield OptionList(id="freeze-choice")
            with VerticalScroll(id="done", classes="migrate-step migrate-text"):
                yield Static(id="done-body", markup=False)
        yield Static(id="migrate-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#freeze-choice").display = False
        self._show_step("busy")
        self.start_plan()

    # -- planning ----------------------------------------------------------------------------

    def start_plan(self) -> None:
        self.planning = True
        self._status("planning…")
        self.query_one("#busy-label", Static).update("Planning the migration…")
        self.make_plan(self.choices)

    @work(thread=True, exclusive=True, group="migrate", exit_on_error=False)
    def make_plan(self, choices: Choices) -> None:
        worker = get_current_worker()

        def progress(label: str) -> None:
            if not worker.is_cancelled:
                self.post_message(PlanProgress(label))

        try:
            plan = plan_migration(
                self.root,
                uv_version=choices.uv_version,
                python=choices.python,
                python_path=choices.python_path,
                freeze_choice=choices.freeze_choice,
                project_env=choices.project_env,
                remove_requirements=choices.remove_requirements,
                keep_pins=choices.keep_pins,
                dev_target=choices.dev_target,
                env=self.env,
                progress=progress,
            )
            graph = load_requirement_graph(self.root, plan.requirement_files)
        except MigrationRefused as error:
            if not worker.is_cancelled:
                self.post_message(PlanFailed(error.message, True, error.choices))
            return
        except UvtuiError as error:
            if not worker.is_cancelled:
                self.post_message(PlanFailed(error.message, False))
            return
        if not worker.is_cancelled:
            self.post_message(PlanReady(plan, graph.includes, graph.constraints))

    def on_plan_progress(self, message: PlanProgress) -> None:
        self._status(f"planning: {message.label}…")
        self.query_one("#busy-label", Static).update(f"{message.label}…")

    def on_plan_ready(self, message: PlanReady) -> None:
        first = self.plan is None
        self.planning = False
        self.plan = message.plan
        self._plan_choices = self.choices  # the latest start_plan's: older results are dropped
        self.query_one("#found-body", Static).update(
            texts.found_text(message.plan, message.includes, message.constraints)
        )
        if first:
            self._fill_choices(message.plan)
        self._fill_files(message.plan)
        self._status(texts.plan_status(message.plan))
        if self.pending_step is not None:
            step, self.pending_step = self.pending_step, None
            self._show_step(step)

    def on_plan_failed(self, message: PlanFailed) -> None:
        self.planning = False
        self.pending_step = None
        self.choices = self._plan_choices  # the plan shown stays the one made with these
        if message.choices:
            self._offer_freeze_choice(message.message, message.choices)
        else:
            self._show_message(texts.refusal_text(message.message, message.refused))

    def _offer_freeze_choice(self, refusal: str, files: tuple[str, ...]) -> None:
        self.query_one("#message-body", Static).update(texts.freeze_choice_text(refusal))
        options = self.query_one("#freeze-choice", OptionList)
        options.clear_options()
        options.add_options(files)
        options.highlighted = 0
        options.display = True
        self._status("nothing written · pick a freeze file")
        self._show_step("message")
        options.focus()

    def _pick_freeze_file(self) -> None:
        options = self.query_one("#freeze-choice", OptionList)
        index = options.highlighted or 0
        picked = str(options.get_option_at_index(index).prompt)
        options.display = False
        self.choices = dataclasses.replace(self.choices, freeze_choice=(picked,))
        self.pending_step = "found" if self.plan is None else "choices"
        self._show_step("busy")
        self.start_plan()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        detail = worker_error_message(event.worker.error)
        if event.worker.group == "migrate":
            self.post_message(PlanFailed(detail, False))
        else:
            self.post_message(ApplyFinished(None, detail))

    def _fill_choices(self, plan: MigrationPlan) -> None:
        keep = self.query_one("#keep-pins", Checkbox)
        with keep.prevent(Checkbox.Changed):
            keep.value = self.choices.keep_pins
        if plan.freeze_file is None:
            keep.label = "Keep the resolved versions (no freeze/lock file found)"
            keep.disabled = True
        else:
            keep.label = f"Keep the resolved versions of {plan.freeze_file} (no upgrades)"
        dev = ", ".join(plan.dev_files) or "none found"
        self.query_one("#dev-choice", Static).update(
            f"Dev requirements ({dev}) go to the group or extra named"
        )
        name = self.query_one("#dev-name", Input)
        name.value = plan.dev_target.name
        name.disabled = not plan.dev_files
        extra = self.query_one("#dev-extra", Checkbox)
        with extra.prevent(Checkbox.Changed):
            extra.value = plan.dev_target.extra
        extra.disabled = not plan.dev_files
        target = plan.dockerfiles[0].target if plan.dockerfiles else ""
        self._defaults = (target, plan.uv_version)
        env_input = self.query_one("#project-env", Input)
        env_input.value = target
        env_input.disabled = not plan.dockerfiles
        self.query_one("#uv-version", Input).value = plan.uv_version
        remove = self.query_one("#remove-reqs", Checkbox)
        with remove.prevent(Checkbox.Changed):
            remove.value = self.choices.remove_requirements

    def _read_choices(self) -> Choices:
        """The choices on screen; a field left at the first plan's value keeps the initial one."""
        env_value = self.query_one("#project-env", Input).value.strip()
        uv_value = self.query_one("#uv-version", Input).value.strip()
        default_env, default_uv = self._defaults
        initial = self._initial
        return Choices(
            keep_pins=self.query_one("#keep-pins", Checkbox).value,
            project_env=initial.project_env if env_value in {"", default_env} else env_value,
            uv_version=initial.uv_version if uv_value in {"", default_uv} else uv_value,
            remove_requirements=self.query_one("#remove-reqs", Checkbox).value,
            python=initial.python,
            python_path=initial.python_path,
            freeze_choice=self.choices.freeze_choice,
            dev_target=self._read_dev_target(),
        )

    def _read_dev_target(self) -> DevTarget | None:
        name = self.query_one("#dev-name", Input).value.strip() or DEV_GROUP.name
        extra = self.query_one("#dev-extra", Checkbox).value
        try:
            target = DevTarget(name, extra=extra)
        except UvtuiError as error:
            self.notify(error.message, title="dev requirements", severity="warning")
            return self.choices.dev_target
        if target == DEV_GROUP and self._initial.dev_target is None:
            return None
        return target

    def _replan_if_changed(self) -> bool:
        """Plan again when a choice differs from the plan shown; True when planning started."""
        if self.plan is None:
            return False
        choices = self._read_choices()
        if choices == self.choices:
            return False
        self.choices = choices
        self.start_plan()
        return True

    @on(Checkbox.Changed)
    def _on_checkbox_changed(self) -> None:
        self._replan_if_changed()

    @on(Input.Submitted)
    def _on_input_submitted(self) -> None:
        self._replan_if_changed()

    # -- preview -----------------------------------------------------------------------------

    def _fill_files(self, plan: MigrationPlan) -> None:
        files = self.query_one("#migrate-files", SelectionList)
        highlighted = files.highlighted
        files.clear_options()
        files.add_options(
            Selection(texts.file_label(change), change.path, change.path not in self.deselected)
            for change in plan.change_plan.changes
        )
        if plan.change_plan.changes:
            files.highlighted = min(highlighted or 0, len(plan.change_plan.changes) - 1)
            self._show_file(plan.change_plan.changes[files.highlighted].path)

    @on(SelectionList.SelectionHighlighted, "#migrate-files")
    def _on_file_highlighted(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        self._showing_hints = False
        self._show_file(event.selection.value)

    def _show_file(self, path: str) -> None:
        assert self.plan is not None
        change = self.plan.change_plan.change_for(path)
        if change is None:
            return
        view = self.query_one("#migrate-diff", DiffView)
        view.border_title = path
        if path == "uv.lock":
            view.show(texts.lock_summary(self.plan, change))
        else:
            view.show_diff(change.diff())

    @on(SelectionList.SelectionToggled, "#migrate-files")
    def _on_file_toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        path = event.selection.value
        files = self.query_one("#migrate-files", SelectionList)
        if path not in files.selected:
            if path in REQUIRED_FILES:
                files.select(path)
                self.notify(
                    "pyproject.toml and uv.lock are written together: the check after writing "
                    "(`uv lock --check`) needs both.",
                    title="required",
                    severity="warning",
                )
                return
            self.deselected.add(path)
            if path == UV_INSTALL_PATH and self._selected_dockerfiles():
                self.notify(
                    "The new Dockerfile runs bin/uv-install: without it the image build fails.",
                    severity="warning",
                )
        else:
            self.deselected.discard(path)
        self._status(f"{len(files.selected)} of {files.option_count} file(s) will be written")

    def _selected_dockerfiles(self) -> list[str]:
        assert self.plan is not None
        return [r.path for r in self.plan.dockerfiles if r.path not in self.deselected]

    def selected_plan(self) -> MigrationPlan:
        """The plan restricted to the files the user kept."""
        assert self.plan is not None
        change_plan = self.plan.change_plan
        kept = tuple(c for c in change_plan.changes if c.path not in self.deselected)
        return dataclasses.replace(
            self.plan, change_plan=ChangePlan(change_plan.root, kept, change_plan.findings)
        )

    def action_hints(self) -> None:
        assert self.plan is not None
        self._showing_hints = not self._showing_hints
        if not self._showing_hints:
            files = self.query_one("#migrate-files", SelectionList)
            if files.highlighted is not None:
                self._show_file(files.get_option_at_index(files.highlighted).value)
            return
        view = self.query_one("#migrate-diff", DiffView)
        view.border_title = "warnings and hints"
        view.show(texts.findings_text(self.plan.findings))

    # -- apply and undo ----------------------------------------------------------------------

    def action_apply(self) -> None:
        if self.planning or self.plan is None:
            self.notify("Still planning; try again in a moment.", severity="warning")
            return
        plan = self.selected_plan()
        changes = plan.change_plan.changes
        if not changes:
            self.notify("No file is selected: nothing to write.", severity="warning")
            return
        listed = "\n".join(f"{texts.KIND_LABELS[c.kind]:>8}  {c.path}" for c in changes)
        detail = (
            f"{listed}\n\nEvery replaced or deleted file is backed up to .uvtui/backup/ first; "
            "u undoes it in one step."
        )
        question = f"Write {len(changes)} file change(s) to {self.root.name}?"
        self.app.push_screen(
            ConfirmScreen(question, detail, "Write"), lambda yes: self._confirmed(yes, plan)
        )

    def _confirmed(self, confirmed: bool | None, plan: MigrationPlan) -> None:
        if not confirmed:
            self._status("nothing written")
            return
        self._status("writing and checking the files in place…")
        self.query_one("#busy-label", Static).update("Writing, then checking in place…")
        self.applying = True
        self._show_step("busy", "4/5 Writing")
        self.apply(plan)

    @work(thread=True, exclusive=True, group="migrate-apply", exit_on_error=False)
    def apply(self, plan: MigrationPlan) -> None:
        try:
            applied = apply_migration(plan)
        except UvtuiError as error:
            self.post_message(ApplyFinished(None, error.message))
            return
        self.post_message(ApplyFinished(applied, None))

    def on_apply_finished(self, message: ApplyFinished) -> None:
        self.applying = False
        if message.error is not None or message.applied is None:
            self._show_message(texts.refusal_text(message.error or "", False))
            return
        self.applied = message.applied
        assert self.plan is not None
        self.query_one("#done-body", Static).update(texts.done_text(self.plan, message.applied))
        self._status("written · u undoes it")
        self._show_step("done")

    def action_undo(self) -> None:
        try:
            undone = undo_migration(self.root)
        except UvtuiError as error:
            self.notify(error.message, title="undo", severity="error")
            return
        if undone is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        self.applied = None
        self.query_one("#done-body", Static).update(texts.undone_text(undone))
        self._status("undone: every file restored")
        self.refresh_bindings()

    # -- navigation --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.applying:  # the write runs to its end: leaving now would hide its outcome
            return action not in {"next", "back", "apply", "undo"}
        for step, actions in STEP_ACTIONS.items():
            if action in actions and self.step != step:
                return False
        if action == "undo":
            return self.applied is not None
        return True

    def action_next(self) -> None:
        if self.step == "found":
            self._show_step("choices")
        elif self.step == "choices":
            if self._replan_if_changed() or self.planning:
                self.pending_step = "preview"
                self._show_step("busy")
            else:
                self._show_step("preview")
        elif self.step == "preview":
            self.action_apply()
        elif self.step == "message" and self.query_one("#freeze-choice").display:
            self._pick_freeze_file()
        elif self.step in {"done", "message"}:
            self.close()

    def action_back(self) -> None:
        previous = {"choices": "found", "preview": "choices"}
        if self.step == "preview" and self._showing_hints:
            self.action_hints()  # Esc closes the warnings view first, back to the diff
        elif self.step in previous:
            self._show_step(previous[self.step])
        elif self.step == "message" and self.plan is not None and self.applied is None:
            self._show_step("choices")
        else:
            self.close()

    def close(self) -> None:
        """Leave the wizard; when it is the app's only screen (`uvtui migrate`), quit."""
        self.workers.cancel_group(self, "migrate")
        written = self.applied is not None
        if self.app.screen_stack[0] is self:
            self.app.exit(0)
        else:
            self.dismiss(written)

    def _show_step(self, step: str, title: str | None = None) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = step
        name = self.root.name
        self.query_one("#migrate-title", Static).update(
            f"Migrate {name} to uv · {title or STEP_TITLES[step]}"
        )
        focus = {"found": "#found", "choices": "#keep-pins", "preview": "#migrate-files"}
        if step in focus:
            widget = self.query_one(focus[step])
            if widget.disabled:
                widget = self.query_one("#project-env")
            widget.focus()
        elif step in {"done", "message"}:
            self.query_one(f"#{step}").focus()
        self.refresh_bindings()

    def _show_message(self, text: object) -> None:
        self.query_one("#message-body", Static).update(text)
        self.query_one("#freeze-choice").display = False
        self._status("nothing written" if self.applied is None else "")
        self._show_step("message")

    def _status(self, text: str) -> None:
        self.query_one("#migrate-status", Static).update(text)
