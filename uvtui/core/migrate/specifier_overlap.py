"""Do two specifier sets overlap, does one narrow the other, is a requirement an exact pin.

The comparison is a heuristic instead of a solver: the candidate versions are every version
named by either specifier set (plus the implicit upper bound of `~=` and `==X.*`), a version
just above each of them (`X.0.0.0.1`) and `0`. Two sets overlap when one candidate satisfies
both; a set narrows another when it excludes a candidate the other allows. Between two
neighbouring candidates every version behaves the same for these operators, so this is exact
for final releases; pre-release edges may be judged conservatively.
"""

from __future__ import annotations

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version


def _bounds(specifiers: SpecifierSet) -> set[Version]:
    found: set[Version] = set()
    for spec in specifiers:
        if spec.operator == "===":
            continue
        prefix = spec.version.endswith(".*")
        try:
            version = Version(spec.version[:-2] if prefix else spec.version)
        except InvalidVersion:
            continue
        found.add(version)
        release = version.release
        if prefix:
            found.add(Version(".".join(map(str, (*release[:-1], release[-1] + 1)))))
        elif spec.operator == "~=" and len(release) >= 2:
            found.add(Version(".".join(map(str, (*release[:-2], release[-2] + 1)))))
    return found


def _candidates(*sets: SpecifierSet) -> list[Version]:
    found = {Version("0")}
    for specifiers in sets:
        for version in _bounds(specifiers):
            found.add(version)
            found.add(Version(".".join(map(str, version.release)) + ".0.0.0.1"))
    return sorted(found)


def _has_arbitrary(*sets: SpecifierSet) -> bool:
    return any(spec.operator == "===" for specifiers in sets for spec in specifiers)


def specifiers_overlap(first: SpecifierSet, second: SpecifierSet) -> bool:
    """Whether some version satisfies both sets (see the module docstring)."""
    if _has_arbitrary(first, second):
        return str(first) == str(second)
    return any(
        first.contains(v, prereleases=True) and second.contains(v, prereleases=True)
        for v in _candidates(first, second)
    )


def specifier_narrows(candidate: SpecifierSet, other: SpecifierSet) -> bool:
    """Whether CANDIDATE excludes some version OTHER allows, i.e. adds a restriction."""
    if _has_arbitrary(candidate, other):
        return str(candidate) != str(other)
    return any(
        other.contains(v, prereleases=True) and not candidate.contains(v, prereleases=True)
        for v in _candidates(candidate, other)
    )


def exact_pin(requirement: Requirement | None) -> str | None:
    """The version of a plain `name==X` requirement (no wildcard, no URL), else None."""
    if requirement is None or requirement.url:
        return None
    specs = list(requirement.specifier)
    if len(specs) == 1 and specs[0].operator == "==" and not specs[0].version.endswith(".*"):
        return specs[0].version
    return None
