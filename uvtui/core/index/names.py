"""Names of the [[tool.uv.index]] entries a migration writes."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import urlsplit


def index_name_for(url: str, taken: Iterable[str]) -> str:
    """§3.1 index name: host minus a leading `pypi.`/`www.`, dots -> '-', repeats -> '-2'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        host = posixpath.basename(url.rstrip("/")) or "index"
    for prefix in ("pypi.", "www."):
        if host.startswith(prefix) and host != prefix:
            host = host[len(prefix) :]
            break
    base = re.sub(r"[^A-Za-z0-9._-]", "", host.replace(".", "-")) or "index"
    taken_set = set(taken)
    name, counter = base, 1
    while name in taken_set:
        counter += 1
        name = f"{base}-{counter}"
    return name
