"""The fast reading of PyPI-shaped project pages gives exactly what `json.loads` gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from uvtui.core.errors import PackageIndexError
from uvtui.core.index.client import _fold, _release_from_row, _release_to_row
from uvtui.core.index.page import _load, _scan, files_from_json


def _file(filename: str, **fields: Any) -> dict[str, Any]:
    return {
        "filename": filename,
        "hashes": {"sha256": "ab" * 32},
        "requires-python": ">=3.9",
        "size": 1234,
        "upload-time": "2024-01-02T03:04:05.123456Z",
        "url": f"https://files.example/packages/ab/cd/{filename}",
        "yanked": False,
    } | fields


_FILES = [
    _file("demo-1.0-py3-none-any.whl"),
    _file("demo-1.0.tar.gz", **{"requires-python": None, "upload-time": "2024-01-01T00:00:00Z"}),
    _file("demo-1.1-cp312-cp312-manylinux_2_17_x86_64.whl", yanked=True, hashes={}),
    _file("demo-1.2.zip", yanked="broken build", **{"requires-python": ">=3.10, <4"}),
    _file("démo-2.0-py3-none-any.whl", size=0, hashes={"md5": "00", "sha256": "11"}),
    _file("demo-2.0-py3-none-any.whl", size=0, hashes={"md5": "00", "sha256": "11"}),
    _file("demo-2.0-1-py3-none-any.whl"),
    _file("demo-2.0-x-py3-none-any.whl"),
    _file("demo-2.0.1.tar.gz.zip"),
    _file("de-mo-2.0.1-py3-none-any.whl"),
    _file("de-mo-2.0.2.tar.gz"),
    _file("-2.0.3.tar.gz"),
    _file("demo-1.0.win32.exe"),
]


def _page(files: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return (
        {"meta": {"api-version": "1.1", "_last-serial": "7"}, "name": "demo"}
        | top
        | {
            "files": files,
            "versions": ["1.0", "1.1", "1.2", "2.0"],
        }
    )


def _pypi_bytes(document: dict[str, Any]) -> bytes:
    """The page as PyPI writes it: sorted keys, ", " and ": " separators, UTF-8."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False).encode()


def _outcome(read: Any, content: bytes) -> object:
    try:
        return read(content, "demo")
    except PackageIndexError as error:
        return str(error)


def test_pypi_shaped_page_is_scanned_with_the_same_result() -> None:
    content = _pypi_bytes(_page(_FILES))
    scanned = _scan(content, "demo")
    assert scanned is not None
    assert scanned == _load(content, "demo")
    # no .exe, no bad build tag, no other project's files ("démo", "de-mo", "")
    versions = [file[0] for file in scanned]
    assert versions == ["1.0", "1.0", "1.1", "1.2", "2.0", "2.0", "2.0.1.tar.gz"]
    assert scanned[2] == ("1.1", ">=3.9", True, "2024-01-02T03:04:05.123456Z")
    assert scanned[1][1] is None
    assert scanned[3][2] is True  # a yank reason counts as yanked


def test_empty_pypi_shaped_page_is_scanned() -> None:
    content = _pypi_bytes(_page([]))
    assert _scan(content, "demo") == [] == _load(content, "demo")


