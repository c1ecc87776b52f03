"""URL credentials are stripped before they reach pyproject.toml."""

from __future__ import annotations

import pytest

from uvtui.core.migrate.credentials import strip_userinfo


@pytest.mark.parametrize(
    ("url", "keep_ssh_user", "expected"),
    [
        ("https://h.example/s", False, ("https://h.example/s", False)),
        ("https://h.example/s?x=1&sig=abc", False, ("https://h.example/s?x=1", True)),
        ("ssh://git@host.example/r.git", True, ("ssh://git@host.example/r.git", False)),
        ("ssh://git@host.example/r.git", False, ("ssh://host.example/r.git", True)),
        ("ssh://${USER}@host.example/r.git", True, ("ssh://host.example/r.git", True)),
    ],
)
def test_strip_userinfo(url: str, keep_ssh_user: bool, expected: tuple[str, bool]) -> None:
    assert strip_userinfo(url, keep_ssh_user=keep_ssh_user) == expected
