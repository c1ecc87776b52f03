"""Secrets kept out of everything uvtui shows, prints, logs or writes: one redactor for all output.

`redact` hides URL userinfo, secret-looking query values, `NAME_PASSWORD=value` assignments and
every secret value the process knows (credential variables, passwords in index URLs of the
environment, .netrc passwords), wherever uv or an index echoes them back.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    import netrc

MASK = "***"

USERINFO_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]*)@")
SECRET_QUERY_NAME_RE = re.compile(r"(?i)token|key|secret|pass|auth|sig")
SECRET_QUERY_RE = re.compile(
    r"(?i)([?&][^=&#\s]*(?:token|key|secret|pass|auth|sig)[^=&#\s]*=)[^&#\s'\"]*"
)
# Names of variables holding a credential: UV_INDEX_<NAME>_PASSWORD, UV_PUBLISH_TOKEN, ...
SECRET_VARIABLE_RE = re.compile(
    r"[A-Z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|SECRET_ACCESS_KEY|API_KEY)"
)
# `UV_INDEX_CORP_PASSWORD=value` as echoed in a log; a `$VAR` reference is no secret
_SECRET_ASSIGNMENT_RE = re.compile(rf"\b({SECRET_VARIABLE_RE.pattern}=)(?![$\s])[^\s\"']+")
# Shorter values would hide ordinary words and numbers all over the output.
MIN_SECRET_LENGTH = 4


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every secret replaced by `***`.

    `secrets` are the values to hide besides the patterns; by default those this process knows
    from its environment and .netrc (`known_secrets()`).
    """
    values = known_secrets() if secrets is None else secrets
    for value in sorted({v for v in values if len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True):
        text = text.replace(value, MASK)
    text = USERINFO_RE.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = SECRET_QUERY_RE.sub(rf"\1{MASK}", text)
    return _SECRET_ASSIGNMENT_RE.sub(rf"\1{MASK}", text)


def known_secrets(
    environ: Mapping[str, str] | None = None, netrc_path: Path | None = None
) -> frozenset[str]:
    """Secret values of the environment (default: this process's) and of its .netrc file."""
    environ = os.environ if environ is None else environ
    try:
        path: Path | None = netrc_path or netrc_location(environ)
        stamp: int | None = path.stat().st_mtime_ns
    except (OSError, RuntimeError, KeyError):  # no such file, or no home directory to look in
        path, stamp = None, None
    return _secrets(frozenset(environ.items()), path, stamp)


@lru_cache(maxsize=8)
def _secrets(
    environ: frozenset[tuple[str, str]], netrc_path: Path | None, stamp: int | None
) -> frozenset[str]:
    found: set[str] = set()
    for name, value in environ:
        if SECRET_VARIABLE_RE.fullmatch(name):
            found.add(value)
        for match in USERINFO_RE.finditer(value):
            _, has_password, password = match.group("userinfo").partition(":")
            if has_password:  # as written and as decoded: either may be echoed
                found.update((password, unquote(password)))
    parsed = read_netrc(netrc_path) if netrc_path is not None else None
    if parsed is not None:
        found.update(password for _, _, password in parsed.hosts.values() if password)
    return frozenset(found)


def netrc_location(environ: Mapping[str, str]) -> Path:
    """The .netrc uv reads: $NETRC, else ~/.netrc."""
    return Path(environ.get("NETRC") or Path(environ.get("HOME", Path.home())) / ".netrc")


def read_netrc(path: Path) -> netrc.netrc | None:
    """The parsed .netrc at `path`; None when it is missing or broken (uv carries on then)."""
    import netrc  # lazily: the first paint does without it

    if not path.is_file():
        return None
    try:
        return netrc.netrc(str(path))
    except (netrc.NetrcParseError, OSError, UnicodeDecodeError):
        return None