def _variants() -> dict[str, bytes]:
    pypi = _pypi_bytes(_page(_FILES))
    return {
        "escaped yank reason": _pypi_bytes(_page([_file("demo-1.tar.gz", yanked='a "bad" one')])),
        "escaped filename": _pypi_bytes(_page([_file("demo-1.\u0001.tar.gz")])).replace(
            b"\\u0001", b"\\u0030"
        ),
        "control character": _pypi_bytes(_page([_file("demo-1.tar.gz", url="x\ty")])),
        "compact separators": json.dumps(_page(_FILES), sort_keys=True).replace(", ", ",").encode(),
        "unsorted keys": json.dumps(_page(_FILES)).encode(),
        "extra key": _pypi_bytes(_page([_file("demo-1.tar.gz", **{"core-metadata": False})])),
        "missing upload time": _pypi_bytes(
            _page([{k: v for k, v in _file("demo-1.tar.gz").items() if k != "upload-time"}])
        ),
        "null upload time": _pypi_bytes(_page([_file("demo-1.tar.gz", **{"upload-time": None})])),
        "number as requires-python": _pypi_bytes(
            _page([_file("demo-1.tar.gz", **{"requires-python": 3})])
        ),
        "odd yanked value": _pypi_bytes(_page([_file("demo-1.tar.gz", yanked=None)])),
        "negative size": _pypi_bytes(_page([_file("demo-1.tar.gz", size=-1)])),
        "leading zero size": pypi.replace(b'"size": 0,', b'"size": 00,'),
        "object without filename": pypi.replace(b"}, {", b'}, {"url": "x"}, {', 1),
        "two commas": pypi.replace(b"}, {", b"}, , {", 1),
        "trailing comma": pypi.replace(b'], "meta"', b', ], "meta"', 1),
        "garbage after the page": pypi + b" x",
        "second files key": pypi[:-1] + b', "files": []}',
        "unsupported api version": pypi.replace(b'"api-version": "1.1"', b'"api-version": "2.0"'),
        "no meta": json.dumps({"files": [_file("demo-1.tar.gz")]}, sort_keys=True).encode(),
        "byte order mark": b"\xef\xbb\xbf" + pypi,
        "invalid utf-8": pypi.replace("démo".encode(), b"d\xffmo"),
        "not an object": pypi.replace(b"[{", b"[7, {", 1),
    }


@pytest.mark.parametrize("name", list(_variants()))
def test_other_shapes_are_read_by_json(name: str) -> None:
    content = _variants()[name]
    assert _scan(content, "demo") is None
    assert _outcome(files_from_json, content) == _outcome(_load, content)


def test_errors_keep_their_reasons() -> None:
    variants = _variants()
    assert _outcome(files_from_json, variants["object without filename"]) == (
        "index returned invalid JSON"
    )
    assert _outcome(files_from_json, variants["unsupported api version"]) == (
        "index speaks an unsupported simple API version"
    )
    assert files_from_json(variants["escaped filename"], "demo")[0][0] == "1.0"


def test_cache_rows_of_a_fold_load_back_as_the_same_releases() -> None:
    files = [
        *_FILES,
        _file("demo-1.0.0.tar.gz", **{"requires-python": ">= 3.8 , <4"}),  # 1.0 spelled twice
        _file("demo-3.0.tar.gz", **{"requires-python": "not a specifier"}),
        _file("demo-3.0-py3-none-any.whl", **{"requires-python": "  "}),
    ]
    releases, rows = _fold(files_from_json(_pypi_bytes(_page(files)), "demo"))
    loaded = tuple(_release_from_row(row) for row in rows)
    assert loaded == releases
    assert [str(release.version) for release in loaded] == [
        "1.0",
        "1.1",
        "1.2",
        "2.0",
        "3.0",
    ]
    assert [_release_from_row(_release_to_row(release)) for release in releases] == list(loaded)
    assert rows[0] == ["1.0", False, ">=3.9", "2024-01-01T00:00:00+00:00"]
    assert rows[-1][2] is None


def test_earliest_upload_time_reads_one_text_per_release_when_it_can() -> None:
    from datetime import UTC, datetime

    from uvtui.core.index.client import _earliest

    same_shape = ["2024-03-01T00:00:00.000001Z", "2024-02-29T23:59:59.999999Z"]
    assert _earliest(same_shape) == datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)
    mixed = ["2024-03-01T00:00:00Z", "2024-03-01T00:00:00.5+01:00", "not a time"]
    assert _earliest(mixed) == datetime(2024, 2, 29, 23, 0, 0, 500000, tzinfo=UTC)
    assert _earliest(["2024-03-01T00:00:0xZ", "2024-03-01T00:00:01Z"]) == datetime(
        2024, 3, 1, 0, 0, 1, tzinfo=UTC
    )
    assert _earliest([]) is None
