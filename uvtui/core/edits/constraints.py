"""Rewrite a requirement string so it admits a newer version, in the style it was written in.

    ==1.2      -> ==1.4          (an exact pin stays exact)
    ==1.2.*    -> ==1.4.*        (same number of segments)
    >=1.2      -> >=1.4          (lower bounds move up, at the precision written)
    ~=1.2      -> ~=1.4          (same number of segments, at least two)
    >=1,<2     -> >=2,<3         (the window moves: the upper bound steps at its own position)
    <=1.5      -> <=1.7.2        (an inclusive upper bound names the new version)
    flask      -> flask          (unpinned stays unpinned)

Only the version tokens change: the name, extras, marker and every space stay as written.
A style with no single obvious rewrite (`===`, `>` or `!=` excluding the new version, a URL)
raises ConstraintNotRewritable, which tells the user what to do instead.
"""

from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from uvtui.core.errors import UvtuiError

_NAME_AND_EXTRAS = re.compile(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?")
_CLAUSE = re.compile(r"(?P<op>===|~=|==|!=|<=|>=|<|>)(?P<space>\s*)(?P<version>[^\s,;()]+)")


class ConstraintNotRewritable(UvtuiError):
    """The requirement's specifier has no single obvious rewrite for the new version."""


def rewrite_requirement(text: str, target: Version) -> str:
    """`text` with its specifier changed to admit `target` (see the module docstring).

    Returns `text` unchanged when it has no specifier. Raises ConstraintNotRewritable when the
    style is ambiguous or the requirement is not a plain registry requirement.
    """
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise ConstraintNotRewritable(f"{text!r} is not a valid requirement: {error}") from None
    if requirement.url:
        raise ConstraintNotRewritable(
            f"{requirement.name} comes from a URL ({text!r}); change the URL by hand."
        )
    head = _NAME_AND_EXTRAS.match(text)
    assert head is not None  # Requirement() accepted it, so it starts with a name
    marker_at = text.find(";", head.end())
    end = len(text) if marker_at < 0 else marker_at
    region = text[head.end() : end]
    rewritten = _CLAUSE.sub(lambda match: _rewrite_clause(match, target, text), region)
    result = text[: head.end()] + rewritten + text[end:]
    if not Requirement(result).specifier.contains(target, prereleases=True):
        raise ConstraintNotRewritable(
            f"{text!r} cannot be rewritten to admit {target}; edit it by hand."
        )
    return result


def with_lower_bound(text: str, version: str) -> str:
    """A requirement without a specifier gets `>=version` after its name and extras (what
    `uv add` writes); any other requirement is returned as it is."""
    requirement = Requirement(text)
    if requirement.specifier or requirement.url:
        return text
    head = _NAME_AND_EXTRAS.match(text)
    assert head is not None
    return f"{text[: head.end()].rstrip()}>={version}{text[head.end() :]}"


def _rewrite_clause(match: re.Match[str], target: Version, text: str) -> str:
    op, space, written = match["op"], match["space"], match["version"]
    wildcard = written.endswith(".*")
    try:
        version = Version(written.removesuffix(".*"))
    except InvalidVersion:
        raise ConstraintNotRewritable(f"{text!r}: {written!r} is not a version.") from None
    new = _new_version(op, version, wildcard, target, text)
    return f"{op}{space}{new}{'.*' if wildcard else ''}"


def _new_version(op: str, version: Version, wildcard: bool, target: Version, text: str) -> str:
    count = len(version.release)
    if op == "==":
        return _segments(target, count) if wildcard else str(target)
    if op == ">=":
        return _segments(target, count)
    if op == "~=":
        return _segments(target, max(count, 2))
    if op == "<":
        if target < version:
            return str(version)
        return _step(target, count)
    if op == "<=":
        return str(version) if target <= version else str(target)
    if op == "!=":
        excluded = _segments(target, count) == str(version) if wildcard else target == version
        if not excluded:
            return str(version)
    if op == ">" and target > version:
        return str(version)
    raise ConstraintNotRewritable(
        f"{text!r}: no obvious way to rewrite `{op}{version}{'.*' if wildcard else ''}` for "
        f"{target}; edit the constraint by hand."
    )


def _segments(target: Version, count: int) -> str:
    """The first `count` release segments of target (padded with zeros), pre-release kept
    when every segment is shown."""
    release = (*target.release, *([0] * count))[:count]
    text = ".".join(str(part) for part in release)
    if count >= len(target.release) and target.pre is not None:
        text += "".join(str(part) for part in target.pre)
    return text


def _step(target: Version, count: int) -> str:
    """An exclusive upper bound stepped where it was written: <2 (2.3) -> <3, <1.5 (1.7) -> <1.8."""
    release = list((*target.release, *([0] * count))[:count])
    release[-1] += 1
    return ".".join(str(part) for part in release)
