"""A command's live log: output as it arrives, follow, search, elapsed time, cancel, banner."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from uvtui.core.containers.output import OutputLine
from uvtui.core.containers.runner import Run, RunResult
from uvtui.core.errors import UvtuiError
from uvtui.tui.messages import RunFinished, RunStarted
from uvtui.tui.widgets.log_view import SCROLLBACK_LINES, LogView

BATCH_SECONDS = 0.05  # output is handed to the view this often, in one write
TICK_SECONDS = 0.5  # the elapsed time is redrawn at least this often while running

# Starts the run (in the worker thread: finding a container talks to Docker) and returns it
# with a function that releases what it needed (a one-off container).
StartRun = Callable[[], tuple[Run, Callable[[], None]]]


class LogScreen(Screen[RunResult | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cancel", "Cancel", tooltip="Stop the command (in the container too)"),
        Binding("slash", "search", "Search", tooltip="Find a line"),
        Binding("n", "find_next", "Next", show=False, tooltip="Next match"),
        Binding("N", "find_previous", "Previous", show=False, tooltip="Previous match"),
        Binding("escape,q", "close", "Back", tooltip="Back (once the command has ended)"),
    ]

    def __init__(
        self,
        title: str,
        start: StartRun,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_lines: int = SCROLLBACK_LINES,
    ) -> None:
        super().__init__()
        self.title_text = title
        self._start = start
        self._clock = clock
        self._max_lines = max_lines
        self.target = "…"
        self.current_run: Run | None = None
        self.result: RunResult | None = None
        self.error: str | None = None
        self.started = clock()
        self.ended: float | None = None
        self.cancelling = False
        self._ticker: Timer | None = None
        self._lock = threading.Lock()
        self._pending: list[OutputLine] = []  # arrived, not yet shown
        self._skipped = 0  # arrived and dropped before being shown (scroll-back overflow)
        self._progress = ""
        self._shown_progress = ""
        self._status_at = 0.0

    @property
    def running(self) -> bool:
        return self.ended is None

    def compose(self) -> ComposeResult:
        yield Static(self._header_text(), id="log-header")
        yield LogView(max_lines=self._max_lines, id="log")
        yield Static("", id="log-progress")
        yield Input(placeholder="find (enter: next match, escape: close)", id="log-search")
        yield Static(self._status_text(), id="log-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # A flood allocates fast, and full collections then walk the whole widget tree, stalling
        # keypresses for 50-150 ms; frozen, what exists now is left out of those walks.
        gc.freeze()
        self.query_one("#log-search", Input).display = False
        self.query_one("#log-progress", Static).display = False
        self.query_one(LogView).focus()
        self._ticker = self.set_interval(BATCH_SECONDS, self._drain)
        self.stream()

    # -- the worker ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def stream(self) -> None:
        try:
            run, release = self._start()
        except UvtuiError as error:
            self.post_message(RunFinished(None, error.message))
            return
        self.current_run = run
        self.post_message(RunStarted(run.target))
        try:
            for update in run.updates():
                self._take(update.lines, update.progress)
                time.sleep(0)  # hand the GIL to the UI thread between chunks of a flood
            self.post_message(RunFinished(run.result))
        except UvtuiError as error:
            self.post_message(RunFinished(None, error.message))
        finally:
            release()

    def _take(self, lines: list[OutputLine], progress: str) -> None:
        """Worker side: keep lines for the next drain, at most one scroll-back's worth."""
        with self._lock:
            self._pending.extend(lines)
            if len(self._pending) > self._max_lines:
                self._skipped += len(self._pending) - self._max_lines
                del self._pending[: -self._max_lines]
            self._progress = progress

    def _drain(self) -> None:
        """UI side, every BATCH_SECONDS: one write for everything that arrived since."""
        with self._lock:
            lines, skipped, progress = self._pending, self._skipped, self._progress
            self._pending, self._skipped = [], 0
        view = self.query_one(LogView)
        view.written += skipped
        view.append(lines)
        bar = self.query_one("#log-progress", Static)
        bar.display = bool(progress) and self.running
        if progress != self._shown_progress:
            self._shown_progress = progress
            bar.update(Text.from_ansi(progress, no_wrap=True, end=""))
        now = time.monotonic()
        if lines or skipped or now - self._status_at >= TICK_SECONDS:
            self._status_at = now
            self.query_one("#log-status", Static).update(self._status_text())

    def on_run_started(self, message: RunStarted) -> None:
        self.target = message.target
        self.query_one("#log-header", Static).update(self._header_text())

    def on_run_finished(self, message: RunFinished) -> None:
        self.ended = self._clock()
        self.result, self.error = message.result, message.error
        if self._ticker is not None:
            self._ticker.stop()
        self._progress = ""
        self._drain()
        self.query_one("#log-progress", Static).display = False
        status = self.query_one("#log-status", Static)
        status.set_class(self.result is not None and self.result.ok, "-ok")
        status.set_class(self.result is None or not self.result.ok, "-failed")
        status.update(self._status_text())
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and self.running:
            self.on_run_finished(RunFinished(None, f"internal error: {event.worker.error!r}"))

    # -- texts --------------------------------------------------------------------------------

    def _header_text(self) -> Text:
        text = Text()
        text.append(self.title_text, style="bold")
        text.append(f"  on {self.target}", style="dim")
        return text

    def _elapsed(self) -> float:
        return (self.ended if self.ended is not None else self._clock()) - self.started

    def _status_text(self) -> Text:
        if not self.is_mounted:
            return Text("starting…")
        view = self.query_one(LogView)
        counts = f"{view.written:,} lines"
        if view.dropped:
            counts += f" · {view.dropped:,} lines dropped (scroll-back keeps {view.max_lines:,})"
        elapsed = f"{self._elapsed():.1f} s"
        if self.running:
            state = "cancelling" if self.cancelling else "running"
            follow = "following" if view.following else "paused (end: follow)"
            return Text(f"● {state} · {elapsed} · {counts} · {follow}")
        return Text(f"{self._banner()} · {counts}")

    def _banner(self) -> str:
        result = self.result
        if result is None:
            started = self.current_run is not None
            return f"✗ {'stopped' if started else 'could not run'}: {self.error}"
        log = f" · log: {result.log_path}" if result.log_path is not None else ""
        mark = "■" if result.cancelled else "✓" if result.ok else "✗"
        return f"{mark} {result.summary(self._elapsed())}{log}"

    def _tick(self) -> None:
        self.query_one("#log-status", Static).update(self._status_text())

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        return True

    def action_cancel(self) -> None:
        if self.current_run is None or not self.running or self.cancelling:
            return
        self.cancelling = True
        self.current_run.cancel()
        self._tick()
        self.notify("Stopping the command…", timeout=2)

    def action_close(self) -> None:
        search = self.query_one("#log-search", Input)
        if search.has_focus:
            search.display = False
            self.query_one(LogView).focus()
            return
        if self.running:
            self.notify("Still running: press c to cancel it first.", severity="warning")
            return
        self.dismiss(self.result)

    def action_search(self) -> None:
        search = self.query_one("#log-search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#log-search")
    def _on_search(self, event: Input.Submitted) -> None:
        self._find(event.value, backwards=False)

    def action_find_next(self) -> None:
        self._find(self.query_one(LogView).search_text, backwards=False)

    def action_find_previous(self) -> None:
        self._find(self.query_one(LogView).search_text, backwards=True)

    def _find(self, text: str, *, backwards: bool) -> None:
        if not text:
            return
        if self.query_one(LogView).find(text, backwards=backwards) is None:
            self.notify(f"not found: {text}", severity="warning", timeout=2)
        self._tick()
