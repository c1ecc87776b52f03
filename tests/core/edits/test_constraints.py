"""Constraint rewriting in the user's style, and byte-exact edits of pyproject.toml."""

from __future__ import annotations

import string
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from uvtui.core.edits.constraints import ConstraintNotRewritable, rewrite_requirement
from uvtui.core.edits.pyproject_edit import remove_requirement, replace_requirement

REWRITES = [
    ("django==1.2", "1.4", "django==1.4"),
    ("django>=1.2", "1.4.2", "django>=1.4"),
    ("django~=1.2", "1.4", "django~=1.4"),
    ("django~=1.2.3", "2.0", "django~=2.0.0"),
    ("django>=1,<2", "2.3", "django>=2,<3"),
    ("django>=1.2,<1.5", "1.7.1", "django>=1.7,<1.8"),
    ("django<2", "2.3", "django<3"),
    ("django<=1.5", "1.7.2", "django<=1.7.2"),
    ("django==1.2.*", "1.4.5", "django==1.4.*"),
    ("django!=1.3,>=1.0", "1.4", "django!=1.3,>=1.4"),
    ("django", "5.0", "django"),
    ("django[argon2]==4.2", "5.0", "django[argon2]==5.0"),
    ("Django[argon2,bcrypt] >= 4.2 , < 5", "5.1", "Django[argon2,bcrypt] >= 5.1 , < 6"),
    ("django==4.2 ; python_version < '3.12'", "5.0", "django==5.0 ; python_version < '3.12'"),
    ('django>=4.2; sys_platform == "linux"', "5.0", 'django>=5.0; sys_platform == "linux"'),
    ("django (>=1.0)", "2.0", "django (>=2.0)"),
    ("django  ==  1.2", "1.4", "django  ==  1.4"),
    ("django>1,<2", "2.5", "django>1,<3"),
    ("django==1.0", "2.0rc1", "django==2.0rc1"),
]


@pytest.mark.parametrize(("text", "target", "expected"), REWRITES)
def test_rewrite_keeps_the_style(text: str, target: str, expected: str) -> None:
    assert rewrite_requirement(text, Version(target)) == expected


@pytest.mark.parametrize(
    "text",
    ["django===1.0", "django>3", "django!=2.0,>=1", "django @ https://example.invalid/d.whl"],
)
def test_ambiguous_styles_say_what_to_do(text: str) -> None:
    with pytest.raises(ConstraintNotRewritable, match="by hand"):
        rewrite_requirement(text, Version("2.0"))


PYPROJECTS = [
    # multi-line array, comments, literal string with a marker
    (
        '[project]\nname = "x"\ndependencies = [\n    "django==4.2",  # web\n'
        "    'redis>=4 ; python_version < \"3.12\"',\n]\n",
        "main",
        "django==4.2",
        "django==5.0",
    ),
    # odd whitespace, CRLF line ends
    (
        '[project]\r\nname="x"\r\ndependencies=[ "a" ,"django  >=4.2" ,\r\n\t"b"]\r\n',
        "main",
        "django  >=4.2",
        "django  >=5.0",
    ),
    # an extra in an inline table, a group with a non-normalized name
    (
        '[project]\nname = "x"\noptional-dependencies = { Web = ["django~=4.2"] }\n'
        '[dependency-groups]\nDev_Tools = [\n  "pytest==8.0", # pinned\n]\n',
        "extra:web",
        "django~=4.2",
        "django~=5.0",
    ),
    (
        '[project]\nname = "x"\n\n[dependency-groups]\n'
        'Dev_Tools = [\n  "pytest==8.0", # pinned\n]\n',
        "dev-tools",
        "pytest==8.0",
        "pytest==8.3",
    ),
    ('[tool.uv]\ndev-dependencies = ["ruff>=0.1"]\n', "dev-dependencies", "ruff>=0.1", "ruff>=0.8"),
]


@pytest.mark.parametrize(("text", "group", "old", "new"), PYPROJECTS)
def test_replace_changes_only_the_string(text: str, group: str, old: str, new: str) -> None:
    assert replace_requirement(text, group, old, new) == text.replace(old, new, 1)


def test_remove_drops_the_item_and_keeps_the_rest() -> None:
    text = '[project]\nname = "x"\ndependencies = [\n    "a==1",\n    "django==4.2",\n    "b",\n]\n'
    assert remove_requirement(text, "main", "django==4.2") == (
        '[project]\nname = "x"\ndependencies = [\n    "a==1",\n    "b",\n]\n'
    )


_words = st.text(alphabet=string.ascii_letters + string.digits + " #=-_.", max_size=20)
_space = st.sampled_from(["", " ", "  ", "\t"])
_names = st.sampled_from(["django", "Flask", "redis", "psycopg", "a.b-c_d"])
_styles = st.sampled_from(["=={v}", ">={v}", "~={v}", ">={v},<{n}", " >= {v} , < {n} ", ""])
_markers = st.sampled_from(["", "; python_version < '3.12'", ' ; sys_platform == "linux"'])


@st.composite
def _requirement(draw: st.DrawFn) -> str:
    name, style, marker = draw(_names), draw(_styles), draw(_markers)
    major = draw(st.integers(min_value=0, max_value=8))
    minor = draw(st.integers(min_value=0, max_value=20))
    extras = draw(st.sampled_from(["", "[x]", "[a,b]"]))
    return name + extras + style.format(v=f"{major}.{minor}", n=major + 1) + marker


def _literal(text: str, literal: bool) -> str:
    return f"'{text}'" if literal and "'" not in text else '"' + text.replace('"', '\\"') + '"'


@settings(max_examples=150, deadline=None)
@given(
    requirements=st.lists(_requirement(), min_size=1, max_size=5, unique=True),
    pick=st.integers(min_value=0, max_value=4),
    comment=_words,
    gap=_space,
    newline=st.sampled_from(["\n", "\r\n"]),
    literal=st.booleans(),
    multiline=st.booleans(),
)
def test_bytes_outside_the_edited_string_stay_the_same(
    requirements: list[str],
    pick: int,
    comment: str,
    gap: str,
    newline: str,
    literal: bool,
    multiline: bool,
) -> None:
    pick %= len(requirements)
    items = [_literal(text, literal and i % 2 == 0) for i, text in enumerate(requirements)]
    separator = f",{newline}{gap}" if multiline else f",{gap}"
    head = f"# {comment}{newline}[project]{newline}name = 'x'{gap}# {comment}{newline}"
    head += f"dependencies = [{newline if multiline else ''}{gap}"
    before = head + separator.join(items[:pick]) + (separator if pick else "")
    after = separator.join(["", *items[pick + 1 :]]) + f"{gap}]{newline}[tool.x]{newline}"
    document = before + items[pick] + after
    old = requirements[pick]
    try:
        new = rewrite_requirement(old, Version("9.1.2"))
    except ConstraintNotRewritable:
        return
    result = replace_requirement(document, "main", old, new)
    assert result.startswith(before)
    assert result.endswith(after)
    assert tomllib.loads(result)["project"]["dependencies"][pick] == new
