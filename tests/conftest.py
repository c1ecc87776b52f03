"""Fixtures shared by the whole suite: host isolation and the local package index."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex, serve_local_index

# uv settings that would point a real uv (or our index resolution) at the host's indexes.
_HOST_INDEX_VARIABLES = ("UV_DEFAULT_INDEX", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "NETRC")


@pytest.fixture(scope="session", autouse=True)
def isolate_from_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep uv and uvtui away from the host's config, caches, indexes and credentials."""
    home = tmp_path_factory.mktemp("host")
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith(("PIP_", "UV_INDEX")) or key in _HOST_INDEX_VARIABLES:
                patch.delenv(key)
        patch.setenv("UV_NO_CONFIG", "1")
        patch.setenv("UV_CACHE_DIR", str(home / "uv-cache"))
        patch.setenv("UV_PYTHON_DOWNLOADS", "never")
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("NETRC", str(home / "netrc-absent"))
        yield


@pytest.fixture(scope="session")
def local_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    """The session-wide local package index serving `default_catalogue()`.

    It is shared: a test that switches a fault on must switch it off (use `local_index.fault(...)`
    as a context manager), and request counts must be compared as differences.
    """
    workdir: Path = tmp_path_factory.mktemp("local-index")
    with serve_local_index(None, workdir) as index:
        yield index
