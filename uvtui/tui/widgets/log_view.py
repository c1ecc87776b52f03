"""A log of command output: colours kept, stderr apart, bounded scroll-back, follow, search.

Built on Textual's `Log` (fast appends with `write_lines`, lines rendered only when visible).
Lines arrive already sanitised by the core (SGR colours only); each is rendered from its SGR
codes, stderr lines in the `log-view--stderr` style.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Log

from uvtui.core.containers.output import OutputLine, plain

SCROLLBACK_LINES = 10_000
# Marks a stderr line in the Log's line list (a private-use character no command prints).
_STDERR = "\ue000"
_SGR = re.compile(r"\x1b\[[0-9;:]*m")


class LogView(Log):
    """Lines of one run; the oldest beyond `max_lines` are dropped and counted."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"log-view--stderr", "log-view--match"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("end,G", "follow", "Follow", tooltip="Jump to the end and follow new output"),
        Binding("home,g", "scroll_home", "Top", show=False, tooltip="Jump to the first line"),
        Binding("f", "toggle_follow", "Follow on/off", show=False, tooltip="Follow new output"),
    ]

    def __init__(self, max_lines: int = SCROLLBACK_LINES, **kwargs: object) -> None:
        super().__init__(max_lines=max_lines, auto_scroll=True, **kwargs)  # type: ignore[arg-type]
        self.written = 0
        self._styles: tuple[Style, Style, Style] | None = None
        self.search_text = ""
        self.search_line: int | None = None

    @property
    def dropped(self) -> int:
        """Lines written but no longer kept (scroll-back is bounded)."""
        return self.written - self.line_count

    @property
    def following(self) -> bool:
        """New lines scroll into view: on, and the view is at the end (scrolling up pauses)."""
        return self.auto_scroll and self.is_vertical_scroll_end

    def append(self, lines: list[OutputLine]) -> None:
        """Write a batch: one refresh, however many lines.

        Leaner than `Log.write_lines`, which splits every line again and measures every line's
        cell width in a worker thread: these lines hold no newline, and the virtual width is
        taken from string lengths (colour codes make it a little wide, never too narrow).
        """
        if not lines:
            return
        self.written += len(lines)
        if self.max_lines is not None and len(lines) > self.max_lines:
            lines = lines[-self.max_lines :]  # never store what would be dropped at once
        texts = [_STDERR + line.text if line.stream == "stderr" else line.text for line in lines]
        follow = self.auto_scroll and self.is_vertical_scroll_end
        before = self.line_count
        self._lines.extend(texts)
        self._prune_max_lines()
        self._width = max(self._width, max(map(len, texts)))
        self.virtual_size = Size(self._width, len(self._lines))
        if self.search_line is not None:
            self.search_line -= max(0, before + len(texts) - self.line_count)
            if self.search_line < 0:
                self.search_line = None
        if follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:
            self.refresh()

    def plain_line(self, index: int) -> str:
        return plain(self.lines[index].removeprefix(_STDERR))

    def is_stderr(self, index: int) -> bool:
        return self.lines[index].startswith(_STDERR)

    def action_follow(self) -> None:
        self.auto_scroll = True
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def action_toggle_follow(self) -> None:
        if self.auto_scroll:
            self.auto_scroll = False
        else:
            self.action_follow()

    def find(self, text: str, *, backwards: bool = False) -> int | None:
        """Select the next line containing `text` (case-insensitive) and scroll to it."""
        self.search_text = text
        needle = text.lower()
        count = self.line_count
        if not needle or not count:
            self.search_line = None
            self._render_line_cache.clear()
            self.refresh()
            return None
        start = self.search_line if self.search_line is not None else (count if backwards else -1)
        step = -1 if backwards else 1
        for offset in range(1, count + 1):
            index = (start + step * offset) % count
            if needle in self.plain_line(index).lower():
                self.search_line = index
                self.scroll_to(y=max(0, index - self.size.height // 2), animate=False)
                self._render_line_cache.clear()
                self.refresh()
                return index
        self.search_line = None
        self.refresh()
        return None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _line_styles(self) -> tuple[Style, Style, Style]:
        """(base, stderr, match) styles, computed once per style change instead of per line
        (`rich_style` walks every ancestor; a frame of a flood renders every visible line)."""
        if self._styles is None:
            self._styles = (
                self.rich_style,
                self.get_component_rich_style("log-view--stderr"),
                self.get_component_rich_style("log-view--match"),
            )
        return self._styles

    def _render_line(self, y: int, scroll_x: int, width: int) -> Strip:
        base = self._line_styles()[0]
        if y >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._render_line_strip(y, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, y)

    @classmethod
    def _process_line(cls, line: str) -> str:
        # Width and selection work on what is shown: no marker, no colour codes.
        return _SGR.sub("", line.removeprefix(_STDERR)).expandtabs()

    def _render_line_strip(self, y: int, rich_style: Style) -> Strip:
        raw = self.lines[y]
        stderr = raw.startswith(_STDERR)
        line = raw.removeprefix(_STDERR).expandtabs()
        text = Text.from_ansi(line, no_wrap=True, end="") if "\x1b" in line else Text(line, end="")
        text.stylize_before(rich_style)
        _, stderr_style, match_style = self._line_styles()
        if stderr:
            text.stylize_before(stderr_style)
        if self.search_text and y == self.search_line:
            lowered = text.plain.lower()
            needle = self.search_text.lower()
            start = lowered.find(needle)
            while start >= 0:
                text.stylize(match_style, start, start + len(needle))
                start = lowered.find(needle, start + len(needle))
        return Strip(text.render(self.app.console), text.cell_len)
