""" "Did you mean": close names from an index's project list, when the index offers a small one.

Large public indexes list hundreds of thousands of projects (tens of megabytes); the list is
read only while it stays under MAX_LIST_BYTES, so a suggestion costs little or is skipped.
"""

from __future__ import annotations

import difflib
import json
import re

from packaging.utils import canonicalize_name

from uvtui.core.errors import PackageIndexError
from uvtui.core.index.config import IndexSettings

MAX_LIST_BYTES = 4_000_000
TIMEOUT_SECONDS = 5.0
_JSON = "application/vnd.pypi.simple.v1+json"
_ANCHOR = re.compile(r"<a\b[^>]*>([^<]+)</a>", re.IGNORECASE)


def close_names(settings: IndexSettings, name: str, limit: int = 3) -> list[str]:
    """Up to `limit` project names of the index that look like `name`; [] when the index has
    no small list to read (or cannot be reached)."""
    names = _project_list(settings, name)
    wanted = canonicalize_name(name)
    return difflib.get_close_matches(wanted, names, n=limit, cutoff=0.75)


def _project_list(settings: IndexSettings, name: str) -> list[str]:
    import httpx

    try:
        index = settings.indexes_for(name)[0]
    except (PackageIndexError, IndexError):  # no index to ask: nothing to suggest
        return []
    credentials = settings.credentials_for(index)
    auth = credentials.as_basic_auth() if credentials else None
    headers = {"Accept": f"{_JSON}, text/html;q=0.1"}
    try:
        with httpx.stream(
            "GET", f"{index.url}/", headers=headers, auth=auth, timeout=TIMEOUT_SECONDS
        ) as response:
            if response.status_code != 200:
                return []
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_LIST_BYTES:
                    return []
            is_json = response.headers.get("content-type", "").startswith(_JSON)
    except httpx.HTTPError:
        return []
    text = body.decode("utf-8", "replace")
    if is_json:
        try:
            projects = json.loads(text).get("projects", [])
        except (ValueError, AttributeError):
            return []
        return [
            canonicalize_name(p["name"]) for p in projects if isinstance(p, dict) and "name" in p
        ]
    return [canonicalize_name(found.strip()) for found in _ANCHOR.findall(text)]
