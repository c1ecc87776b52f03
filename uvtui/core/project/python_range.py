"""The Python versions a fork of uv.lock applies to, as a requires-python for judging updates.

A lock forks when a package needs different versions on different Pythons (bokeh 3.9.2 for
`python_full_version < '3.12'`, 3.10.2 for `>= '3.12'`). The row of each fork is judged
against requires-python intersected with the fork's marker: a release that needs Python 3.12
is a fine update for the `>= '3.12'` row and no update at all for the other one. As in
versions.py, only lower bounds matter.
"""

from __future__ import annotations

from functools import lru_cache

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_PYTHON_VARIABLES = {"python_version", "python_full_version"}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=", "~=": "~="}

# A lower bound: (version, inclusive); None is no bound at all (every Python).
_Bound = tuple[Version, bool] | None


def fork_requires_python(
    requires_python: SpecifierSet | None, marker: str | None
) -> SpecifierSet | None:
    """`requires_python` narrowed to the Pythons where `marker` can hold.

    Unchanged when the marker sets no lower bound on the Python version; a bound below
    `requires_python`'s own is kept but changes nothing (only the highest bound counts).
    """
    if not marker:
        return requires_python
    bound = _marker_lower_bound(marker)
    if bound is None:
        return requires_python
    version, inclusive = bound
    narrowed = SpecifierSet(f"{'>=' if inclusive else '>'}{version}")
    return narrowed if requires_python is None else requires_python & narrowed


@lru_cache(maxsize=256)  # a lock has a handful of distinct fork markers
def _marker_lower_bound(marker: str) -> _Bound:
    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return None
    return _lower_bound(parsed._markers)  # packaging keeps no public tree of a marker


def _lower_bound(items: list[object]) -> _Bound:
    """`or` of `and` groups, the way packaging evaluates a marker list."""
    groups: list[list[object]] = [[]]
    for item in items:
        if item == "or":
            groups.append([])
        elif item != "and":
            groups[-1].append(item)
    bounds = [_all_of(group) for group in groups]
    if any(bound is None for bound in bounds):
        return None
    return min(bounds, key=_sort_key)


def _all_of(group: list[object]) -> _Bound:
    bounds = [bound for item in group if (bound := _item_bound(item)) is not None]
    return max(bounds, key=_sort_key, default=None)


def _item_bound(item: object) -> _Bound:
    if isinstance(item, list):
        return _lower_bound(item)
    if not isinstance(item, tuple) or len(item) != 3:
        return None
    left, operator, right = (str(getattr(part, "value", part)) for part in item)
    if left in _PYTHON_VARIABLES:
        variable, op, text = left, operator, right
    elif right in _PYTHON_VARIABLES:
        variable, op, text = right, _MIRRORED.get(operator, ""), left
    else:
        return None
    return _comparison_bound(variable, op, text)


def _comparison_bound(variable: str, operator: str, text: str) -> _Bound:
    if operator not in (">", ">=", "==", "~=", "==="):
        return None
    try:
        version = Version(text.removesuffix(".*"))
        SpecifierSet(f"{operator}{text}")
    except (InvalidVersion, InvalidSpecifier):
        return None
    release = Version(".".join(str(part) for part in version.release))
    if operator != ">":
        return release, True
    if variable == "python_version":  # "3.11" > "3.11" is false for every 3.11.x
        major, minor = (*release.release, 0)[:2]
        return Version(f"{major}.{minor + 1}"), True
    return release, False


def _sort_key(bound: _Bound) -> tuple[Version, bool]:
    assert bound is not None
    version, inclusive = bound
    return version, not inclusive  # (v, inclusive) is the lower of the two
