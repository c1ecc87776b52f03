"""The dependency screen: header, dependency table, lock tree, details, status line."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from uvtui.core.errors import PackageIndexError, UvtuiError
from uvtui.core.project.loading import LoadedProject, load
from uvtui.core.project.outdated import (
    CheckStatus,
    KnownReleases,
    OutdatedRow,
    ReleaseSource,
    check_outdated,
    local_rows,
)
from uvtui.tui.config import AppConfig
from uvtui.tui.formatting import display_path, is_outdated, worker_error_message
from uvtui.tui.messages import CheckFinished, DetailsLoaded, LockFinished, RowsChecked
from uvtui.tui.screens.changes import CHANGE_ACTIONS, ChangeActions
from uvtui.tui.screens.pane_layout import PaneHeights, pane_heights
from uvtui.tui.screens.runs import RunActions
from uvtui.tui.widgets.dependency_table import DependencyTable, row_key
from uvtui.tui.widgets.details import DetailsPanel
from uvtui.tui.widgets.header import ProjectHeader
from uvtui.tui.widgets.lock_tree import LockTree, PackageNode
from uvtui.tui.widgets.problem import ProblemPanel, error_text, pip_project_text
from uvtui.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from uvtui.core.index.client import IndexClient, PackageReleases

BATCH_SECONDS = 0.1  # index answers are posted to the UI at most this often
DETAILS_DELAY = 0.15  # seconds the selection must rest before its summary is fetched
# Actions that need the panes (not offered on the error / pip project panels).
PANE_ACTIONS = {
    "filter",
    "toggle_outdated",
    "toggle_transitive",
    "toggle_prereleases",
    "why",
    "toggle_side",
    *CHANGE_ACTIONS,
}


WIDE = 150  # columns from which the tree and details sit beside the table


class _Failing:
    """A ReleaseSource for when no index client could be made: every name gets the error."""

    def __init__(self, error: PackageIndexError) -> None:
        self._error = error

    def fetch_many(
        self, names: Iterable[str], on_result: Callable[[str, PackageIndexError], None]
    ) -> None:
        for name in names:
            on_result(name, self._error)


class MainScreen(RunActions, ChangeActions):
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (WIDE, "-wide")]
    # Focused while composing: a focus change after the first frame restyles the table, which
    # makes DataTable throw away every rendered cell.
    AUTO_FOCUS = "#deps"

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs when the app reads the key, before the keys typed after it
        # (a paste, a fast typist) are handed to the widget that has the focus at that time.
        Binding("slash", "filter", "Filter", priority=True, tooltip="Filter packages by name"),
        Binding("o", "toggle_outdated", "Outdated", tooltip="Show only outdated packages"),
        Binding("t", "toggle_transitive", "Transitive", tooltip="Include transitive packages"),
        Binding(
            "p", "toggle_prereleases", "Pre", show=False, tooltip="Allow pre-releases as updates"
        ),
        Binding("w", "why", "Why", tooltip="Why is the selected package installed"),
        Binding("d", "toggle_side", "Details", show=False, tooltip="Show or hide tree and details"),
        Binding("r", "recheck", "Re-check", tooltip="Ask the index again (reload on errors)"),
        Binding("L", "lock", "Lock", show=False, tooltip="Create or refresh uv.lock"),
        Binding("M", "migrate", "Migrate", show=False, tooltip="Migrate a pip project to uv"),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            show=False,
            priority=True,
            tooltip="Clear the filter",
        ),
        Binding("K", "run_lock", "Lock in container", show=False, tooltip="uv lock, live log"),
        Binding("Y", "run_sync", "Sync", show=False, tooltip="uv sync --frozen, live log"),
        Binding("I", "run_uv_install", "uv-install", show=False, tooltip="bin/uv-install"),
        Binding("U", "run_outdated", "uv outdated", show=False, tooltip="uv tree --outdated"),
        Binding("x", "run_command", "Run…", show=False, tooltip="Run a command in the container"),
        Binding("B", "build_image", "Build", show=False, tooltip="Build the image, live log"),
        Binding("T", "toggle_local", "Local", show=False, tooltip="Run locally instead (toggle)"),
    ]

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config
        self.loaded: LoadedProject = load(config.project_path)
        self.allow_prereleases = False
        self._base_rows: dict[str, OutdatedRow] = {}  # local rows before any index answer
        self._releases: dict[str, PackageReleases] = {}
        self._index_info: dict[str, tuple[str | None, str | None, str | None]] = {}
        self._client: IndexClient | None = None
        self._client_lock = threading.Lock()
        self._details_timer: Timer | None = None
        self.details_pending: str | None = None  # a details lookup waiting for DETAILS_DELAY
        self.checking = False
        self.side_choice: bool | None = None  # the user's `d`; None: tree and details as fits

    @property
    def path_label(self) -> str:
        return self.config.display_name or display_path(self.loaded.root)

    @property
    def has_panes(self) -> bool:
        return self.loaded.project is not None and self.loaded.error is None

    def compose(self) -> ComposeResult:
        # The breakpoint class Textual would add on the first resize, set before the first
        # frame: a class change restyles every widget and the table renders all its cells again.
        wide = self.app.size.width >= WIDE
        self.update_classes({"-wide": wide, "-narrow": not wide}, update=False)
        yield ProjectHeader(id="header")
        if not self.has_panes:
            yield ProblemPanel(id="problem")
        else:
            with Horizontal(id="panes"):
                with Vertical(id="table-pane"):
                    yield Input(placeholder="filter by name (escape clears)", id="filter")
                    yield DependencyTable(id="deps")
                with Vertical(id="side-pane"):
                    project = self.loaded.project
                    assert project is not None
                    yield LockTree(project.name or self.loaded.root.name, id="tree")
                    yield DetailsPanel(id="details")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._populate()

    async def reload(self) -> None:
        """Read the files again and rebuild the panes (after `uv lock`, or a fixed error)."""
        self.workers.cancel_group(self, "outdated")
        self.checking = False
        self.loaded = load(self.config.project_path)
        self._releases.clear()
        await self.recompose()
        self._populate()

    def _populate(self) -> None:
        header = self.query_one(ProjectHeader)
        header.exclude_newer = self._exclude_newer()
        header.show(self.loaded, self.path_label, self.run_target)
        if not self.has_panes:
            self._show_problem()
            return
        project = self.loaded.project
        assert project is not None
        self.query_one("#filter", Input).display = False
        rows = local_rows(project, self.loaded.lock, include_transitive=True)
        self._base_rows = {row_key(row): row for row in rows}
        table = self.query_one(DependencyTable)
        table.short_markers = self._short_markers(rows)
        table.set_rows(rows)
        self.query_one(LockTree).show_lock(self.loaded.lock)
        table.focus()  # after a reload; the first time AUTO_FOCUS already did it (no-op then)
        # After the first paint: the workers import the HTTP stack, which would hold the GIL
        # while the panes are drawn.
        self.call_after_refresh(self._show_selected)
        self.call_after_refresh(self.start_check)

    def _exclude_newer(self) -> str | None:
        """The header's note of uv's exclude-newer cut-off, when the project has one."""
        from uvtui.core.project.exclude_newer import exclude_newer_for

        project = self.loaded.project
        if project is None or self.loaded.error is not None:
            return None
        found = exclude_newer_for(project, self.loaded.lock, self.config.environ)
        return found.describe() if found else None

    def _short_markers(self, rows: list[OutdatedRow]) -> dict[tuple[str, str | None], str]:
        lock = self.loaded.lock
        markers: dict[tuple[str, str | None], str] = {}
        for row in rows:
            package = lock.get(row.name, row.locked) if lock and row.marker else None
            marker = lock.package_markers(package) if lock and package else None
            if marker:
                markers[(row.name, row.locked)] = marker
        return markers

    def on_unmount(self) -> None:
        if self._client is not None:
            self._client.close()

    def _show_problem(self) -> None:
        panel = self.query_one(ProblemPanel)
        if self.loaded.error is not None:
            panel.update(error_text(self.loaded.error))
            self.query_one(StatusLine).show("error: nothing loaded, nothing written")
        else:
            panel.update(pip_project_text(self.loaded.root, self.loaded.requirement_files))
            self.query_one(StatusLine).show("pip project: press M to migrate")

    # -- index checks -------------------------------------------------------------------------

    def _index_client(self) -> IndexClient:
        """Built on first use, off the UI thread: the HTTP stack is slow to import."""
        with self._client_lock:
            if self._client is None:
                from uvtui.core.index.client import IndexClient
                from uvtui.core.index.config import resolve_indexes

                assert self.loaded.project is not None
                settings = resolve_indexes(self.loaded.project, self.config.environ)
                self._client = IndexClient(
                    settings,
                    cache_dir=self.config.cache_dir,
                    offline=self.config.offline,
                    environ=self.config.environ,
                )
            return self._client

    def start_check(self) -> None:
        pending = [row for row in self._base_rows.values() if row.status is CheckStatus.PENDING]
        names = {row.name for row in pending}
        total = len(names)
        if not total:
            self.query_one(StatusLine).show("nothing to check on the index")
            return
        self.checking = True
        table = self.query_one(DependencyTable)
        if any(
            row.status is not CheckStatus.PENDING for row in table.all_rows if row.name in names
        ):
            self._show_rows(pending)  # a re-check: back to "checking" until answers come
        self.query_one(StatusLine).show(f"{self._mode}checking 0/{total}…", 0, total)
        self.check_index(pending, self.allow_prereleases)

    @property
    def _mode(self) -> str:
        return "offline · " if self.config.offline else ""

    @work(thread=True, exclusive=True, group="outdated", exit_on_error=False)
    def check_index(self, pending: list[OutdatedRow], allow_prereleases: bool) -> None:
        """The core's check (`check_outdated`, as the CLI runs it), its rows and releases
        posted in batches."""
        worker = get_current_worker()
        total = len({row.name for row in pending})
        batch: list[OutdatedRow] = []
        batch_releases: dict[str, PackageReleases] = {}
        reasons: list[str] = []
        state = {"done": 0, "flushed_at": time.monotonic()}

        def flush() -> None:
            if batch and not worker.is_cancelled:
                self.post_message(
                    RowsChecked(list(batch), dict(batch_releases), state["done"], total)
                )
            batch.clear()
            batch_releases.clear()
            state["flushed_at"] = time.monotonic()

        def on_row(row: OutdatedRow) -> None:
            if row.status is not CheckStatus.NOT_REGISTRY:  # those never left the table
                batch.append(row)

        def on_answer(name: str, answer: PackageReleases | PackageIndexError) -> None:
            # called under check_outdated's lock, after the rows of `name`
            state["done"] += 1
            if isinstance(answer, PackageIndexError):
                reasons.append(answer.message)
            else:
                batch_releases[name] = answer
            if time.monotonic() - state["flushed_at"] >= BATCH_SECONDS:
                flush()

        try:
            source: ReleaseSource = self._index_client()
        except UvtuiError as error:  # e.g. a package pinned to an index that is not defined
            source = _Failing(PackageIndexError(error.message))
        self._check(source, allow_prereleases, on_row=on_row, on_answer=on_answer)
        flush()
        if not worker.is_cancelled:
            self.post_message(CheckFinished(len(reasons), reasons[0] if reasons else None))

    def _check(
        self,
        source: ReleaseSource,
        allow_prereleases: bool,
        **callbacks: Callable[..., None],
    ) -> list[OutdatedRow]:
        assert self.loaded.project is not None
        return check_outdated(
            self.loaded.project,
            self.loaded.lock,
            source,
            include_transitive=True,
            allow_prereleases=allow_prereleases,
            environ=self.config.environ,
            **callbacks,
        )

    def _show_rows(self, rows: list[OutdatedRow]) -> None:
        """New answers for some rows: their cells in the table, their markers in the tree."""
        self.query_one(DependencyTable).update_rows(rows)
        self.query_one(LockTree).show_updates(rows)

    def on_rows_checked(self, message: RowsChecked) -> None:
        self._releases.update(message.releases)
        self._show_rows(message.rows)
        self.query_one(StatusLine).show(
            f"{self._mode}checked {message.done}/{message.total}", message.done, message.total
        )
        self._show_selected()

    def on_check_finished(self, message: CheckFinished) -> None:
        self.checking = False
        table = self.query_one(DependencyTable)
        checked = len({row.name for row in table.all_rows if row.status is not CheckStatus.PENDING})
        outdated = sum(1 for row in table.all_rows if row.direct and is_outdated(row))
        if self.loaded.lock is None:
            text = (
                f"{self._mode}no uv.lock: press L to lock · checked {checked} · "
                f"{outdated} held back by their constraint"
            )
        else:
            text = f"{self._mode}checked {checked} packages · {outdated} direct outdated"
        if message.unknown:
            text += f" · {message.unknown} unknown: {message.unknown_reason}"
        self.query_one(StatusLine).show(text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        message = worker_error_message(event.worker.error)
        if event.worker.group == "outdated":
            self.checking = False
            self.query_one(StatusLine).show(f"index check failed: {message}")
        self.notify(message, title="uvtui", severity="error")

    # -- details ------------------------------------------------------------------------------

    def _selected_row(self) -> OutdatedRow | None:
        focused = self.focused
        if isinstance(focused, LockTree):
            node = focused.cursor_node
            if node is not None and isinstance(node.data, PackageNode):
                package = node.data.package
                table = self.query_one(DependencyTable)
                for row in table.all_rows:
                    if row.name == package.name and row.locked == package.version:
                        return row
        return self.query_one(DependencyTable).selected

    def _show_selected(self) -> None:
        if not self.has_panes:
            return
        row = self._selected_row()
        info = self._index_info.get(row.name) if row else None
        releases = self._releases.get(row.name) if row else None
        self.query_one(DetailsPanel).show(row, releases, self.loaded.lock, info)
        if row is not None and info is None and row.source_kind in {"registry", ""}:
            self._schedule_details(row.name)

    def _schedule_details(self, name: str) -> None:
        """Ask the index for a summary once the selection rests (not for every row scrolled by)."""
        if self._details_timer is not None:
            self._details_timer.stop()
        self.details_pending = name
        self._details_timer = self.set_timer(DETAILS_DELAY, self._start_details)

    def _start_details(self) -> None:
        name, self.details_pending, self._details_timer = self.details_pending, None, None
        if name is not None:
            self.load_details(name)

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def load_details(self, name: str) -> None:
        try:
            details = self._index_client().details(name)
        except UvtuiError as error:
            self.post_message(DetailsLoaded(name, None, None, None, error=error.message))
            return
        if details is None:
            self.post_message(DetailsLoaded(name, None, None, None))
        else:
            self.post_message(
                DetailsLoaded(name, details.summary, details.homepage, details.changelog_url)
            )

    def on_details_loaded(self, message: DetailsLoaded) -> None:
        summary = (
            message.summary if message.error is None else f"(summary unavailable: {message.error})"
        )
        self._index_info[message.name] = (summary, message.homepage, message.changelog)
        self._show_selected()

    @on(DataTable.RowHighlighted, "#deps")
    def _on_row_highlighted(self) -> None:
        self._show_selected()

    @on(Tree.NodeHighlighted, "#tree")
    def _on_node_highlighted(self) -> None:
        self._show_selected()

    def on_descendant_focus(self) -> None:
        self._show_selected()

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PANE_ACTIONS and not self.has_panes:
            return False
        if action == "run_uv_install":
            return self._project_action("uv_install") is not None
        return action != "migrate" or bool(self.loaded.requirement_files)

    def action_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.display = True
        self._fit_panes()
        self.set_focus(filter_input)  # now: focus() would wait until the queued keys are handed out

    def action_clear_filter(self) -> None:
        if not self.has_panes:
            return
        filter_input = self.query_one("#filter", Input)
        filter_input.value = ""
        filter_input.display = False
        self._fit_panes()
        self.set_focus(self.query_one(DependencyTable))

    @on(Input.Changed, "#filter")
    def _on_filter_changed(self, event: Input.Changed) -> None:
        table = self.query_one(DependencyTable)
        table.filter_text = event.value.strip()
        table.rebuild()

    @on(Input.Submitted, "#filter")
    def _on_filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.display = False
            self._fit_panes()
        self.set_focus(self.query_one(DependencyTable))

    def action_toggle_outdated(self) -> None:
        table = self.query_one(DependencyTable)
        table.only_outdated = not table.only_outdated
        table.rebuild()

    def action_toggle_transitive(self) -> None:
        table = self.query_one(DependencyTable)
        table.include_transitive = not table.include_transitive
        table.rebuild()

    def action_toggle_prereleases(self) -> None:
        """Re-judge rows from the releases already fetched: no network."""
        self.allow_prereleases = not self.allow_prereleases
        rows = self._check(KnownReleases(self._releases), self.allow_prereleases)
        refilled = [row for row in rows if row.name in self._releases]
        table = self.query_one(DependencyTable)
        table.allow_prereleases = self.allow_prereleases
        self._show_rows(refilled)
        table.show_view_title()
        self._show_selected()

    def action_toggle_side(self) -> None:
        self.side_choice = not self.query_one("#side-pane").display
        self._fit_panes()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_panes)

    def on_dependency_table_view_changed(self) -> None:
        self._fit_panes()

    def _fit_panes(self) -> None:
        """Table as high as its rows need, tree and details below it or collapsed (see
        pane_layout); beside it on wide terminals."""
        if not self.has_panes:
            return
        table = self.query_one(DependencyTable)
        table_pane, side = self.query_one("#table-pane"), self.query_one("#side-pane")
        available = self.query_one("#panes").size.height
        if not available:
            return
        if self.has_class("-wide"):
            heights = PaneHeights(None, self.side_choice is not False)
        else:
            filter_lines = 3 if self.query_one("#filter").display else 0
            needs = table.row_count + table.header_height + 2 + filter_lines  # 2: the border
            heights = pane_heights(available, needs, self.app.size.height, self.side_choice)
        side.display = heights.side_shown
        table_pane.styles.height = "1fr" if heights.table is None else heights.table
        table.border_subtitle = "" if heights.side_shown else "d: tree and details"
        if not heights.side_shown and self.focused is not None and side in self.focused.ancestors:
            self.set_focus(table)

    def action_why(self) -> None:
        from uvtui.core.project.why import why_installed
        from uvtui.tui.screens.why import WhyScreen

        row = self._selected_row()
        if row is None:
            return
        if self.loaded.lock is None:
            self.notify("No uv.lock: press L to lock first.", severity="warning")
            return
        result = why_installed(self.loaded.lock, row.name, row.locked)
        title = f"{row.name} {row.locked}" if row.locked else row.name
        self.app.push_screen(WhyScreen(title, result))

    async def action_recheck(self) -> None:
        if self.has_panes:
            self.start_check()
        else:
            await self.reload()

    def action_lock(self) -> None:
        from uvtui.tui.screens.confirm import ConfirmScreen

        detail = "uv resolves the dependencies and writes uv.lock; pyproject.toml is not changed."
        self.app.push_screen(
            ConfirmScreen(f"Run `uv lock` in {self.path_label}?", detail, "Lock"),
            self._lock_confirmed,
        )

    def _lock_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.query_one(StatusLine).show("running uv lock…")
            self.run_uv_lock()

    @work(thread=True, exclusive=True, group="uv", exit_on_error=False)
    def run_uv_lock(self) -> None:
        from uvtui.core.uvrun import run_uv

        args = ["lock", "--offline"] if self.config.offline else ["lock"]
        try:
            run_uv(args, cwd=self.loaded.root, env=self.config.environ, timeout=600, check=True)
        except UvtuiError as error:
            self.post_message(LockFinished(error.message))
        else:
            self.post_message(LockFinished(None))

    async def on_lock_finished(self, message: LockFinished) -> None:
        if message.error is not None:
            self.query_one(StatusLine).show("uv lock failed: nothing changed")
            self.notify(message.error, title="uv lock", severity="error", timeout=15)
            return
        self.notify("uv.lock written", title="uv lock")
        await self.reload()

    def action_migrate(self) -> None:
        from uvtui.tui.screens.migrate import MigrateScreen

        wizard = MigrateScreen(self.loaded.root, env=self.config.environ)
        self.app.push_screen(wizard, self._migrated)

    async def _migrated(self, written: bool | None) -> None:
        if written:
            await self.reload()
