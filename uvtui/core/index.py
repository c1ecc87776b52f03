"""Package index client: PEP 691 JSON simple API, concurrent, cached on disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from packaging.specifiers import SpecifierSet
from packaging.version import Version


@dataclass(frozen=True)
class Release:
    """One version of a package as the index lists it (all its files folded together)."""

    version: Version
    yanked: bool  # every file of this version is yanked
    requires_python: SpecifierSet | None  # None when the index does not say
    upload_time: datetime | None  # earliest file upload (PEP 700), when given


@dataclass(frozen=True)
class PackageReleases:
    name: str  # normalized
    index_url: str  # the simple-API root that answered (no credentials)
    releases: tuple[Release, ...]  # ascending by version
