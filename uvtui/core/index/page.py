"""Reads the files of a PEP 691 project page without building a dict per file.

Popular projects list thousands of files per page (a large project checks ~250k files in
~100 MB of JSON), and `json.loads` spends most of its time building dicts and strings for
hashes, URLs and sizes the outdated check never looks at. PyPI writes every file object in
one fixed shape, so one regular-expression pass picks out the four fields that matter.
The pass is strict: it must account for every byte of the files array, object by object,
and the rest of the page still goes through `json.loads`; any page in another shape (other
indexes, other key order or spacing, escapes, control characters) is read by `json.loads`
instead, so both ways give the same files for every page.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from uvtui.core.errors import PackageIndexError

# An installable file as the fold needs it: the version part of its name (see
# `version_text`), Requires-Python (None unless a string), yanked, upload time (None unless a
# string). Files without an installable name are left out.
PageFile = tuple[str, str | None, bool, str | None]

_HEAD = b'{"files": ['
# One file object as PyPI writes it, and the separator after it (before the next object or
# the end of the array). Strings are matched as `"[^"]*"`, which is exact for pages without
# backslashes and control characters (checked per page, much faster than per string). The
# page is matched as bytes, and only the fields kept are decoded: a decoded copy of every
# page in flight would be a third of the check's peak memory.
_FILE = re.compile(
    rb'\{"filename": "([^"]*)", "hashes": \{(?:"[^"]*": "[^"]*"(?:, "[^"]*": "[^"]*")*)?\}, '
    rb'"requires-python": (?:null|"([^"]*)"), "size": (?:0|[1-9][0-9]*), '
    rb'"upload-time": "([^"]*)", "url": "[^"]*", "yanked": (false|true|"[^"]*")\}'
    rb"(?:, (?=\{)|(?=\]))"
)
_CONTROL_CHARACTERS = bytes(range(32))


def files_from_json(content: bytes, name: str) -> list[PageFile]:
    """Files of project `name` (normalized) on its PEP 691 page; PackageIndexError when the
    page is not valid."""
    files = _scan(content, name)
    if files is None:
        files = _load(content, name)
    return files


def _scan(content: bytes, name: str) -> list[PageFile] | None:
    """The files of a page in PyPI's exact shape; None for any other page."""
    if not content.startswith(_HEAD):
        return None
    # (a regular-expression search for these is seven times slower than this copy)
    if b"\\" in content or len(content.translate(None, _CONTROL_CHARACTERS)) != len(content):
        return None
    if not content.isascii() and not _utf8(content):
        return None
    # Each match starts where the previous one ended: the objects tile the array. The
    # matches are consumed as they come (a list of them costs more than the page itself).
    files: list[PageFile] = []
    append = files.append
    end = len(_HEAD)
    for match in iter(_FILE.scanner(content, end).match, None):
        filename, requires_python, upload_time, yanked = match.groups()
        end = match.end()
        if (version := version_text(filename.decode(), name)) is not None:
            python = None if requires_python is None else _decoded(requires_python)
            append((version, python, yanked != b"false", upload_time.decode()))
    if not content.startswith(b"], ", end) or not _valid_rest(content[end + 3 :]):
        return None
    return files


def _utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@lru_cache(maxsize=1024)  # a few dozen distinct Requires-Python values cover most pages
def _decoded(raw: bytes) -> str:
    return raw.decode()


def _valid_rest(rest: bytes) -> bool:
    """Whether the page after the files array is valid JSON of a supported API version."""
    try:
        document = json.loads(b"{" + rest)
        return "files" not in document and _supported(document)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


def _supported(document: dict[str, Any]) -> bool:
    return str(document["meta"]["api-version"]).startswith("1.")


def _load(content: bytes, name: str) -> list[PageFile]:
    try:
        document = json.loads(content)
        if not _supported(document):
            raise PackageIndexError("index speaks an unsupported simple API version")
        files = list(document["files"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PackageIndexError("index returned invalid JSON") from None
    if not all(isinstance(file, dict) and "filename" in file for file in files):
        raise PackageIndexError("index returned invalid JSON")
    return [page_file for file in files if (page_file := _page_file(file, name)) is not None]


def _page_file(file: dict[str, Any], name: str) -> PageFile | None:
    text = version_text(str(file["filename"]), name)
    if text is None:
        return None
    requires_python = file.get("requires-python")
    yanked = file.get("yanked")
    upload_time = file.get("upload-time")
    return (
        text,
        requires_python if isinstance(requires_python, str) else None,
        yanked is True or isinstance(yanked, str),
        upload_time if isinstance(upload_time, str) else None,
    )


def version_text(filename: str, name: str) -> str | None:
    """The version part of an installable file of project `name` (normalized), as uv reads it.

    A wheel is split at its dashes the way packaging splits it (name, version,
    [build-]python-abi-platform) and its name part must normalize to `name`; the other parts
    are checked by packaging itself, once per distinct name and per distinct tag part (which
    also checks the number of dashes), which keeps packaging's exact rules at a fraction of
    its per-file cost. An sdist must start with `name` (any spelling of the same length), a
    dash, then the version: `thrift-0.14.0-2.tar.gz` is thrift 0.14.0-2 (0.14.0.post2), not
    version 2 of a project "thrift-0.14.0". Files of other projects are left out, as are eggs,
    .exe installers and other formats uv does not install. The version part is checked by
    the caller, once per distinct text.
    """
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-", 2)
        if len(parts) == 3 and _wheel_of(parts[0], name) and _valid_wheel_tags(parts[2]):
            return parts[1]
        return None
    extension = _SDIST_EXTENSION.search(filename)
    if extension is None:
        return None
    stem = filename[: extension.start()]
    size = len(name)
    if len(stem) <= size + 1 or stem[size] != "-" or not _same_name(stem[:size], name):
        return None
    return stem[size + 1 :]


# The source distribution formats uv reads from a project page (case matters, as in uv).
_SDIST_EXTENSION = re.compile(r"\.(?:zip|tar(?:\.(?:gz|bz2|xz|lz|lzma|zst))?|tgz|tbz|txz|tlz)$")


@lru_cache(maxsize=4096)
def _same_name(written: str, name: str) -> bool:
    return canonicalize_name(written) == name


def _wheel_of(written: str, name: str) -> bool:
    return _same_name(written, name) and _valid_wheel_name(written)


@lru_cache(maxsize=1024)
def _valid_wheel_name(name: str) -> bool:
    return _valid_wheel(f"{name}-0-py3-none-any.whl")


@lru_cache(maxsize=4096)  # tag parts repeat across projects (cp312-cp312-manylinux_...)
def _valid_wheel_tags(tags: str) -> bool:
    return _valid_wheel(f"a-0-{tags}.whl")


def _valid_wheel(filename: str) -> bool:
    try:
        parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    return True
