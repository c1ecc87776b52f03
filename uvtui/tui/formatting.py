"""How rows, paths and errors read on screen: update markers carry a symbol (no colour needed)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from packaging.version import InvalidVersion, Version
from rich.text import Text

from uvtui.core.errors import UvtuiError
from uvtui.core.project.outdated import CheckStatus, OutdatedRow, UpdateKind
from uvtui.core.project.versions import update_kind
from uvtui.core.redact import redact

# Red and magenta light enough for 4.5:1 on the dark backgrounds, in grey under NO_COLOR too;
# they round to bright red / magenta on 16 colours. (ANSI red is too dark in Textual's palette.)
RED = "#ff8080"
MAGENTA = "#e38cff"

# (symbol + word, Rich style). Colour is a second channel only: NO_COLOR and screen readers
# still get the symbol and the word.
UPDATE_MARKERS: dict[UpdateKind, tuple[str, str]] = {
    UpdateKind.PATCH: ("↑ patch", "green"),
    UpdateKind.MINOR: ("⇑ minor", "yellow"),
    UpdateKind.MAJOR: ("⇈ major", f"bold {RED}"),
}
YANKED_MARKER = ("⚠ yanked", f"bold {MAGENTA}")
UNKNOWN_MARKER = ("? unknown", "italic")
PENDING_MARKER = ("… checking", "italic")
CURRENT_MARKER = ("✓ current", "")
NOT_LOCKED_MARKER = ("○ not locked", "italic")
MARKER_TEXTS = (
    *(text for text, _ in UPDATE_MARKERS.values()),
    *(text for text, _ in (YANKED_MARKER, UNKNOWN_MARKER, PENDING_MARKER, CURRENT_MARKER)),
    NOT_LOCKED_MARKER[0],
)

# Sort weight of the update column: the most urgent first when sorted descending.
_UPDATE_WEIGHT = {UpdateKind.PATCH: 1, UpdateKind.MINOR: 2, UpdateKind.MAJOR: 3}


def update_marker(row: OutdatedRow) -> tuple[str, str]:
    """The (text, style) of a row's update cell."""
    if row.yanked:
        return YANKED_MARKER
    if row.status is CheckStatus.PENDING:
        return PENDING_MARKER
    if row.status is CheckStatus.UNKNOWN:
        return UNKNOWN_MARKER
    if row.status is CheckStatus.NOT_REGISTRY:
        return (f"· {row.source_kind}", "dim")
    if row.locked is None:
        return NOT_LOCKED_MARKER
    if row.update is None:
        return CURRENT_MARKER
    return UPDATE_MARKERS[row.update]


def update_cell(row: OutdatedRow) -> Text:
    text, style = update_marker(row)
    return Text(text, style=style)


def is_outdated(row: OutdatedRow) -> bool:
    return row.yanked or row.update is not None or constraint_gap(row) is not None


def constraint_gap(row: OutdatedRow) -> UpdateKind | None:
    """Without a uv.lock: how far the latest release is beyond what the constraint admits."""
    if row.locked is not None or row.latest is None or row.latest_compatible is None:
        return None
    return update_kind(Version(row.latest_compatible), Version(row.latest))


def unlocked_text(row: OutdatedRow) -> Text:
    """Why a row without a locked version is not "current": what `uv lock` would pick."""
    text = Text(NOT_LOCKED_MARKER[0], style=NOT_LOCKED_MARKER[1])
    if row.latest_compatible:
        text.append(f" · uv lock would pick {row.latest_compatible}")
    gap = constraint_gap(row)
    if gap is not None:
        marker, style = UPDATE_MARKERS[gap]
        text.append(f" · latest {row.latest} is outside {row.constraint} ")
        text.append(marker, style=style)
    return text


def update_weight(row: OutdatedRow) -> int:
    if row.yanked:
        return 4
    update = row.update if row.locked is not None else constraint_gap(row)
    if update is None:
        return 0 if row.status is CheckStatus.CHECKED else -1
    return _UPDATE_WEIGHT[update]


def version_key(text: str | None) -> tuple[int, Version | str]:
    """Sort key for version strings: real versions in version order, then the rest as text."""
    if text is None:
        return (2, "")
    try:
        return (0, Version(text))
    except InvalidVersion:
        return (1, text)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The project path as the header shows it: relative to cwd, ~ for home, name for temp dirs.

    Temporary directories show only their name so screenshots and snapshots are reproducible.
    """
    path = path.resolve()
    cwd = (cwd or Path.cwd()).resolve()
    temp = Path(tempfile.gettempdir()).resolve()
    if path.is_relative_to(temp):
        return path.name
    if path.is_relative_to(cwd):
        relative = path.relative_to(cwd).as_posix()
        return "." if relative == "." else f"./{relative}"
    home = Path.home().resolve()
    if path.is_relative_to(home):
        return f"~/{path.relative_to(home).as_posix()}"
    return path.as_posix()


def worker_error_message(error: BaseException | None) -> str:
    """A failed worker's error as the screen says it: the user message, else an internal error."""
    if isinstance(error, UvtuiError):
        return error.message
    return redact(f"internal error: {error!r}")
