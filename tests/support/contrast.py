"""What a terminal shows of a running app, and how readable it is (WCAG contrast ratios).

The compositor's strips are the app's output after its line filters (NO_COLOR's monochrome
among them). A 16-colour terminal receives every colour downgraded to one of the 16 standard
colours, as Rich's console does for `TERM=xterm` or `TERM=screen`, and draws them with its
palette: xterm's is used here, with the default colours of a dark terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color, ColorSystem, ColorType
from rich.color_triplet import ColorTriplet
from rich.style import Style
from textual.app import App
from textual.geometry import Region

# xterm's default palette (the 16 standard colours), and a dark terminal's default colours.
XTERM_PALETTE = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
)  # fmt: skip
DEFAULT_FOREGROUND = (229, 229, 229)
DEFAULT_BACKGROUND = (0, 0, 0)
DIM_FACTOR = 0.5  # terminals draw SGR 2 (dim) text about halfway to the background


@dataclass(frozen=True)
class Cell:
    """A run of text with one style, where it is on screen, and its contrast ratio."""

    text: str
    x: int
    y: int
    ratio: float

    def __str__(self) -> str:
        return f"{self.text!r} at ({self.x},{self.y}): {self.ratio:.2f}:1"


def screen_cells(
    app: App, *, colours: int | None = None, within: Region | None = None
) -> list[Cell]:
    """Every run of text drawn on the app's screen (``within`` a region) with its contrast.

    ``colours=16`` judges what a 16-colour terminal shows; None the colours as the app wrote
    them (true colour). Text drawn in its background colour (hidden on purpose) is left out.
    """
    cells: list[Cell] = []
    strips = app.screen._compositor.render_strips()
    for y, strip in enumerate(strips):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style or Style()
            inside = within is None or within.contains(x, y)
            if inside and any(character.isalnum() for character in text):
                foreground, background = _drawn_colours(style, colours)
                if foreground != background:
                    ratio = contrast_ratio(foreground, background)
                    cells.append(Cell(text.strip(), x, y, ratio))
            x += segment.cell_length
    return cells


def _drawn_colours(style: Style, colours: int | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    foreground = _rgb(style.color, colours, DEFAULT_FOREGROUND)
    background = _rgb(style.bgcolor, colours, DEFAULT_BACKGROUND)
    if style.reverse:
        foreground, background = background, foreground
    if style.dim:
        foreground = tuple(
            round(f * (1 - DIM_FACTOR) + b * DIM_FACTOR)
            for f, b in zip(foreground, background, strict=True)
        )
    return foreground, background


def _rgb(
    colour: Color | None, colours: int | None, default: tuple[int, int, int]
) -> tuple[int, ...]:
    if colour is None or colour.type is ColorType.DEFAULT:
        return default
    if colours == 16:
        colour = colour.downgrade(ColorSystem.STANDARD)
    if colour.type is ColorType.STANDARD or (colour.number is not None and colour.number < 16):
        assert colour.number is not None
        return XTERM_PALETTE[colour.number]
    triplet: ColorTriplet = colour.get_truecolor()
    return tuple(triplet)


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: tuple[int, ...], background: tuple[int, ...]) -> float:
    """The WCAG 2 contrast ratio, from 1 (invisible) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
