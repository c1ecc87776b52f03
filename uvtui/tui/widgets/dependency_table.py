"""The declared (and optionally transitive) dependencies with their outdated markers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from uvtui.core.project.outdated import OutdatedRow
from uvtui.tui.formatting import (
    MARKER_TEXTS,
    is_outdated,
    update_cell,
    update_weight,
    version_key,
)

MARKER_WIDTH = 28  # a forked row shows its marker after the name, cut to keep the column narrow


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort_key: Callable[[OutdatedRow], Any]


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", lambda row: (row.name, version_key(row.locked))),
    Column("group", "Group", lambda row: (_groups(row), row.name)),
    Column("constraint", "Constraint", lambda row: (row.constraint or "", row.name)),
    Column("locked", "Locked", lambda row: (version_key(row.locked), row.name)),
    Column("compatible", "Compatible", lambda row: (version_key(row.latest_compatible), row.name)),
    Column("latest", "Latest", lambda row: (version_key(row.latest), row.name)),
    # Most urgent first without having to reverse the sort.
    Column("update", "Update", lambda row: (-update_weight(row), row.name)),
)


# Dropped in this order while the columns do not fit the width (80-column terminals); the
# name, locked version and update marker always show.
DROP_ORDER = ("group", "compatible", "constraint", "latest")
NAME_MIN_WIDTH = 16  # a name wider than what is left is cut to this, never the update word

# The columns that index answers fill in; the others come from local files only.
INDEX_COLUMNS = ("compatible", "latest", "update")
# Wide enough for every marker from the start, so the column does not jump as answers come.
UPDATE_WIDTH = max(len(text) for text in MARKER_TEXTS)


def row_key(row: OutdatedRow) -> str:
    return f"{row.name}@{row.locked}@{row.marker}"


def _groups(row: OutdatedRow) -> str:
    return ", ".join(row.groups) if row.groups else "(transitive)"


MARK = "● "  # before the name of a row marked for a bump or a removal


def _name_cell(row: OutdatedRow, marker: str | None, marked: bool = False) -> Text:
    text = Text(MARK, style="bold cyan") if marked else Text()
    text.append(row.name)
    if marker:
        marker = marker.replace("python_full_version", "python").replace("python_version", "python")
        shown = marker if len(marker) <= MARKER_WIDTH else marker[: MARKER_WIDTH - 1] + "…"
        text.append(f" ; {shown}", style="dim")
    return text


def _label_width(column: Column) -> int:
    """The label with room for the sort arrow, so sorting never changes the widths."""
    width = len(column.label) + 2
    return max(width, UPDATE_WIDTH) if column.key == "update" else width


def _cells(row: OutdatedRow, marker: str | None, marked: bool = False) -> dict[str, Text]:
    # Text, never str: DataTable parses a str cell as markup, which is slow and would eat a
    # "[...]" in the cell.
    return {
        "name": _name_cell(row, marker, marked),
        "group": Text(_groups(row), style="" if row.groups else "dim italic"),
        "constraint": Text(row.constraint) if row.constraint else Text("(any)", style="dim"),
        "locked": Text(row.locked) if row.locked else Text("(not locked)", style="dim"),
        "compatible": Text(row.latest_compatible or ""),
        "latest": Text(row.latest or ""),
        "update": update_cell(row),
    }


class DependencyTable(DataTable[Text]):
    """Rows are `OutdatedRow`s; the view (filter, sort, toggles) is rebuilt from them on change.

    Column widths are computed here from the cells' lengths (every cell is one line of Text), so
    DataTable never measures cells by rendering them: that took longer than drawing the table.
    """

    class ViewChanged(Message):
        """The rows shown changed (filter, toggles, answers): the screen may resize the pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", show=False, tooltip="Sort by the next column"),
        Binding("S", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._rows: dict[str, OutdatedRow] = {}
        self.filter_text = ""
        self.only_outdated = False
        self.include_transitive = False
        self.allow_prereleases = False  # judged by the screen; shown in the title
        self.sort_column = "name"
        self.sort_reverse = False
        self.hidden_columns: frozenset[str] = frozenset()  # dropped for lack of width
        self._natural_widths: dict[str, int] = {}  # what each column needs for the rows shown
        # Short markers of forked rows (the edge marker from uv.lock), by (name, version).
        self.short_markers: dict[tuple[str, str | None], str] = {}
        self.marked: set[str] = set()  # row keys marked with space (see screens/changes.py)

    @property
    def shown_columns(self) -> list[Column]:
        return [c for c in COLUMNS if c.key not in self.hidden_columns]

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for column in self.shown_columns:
            width = self._natural_widths.get(column.key, _label_width(column))
            self.add_column(column.label, key=column.key, width=width)

    def on_resize(self) -> None:
        if self.size.width and self._fitting_hidden() != self.hidden_columns:
            self.rebuild(keep_scroll=True)

    def _fitting_hidden(self) -> frozenset[str]:
        """The columns to drop so that the others fit the width, in DROP_ORDER."""
        available = self.size.width - self.styles.scrollbar_size_vertical
        if available <= 0:
            return self.hidden_columns  # not laid out yet
        widths = {c.key: self._natural_widths.get(c.key, _label_width(c)) for c in COLUMNS}
        hidden: set[str] = set()
        for key in DROP_ORDER:
            if self._total_width(widths, hidden) <= available:
                break
            hidden.add(key)
        return frozenset(hidden)

    def _total_width(self, widths: dict[str, int], hidden: set[str] | frozenset[str]) -> int:
        padding = 2 * self.cell_padding
        return sum(width + padding for key, width in widths.items() if key not in hidden)

    @property
    def all_rows(self) -> list[OutdatedRow]:
        return list(self._rows.values())

    @property
    def visible_rows(self) -> list[OutdatedRow]:
        return [self._rows[str(key.value)] for key in self.rows]

    @property
    def selected(self) -> OutdatedRow | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return self._rows.get(str(key.value))

    def set_rows(self, rows: Iterable[OutdatedRow]) -> None:
        self._rows = {row_key(row): row for row in rows}
        self.rebuild()

    def update_rows(self, rows: Iterable[OutdatedRow]) -> None:
        """Index answers for some rows: cells change in place unless the view depends on them."""
        rows = list(rows)
        for row in rows:
            self._rows[row_key(row)] = row
        if self.only_outdated or self.sort_column in INDEX_COLUMNS:
            self.rebuild(keep_scroll=True)
            return
        shown = [key for key in INDEX_COLUMNS if key in self.columns]
        widened = False
        for row in rows:
            key = row_key(row)
            if key not in self.rows:
                continue  # filtered out of the view
            cells = _cells(row, None)
            for column_key in shown:
                self.update_cell(key, column_key, cells[column_key])
                widened |= self._widen(column_key, cells[column_key].cell_len)
        if widened and self._fitting_hidden() != self.hidden_columns:
            self.rebuild(keep_scroll=True)
        elif widened:
            self._fit_name_column()
            self._fit_virtual_size()

    def shows(self, row: OutdatedRow) -> bool:
        if not self.include_transitive and not row.direct:
            return False
        if self.only_outdated and not is_outdated(row):
            return False
        return self.filter_text.lower() in row.name

    def rebuild(self, keep_scroll: bool = False) -> None:
        """Re-apply filter and sort, keeping the cursor on the same package when it stays.

        With ``keep_scroll`` (index answers arriving) the view does not move under the reader.
        """
        selected = self.selected
        scroll_y = self.scroll_y
        column = next(c for c in COLUMNS if c.key == self.sort_column)
        rows = sorted(
            (row for row in self._rows.values() if self.shows(row)),
            key=column.sort_key,
            reverse=self.sort_reverse,
        )
        cells = [
            _cells(
                row,
                self.short_markers.get((row.name, row.locked), row.marker),
                row_key(row) in self.marked,
            )
            for row in rows
        ]
        # Widths follow what is shown now, not every state the table went through.
        self._natural_widths = {
            c.key: max([_label_width(c), *(row_cells[c.key].cell_len for row_cells in cells)])
            for c in COLUMNS
        }
        hidden = self._fitting_hidden()
        if hidden != self.hidden_columns:
            self.hidden_columns = hidden
            self.clear(columns=True)
            self._add_columns()
        else:
            self.clear()
        self._label_sorted_column()
        keys = [column.key for column in self.shown_columns]
        for key in keys:
            self.columns[key].width = self._natural_widths[key]
        self._fit_name_column()
        for row, row_cells in zip(rows, cells, strict=True):
            self.add_row(*(row_cells[key] for key in keys), key=row_key(row))
        if selected is not None and row_key(selected) in self._rows and self.shows(selected):
            index = self.get_row_index(row_key(selected))
            self.move_cursor(row=index, animate=False, scroll=not keep_scroll)
        if keep_scroll:
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False)
        self.show_view_title()
        self.post_message(self.ViewChanged())

    def show_view_title(self) -> None:
        """What the table shows, in its border: every active toggle and the filter."""
        shown = self.row_count
        total = sum(1 for row in self._rows.values() if self.include_transitive or row.direct)
        parts = [
            f"{'direct + transitive' if self.include_transitive else 'direct'} {shown}/{total}"
        ]
        if self.only_outdated:
            parts.append("only outdated")
        if self.allow_prereleases:
            parts.append("pre-releases")
        if self.filter_text:
            parts.append(f"filter “{self.filter_text}”")
        self.border_title = " · ".join(parts)

    def _fit_name_column(self) -> None:
        """Cut the name column when even the kept columns are too wide: never the update word."""
        available = self.size.width - self.styles.scrollbar_size_vertical
        if available <= 0:
            return
        widths = {key: column.width for key, column in self.columns.items()}
        excess = self._total_width(widths, set()) - available
        name = self.columns["name"]
        if excess > 0:
            name.width = max(NAME_MIN_WIDTH, name.width - excess)

    def show_mark(self, row: OutdatedRow) -> None:
        """Redraw the name cell of one row after its mark changed."""
        key = row_key(row)
        if key in self.rows:
            marker = self.short_markers.get((row.name, row.locked), row.marker)
            cell = _name_cell(row, marker, key in self.marked)
            self.update_cell(key, "name", cell)
            if self._widen("name", cell.cell_len):
                self._fit_virtual_size()

    def _widen(self, column_key: str, width: int) -> bool:
        """Make the column at least ``width`` wide; True when it grew."""
        column = self.columns[column_key]
        self._natural_widths[column_key] = max(self._natural_widths.get(column_key, 0), width)
        if width <= column.width:
            return False
        column.width = width
        return True

    def _update_dimensions(self, new_rows: Iterable[object]) -> None:
        # Replaces DataTable's, which measures every new cell by rendering it: here the widths
        # are known (see _widen) and every row is one line high.
        self._fit_virtual_size()

    def _fit_virtual_size(self) -> None:
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self.row_count + header)
        self.refresh()

    def _label_sorted_column(self) -> None:
        arrow = " ▼" if self.sort_reverse else " ▲"
        for column in self.shown_columns:
            label = column.label + (arrow if column.key == self.sort_column else "")
            self.columns[column.key].label = Text(label)

    def sort_by(self, column_key: str) -> None:
        if column_key == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column_key, False
        self.rebuild()

    def action_cycle_sort(self) -> None:
        keys = [column.key for column in self.shown_columns]
        position = keys.index(self.sort_column) if self.sort_column in keys else -1
        self.sort_column = keys[(position + 1) % len(keys)]
        self.sort_reverse = False
        self.rebuild()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.rebuild()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))
