"""Edit one requirement string in a pyproject.toml text through tomlkit, every other byte kept.

The requirement is found by its group label (see core/project/model.py) and its exact text;
the replacement keeps the string's quoting style (basic or literal), and the item's indent,
comma and comment stay where tomlkit found them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from uvtui.core.errors import UvtuiError
from uvtui.core.project.model import EXTRA_PREFIX, LEGACY_DEV_GROUP, MAIN_GROUP

if TYPE_CHECKING:
    from tomlkit.items import Array


def replace_requirement(pyproject_text: str, group: str, old: str, new: str) -> str:
    """pyproject_text with the requirement string `old` of `group` replaced by `new`."""
    import tomlkit
    from tomlkit.items import String

    document = tomlkit.parse(pyproject_text)
    array, position = _locate(document, group, old)
    written = array[position]
    array[position] = String.from_raw(new, type_=written.type)
    return tomlkit.dumps(document)


def add_requirement(pyproject_text: str, group: str, text: str) -> str:
    """pyproject_text with `text` appended to `group`, the array (and table) made when missing.

    A new array is written one item per line, as uv writes it.
    """
    import tomlkit

    document = tomlkit.parse(pyproject_text)
    try:
        array = _array(document, group)
    except UvtuiError:
        array = tomlkit.array().multiline(True)
        _container(document, group)[_new_key(group)] = array
    array.append(text)
    return tomlkit.dumps(document)


def rewrite_tool_uv_item(
    pyproject_text: str, key: str, position: int, rewrite: Callable[[str], str]
) -> str:
    """pyproject_text with item `position` of `[tool.uv] KEY` (constraint-dependencies,
    override-dependencies) replaced by `rewrite(item as written)`."""
    import tomlkit
    from tomlkit.items import String

    document = tomlkit.parse(pyproject_text)
    array = document.get("tool", {}).get("uv", {}).get(key)
    if array is None or position >= len(array) or not isinstance(array[position], str):
        raise UvtuiError(f"[tool.uv] {key} changed; nothing to rewrite.")
    written = array[position]
    array[position] = String.from_raw(rewrite(str(written)), type_=written.type)
    return tomlkit.dumps(document)


def remove_requirement(pyproject_text: str, group: str, old: str) -> str:
    """pyproject_text without the requirement string `old` of `group`."""
    import tomlkit

    document = tomlkit.parse(pyproject_text)
    array, position = _locate(document, group, old)
    del array[position]
    return tomlkit.dumps(document)


def remove_source(pyproject_text: str, name: str) -> str:
    """pyproject_text without `name`'s [tool.uv.sources] entry (the table goes when emptied);
    the text unchanged when it has none."""
    import tomlkit

    document = tomlkit.parse(pyproject_text)
    uv = document.get("tool", {}).get("uv", {})
    sources = uv.get("sources", {})
    keys = [key for key in sources if canonicalize_name(key) == canonicalize_name(name)]
    if not keys:
        return pyproject_text
    for key in keys:
        del sources[key]
    if not sources:
        del uv["sources"]
    return tomlkit.dumps(document)


def _locate(document: Any, group: str, text: str) -> tuple[Array, int]:
    array = _array(document, group)
    for position, value in enumerate(array):
        if isinstance(value, str) and str(value) == text:
            return array, position
    raise UvtuiError(f"{text!r} is no longer in {_describe(group)} of pyproject.toml.")


def _array(document: Any, group: str) -> Array:
    if group == MAIN_GROUP:
        found = document.get("project", {}).get("dependencies")
    elif group.startswith(EXTRA_PREFIX):
        extras = document.get("project", {}).get("optional-dependencies", {})
        found = _by_normalized_key(extras, group.removeprefix(EXTRA_PREFIX))
    elif group == LEGACY_DEV_GROUP:
        found = document.get("tool", {}).get("uv", {}).get("dev-dependencies")
    else:
        found = _by_normalized_key(document.get("dependency-groups", {}), group)
    if found is None:
        raise UvtuiError(f"pyproject.toml has no {_describe(group)}.")
    return found


def _container(document: Any, group: str) -> Any:
    """The table that holds `group`'s array, made when missing."""
    import tomlkit

    if group == MAIN_GROUP:
        return document.setdefault("project", tomlkit.table())
    if group.startswith(EXTRA_PREFIX):
        project = document.setdefault("project", tomlkit.table())
        return project.setdefault("optional-dependencies", tomlkit.table())
    if group == LEGACY_DEV_GROUP:
        tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
        return tool.setdefault("uv", tomlkit.table())
    return document.setdefault("dependency-groups", tomlkit.table())


def _new_key(group: str) -> str:
    if group == MAIN_GROUP:
        return "dependencies"
    if group == LEGACY_DEV_GROUP:
        return "dev-dependencies"
    return group.removeprefix(EXTRA_PREFIX)


def _by_normalized_key(table: Any, name: str) -> Any:
    wanted = canonicalize_name(name)
    return next((value for key, value in table.items() if canonicalize_name(key) == wanted), None)


def _describe(group: str) -> str:
    if group == MAIN_GROUP:
        return "[project] dependencies"
    if group.startswith(EXTRA_PREFIX):
        return f"optional dependencies {group.removeprefix(EXTRA_PREFIX)!r}"
    if group == LEGACY_DEV_GROUP:
        return "[tool.uv] dev-dependencies"
    return f"dependency group {group!r}"
