"""What the app is started with; tests pass their own environ and cache dir."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class AppConfig:
    project_path: Path
    offline: bool = False  # index answers from the cache only
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cache_dir: Path | None = None  # None: the index client's default cache
    display_name: str | None = None  # shown instead of the project path in the header
