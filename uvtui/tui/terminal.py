"""The colours the terminal can show, from the app's environment: NO_COLOR and 16-colour TERMs."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from textual.app import App
from textual.filter import LineFilter, Monochrome, NoColor

ANSI_THEME = "ansi-dark"


def has_16_colours(environ: Mapping[str, str]) -> bool:
    """True when the terminal gets only the 16 standard colours (e.g. `TERM=xterm` or `screen`),
    decided as Textual's console decides: TEXTUAL_COLOR_SYSTEM, else Rich reads COLORTERM and
    TERM."""
    forced = environ.get("TEXTUAL_COLOR_SYSTEM", "auto")
    if forced != "auto":
        return forced == "standard"
    console = Console(file=io.StringIO(), force_terminal=True, _environ=dict(environ))
    return console.color_system == "standard"


class TerminalApp(App[int]):
    """An app that honours NO_COLOR and 16-colour terminals as its environment says.

    Textual reads NO_COLOR from the process environment only; tests and callers pass their own.
    On 16 colours the terminal's own palette is used: Textual's theme colours rounded to the
    nearest of the 16 put dark grey on black.
    """

    def __init__(self, environ: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        environ = os.environ if environ is None else environ
        if has_16_colours(environ):
            self.theme = ANSI_THEME
        self._no_color_filter: LineFilter | None = None
        if "NO_COLOR" in environ and not self.no_color:  # as Textual does for the process's
            self.no_color = True
            self._no_color_filter = NoColor() if self.native_ansi_color else Monochrome()

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters = super().get_line_filters()
        extra = self._no_color_filter
        return filters if extra is None else [*filters, extra]
