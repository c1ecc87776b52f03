"""Credentials in URLs: hidden when shown to the user, removed before reaching pyproject.toml."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from uvtui.core.migrate.requirements import has_env_var

USERINFO_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]*)@")
SECRET_QUERY_NAME_RE = re.compile(r"(?i)token|key|secret|pass|auth|sig")
SECRET_QUERY_RE = re.compile(
    r"(?i)([?&][^=&#\s]*(?:token|key|secret|pass|auth|sig)[^=&#\s]*=)[^&#\s]*"
)


def redact(text: str) -> str:
    """Replace URL userinfo (`user:pass@`, `${TOKEN}@`) and secret-looking query values."""
    text = USERINFO_RE.sub(lambda m: f"{m.group('scheme')}***@", text)
    return SECRET_QUERY_RE.sub(r"\1***", text)


def strip_userinfo(url: str, keep_ssh_user: bool = False) -> tuple[str, bool]:
    """URL without userinfo or secret-looking query parameters; whether anything was removed."""
    without_query, query_secret = _strip_secret_query(url)
    match = USERINFO_RE.match(without_query)
    if not match:
        return without_query, query_secret
    userinfo = match.group("userinfo")
    # an ssh user name (git@host) is an account, not a secret; uv needs it to connect
    ssh_user = match.group("scheme").startswith("ssh") and ":" not in userinfo
    if keep_ssh_user and ssh_user and not has_env_var(userinfo):
        return without_query, query_secret
    return match.group("scheme") + without_query[match.end() :], True


def _strip_secret_query(url: str) -> tuple[str, bool]:
    parts = urlsplit(url)
    if not parts.query:
        return url, False
    pairs = [pair for pair in parts.query.split("&") if pair]
    kept = [pair for pair in pairs if not SECRET_QUERY_NAME_RE.search(pair.split("=", 1)[0])]
    if len(kept) == len(pairs):
        return url, False
    return urlunsplit(parts._replace(query="&".join(kept))), True
