"""Credentials removed from URLs before they reach pyproject.toml (uv reads them elsewhere)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from uvtui.core.migrate.requirements import has_env_var
from uvtui.core.redact import SECRET_QUERY_NAME_RE, USERINFO_RE


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
