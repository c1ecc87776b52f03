"""How the main screen shares its height between the table and the tree + details below it.

The table gets the lines its rows need; tree and details get the rest, at least SIDE_MIN_LINES
(or 40 %). On a short terminal where the rows do not fit above them, tree and details collapse
(`d` shows them again): at 80x24 the table then shows 18 rows instead of 9.
"""

from __future__ import annotations

from dataclasses import dataclass

SIDE_MIN_LINES = 10
SIDE_SHARE = 0.4  # of the panes' height, on tall terminals with many rows
TALL = 30  # terminal lines from which tree and details show unless the user hid them


@dataclass(frozen=True)
class PaneHeights:
    table: int | None  # lines for the table pane; None: all the height there is
    side_shown: bool


def pane_heights(
    available: int, table_needs: int, terminal_lines: int, choice: bool | None
) -> PaneHeights:
    """``choice`` is the user's `d` toggle (None until pressed)."""
    side = max(SIDE_MIN_LINES, int(available * SIDE_SHARE))
    fits = table_needs + side <= available
    shown = choice if choice is not None else fits or terminal_lines >= TALL
    if not shown:
        return PaneHeights(None, False)
    return PaneHeights(max(0, min(table_needs, available - side)), True)
