"""The index client reads file names as uv does: wheels like packaging, sdists by name."""

from __future__ import annotations

import pytest
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
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
    """Wheels: packaging's parser, when the name is project "a"'s."""
    try:
        name, version, _, _ = parse_wheel_filename(filename)
    except (InvalidWheelFilename, InvalidVersion):
        return None
    return version if name == "a" else None


WHEELS = [filename for filename in FILENAMES if filename.endswith(".whl")]


@pytest.mark.parametrize("filename", WHEELS)
def test_wheel_versions_match_packaging(filename: str) -> None:
    expected = packaging_version(filename)
    text = _version_text(filename, "a")
    found = None if text is None else _version(text)
    assert found == expected
    assert str(found) == str(expected)


# uv's reading of sdist names: the project's name, a dash, the version (checked with uv 0.13.9)
SDISTS = {
    "a-1.0.tar.gz": "1.0",
    "A-1.0.zip": "1.0",
    "a-1.0-post1.tar.gz": "1.0.post1",
    "a-1.0-2.tar.gz": "1.0.post2",  # thrift-0.14.0-2.tar.gz: not version 2
    "a-v1.0.tar.gz": "1.0",
    "a-1.0.tar.bz2": "1.0",
    "a-1.0.tgz": "1.0",
    "a-1.0.tar": "1.0",
    "a-1.0.tar.zst": "1.0",
    "a-1.0-.tar.gz": None,
    "a-1.0.TAR.GZ": None,
    "a-b-1.0.zip": None,  # project "a-b", or a bad version of "a": skipped either way
    "ab-1.0.tar.gz": None,
    "b-1.0.tar.gz": None,
    "-1.0.tar.gz": None,
    "a1.0.tar.gz": None,
    "a-.tar.gz": None,
    "a-1.0-py3.8.egg": None,
    "a-1.0.win32.exe": None,
    "a\nb-1.0.tar.gz": None,
    "a-1.0-py3-none-any.whl.tar.gz": None,
}


@pytest.mark.parametrize(("filename", "expected"), SDISTS.items())
def test_sdist_versions_are_read_as_uv_reads_them(filename: str, expected: str | None) -> None:
    text = _version_text(filename, "a")
    found = None if text is None else _version(text)
    assert (None if found is None else str(found)) == expected


def test_a_longer_project_name_is_matched_in_any_spelling() -> None:
    assert _version_text("Zope.Interface-6.0.tar.gz", "zope-interface") == "6.0"
    assert _version_text("zope_interface-6.0-py3-none-any.whl", "zope-interface") == "6.0"
    assert _version_text("zope.interface-6.0-py3-none-any.whl", "zope") is None
