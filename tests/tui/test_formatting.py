"""What the screens say about a failed worker: the user message, or an internal error, redacted."""

from __future__ import annotations

from uvtui.core.errors import PackageIndexError
from uvtui.tui.formatting import worker_error_message


def test_worker_errors_on_screen_are_redacted() -> None:
    assert worker_error_message(PackageIndexError("https://u:p@h.example/ is down")) == (
        "https://***@h.example/ is down"
    )
    assert worker_error_message(RuntimeError("GET https://u:p@h.example/?token=x")) == (
        "internal error: RuntimeError('GET https://***@h.example/?token=***')"
    )
