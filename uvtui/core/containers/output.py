"""Command output made safe to show: fragments become lines, escape sequences are defused.

A command may write anything to its streams. Only SGR colour sequences (`ESC [ ... m`) are kept;
every other escape sequence (cursor moves, screen clears, title changes, hyperlinks, device
queries) and every other control character is dropped, so nothing can reach the terminal.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

Stream = Literal["stdout", "stderr"]

# A line longer than this without a newline is cut (a flood with no newlines must not grow
# the buffer without bound).
MAX_LINE_CHARACTERS = 16_384

# SGR: parameters are digits, ';' and ':' only.
_SGR = r"\x1b\[[0-9;:]*m"
_ESCAPE = re.compile(
    r"(?P<sgr>" + _SGR + r")"
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # other CSI (cursor, erase, modes, queries)
    r"|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)"  # OSC, DCS, SOS, PM, APC up to their terminator
    r"|\x1b[ -/]*[0-~]?"  # two-character escapes, and a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]"  # other C0 / C1 controls (tab kept; \n \r split first)
)
_SGR_ONLY = re.compile(_SGR)


def sanitize(text: str) -> str:
    """`text` with SGR colour sequences kept and every other control sequence removed."""
    if "\x1b" not in text and text.isprintable():
        return text
    return _ESCAPE.sub(lambda match: match["sgr"] or "", text)


def plain(text: str) -> str:
    """A sanitised line without its colours (for saved logs and searching)."""
    return _SGR_ONLY.sub("", text) if "\x1b" in text else text


@dataclass(frozen=True, slots=True)
class OutputLine:
    """One finished line of output, sanitised (SGR colours kept)."""

    stream: Stream
    text: str


class _StreamBuffer:
    """Bytes of one stream to lines: incremental UTF-8 decoding, `\\r` overwrites, long cuts."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes | str, final: bool = False) -> list[OutputLine]:
        text = data if isinstance(data, str) else self._decoder.decode(data, final)
        text = self._pending + text
        if not final and text.endswith("\r"):
            # Maybe the first half of "\r\n": decide when the next fragment arrives.
            self._pending, text = "\r", text[:-1]
        else:
            self._pending = ""
        pieces = text.replace("\r\n", "\n").split("\n")
        self._pending = pieces.pop() + self._pending
        if len(self._pending) > MAX_LINE_CHARACTERS:
            pieces.append(self._pending)
            self._pending = ""
        if final and self._pending:
            pieces.append(self._pending)
            self._pending = ""
        return [OutputLine(self.stream, sanitize(_last_overwrite(piece))) for piece in pieces]

    @property
    def progress(self) -> str:
        """The unfinished line as a terminal would show it now (a `\\r` progress bar)."""
        return sanitize(_last_overwrite(self._pending.rstrip("\r")))


def _last_overwrite(piece: str) -> str:
    """What is left of a line after `\\r` returns: the text after the last non-final `\\r`."""
    if "\r" not in piece:
        return piece
    parts = [part for part in piece.split("\r") if part]
    return parts[-1] if parts else ""


class LineSplitter:
    """Fragments of stdout and stderr, in arrival order, to sanitised lines.

    Each stream is buffered on its own (a fragment ends wherever the pipe chose); a line is
    emitted when its newline arrives. `progress` is the current unfinished line, if any.
    """

    def __init__(self) -> None:
        self._buffers: dict[Stream, _StreamBuffer] = {
            "stdout": _StreamBuffer("stdout"),
            "stderr": _StreamBuffer("stderr"),
        }
        self._last: Stream = "stdout"

    def feed(self, stream: Stream, data: bytes | str) -> list[OutputLine]:
        self._last = stream
        return self._buffers[stream].feed(data)

    def finish(self) -> list[OutputLine]:
        """Lines left unfinished when the command ended."""
        return [line for buffer in self._buffers.values() for line in buffer.feed(b"", True)]

    @property
    def progress(self) -> str:
        return self._buffers[self._last].progress
