"""Mark, bump, add, remove, undo and redo on the dependency screen.

`ChangeActions` is a base of MainScreen: it holds the marks, plans each change in a worker
(uv locks in a scratch copy), shows the one review screen, applies in a worker, reloads the
panes and offers `uv sync`. Keeping it here leaves main.py to the panes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label

from uvtui.core.errors import UvtuiError
from uvtui.tui.formatting import is_outdated
from uvtui.tui.messages import EditApplied, EditNotPlanned, EditPlanned
from uvtui.tui.widgets.dependency_table import DependencyTable, row_key

if TYPE_CHECKING:
    from packaging.version import Version

    from uvtui.core.edits.plan import EditPlan, Options
    from uvtui.core.index.client import IndexClient
    from uvtui.core.project.loading import LoadedProject
    from uvtui.core.project.outdated import OutdatedRow
    from uvtui.tui.config import AppConfig
    from uvtui.tui.screens.add_dialog import AddRequest

CHANGE_ACTIONS = frozenset(
    {"toggle_mark", "mark_outdated", "mark_minor", "bump_compatible", "bump_latest", "add",
     "remove"}
)  # fmt: skip


class MarkedCount(Label):
    """ "N marked" above the footer while any row is marked."""


class ChangeActions(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Out of the footer (it is full); `?` and the palette list them, the marked-count line
        # names the next keys once something is marked.
        Binding("space", "toggle_mark", "Mark", show=False, tooltip="Mark or unmark the package"),
        Binding("a", "mark_outdated", "Mark outdated", show=False, tooltip="Mark every outdated"),
        Binding("m", "mark_minor", "Mark patch/minor", show=False, tooltip="Mark patch and minor"),
        Binding(
            "b", "bump_compatible", "Bump", show=False, tooltip="Bump to the latest compatible"
        ),
        Binding("l", "bump_latest", "Bump latest", show=False, tooltip="Bump to the latest"),
        Binding("A", "add", "Add", show=False, tooltip="Add a package"),
        Binding("D", "remove", "Remove", show=False, tooltip="Remove the package"),
        Binding("u", "undo", "Undo", show=False, tooltip="Undo the last change"),
        Binding("R", "redo", "Redo", show=False, tooltip="Redo the last undone change"),
    ]

    config: AppConfig
    loaded: LoadedProject
    has_panes: bool

    async def reload(self) -> None: ...  # MainScreen's: read the files again

    def _index_client(self) -> IndexClient: ...  # MainScreen's: the shared index client

    def __init__(self) -> None:
        super().__init__()
        # The last change planned, to plan it again when the files moved under the review.
        self._last_plan: tuple[str, Callable[[], EditPlan], Callable[[], None] | None] | None = None
        self.confirmed_at: float | None = None  # time.perf_counter() of the last confirm
        self.refreshed_at: float | None = None  # when the panes showed the applied change

    # -- marks ---------------------------------------------------------------------------------

    @property
    def _table(self) -> DependencyTable:
        return self.query_one(DependencyTable)

    def marked_rows(self) -> list[OutdatedRow]:
        table = self._table
        return [row for row in table.all_rows if row_key(row) in table.marked]

    def _show_marked(self) -> None:
        count = len(self._table.marked)
        found = self.query(MarkedCount)
        label = found.first() if found else MarkedCount("", id="marked")
        if not found:  # mounted on first use: a reload recomposes the screen without it
            self.mount(label, before=self.query_one(Footer))
        label.display = count > 0
        label.update(f"{count} marked · b bump · l bump to latest · d remove · space unmark")

    def action_toggle_mark(self) -> None:
        table = self._table
        row = table.selected
        if row is None:
            return
        table.marked.symmetric_difference_update({row_key(row)})
        table.show_mark(row)
        self._show_marked()
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_mark_outdated(self) -> None:
        self._mark(lambda row: is_outdated(row))

    def action_mark_minor(self) -> None:
        self._mark(_small_step)

    def _mark(self, wanted: Callable[[OutdatedRow], bool]) -> None:
        table = self._table
        table.marked = {row_key(row) for row in table.visible_rows if wanted(row)}
        table.rebuild(keep_scroll=True)
        self._show_marked()
        if not table.marked:
            self.notify("Nothing to mark: no shown package has such an update.", timeout=3)

    def _targets(self) -> list[OutdatedRow]:
        """The marked rows, else the selected one."""
        marked = self.marked_rows()
        selected = self._table.selected
        return marked or ([selected] if selected is not None else [])

    # -- planning ------------------------------------------------------------------------------

    def _options(self) -> Options:
        from uvtui.core.edits.plan import Options

        return Options(env=self.config.environ, offline=self.config.offline)

    def action_bump_compatible(self) -> None:
        from uvtui.core.edits.plan import NotMoved, plan_bump

        rows = self._targets()
        if not rows:
            return
        names = list(dict.fromkeys(row.name for row in rows))
        root, options = self.loaded.root, self._options()
        shown = list(self._table.all_rows)

        def make() -> EditPlan:
            try:
                return plan_bump(root, names, options=options)
            except NotMoved as error:
                raise UvtuiError(_not_moved_message(shown, error.names)) from None

        self._plan(f"bumping {', '.join(names)}", make)

    def action_bump_latest(self) -> None:
        from packaging.version import Version

        rows = [row for row in self._targets() if row.latest and row.latest != row.locked]
        if not rows:
            self.notify("No newer release known for the selection (wait for the check).")
            return
        targets = {row.name: Version(row.latest) for row in rows if row.latest}
        self._bump_latest(targets, edit_constraints=False)

    def _bump_latest(self, targets: dict[str, Version], *, edit_constraints: bool) -> None:
        from uvtui.core.edits.plan import plan_bump

        root, options = self.loaded.root, self._options()
        self._plan(
            f"bumping {', '.join(targets)} to latest",
            lambda: plan_bump(
                root,
                list(targets),
                targets=targets,
                edit_constraints=edit_constraints,
                options=options,
            ),
            retry=lambda: self._bump_latest(targets, edit_constraints=True),
        )

    def action_remove(self) -> None:
        rows = [row for row in self._targets() if row.direct]
        if not rows:
            self.notify("Only declared packages can be removed.", severity="warning")
            return
        names = list(dict.fromkeys(row.name for row in rows))
        project = self.loaded.project
        places = list(
            dict.fromkeys(
                (dependency.member, dependency.group)
                for dependency in (project.declared if project else [])
                if len(names) == 1 and dependency.name == names[0]
            )
        )
        if len(places) < 2:
            self._remove(names, None)
            return
        from uvtui.tui.screens.remove_dialog import RemoveScreen

        workspace = bool(project and project.workspace_members)
        self.app.push_screen(
            RemoveScreen(names[0], places, workspace=workspace),
            lambda chosen: self._remove(names, chosen) if chosen else None,
        )

    def _remove(self, names: list[str], places: list[tuple[str, str]] | None) -> None:
        from uvtui.core.edits.plan import plan_remove

        root, options = self.loaded.root, self._options()
        chosen = None if places is None else set(places)
        self._plan(
            f"removing {', '.join(names)}",
            lambda: plan_remove(root, names, places=chosen, options=options),
        )

    def action_add(self) -> None:
        from uvtui.tui.screens.add_dialog import AddScreen

        project = self.loaded.project
        if project is None:
            return
        groups = [dependency.group for dependency in project.declared]
        # Root first, the default; a nameless (virtual) root takes no choice.
        members = project.members if project.workspace_members and project.name else []
        self.app.push_screen(AddScreen(groups, self._versions_of, members), self._add_requested)

    def _versions_of(self, name: str) -> list[tuple[str, str]]:
        """The index's versions of `name`, newest first, yanked and pre-releases noted."""
        releases = self._index_client().fetch(name).releases
        return [
            (
                str(release.version),
                "yanked"
                if release.yanked
                else "pre-release"
                if release.version.is_prerelease
                else "",
            )
            for release in reversed(releases)
        ]

    def _add_requested(self, request: AddRequest | None) -> None:
        if request is None:
            return
        from uvtui.core.edits.plan import plan_add
        from uvtui.core.edits.targets import index_name_check

        root, options, config = self.loaded.root, self._options(), self.config

        def make() -> EditPlan:
            check = index_name_check(root, config.environ, config.offline)
            return plan_add(
                root,
                [request.requirement],
                group=request.group,
                extra=request.extra,
                member=request.member,
                options=options,
                check_name=check,
            )

        self._plan(f"adding {request.requirement}", make)

    def _plan(
        self, label: str, make: Callable[[], EditPlan], retry: Callable[[], None] | None = None
    ) -> None:
        self._status(f"{label}: uv is locking in a scratch copy…")
        self._last_plan = (label, make, retry)
        self.plan_edit(make, retry)

    @work(thread=True, exclusive=True, group="edit", exit_on_error=False)
    def plan_edit(self, make: Callable[[], EditPlan], retry: Callable[[], None] | None) -> None:
        from uvtui.core.edits.plan import HeldBack

        try:
            plan = make()
        except HeldBack as error:
            self.post_message(EditNotPlanned(error.message, held=error.held, retry=retry))
        except UvtuiError as error:
            self.post_message(EditNotPlanned(error.message))
        else:
            self.post_message(EditPlanned(plan))

    def on_edit_not_planned(self, message: EditNotPlanned) -> None:
        self._status("nothing changed")
        if message.held and message.retry is not None:
            self._offer_constraint_edit(message.held, message.retry)
            return
        self.notify(message.message, title="not planned", severity="error", timeout=15)

    def _offer_constraint_edit(self, held: tuple[str, ...], retry: Callable[[], None]) -> None:
        """A [tool.uv] constraint or override holds the bump back: offer to rewrite it too."""
        from uvtui.tui.screens.confirm import ConfirmScreen

        question = "Rewrite the [tool.uv] settings that hold this bump back?"
        detail = "\n".join(held) + "\nThey are rewritten in their own style; you review first."
        self.app.push_screen(
            ConfirmScreen(question, detail, "Rewrite"),
            lambda confirmed: retry() if confirmed else self._status("cancelled: nothing changed"),
        )

    def on_edit_planned(self, message: EditPlanned) -> None:
        from uvtui.tui.screens.review import ReviewScreen

        self._status(f"review: {message.plan.description}")
        plan = message.plan
        self.app.push_screen(ReviewScreen(plan), lambda ok: self._reviewed(plan, bool(ok)))

    def _reviewed(self, plan: EditPlan, confirmed: bool) -> None:
        if not confirmed:
            self._status("cancelled: nothing changed")
            return
        self.confirmed_at = time.perf_counter()
        self._status(f"writing: {plan.description}…")
        self.apply_edit(plan)

    # -- applying ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="edit", exit_on_error=False)
    def apply_edit(self, plan: EditPlan) -> None:
        from uvtui.core.edits.plan import FilesChanged, apply_edit

        try:
            apply_edit(plan)
        except FilesChanged as error:
            self.post_message(EditApplied(plan.description, error.message, changed_on_disk=True))
        except UvtuiError as error:
            self.post_message(EditApplied(plan.description, error.message))
        else:
            self.post_message(EditApplied(plan.description, None))

    async def on_edit_applied(self, message: EditApplied) -> None:
        if message.error is not None:
            self._status("nothing written")
            if message.changed_on_disk:
                await self.reload()
                self._offer_review_again(message.error)
                return
            self.notify(message.error, title="not written", severity="error", timeout=15)
            return
        self._table.marked.clear()
        await self.reload()
        self._show_marked()
        self.refreshed_at = time.perf_counter()
        self.notify(f"{message.description}: written · u undoes it", title="done")
        self._offer_sync()

    def _offer_review_again(self, reason: str) -> None:
        from uvtui.tui.screens.confirm import ConfirmScreen

        last = self._last_plan
        if last is None:
            return
        self.app.push_screen(
            ConfirmScreen("Plan the change again on the files as they are now?", reason, "Plan"),
            lambda again: self._plan(*last) if again else None,
        )

    def _offer_sync(self) -> None:
        from uvtui.tui.screens.confirm import ConfirmScreen

        question = "Run `uv sync` now?"
        detail = "uv sync --frozen installs the new lock where runs go (the container, or local)."
        self.app.push_screen(ConfirmScreen(question, detail, "Sync"), self._sync_answered)

    def _sync_answered(self, confirmed: bool | None) -> None:
        # The run seam of screens/runs.py: in the app's container, or locally (T toggles).
        if confirmed:
            self.run_action("run_sync")

    # -- undo / redo ---------------------------------------------------------------------------

    async def action_undo(self) -> None:
        from uvtui.core.changes import backup_description, latest_backup, undo_latest

        root = self.loaded.root
        backup = latest_backup(root)
        if backup is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        what = backup_description(backup) or "the last migration"
        try:
            undo_latest(root)
        except UvtuiError as error:
            self.notify(error.message, title="undo", severity="error")
            return
        await self.reload()
        self.notify(f"Undone: {what} · R redoes it", title="undo")

    async def action_redo(self) -> None:
        from uvtui.core.changes import backup_description, next_redo, redo_latest

        root = self.loaded.root
        backup = next_redo(root)
        if backup is None:
            self.notify("Nothing to redo.", severity="warning")
            return
        what = backup_description(backup) or "the last migration"
        try:
            redo_latest(root)
        except UvtuiError as error:
            self.notify(error.message, title="redo", severity="error")
            return
        await self.reload()
        self.notify(f"Redone: {what}", title="redo")

    def _status(self, text: str) -> None:
        from uvtui.tui.widgets.status import StatusLine

        self.query_one(StatusLine).show(text)


def _small_step(row: OutdatedRow) -> bool:
    """A patch or minor update: to the latest, or to the latest compatible release."""
    from packaging.version import InvalidVersion, Version

    from uvtui.core.project.versions import UpdateKind, update_kind

    if row.update in (UpdateKind.PATCH, UpdateKind.MINOR):
        return True
    if not row.locked or not row.latest_compatible:
        return False
    try:
        step = update_kind(Version(row.locked), Version(row.latest_compatible))
    except InvalidVersion:
        return False
    return step in (UpdateKind.PATCH, UpdateKind.MINOR)


def _not_moved_message(rows: list[OutdatedRow], names: tuple[str, ...]) -> str:
    """What holds each package a lock-only bump left, and the key that moves it."""
    from uvtui.core.edits.stuck import stuck_packages

    lines = []
    for package in stuck_packages(rows, names):
        lines.append(package.reason() + ".")
        if package.needs_setting_edit:
            lines.append("l bumps to latest and offers to rewrite the [tool.uv] setting.")
        elif package.held_by is not None:
            lines.append("l bumps to latest, rewriting the declaration.")
    return "\n".join(lines)
