"""Reverse chains and the lock tree on hand-made lock graphs (cycles, several roots)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from uvtui.core.project.lock import LockDependency, LockedPackage, Lockfile
from uvtui.core.project.why import why_installed
from uvtui.tui.widgets.lock_tree import LockTree, PackageNode


def package(name: str, *deps: str, source_kind: str = "registry") -> LockedPackage:
    edges = tuple(LockDependency(dep, None, None) for dep in deps)
    source = "." if source_kind == "virtual" else "https://index.invalid/simple"
    return LockedPackage(name, "1.0", source_kind, source, dependencies=edges)


def cyclic_lock() -> Lockfile:
    """app -> a -> b -> a (a cycle), app -> c -> b."""
    return Lockfile(
        packages=[
            package("app", "a", "c", source_kind="virtual"),
            package("a", "b"),
            package("b", "a"),
            package("c", "b"),
        ],
        requires_python=">=3.11",
        members=["app"],
    )


def test_why_follows_every_chain_to_the_root_and_cuts_cycles() -> None:
    result = why_installed(cyclic_lock(), "b")
    chains = [" → ".join(step.package.name for step in chain) for chain in result.chains]
    assert sorted(chains) == ["app → a → b", "app → c → b"]
    assert not result.truncated


def test_why_stops_at_the_limit() -> None:
    result = why_installed(cyclic_lock(), "b", limit=1)
    assert len(result.chains) == 1 and result.truncated


class TreeApp(App[None]):
    def __init__(self, lock: Lockfile) -> None:
        super().__init__()
        self.lock = lock

    def compose(self) -> ComposeResult:
        yield LockTree("app")

    def on_mount(self) -> None:
        self.query_one(LockTree).show_lock(self.lock)


async def test_tree_marks_a_cycle_instead_of_recursing() -> None:
    app = TreeApp(cyclic_lock())
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(LockTree)
        main = tree.root.children[0]
        a = next(
            n
            for n in main.children
            if isinstance(n.data, PackageNode) and n.data.package.name == "a"
        )
        a.expand()
        await pilot.pause()
        b = a.children[0]
        b.expand()
        await pilot.pause()
        back_to_a = b.children[0]
        assert "↻ cycle" in str(back_to_a.label)
        assert not back_to_a.allow_expand
