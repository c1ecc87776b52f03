"""The add dialog: a requirement (name, name[extra], name>=x) and where it goes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from packaging.requirements import InvalidRequirement, Requirement
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from uvtui.core.errors import UvtuiError
from uvtui.core.project.model import EXTRA_PREFIX, LEGACY_DEV_GROUP, MAIN_GROUP

NEW_GROUP = "(new group)"
VERSIONS_SHOWN = 30
LOOKUP_DELAY = 0.4  # seconds the name must rest before the index is asked for its versions

# name -> (version, note) newest first; note is "yanked", "pre-release" or "".
VersionLister = Callable[[str], list[tuple[str, str]]]


@dataclass(frozen=True)
class AddRequest:
    requirement: str
    group: str | None = None
    extra: str | None = None
    member: str | None = None  # a workspace member; None for the root


class AddScreen(ModalScreen[AddRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Add nothing"),
    ]

    def __init__(
        self,
        groups: list[str],
        versions: VersionLister | None = None,
        members: list[str] | None = None,
    ) -> None:
        """`members`: the workspace's member names, root first (the default); none or one
        hides the choice."""
        super().__init__()
        self._members = members or []
        self._versions = versions
        self._lookup: Timer | None = None
        labels = [g for g in dict.fromkeys(groups) if g not in (MAIN_GROUP, LEGACY_DEV_GROUP)]
        self._targets = [("dependencies", MAIN_GROUP)]
        self._targets += [(_label(group), group) for group in sorted(labels)]
        self._targets.append(("new group…", NEW_GROUP))

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog"):
            yield Label("Add a package (name, name[extra] or name>=x), then Enter")
            yield Input(placeholder="e.g. httpx>=0.27", id="add-requirement")
            yield OptionList(id="add-versions")
            yield Select(self._targets, value=MAIN_GROUP, allow_blank=False, id="add-target")
            if len(self._members) > 1:
                yield Select(
                    [(f"member {m}" + (" (root)" if i == 0 else ""), m)
                     for i, m in enumerate(self._members)],
                    value=self._members[0],
                    allow_blank=False,
                    id="add-member",
                )  # fmt: skip
            yield Input(placeholder="new group name", id="add-new-group")
            yield Label("", id="add-error")

    def on_mount(self) -> None:
        self.query_one("#add-new-group", Input).display = False
        self.query_one(OptionList).display = False
        self.query_one("#add-requirement", Input).focus()

    @on(Input.Changed, "#add-requirement")
    def _name_changed(self, event: Input.Changed) -> None:
        """A bare name, once typing rests: list its versions from the index to pick one."""
        if self._lookup is not None:
            self._lookup.stop()
        self.query_one(OptionList).display = False
        try:
            requirement = Requirement(event.value.strip())
        except InvalidRequirement:
            return
        if self._versions is None or requirement.specifier or requirement.url:
            return
        name = requirement.name
        self._lookup = self.set_timer(LOOKUP_DELAY, lambda: self.list_versions(name))

    @work(thread=True, exclusive=True, group="add-versions", exit_on_error=False)
    def list_versions(self, name: str) -> None:
        assert self._versions is not None
        try:
            found = self._versions(name)[:VERSIONS_SHOWN]
        except UvtuiError as error:
            self.app.call_from_thread(self._show_error, error.message)
            return
        self.app.call_from_thread(self._show_versions, name, found)

    def _show_error(self, message: str) -> None:
        self.query_one("#add-error", Label).update(message)

    def _show_versions(self, name: str, found: list[tuple[str, str]]) -> None:
        versions = self.query_one(OptionList)
        versions.clear_options()
        versions.add_options(
            Option(f"{version}  {note}".rstrip(), id=f"{name}=={version}")
            for version, note in found
        )
        versions.display = bool(found)
        self.query_one("#add-error", Label).update("")

    @on(OptionList.OptionSelected, "#add-versions")
    def _version_picked(self, event: OptionList.OptionSelected) -> None:
        requirement = self.query_one("#add-requirement", Input)
        requirement.value = event.option.id or requirement.value
        self.query_one(OptionList).display = False
        requirement.focus()

    @on(Select.Changed, "#add-target")
    def _target_changed(self, event: Select.Changed) -> None:
        new_group = self.query_one("#add-new-group", Input)
        new_group.display = event.value == NEW_GROUP
        if new_group.display:
            new_group.focus()

    def on_input_submitted(self) -> None:
        text = self.query_one("#add-requirement", Input).value.strip()
        error = self.query_one("#add-error", Label)
        try:
            Requirement(text)
        except InvalidRequirement as problem:
            error.update(f"not a valid requirement: {problem}")
            return
        target = self.query_one("#add-target", Select).value
        member = self._member()
        if target == NEW_GROUP:
            name = self.query_one("#add-new-group", Input).value.strip()
            if not name:
                error.update("name the new group")
                return
            self.dismiss(AddRequest(text, group=name, member=member))
        elif isinstance(target, str) and target.startswith(EXTRA_PREFIX):
            extra = target.removeprefix(EXTRA_PREFIX)
            self.dismiss(AddRequest(text, extra=extra, member=member))
        elif target == MAIN_GROUP:
            self.dismiss(AddRequest(text, member=member))
        else:
            self.dismiss(AddRequest(text, group=str(target), member=member))

    def _member(self) -> str | None:
        """The chosen workspace member, None for the root."""
        if len(self._members) < 2:
            return None
        chosen = self.query_one("#add-member", Select).value
        return None if chosen == self._members[0] else str(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _label(group: str) -> str:
    if group.startswith(EXTRA_PREFIX):
        return f"extra {group.removeprefix(EXTRA_PREFIX)}"
    return f"group {group}"
