"""The planned dependencies and uv settings written into pyproject.toml text (spec §3.2).

Existing tables get new keys inserted after their last plain key (tomlkit keeps every other
byte); tables the file lacks are rendered separately and appended, so the old text stays a
verbatim part of the new one.
"""

from __future__ import annotations

from collections.abc import Iterable

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from tomlkit import TOMLDocument
from tomlkit.items import AoT, Array, Table

from uvtui.core.findings import MigrationRefused
from uvtui.core.migrate.dev_target import DEV_GROUP, DevTarget
from uvtui.core.migrate.mapping import (
    MAIN_TARGET,
    MappedDependency,
    RequirementMapper,
)
from uvtui.core.migrate.pip_options import MappedIndex


def _multiline_array(items: Iterable[tuple[str, str | None]]) -> Array:
    array = tomlkit.array()
    items = list(items)
    if not items:
        return array
    array.multiline(True)
    _add_lines(array, items)
    return array


def _add_lines(array: Array, items: list[tuple[str, str | None]]) -> None:
    for value, comment in items:
        if comment:
            array.add_line(value, comment=comment)
        else:
            array.add_line(value)
    array.add_line(indent="")


def _append_to_array(array: Array, items: list[tuple[str, str | None]]) -> None:
    if not items:
        return
    if "\n" in array.as_string():
        _add_lines(array, items)
    else:
        for value, _comment in items:
            array.append(value)


def _new_entries(
    existing: list[str], deps: list[MappedDependency], where: str
) -> list[tuple[str, str | None]]:
    """Entries not already declared; an existing entry with another specifier is R3."""
    by_name: dict[tuple[str, str], Requirement] = {}
    for text in existing:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise MigrationRefused("R4", f"pyproject.toml {where}: {error}") from None
        by_name[(canonicalize_name(requirement.name), str(requirement.marker or ""))] = requirement
    entries: list[tuple[str, str | None]] = []
    for dep in deps:
        text = dep.render() if not dep.source else dep.render_bare()
        current = by_name.get(dep.key)
        if current is None:
            entries.append((text, dep.comment))
            continue
        new = Requirement(text)
        if (current.specifier, current.extras, current.url) != (new.specifier, new.extras, new.url):
            raise MigrationRefused(
                "R3", f"{where} already has {current} but {dep.origin} asks for {text}"
            )
    return entries


def _real_table(container: TOMLDocument, *keys: str) -> Table | None:
    """The table at KEYS when the file defines it with its own header (not only sub-tables)."""
    current = container
    for key in keys:
        current = current.get(key) if hasattr(current, "get") else None
        if current is None:
            return None
    if isinstance(current, Table) and not current.is_super_table():
        return current
    return None


def _insert_keys(table: Table, items: list[tuple[str, object]]) -> None:
    """Insert after the table's last plain key, never after one of its sub-tables."""
    body = table.value.body
    plain = [k for k, v in body if k is not None and not isinstance(v, Table | AoT)]
    for key, value in reversed(items):
        if plain:
            table.value._insert_after(plain[-1].key, key, value)
        else:
            table.value._insert_at(0, key, value)


def _nested(document: TOMLDocument, *keys: str, header: bool = True) -> Table:
    """Create super tables down to the last key (rendered as one dotted header).

    With header=False the last table is a super table too: it gets no header of its own,
    which is what an array of tables below it wants.
    """
    current = document
    for index, key in enumerate(keys):
        if key not in current:
            current[key] = tomlkit.table(is_super_table=index < len(keys) - 1 or not header)
        current = current[key]
    return current


def render_pyproject(
    old_text: str,
    mapper: RequirementMapper,
    project_name: str,
    requires_python: str | None,
    dev_target: DevTarget = DEV_GROUP,
) -> str:
    """OLD_TEXT (may be empty) with the mapped dependencies, sources, indexes and settings."""
    document = tomlkit.parse(old_text)
    appendix = tomlkit.document()
    head = tomlkit.document() if _project_goes_first(document) else appendix
    _render_project(document, head, mapper, project_name, requires_python)
    _render_dev_group(document, appendix, mapper, dev_target)
    _render_tool_uv(document, appendix, mapper)
    text = tomlkit.dumps(document)
    if head is not appendix:
        text = tomlkit.dumps(head).rstrip("\n") + "\n\n" + text
    extra = tomlkit.dumps(appendix)
    if not extra.strip():
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and not text.endswith("\n\n"):
        text += "\n"
    return text + extra.rstrip("\n") + "\n"


