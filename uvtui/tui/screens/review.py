"""One review of every change before it is written: each file's unified diff, the uv.lock
change table and uv's messages. Enter confirms, Escape leaves everything as it was."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from uvtui.tui.widgets.diff_view import DiffView

if TYPE_CHECKING:
    from uvtui.core.edits.lock_changes import LockChange
    from uvtui.core.edits.plan import EditPlan

_KIND_STYLES = {"added": "green", "removed": "red", "downgraded": "yellow"}
_UPDATE_STYLES = {"patch": "green", "minor": "yellow", "major": "red"}


class ReviewScreen(ModalScreen[bool]):
    """Dismissed with True when the user confirms, False when they leave."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Write", priority=True, tooltip="Write the change"),
        Binding("escape", "cancel", "Cancel", tooltip="Leave everything as it was"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
    ]

    def __init__(self, plan: EditPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        files = ", ".join(plan.change_plan.paths) or "no file"
        with Vertical(id="review-dialog"):
            yield Static(
                Text.assemble((plan.description, "bold"), f"  ·  writes {files}"),
                id="review-title",
            )
            yield DiffView(id="review-diff")
            yield DataTable(id="review-lock", cursor_type="row", zebra_stripes=True)
            yield Static(self._messages(), id="review-messages", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DiffView).show_diff(self.plan.diff(), empty="No file changes.")
        table = self.query_one("#review-lock", DataTable)
        table.border_title = f"uv.lock: {len(self.plan.lock_changes)} change(s)"
        for label in ("Package", "Old", "New", "Change"):
            table.add_column(label, key=label.lower())
        for change in self.plan.lock_changes:
            table.add_row(*_lock_cells(change))
        self.query_one(DiffView).focus()

    def _messages(self) -> Text:
        text = Text()
        for note in self.plan.notes:
            text.append(f"⚠ {note}\n", style="yellow")
        for line in self.plan.uv_messages.splitlines():
            text.append(f"uv: {line}\n", style="dim")
        text.append("Enter writes these changes (with a backup, undo with u) · Escape cancels")
        return text

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def _lock_cells(change: LockChange) -> tuple[Text, ...]:
    label = change.kind + (f" ({change.update.value})" if change.update else "")
    style = _UPDATE_STYLES.get(change.update.value, "") if change.update else ""
    return (
        Text(change.name),
        Text(change.old or "-", style="dim" if change.old is None else ""),
        Text(change.new or "-", style="dim" if change.new is None else ""),
        Text(label, style=_KIND_STYLES.get(change.kind, style)),
    )
