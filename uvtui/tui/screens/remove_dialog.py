"""Which declarations of a package to remove, when it is declared in several places."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList

from uvtui.core.project.model import EXTRA_PREFIX, MAIN_GROUP

# (workspace member, group label) of one declaration.
Place = tuple[str, str]


class RemoveScreen(ModalScreen[list[Place] | None]):
    """Every place checked at first (remove all); space unchecks, Enter removes the checked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "remove", "Remove", priority=True),
        Binding("escape", "cancel", "Cancel", tooltip="Remove nothing"),
    ]

    def __init__(self, name: str, places: list[Place], *, workspace: bool) -> None:
        super().__init__()
        self._name = name
        self._places = places
        self._workspace = workspace

    def compose(self) -> ComposeResult:
        with Vertical(id="remove-dialog"):
            yield Label(f"Remove {self._name} from (space toggles, Enter removes):")
            yield SelectionList[int](
                *(
                    (_label(place, self._workspace), index, True)
                    for index, place in enumerate(self._places)
                ),
                id="remove-places",
            )
            yield Label("", id="remove-error")

    def action_remove(self) -> None:
        chosen = self.query_one(SelectionList).selected
        if not chosen:
            self.query_one("#remove-error", Label).update("check at least one place")
            return
        self.dismiss([self._places[index] for index in sorted(chosen)])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _label(place: Place, workspace: bool) -> str:
    member, group = place
    if group == MAIN_GROUP:
        where = "dependencies"
    elif group.startswith(EXTRA_PREFIX):
        where = f"extra {group.removeprefix(EXTRA_PREFIX)}"
    else:
        where = f"group {group}"
    return f"{where} ({member})" if workspace else where
