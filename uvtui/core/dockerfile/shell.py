"""Shell-level scanning of Dockerfile instructions: word spans and `&&`/`;` segments.

Offsets always point into the original instruction text so that a rewrite can replace one
segment and keep every other byte (continuations, comments, spacing) as it was.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_KEYWORDS = frozenset({"then", "else", "do", "{", "(", "!"})
_CONTINUATION = re.compile(r"\\\r?\n")


@dataclass(frozen=True)
class Segment:
    """One command between shell separators, with its span in the scanned text."""

    start: int  # first byte of the content (leading blanks and continuations skipped)
    end: int  # one past the last content byte
    command_start: int  # after a leading keyword such as `then`
    words: tuple[str, ...]  # shell words of the command (keyword excluded)
    keyword: str | None
    separator: str  # the separator before this segment ("" for the first)


def _skip_blank(text: str, i: int, end: int) -> int:
    """Skip blanks, line continuations and Dockerfile comment lines inside an instruction."""
    while i < end:
        if text[i] in " \t":
            i += 1
        elif text.startswith("\\\n", i):
            i += 2
        elif text.startswith("\\\r\n", i):
            i += 3
        elif text[i] in "\r\n":
            i += 1
            i = _skip_comment_lines(text, i, end)
        else:
            break
    return i


def _skip_comment_lines(text: str, i: int, end: int) -> int:
    while i < end:
        j = i
        while j < end and text[j] in " \t":
            j += 1
        if j < end and text[j] == "#":
            nl = text.find("\n", j, end)
            i = end if nl < 0 else nl + 1
        else:
            break
    return i


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start:
        blank = text[end - 1] in " \t\r\n"
        if blank or (text[end - 1] == "\\" and end < len(text) and text[end] in "\r\n"):
            end -= 1
        else:
            break
    return end


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\n" only (as the Dockerfile parser counts them)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def logical(text: str) -> str:
    """Text with line continuations and Dockerfile comment lines removed."""
    out = []
    for line in _CONTINUATION.sub(" ", text).splitlines():
        if not line.lstrip().startswith("#"):
            out.append(line)
    return " ".join(out)


def shell_words(text: str) -> tuple[str, ...]:
    """Shell words of a command; falls back to a whitespace split on unbalanced quotes."""
    flat = logical(text)
    try:
        return tuple(shlex.split(flat, comments=False, posix=True))
    except ValueError:
        return tuple(flat.split())


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of whitespace-separated words (quotes respected, continuations are blanks)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    i = _skip_blank(text, start, end)
    while i < end:
        j = i
        quote: str | None = None
        while j < end:
            c = text[j]
            if quote:
                if c == quote:
                    quote = None
                elif c == "\\" and quote == '"':
                    j += 1
            elif c in "'\"":
                quote = c
            elif c == "\\" and j + 1 < end and text[j + 1] in "\r\n":
                break
            elif c == "\\":
                j += 1
            elif c in " \t\r\n":
                break
            j += 1
        spans.append((i, min(j, end)))
        i = _skip_blank(text, j, end)
    return spans


def _separators(text: str, start: int, end: int, newline: bool) -> list[tuple[int, int, str]]:
    seps: list[tuple[int, int, str]] = []
    quote: str | None = None
    i = start
    while i < end:
        c = text[i]
        if quote == "'":
            quote = None if c == "'" else quote
        elif quote == '"':
            if c == "\\":
                i += 1
            elif c == '"':
                quote = None
        elif c == "\\":
            if text.startswith(("\\\n", "\\\r\n"), i):
                i = _skip_comment_lines(text, text.index("\n", i) + 1, end)
                continue
            i += 1
        elif c in "'\"":
            quote = c
        elif text.startswith("&&", i) or text.startswith("||", i):
            seps.append((i, i + 2, text[i : i + 2]))
            i += 1
        elif c == ";" or (newline and c == "\n"):
            seps.append((i, i + 1, c))
        if c == "\n" and quote is None:
            # Dockerfile comment lines inside a RUN are dropped by BuildKit; their quotes and
            # semicolons must not count.
            i = _skip_comment_lines(text, i + 1, end) - 1
        i += 1
    return seps


def split_segments(text: str, start: int, end: int, *, newline: bool = False) -> list[Segment]:
    """Split text[start:end] into shell segments on `&&`, `||`, `;` (and newlines if asked)."""
    segments: list[Segment] = []
    cursor, separator = start, ""
    for s0, s1, kind in [*_separators(text, start, end, newline), (end, end, "")]:
        seg_start = _skip_blank(text, cursor, s0)
        seg_end = _trim_end(text, seg_start, s0)
        if seg_end > seg_start:
            segments.append(_segment(text, seg_start, seg_end, separator))
        cursor, separator = s1, kind
    return segments


def _segment(text: str, start: int, end: int, separator: str) -> Segment:
    words = shell_words(text[start:end])
    keyword = None
    command_start = start
    if words and words[0] in _KEYWORDS:
        keyword = words[0]
        command_start = _skip_blank(text, text.index(keyword, start) + len(keyword), end)
        words = words[1:]
    return Segment(start, end, command_start, words, keyword, separator)


def command_offset(text: str) -> int:
    """Offset of the command of a RUN instruction (after `RUN` and its `--flag` words)."""
    spans = word_spans(text)
    for i0, _ in spans[1:]:
        if not text.startswith("--", i0):
            return i0
    return len(text)


_HEREDOC = re.compile(r"<<-?\s*[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?")


def run_segments(raw: str) -> tuple[list[Segment], bool]:
    """Segments of a RUN instruction's text and whether they are heredoc body lines.

    `RUN <<EOF` runs its body as a script (one segment per line); with another command before
    the heredoc (`RUN python <<EOF`) the body is data, so only the first line is shell.
    """
    first = split_lines(raw)[0] if raw else ""
    start = command_offset(raw)
    heredoc = len(first) < len(raw) and bool(_HEREDOC.search(first))
    heredoc = heredoc and not first.rstrip("\r\n").endswith("\\")
    if not heredoc:
        return split_segments(raw, start, len(raw)), False
    if raw.startswith("<<", start):
        last = raw.rstrip("\r\n").rsplit("\n", 1)[-1]
        end = len(raw) - len(raw[raw.rindex(last) :])
        return split_segments(raw, len(first), end, newline=True), True
    return split_segments(raw, start, len(first)), False
