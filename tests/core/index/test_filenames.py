"""The index client's cheap reading of file names agrees with packaging's parsers."""

from __future__ import annotations

import pytest
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from uvtui.core.index.client import _version, _version_text

FILENAMES = [
    "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "a-1.0-py2.py3-none-any.whl",
    "a-1.0-1-py3-none-any.whl",
    "a-1.0-1x-py3-none-any.whl",
    "a-1.0-x1-py3-none-any.whl",
    "a-1.0-0-py3-none-any.whl",
    "a-1.0--py3-none-any.whl",
    "a__b-1.0-py3-none-any.whl",
    "a.b-1.0-py3-none-any.whl",
    "ä-1.0-py3-none-any.whl",
    "a b-1.0-py3-none-any.whl",
    "-1.0-py3-none-any.whl",
    "a-1.0-py3-none.whl",
    "a-1.0-py3.-none-any.whl",
    "a-1.0-py2..py3-none-any.whl",
    "a-1.0-3py-none-any.whl",
    "a-1.0-py3-none-any-x-y.whl",
    "a-notaversion-py3-none-any.whl",
    "a-1.0+local-py3-none-any.whl",
    "a-1-2-3-4.whl",
    ".whl",
    "a-1.0.tar.gz",
    "a-b-1.0.zip",
    "a-1.0-post1.tar.gz",
    "a-v1.0.tar.gz",
    "a-1.0-.tar.gz",
    "-1.0.tar.gz",
    "a1.0.tar.gz",
    "a-1.0.tar.bz2",
    "a-1.0-py3.8.egg",
    "a-1.0.win32.exe",
    "a\nb-1.0.tar.gz",
    "a-1.0\n.tar.gz",
    "a-1.0-py3-none-any.whl.tar.gz",
    "a-1.0.tar.gz.whl",
    "b-1.0-py3-none-any.whl",
]


def packaging_version(filename: str) -> Version | None:
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)[1]
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return None


@pytest.mark.parametrize("filename", FILENAMES)
def test_version_of_matches_packaging(filename: str) -> None:
    expected = packaging_version(filename)
    text = _version_text(filename)
    found = None if text is None else _version(text)
    assert found == expected
    assert str(found) == str(expected)
