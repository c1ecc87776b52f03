"""Why is this installed: dependency chains from the project roots down to one locked package."""

from __future__ import annotations

from dataclasses import dataclass

from uvtui.core.project.lock import LockDependency, LockedPackage, Lockfile


@dataclass(frozen=True)
class ChainStep:
    package: LockedPackage
    edge: LockDependency | None  # the edge from the previous step; None for the root


@dataclass(frozen=True)
class WhyResult:
    chains: list[list[ChainStep]]  # root first, the asked package last
    truncated: bool  # more chains exist than were collected


def why_installed(
    lock: Lockfile, name: str, version: str | None = None, limit: int = 25
) -> WhyResult:
    """Every reverse chain from a root (the project, a member, an unrequired package) to ``name``.

    Cycles are cut; at most ``limit`` chains are collected, shortest first.
    """
    targets = [
        p for p in lock.packages if p.name == name and (version is None or p.version == version)
    ]
    chains: list[list[ChainStep]] = []
    truncated = False
    roots = {package.key for package in lock.roots()}
    budget = [limit * 200]  # dead ends cut by cycles produce no chain: bound the walk itself

    def climb(path: list[ChainStep]) -> None:
        nonlocal truncated
        budget[0] -= 1
        if len(chains) >= limit or budget[0] < 0:
            truncated = True
            return
        head = path[0].package
        parents = lock.reverse_dependencies(head.name, head.version)
        if head.key in roots or not parents:
            chains.append(path)
            return
        seen = {step.package.key for step in path}
        for parent, edge in parents:
            if parent.key in seen:
                continue
            climb([ChainStep(parent, None), ChainStep(head, edge), *path[1:]])

    for target in targets:
        climb([ChainStep(target, None)])
    chains.sort(key=len)
    return WhyResult(chains, truncated)
