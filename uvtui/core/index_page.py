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
from typing import Any

from uvtui.core.errors import PackageIndexError

# filename, Requires-Python (None unless a string), yanked, upload time (None unless a string)
PageFile = tuple[str, str | None, bool, str | None]

_HEAD = '{"files": ['
# One file object as PyPI writes it. Strings are matched as `"[^"]*"`, which is exact for
# pages without backslashes and control characters (checked per page, much faster than
# checking per string).
_FILE = re.compile(
    r'\{"filename": "([^"]*)", "hashes": \{(?:"[^"]*": "[^"]*"(?:, "[^"]*": "[^"]*")*)?\}, '
    r'"requires-python": (?:null|"([^"]*)"), "size": (?:0|[1-9][0-9]*), '
    r'"upload-time": "([^"]*)", "url": "[^"]*", "yanked": (false|true|"[^"]*")\}'
)
_CONTROL_CHARACTERS = bytes(range(32))


def files_from_json(content: bytes) -> list[PageFile]:
    """Files of a PEP 691 project page; PackageIndexError when the page is not valid."""
    files = _scan(content)
    if files is None:
        files = _load(content)
    return files


def _scan(content: bytes) -> list[PageFile] | None:
    """The files of a page in PyPI's exact shape; None for any other page."""
    if b"\\" in content or len(content.translate(None, _CONTROL_CHARACTERS)) != len(content):
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.startswith(_HEAD):
        return None
    files: list[PageFile] = []
    expected = len(_HEAD)
    separator = ""
    for match in _FILE.finditer(text, expected):
        if (
            match.start() != expected + len(separator)
            or text[expected : match.start()] != separator
        ):
            return None
        filename, requires_python, upload_time, yanked = match.groups()
        files.append((filename, requires_python, yanked != "false", upload_time))
        expected, separator = match.end(), ", "
    if not text.startswith("], ", expected) or not _valid_rest(text[expected + 3 :]):
        return None
    return files


def _valid_rest(rest: str) -> bool:
    """Whether the page after the files array is valid JSON of a supported API version."""
    try:
        document = json.loads("{" + rest)
        return "files" not in document and _supported(document)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


def _supported(document: dict[str, Any]) -> bool:
    return str(document["meta"]["api-version"]).startswith("1.")


def _load(content: bytes) -> list[PageFile]:
    try:
        document = json.loads(content)
        if not _supported(document):
            raise PackageIndexError("index speaks an unsupported simple API version")
        files = list(document["files"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PackageIndexError("index returned invalid JSON") from None
    if not all(isinstance(file, dict) and "filename" in file for file in files):
        raise PackageIndexError("index returned invalid JSON")
    return [_page_file(file) for file in files]


def _page_file(file: dict[str, Any]) -> PageFile:
    requires_python = file.get("requires-python")
    yanked = file.get("yanked")
    upload_time = file.get("upload-time")
    return (
        str(file["filename"]),
        requires_python if isinstance(requires_python, str) else None,
        yanked is True or isinstance(yanked, str),
        upload_time if isinstance(upload_time, str) else None,
    )
