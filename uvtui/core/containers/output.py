"""Command output made safe to show: fragments become lines, escape sequences are defused.

Secrets are redacted (`uvtui.core.redact`) before a line is shown or saved. A command may write
anything to its streams. Only SGR colour sequences (`ESC [ ... m`) are kept;
every other escape sequence (cursor moves, screen clears, title changes, hyperlinks, device
queries) and every other control character is dropped, so nothing can reach the terminal.
"""

from __future__ import annotations

import codecs
import re
from itertools import repeat
from typing import Literal, NamedTuple

from uvtui.core.redact import known_secrets, redact

Stream = Literal["stdout", "stderr"]

# A line longer than this without a newline is cut (a flood with no newlines must not grow
# the buffer without bound).
MAX_LINE_CHARACTERS = 16_384

# SGR: parameters are digits, ';' and ':' only.
_SGR = r"\x1b\[[0-9;:]*m"
_ESCAPE = re.compile(
    r"(?P<sgr>" + _SGR + r")"
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # other CSI (cursor, erase, modes, queries)
    r"|\x1b[\]PX^_][^\n]*?(?:\x07|\x1b\\|(?=\n)|$)"  # OSC, DCS, SOS, PM, APC to their end
    r"|\x1b[ -/]*[0-~]?"  # two-character escapes, and a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]"  # other C0 / C1 controls (tab kept; \n \r split first)
)
_SGR_ONLY = re.compile(_SGR)
# What redact()'s patterns look for (uvtui.core.redact): variable names, then query names.
_SECRET_WORDS = ("password", "passwd", "token", "secret", "api_key")
_QUERY_WORDS = ("key", "auth", "sig", "pass")
# Anything sanitize() might change: one scan of a whole chunk decides whether to look closer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    """`text` with SGR colour sequences kept and every other control sequence removed.

    Newlines are kept (a sequence never spans one), so a chunk of lines is sanitised at once.
    """
    if _CONTROL.search(text) is None:
        return text
    if "\x1b" in text and _CONTROL.search(_SGR_ONLY.sub("", text)) is None:
        return text  # colours only (the usual case): the scans above are C-fast, the sub below not
    return _ESCAPE.sub(_keep_sgr, text)


def _keep_sgr(match: re.Match[str]) -> str:
    return match["sgr"] or ""


def plain(text: str) -> str:
    """A sanitised line without its colours (for saved logs and searching)."""
    return _SGR_ONLY.sub("", text) if "\x1b" in text else text


class OutputLine(NamedTuple):
    """One finished line of output, sanitised (SGR colours kept)."""

    stream: Stream
    text: str


def _output_lines(stream: Stream, texts: list[str]) -> list[OutputLine]:
    # tuple.__new__ mapped in C: a flood makes hundreds of thousands of these per second.
    return list(map(tuple.__new__, repeat(OutputLine), zip(repeat(stream), texts)))  # type: ignore[arg-type]


class _StreamBuffer:
    """Bytes of one stream to lines: incremental UTF-8 decoding, `\\r` overwrites, long cuts."""

    def __init__(self, stream: Stream, secrets: frozenset[str]) -> None:
        self.stream = stream
        self._secrets = secrets
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
        end = text.rfind("\n")
        if end < 0:
            finished, self._pending = "", text + self._pending
        else:
            finished, self._pending = text[:end], text[end + 1 :] + self._pending
        pieces = [] if end < 0 else _lines(finished, self._secrets)
        if len(self._pending) > MAX_LINE_CHARACTERS or (final and self._pending):
            pieces.extend(_lines(self._pending, self._secrets))
            self._pending = ""
        return _output_lines(self.stream, pieces)

    @property
    def progress(self) -> str:
        """The unfinished line as a terminal would show it now (a `\\r` progress bar)."""
        return redact(sanitize(_last_overwrite(self._pending.rstrip("\r"))), self._secrets)


def _lines(text: str, secrets: frozenset[str]) -> list[str]:
    """Sanitised, redacted lines of `text` (newline-separated, no final newline), `\r` applied."""
    if "\r" in text:
        text = "\n".join(map(_last_overwrite, text.replace("\r\n", "\n").split("\n")))
    text = sanitize(text)
    if _may_hold_secret(text, secrets):
        text = redact(text, secrets)
    return text.split("\n")


def _may_hold_secret(text: str, secrets: frozenset[str]) -> bool:
    """Whether `redact` could change `text`: a few C-speed scans where its patterns would walk a
    flood's every position (it costs more than everything else per line otherwise)."""
    if "://" in text and "@" in text:
        return True  # URL userinfo
    lower = text.lower()
    if any(word in lower for word in _SECRET_WORDS):
        return True  # NAME_PASSWORD=..., NAME_TOKEN=..., secret-looking query names
    if ("?" in text or "&" in text) and "=" in text and any(w in lower for w in _QUERY_WORDS):
        return True
    return any(value in text for value in secrets)


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
        secrets = known_secrets()  # once per run: the environment does not change meanwhile
        self._buffers: dict[Stream, _StreamBuffer] = {
            "stdout": _StreamBuffer("stdout", secrets),
            "stderr": _StreamBuffer("stderr", secrets),
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