def _project_goes_first(document: TOMLDocument) -> bool:
    """A file with tables but no [project] (only tool settings) gets [project] at the top.

    Not when the file starts with top-level keys: a header above them would capture them.
    """
    if not document.body or _real_table(document, "project") is not None:
        return False
    if "project" in document:
        return False
    return not any(key is not None and not isinstance(v, Table | AoT) for key, v in document.body)


def _render_project(
    document: TOMLDocument,
    appendix: TOMLDocument,
    mapper: RequirementMapper,
    project_name: str,
    requires_python: str | None,
) -> None:
    existing = _real_table(document, "project")
    project = existing if existing is not None else {}
    new_keys: list[tuple[str, object]] = []
    if "name" not in project:
        new_keys.append(("name", project_name))
    if "version" not in project and "version" not in project.get("dynamic", []):
        new_keys.append(("version", "0.1.0"))
    if requires_python and "requires-python" not in project:
        new_keys.append(("requires-python", requires_python))
    entries = _new_entries(
        list(project.get("dependencies", [])), mapper.groups["main"], MAIN_TARGET
    )
    if "dependencies" in project:
        _append_to_array(project["dependencies"], entries)
    else:
        new_keys.append(("dependencies", _multiline_array(entries)))
    if existing is not None:
        _insert_keys(existing, new_keys)
        return
    table = _nested(appendix, "project")
    for key, value in new_keys:
        table[key] = value


def _render_dev_group(
    document: TOMLDocument, appendix: TOMLDocument, mapper: RequirementMapper, target: DevTarget
) -> None:
    if not mapper.groups["dev"]:
        return
    existing = _real_table(document, *target.table)
    groups = existing if existing is not None else {}
    name = target.name
    entries = _new_entries(list(groups.get(name, [])), mapper.groups["dev"], target.label)
    if name in groups:
        _append_to_array(groups[name], entries)
    elif existing is not None:
        _insert_keys(existing, [(name, _multiline_array(entries))])
    elif entries:
        _nested(appendix, *target.table)[name] = _multiline_array(entries)


def _render_tool_uv(
    document: TOMLDocument, appendix: TOMLDocument, mapper: RequirementMapper
) -> None:
    settings: dict[str, object] = {}
    if mapper.constraints:
        settings["constraint-dependencies"] = mapper.constraints
    settings.update(mapper.options.tool_uv)
    uv = _real_table(document, "tool", "uv")
    present = uv if uv is not None else {}
    new_keys = [
        (key, _multiline_array((v, None) for v in value) if isinstance(value, list) else value)
        for key, value in settings.items()
        if key not in present
    ]
    if new_keys and uv is not None:
        _insert_keys(uv, new_keys)
    elif new_keys:
        table = _nested(appendix, "tool", "uv")
        for key, value in new_keys:
            table[key] = value
    sources = [dep for group in mapper.groups.values() for dep in group if dep.source]
    if sources:
        _render_sources(document, appendix, sources)
    if mapper.options.indexes:
        _render_indexes(document, appendix, mapper.options.indexes)


def _render_sources(
    document: TOMLDocument, appendix: TOMLDocument, sources: list[MappedDependency]
) -> None:
    existing = _real_table(document, "tool", "uv", "sources")
    present = existing if existing is not None else {}
    new_items: list[tuple[str, object]] = []
    for dep in sources:
        assert dep.source is not None
        if dep.name in present:
            if dict(present[dep.name]) != dep.source:
                raise MigrationRefused(
                    "R3", f"[tool.uv.sources].{dep.name} already exists with another source"
                )
            continue
        inline = tomlkit.inline_table()
        inline.update(dep.source)
        new_items.append((dep.name, inline))
    if existing is not None:
        _insert_keys(existing, new_items)
        return
    table = _nested(appendix, "tool", "uv", "sources")
    for key, value in new_items:
        table[key] = value
    table.add(tomlkit.nl())


def _render_indexes(
    document: TOMLDocument, appendix: TOMLDocument, indexes: list[MappedIndex]
) -> None:
    current = document.get("tool", {}).get("uv", {}).get("index")
    existing_urls = {str(entry.get("url", "")).rstrip("/") for entry in current or []}
    new = [index for index in indexes if index.url.rstrip("/") not in existing_urls]
    if not new:
        return
    if current is None:
        uv = _nested(appendix, "tool", "uv", header=False)
        uv["index"] = current = tomlkit.aot()
    elif not isinstance(current, AoT):
        raise MigrationRefused("R4", "pyproject.toml: [tool.uv] index is not an array of tables")
    for index in new:
        entry = tomlkit.table()
        entry["name"] = index.name
        entry["url"] = index.url
        if index.default:
            entry["default"] = True
        if index.flat:
            entry["format"] = "flat"
        current.append(entry)
