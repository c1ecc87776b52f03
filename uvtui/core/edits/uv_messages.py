"""uv's failures, shortened to what a user needs: the error and its cause (which requirement
conflicts with which), without the progress lines before them."""

from __future__ import annotations

from uvtui.core.errors import UvtuiError
from uvtui.core.redact import redact

MAX_LINES = 12
_ERROR_STARTS = ("error:", "\u00d7")  # uv's fancy reports start with a multiplication sign


class EditFailed(UvtuiError):
    """uv could not lock the edited project in the scratch copy; nothing was written."""

    def __init__(self, description: str, reason: str) -> None:
        self.reason = reason
        super().__init__(f"Could not {description}; nothing was written.\n{reason}")


def short_failure(stderr: str) -> str:
    """From uv's first error line on (at most MAX_LINES lines), credentials redacted."""
    lines = [line.rstrip() for line in stderr.splitlines() if line.strip()]
    start = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith(_ERROR_STARTS)), None
    )
    kept = lines[start:] if start is not None else lines[-MAX_LINES:]
    if len(kept) > MAX_LINES:
        kept = [*kept[: MAX_LINES - 1], f"… ({len(kept) - MAX_LINES + 1} more lines)"]
    return redact("\n".join(kept)) or "uv failed without a message."
