"""Where dev requirements go: a dependency group (default `dev`) or an optional extra."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from uvtui.core.errors import UvtuiError

_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class DevTarget:
    """`[dependency-groups].NAME`, or `[project.optional-dependencies].NAME` when extra."""

    name: str = "dev"
    extra: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise UvtuiError(
                f"{self.name!r} is not a valid group or extra name (letters, digits, '-', '_', "
                "'.'; starting and ending with a letter or digit)."
            )
        object.__setattr__(self, "name", str(canonicalize_name(self.name)))

    @property
    def table(self) -> tuple[str, ...]:
        """The TOML table the entries go into (its key NAME holds them)."""
        return ("project", "optional-dependencies") if self.extra else ("dependency-groups",)

    @property
    def label(self) -> str:
        return f"[{'.'.join(self.table)}].{self.name}"

    @property
    def exclude_flags(self) -> tuple[str, ...]:
        """uv sync flags that leave the dev requirements out (extras are out unless asked)."""
        if self.extra:
            return ()
        return ("--no-dev",) if self.name == "dev" else (f"--no-group {self.name}",)

    @property
    def include_flags(self) -> tuple[str, ...]:
        """uv sync flags that install them (the `dev` group is in by default)."""
        if self.extra:
            return (f"--extra {self.name}",)
        return () if self.name == "dev" else (f"--group {self.name}",)


DEV_GROUP = DevTarget()  # the default: [dependency-groups].dev
