"""uv.lock as a tree: project (or members) -> groups -> packages, children built on expand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from uvtui.core.project.lock import LockDependency, LockedPackage, Lockfile
from uvtui.core.project.outdated import OutdatedRow
from uvtui.tui.formatting import is_outdated, update_marker


@dataclass(frozen=True)
class PackageNode:
    """Data of a package node: the package, the edge that led to it, and the keys of its
    ancestors (to cut cycles)."""

    package: LockedPackage
    ancestors: frozenset[tuple[str, str | None]]
    loaded: bool = False
    edge: LockDependency | None = None
    cycle: bool = False


def package_label(
    package: LockedPackage,
    edge: LockDependency | None,
    cycle: bool = False,
    row: OutdatedRow | None = None,
) -> Text:
    """The node's text; an outdated or yanked package carries the table's marker and colour."""
    text = Text(package.name, style="bold" if edge is None else "")
    if package.version:
        text.append(f" {package.version}")
    if row is not None and is_outdated(row):
        marker, style = update_marker(row)
        text.append(" ")
        text.append(marker, style=style)
        if row.latest and not row.yanked:
            text.append(f" {row.latest}", style=style)
    if edge is not None and edge.extras:
        text.append(f" [{','.join(edge.extras)}]", style="dim")
    if edge is not None and edge.marker:
        text.append(f" ; {edge.marker}", style="dim")
    if cycle:
        text.append(" ↻ cycle", style="dim italic")
    return text


def _by_group(edges: tuple[LockDependency, ...]) -> dict[str, list[LockDependency]]:
    groups: dict[str, list[LockDependency]] = defaultdict(list)
    for edge in edges:
        groups[edge.group].append(edge)
    # "main" first, then the others by name, as a reader expects.
    return dict(sorted(groups.items(), key=lambda item: (item[0] != "main", item[0])))


class LockTree(Tree[PackageNode | None]):
    """Only the first levels exist at mount; a package's children are added when it is expanded."""

    def __init__(self, project_label: str, **kwargs: object) -> None:
        super().__init__(Text(project_label, style="bold"), **kwargs)  # type: ignore[arg-type]
        self.show_root = True
        self.guide_depth = 2
        self._lock: Lockfile | None = None
        self._rows: dict[tuple[str, str | None], OutdatedRow] = {}  # index answers by package

    def render_label(
        self, node: TreeNode[PackageNode | None], base_style: Style, style: Style
    ) -> Text:
        label = super().render_label(node, base_style, style)
        # Leaves get the width of the expand icon so names line up with their siblings.
        return label if node.allow_expand else Text.assemble("  ", label)

    def show_lock(self, lock: Lockfile | None) -> None:
        self._lock = lock
        self.clear()
        if lock is None:
            self.root.add_leaf(Text("no uv.lock", style="dim italic"))
            self.root.expand()
            return
        roots = lock.roots()
        for root in roots:
            parent = self.root if len(roots) == 1 else self.root.add(package_label(root, None))
            self._add_groups(parent, root)
            parent.expand()
        self.root.expand()

    def _add_groups(self, parent: TreeNode[PackageNode | None], package: LockedPackage) -> None:
        ancestors = frozenset({package.key})
        for group, edges in _by_group(package.dependencies).items():
            group_node = parent.add(Text(group, style="italic"), expand=group == "main")
            for edge in sorted(edges, key=lambda e: e.name):
                self._add_edge(group_node, edge, ancestors)

    def _add_edge(
        self,
        parent: TreeNode[PackageNode | None],
        edge: LockDependency,
        ancestors: frozenset[tuple[str, str | None]],
    ) -> None:
        assert self._lock is not None
        targets = self._lock.resolve(edge)
        if not targets:
            parent.add_leaf(Text(f"{edge.name} (not in uv.lock)", style="dim"))
        for target in targets:
            cycle = target.key in ancestors
            data = PackageNode(target, ancestors | {target.key}, edge=edge, cycle=cycle)
            label = package_label(target, edge, cycle, self._rows.get(target.key))
            if cycle or not target.dependencies:
                parent.add_leaf(label, data=data)
            else:
                parent.add(label, data=data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[PackageNode | None]) -> None:
        node = event.node
        data = node.data
        if data is None or data.loaded:
            return
        node.data = replace(data, loaded=True)
        for edge in sorted(data.package.dependencies, key=lambda e: (e.group != "main", e.name)):
            self._add_edge(node, edge, data.ancestors)

    def show_updates(self, rows: Iterable[OutdatedRow]) -> None:
        """Index answers: the nodes built so far get their markers, later ones when built."""
        rows = list(rows)
        changed = {(row.name, row.locked) for row in rows}
        for row in rows:
            self._rows[(row.name, row.locked)] = row
        for node in self._tree_nodes.values():
            data = node.data
            if isinstance(data, PackageNode) and data.package.key in changed:
                row = self._rows[data.package.key]
                node.set_label(package_label(data.package, data.edge, data.cycle, row))

    def select_package(self, name: str) -> bool:
        """Move the cursor to the first already built node of ``name``; False when none is built."""
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data is not None and node.data.package.name == name:
                self.move_cursor(node)
                return True
        return False
