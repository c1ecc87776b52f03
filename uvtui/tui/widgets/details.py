"""What we know about the selected package: row facts, index summary, versions, dependents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from uvtui.core.project.binding import AppliedSpecifier, Origin
from uvtui.core.project.outdated import CheckStatus
from uvtui.tui.formatting import YANKED_MARKER, unlocked_text, update_cell

if TYPE_CHECKING:
    from uvtui.core.index.client import PackageReleases
    from uvtui.core.project.lock import Lockfile
    from uvtui.core.project.outdated import OutdatedRow

VERSIONS_SHOWN = 15


def _fact(label: str, value: str | Text | None) -> Text:
    text = Text()
    text.append(f"{label:<12}", style="bold")
    text.append(value if value is not None else Text("—", style="dim"))
    return text


def versions_text(releases: PackageReleases, locked: str | None) -> Text:
    """Most recent first, with upload dates; yanked and pre-releases marked."""
    text = Text()
    newest_first = sorted(releases.releases, key=lambda r: r.version, reverse=True)
    for release in newest_first[:VERSIONS_SHOWN]:
        version = str(release.version)
        date = release.upload_time.date().isoformat() if release.upload_time else "          "
        line = Text(f"  {version:<16} {date}")
        if version == locked:
            line.append("  ● locked", style="bold")
        if release.version.is_prerelease:
            line.append("  pre-release", style="italic")
        if release.yanked:
            line.append(f"  {YANKED_MARKER[0]}", style=YANKED_MARKER[1])
            line.stylize("strike", 2, 2 + len(version))
        text.append_text(line)
        text.append("\n")
    if len(newest_first) > VERSIONS_SHOWN:
        text.append(f"  … {len(newest_first) - VERSIONS_SHOWN} older versions\n", style="dim")
    return text


def dependents_text(lock: Lockfile | None, row: OutdatedRow) -> Text:
    if lock is None:
        return Text("  (no uv.lock)\n", style="dim")
    parents = lock.reverse_dependencies(row.name, row.locked)
    if not parents:
        return Text("  nothing (a root)\n", style="dim")
    text = Text()
    for parent, edge in sorted(parents, key=lambda item: item[0].name):
        text.append(f"  {parent.name} {parent.version or ''}".rstrip())
        if edge.group != "main":
            text.append(f" ({edge.group})", style="dim")
        if edge.marker:
            text.append(f" ; {edge.marker}", style="dim")
        text.append("\n")
    return text


def _setting_text(spec: AppliedSpecifier) -> str:
    text = str(spec)
    if spec.marker:
        text += f" ; {spec.marker}"
    if spec.origin is Origin.OVERRIDE:
        text += " (replaces the declarations)"
    return text


class DetailsPanel(VerticalScroll):
    """Rebuilt whenever the selection or what we know about it changes."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Select a package", style="dim"), id="details-body")

    def show(
        self,
        row: OutdatedRow | None,
        releases: PackageReleases | None,
        lock: Lockfile | None,
        index_info: tuple[str | None, str | None, str | None] | None,
    ) -> None:
        """``index_info`` is (summary, homepage, changelog) once fetched, None while loading."""
        body = self.query_one("#details-body", Static)
        if row is None:
            body.update(Text("Select a package", style="dim"))
            return
        title = Text(row.name, style="bold")
        if row.locked:
            title.append(f" {row.locked}")
        parts: list[Text] = [title]
        if index_info is None:
            parts.append(Text("loading summary…", style="dim"))
        else:
            summary, homepage, changelog = index_info
            parts.append(Text(summary or "(no summary)", style="italic" if summary else "dim"))
            if homepage:
                parts.append(_fact("homepage", homepage))
            if changelog:
                parts.append(_fact("changelog", changelog))
        checked = row.status is CheckStatus.CHECKED
        parts.append(
            _fact("update", unlocked_text(row) if checked and not row.locked else update_cell(row))
        )
        parts.append(_fact("constraint", row.constraint))
        settings = [spec for spec in row.applied if spec.origin is not Origin.DECLARATION]
        if settings:
            parts.append(_fact("uv applies", "; ".join(_setting_text(spec) for spec in settings)))
        if row.held_by:
            holding = row.held_by
            parts.append(_fact("held by", f"{holding.settings} (keeps {holding.blocked} out)"))
        parts.append(_fact("groups", ", ".join(row.groups) or "(transitive)"))
        parts.append(_fact("source", row.source_kind))
        if row.marker:
            parts.append(_fact("marker", row.marker))
        if row.reason:
            parts.append(_fact("note", row.reason))
        if row.newer_needs_python:
            version, python = row.newer_needs_python
            parts.append(_fact("python", f"{version} needs Python {python}"))
        if row.newer_excluded:
            version, uploaded = row.newer_excluded
            parts.append(
                _fact("window", f"{version} uploaded {uploaded[:10]}, after exclude-newer")
            )
        parts.append(Text("\nRequired by", style="bold"))
        parts.append(dependents_text(lock, row))
        parts.append(Text("Versions", style="bold"))
        if releases is None:
            parts.append(Text("  (not fetched yet)", style="dim"))
        else:
            parts.append(versions_text(releases, row.locked))
        body.update(Group(*parts))
