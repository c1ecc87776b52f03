"""Our outdated check agrees with `uv tree --outdated` on projects locked by a real `uv lock`.

Two projects, each locked against a local index: the shared `local_index` (demo and web-app
packages) and an index of edge cases built here (post releases, normalised versions,
Requires-Python lower bounds with and without upper bounds, Python forks, yanked and
pre-releases, a transitive package held back by its parent, a fork on python_version, odd
file names). For every locked package uv marks as outdated, our `latest` is uv's; every
package uv does not mark has no update. A fork row judged for a narrower Python range than
requires-python is compared with uv asked for that range. A project with a relative
`exclude-newer` checks uv's upload-time window.

A third, a workspace whose root sets constraint- and override-dependencies, checks "latest
compatible" against what `uv lock --upgrade-package NAME` really locks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.support.local_index import Dist, LocalIndex, serve_local_index
from uvtui.core.index.client import IndexClient
from uvtui.core.index.config import resolve_indexes
from uvtui.core.project.lock import load_lock
from uvtui.core.project.model import load_project
from uvtui.core.project.outdated import CheckStatus, OutdatedRow, UpdateKind, check_outdated
from uvtui.core.project.python_range import fork_requires_python

PY311 = SpecifierSet(">=3.11")

WEB_PROJECT = """\
[project]
name = "web"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "demo-a==1.0",
    "demo-b>=1",
    "demo-c==1.2",
    "demo-d",
    "redis>=4,<6",
    "click==8.1.3",
    "jinja2==3.1.2",
    "psycopg[binary]==3.1.12",
]

[dependency-groups]
dev = ["pytest==7.4.4"]

[tool.uv]
package = false
"""

EDGE_PROJECT = """\
[project]
name = "edge"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "alpha==1.0",
    "beta~=2.0.0",
    "gamma",
    "delta<2",
    "zeta",
    "theta==4.2",
    "iota",
    "omega<2.1; python_version >= '3.12'",
    "omega<1.1; python_version < '3.12'",
    "oddball==1.0",
]

[dependency-groups]
dev = ["kappa==0.1"]

[tool.uv]
package = false
"""


WINDOW_PROJECT = """\
[project]
name = "window"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["recent==1.0", "pinned==1.0", "free==1.0"]

[tool.uv]
package = false
exclude-newer = "4 days"
exclude-newer-package = {{ pinned = "{pinned}", free = false }}
"""


def _dists(name: str, *versions: str, **options: object) -> list[Dist]:
    return [Dist(name, version, **options) for version in versions]  # type: ignore[arg-type]


EDGE_CATALOGUE = [
    *_dists("alpha", "1.0", "1.0.post1"),
    Dist("alpha", "1.1", requires_python=">=3.11.1"),  # excludes 3.11.0: not admitted
    Dist("alpha", "1.2", requires_python="<3.11"),  # only an upper bound: uv admits it
    *_dists("beta", "2.0.0", "2.0.1", "2.1.0", "3.0.0rc1"),
    Dist("gamma", "1.0", requires_python=">=3.8"),
    Dist("gamma", "1.5", requires_python=">=3.10"),
    Dist("gamma", "2.0", requires_python=">=3.12"),  # needs a newer Python: uv forks
    Dist("gamma", "2.1", requires_python=">=3.8", yanked=True),
    *_dists("delta", "1.0", "1.5", "2.0", "3.0"),
    Dist("zeta", "1.0", requires_dist=("eta<1.1",)),
    *_dists("eta", "1.0", "1.1", "1.1.1"),
    *_dists("theta", "4.2.0", "4.2.1"),
    *_dists("iota", "1.0", "1.1b1"),
    *_dists("kappa", "0.1", "0.2"),
    # a fork on python_version: each row has its own Python range
    *_dists("omega", "1.0", "1.1", requires_python=">=3.8"),
    *_dists("omega", "2.0", "2.1", requires_python=">=3.12"),
    # odd file names on oddball's page: uv reads "oddball-1.1-9.tar.gz" as 1.1.post9 and
    # skips the files whose name part is another project's
    *_dists("oddball", "1.0", "1.1"),
    Dist("oddball", "1.1", filename="oddball-1.1-9.tar.gz"),
    Dist("oddball", "1.1", filename="oddball-extra-5.0.tar.gz"),
    Dist("oddball", "1.1", filename="oddball_extra-5.0-py3-none-any.whl"),
]

UV_TREE_OUTDATED = ("uv", "tree", "--outdated", "--frozen", "--universal", "--all-groups")
_TREE_LINE = re.compile(r"^[\s│├└─]*(?P<name>[a-z0-9][a-z0-9._-]*)(\[[^\]]*\])? v(?P<version>\S+)")
_LATEST = re.compile(r"\(latest: v(?P<latest>[^)\s]+)\)")


@pytest.fixture(scope="module")
def edge_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    with serve_local_index(EDGE_CATALOGUE, tmp_path_factory.mktemp("edge-index")) as index:
        yield index


def _locked_project(root: Path, pyproject: str, env: dict[str, str]) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(pyproject)
    subprocess.run(
        ["uv", "lock", "--python", "3.11"], cwd=root, env=env, check=True, capture_output=True
    )
    return root


def _uv_outdated(root: Path, env: dict[str, str]) -> dict[tuple[str, Version], Version]:
    """(name, locked version) -> latest, for every package `uv tree --outdated` marks."""
    result = subprocess.run(
        [*UV_TREE_OUTDATED, "--python", "3.11"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    marked = {}
    for line in result.stdout.splitlines():
        package, latest = _TREE_LINE.match(line), _LATEST.search(line)
        if package and latest:
            key = (package["name"], Version(package["version"]))
            marked[key] = Version(latest["latest"])
    return marked


def _our_rows(root: Path, env: dict[str, str], cache_dir: Path) -> list[OutdatedRow]:
    project = load_project(root)
    client = IndexClient(resolve_indexes(project, env), cache_dir=cache_dir)
    return check_outdated(project, load_lock(root), client, include_transitive=True)


def _narrowed(row: OutdatedRow, requires_python: SpecifierSet | None) -> SpecifierSet | None:
    """The fork's own Python range, when it is narrower than the lock's requires-python."""
    narrowed = fork_requires_python(requires_python, row.marker)
    return narrowed if narrowed != requires_python else None


def _assert_agreement(
    rows: list[OutdatedRow],
    marked: dict[tuple[str, Version], Version],
    requires_python: SpecifierSet | None = PY311,
) -> None:
    """Rows judged for the lock's requires-python give uv's answer (fork rows judged for a
    narrower range: see `_assert_fork_agreement`)."""
    assert all(row.status is CheckStatus.CHECKED for row in rows), rows
    ours = {(row.name, Version(row.locked)): row for row in rows if row.locked}
    assert set(marked) <= set(ours)
    for key, row in ours.items():
        if _narrowed(row, requires_python) is not None:
            continue
        if key in marked:
            assert row.latest is not None and Version(row.latest) == marked[key], row
            assert row.update is not None, row
        else:
            assert row.update is None, row


def _assert_fork_agreement(
    root: Path, env: dict[str, str], rows: list[OutdatedRow], requires_python: SpecifierSet
) -> int:
    """Each fork row narrower than requires-python gives uv's answer for its own range: uv
    asked with the lock's requires-python replaced by that range (`uv tree --frozen` takes
    the Python it judges releases for from there). Returns how many rows were compared."""
    compared = 0
    lock_text = (root / "uv.lock").read_text()
    for row in rows:
        narrowed = _narrowed(row, requires_python)
        if narrowed is None or row.locked is None:
            continue
        (root / "uv.lock").write_text(
            lock_text.replace(
                f'requires-python = "{requires_python}"', f'requires-python = "{narrowed}"', 1
            )
        )
        marked = _uv_outdated(root, env)
        key = (row.name, Version(row.locked))
        if key in marked:
            assert row.latest is not None and Version(row.latest) == marked[key], row
        else:
            assert row.update is None, row
        compared += 1
    (root / "uv.lock").write_text(lock_text)
    return compared


def test_agrees_with_uv_on_web_project(local_index: LocalIndex, tmp_path: Path) -> None:
    env = local_index.uv_env(cache_dir=tmp_path / "uv-cache")
    root = _locked_project(tmp_path / "web", WEB_PROJECT, env)
    marked = _uv_outdated(root, env)
    rows = _our_rows(root, env, tmp_path / "cache")
    _assert_agreement(rows, marked)
    updates = {row.name: row.update for row in rows}
    assert updates["demo-a"] is UpdateKind.MAJOR  # 1.0 -> 2.0 (3.0a1 is a pre-release)
    assert updates["click"] is UpdateKind.MINOR
    assert updates["jinja2"] is UpdateKind.PATCH
    redis = next(row for row in rows if row.name == "redis")
    assert (redis.latest_compatible, redis.latest) == ("5.2.1", "6.2.0")  # held back by <6
    demo_c = next(row for row in rows if row.name == "demo-c")
    assert demo_c.yanked and demo_c.update is None
    demo_d = next(row for row in rows if row.name == "demo-d" and row.locked == "1.0")
    assert demo_d.newer_needs_python == ("2.0", ">=3.99")


def test_agrees_with_uv_on_edge_cases(edge_index: LocalIndex, tmp_path: Path) -> None:
    env = edge_index.uv_env(cache_dir=tmp_path / "uv-cache")
    root = _locked_project(tmp_path / "edge", EDGE_PROJECT, env)
    marked = _uv_outdated(root, env)
    rows = _our_rows(root, env, tmp_path / "cache")
    _assert_agreement(rows, marked)
    by_name = {row.name: row for row in rows}
    assert by_name["alpha"].latest == "1.2"
    assert (by_name["beta"].latest_compatible, by_name["beta"].latest) == ("2.0.1", "2.1.0")
    assert (by_name["delta"].update, by_name["eta"].update) == (UpdateKind.MAJOR, UpdateKind.MINOR)
    assert by_name["theta"].update is UpdateKind.PATCH
    assert by_name["iota"].update is None
    assert by_name["kappa"].groups == ("dev",)
    gamma = [row for row in rows if row.name == "gamma"]
    assert len(gamma) == 2 and all(row.marker for row in gamma)
    assert gamma[0].newer_needs_python == ("2.0", ">=3.12")
    assert by_name["oddball"].latest == "1.1.post9"
    omega = {row.locked: row for row in rows if row.name == "omega"}
    assert (omega["1.0"].latest, omega["1.0"].newer_needs_python) == ("1.1", ("2.1", ">=3.12"))
    assert (omega["2.0"].latest, omega["2.0"].update) == ("2.1", UpdateKind.MINOR)
    assert _assert_fork_agreement(root, env, rows, PY311) == 2  # gamma 2.0, omega 2.0


# A workspace whose root narrows packages through [tool.uv]: click held back by a constraint,
# pytest (a dev group) by a bound constraint, redis's member declaration `<5` lifted by an
# override, markupsafe (transitive) held back on Python < 3.12 only, and a constraint whose
# marker is outside requires-python (jinja2) that uv ignores.
WORKSPACE_ROOT = """\
[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["click>=8.1", "gunicorn>=21"]

[dependency-groups]
dev = ["pytest>=7"]

[tool.uv]
package = false
constraint-dependencies = [{constraints}]
override-dependencies = [{overrides}]

[tool.uv.workspace]
members = ["packages/*"]
"""

WORKSPACE_MEMBER = """\
[project]
name = "api"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["redis>=4,<5", "jinja2>=3.1", "gunicorn<23"]
"""

# First locked with every package pinned old, then with the real settings: uv keeps the
# locked versions it may, so each package has a step to take.
OLD_PINS = (
    '"click==8.1.3", "redis==4.6.0", "pytest==7.4.4", "gunicorn==21.2.0", "jinja2==3.1.2", '
    '"markupsafe==2.1.3"'
)
CONSTRAINTS = (
    '"click==8.1.7", "pytest<8.3", "markupsafe<3; python_version < \'3.12\'", '
    "\"jinja2<3.1.4; python_version < '3.11'\""
)
OVERRIDES = '"redis>=4"'


def _uv_lock(root: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        ["uv", "lock", "--python", "3.11", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def narrowed_workspace(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("narrowed") / "shop"
    (root / "packages" / "api").mkdir(parents=True)
    (root / "packages" / "api" / "pyproject.toml").write_text(WORKSPACE_MEMBER)
    env = local_index.uv_env()
    (root / "pyproject.toml").write_text(WORKSPACE_ROOT.format(constraints=OLD_PINS, overrides=""))
    _uv_lock(root, env)
    pyproject = WORKSPACE_ROOT.format(constraints=CONSTRAINTS, overrides=OVERRIDES)
    (root / "pyproject.toml").write_text(pyproject)
    _uv_lock(root, env)
    return root


def test_workspace_root_constraints_and_overrides_narrow_compatible(
    narrowed_workspace: Path, local_index: LocalIndex, tmp_path: Path
) -> None:
    rows = _our_rows(narrowed_workspace, local_index.uv_env(), tmp_path / "cache")
    by_name = {row.name: row for row in rows}
    click = by_name["click"]
    assert (click.locked, click.latest_compatible, click.latest) == ("8.1.7", "8.1.7", "8.2.1")
    assert str(click.held_by) == "held by constraint ==8.1.7"
    pytest_row = by_name["pytest"]
    assert (pytest_row.latest_compatible, pytest_row.latest) == ("8.0.0", "8.4.1")
    assert str(pytest_row.held_by) == "held by constraint <8.3"
    redis = by_name["redis"]  # the member declares <5; the root's override replaces it
    assert (redis.constraint, redis.latest_compatible, redis.held_by) == (">=4,<5", "6.2.0", None)
    gunicorn = by_name["gunicorn"]  # root >=21, member <23
    assert gunicorn.latest_compatible == "22.0.0"
    assert str(gunicorn.held_by) == "held by declaration <23"
    assert (by_name["jinja2"].latest_compatible, by_name["jinja2"].held_by) == ("3.1.6", None)
    markupsafe = by_name["markupsafe"]  # one version for every Python: must suit 3.11 too
    assert (markupsafe.latest_compatible, str(markupsafe.held_by)) == (
        "2.1.5",
        "held by constraint <3",
    )


def _locked_versions(root: Path, name: str) -> set[Version]:
    lock = load_lock(root)
    assert lock is not None
    return {Version(package.version) for package in lock.by_name(name) if package.version}


def test_compatible_is_what_uv_lock_upgrade_package_locks(
    narrowed_workspace: Path, local_index: LocalIndex, tmp_path: Path
) -> None:
    """For every registry package, `uv lock --upgrade-package NAME` (in a copy) locks our
    latest compatible. Where uv then forks (markupsafe, held back on Python < 3.12 only),
    our single row's answer is the version that suits every Python: the lowest fork's."""
    env = local_index.uv_env()
    rows = _our_rows(narrowed_workspace, env, tmp_path / "cache")
    checked = [row for row in rows if row.source_kind == "registry"]
    assert {row.name for row in checked} >= {"click", "redis", "pytest", "gunicorn", "markupsafe"}
    for row in checked:
        copy = Path(shutil.copytree(narrowed_workspace, tmp_path / f"up-{row.name}"))
        _uv_lock(copy, env, "--upgrade-package", row.name)
        assert row.latest_compatible is not None, row
        upgraded = _locked_versions(copy, row.name)
        assert Version(row.latest_compatible) == min(upgraded), (row.name, upgraded)
        assert len(upgraded) == 1 or row.name == "markupsafe", (row.name, upgraded)


def test_a_constraint_marker_holds_back_only_its_fork(
    local_index: LocalIndex, tmp_path: Path
) -> None:
    root = tmp_path / "forked"
    (root / "packages" / "api").mkdir(parents=True)
    (root / "packages" / "api" / "pyproject.toml").write_text(WORKSPACE_MEMBER)
    pyproject = WORKSPACE_ROOT.format(constraints=CONSTRAINTS, overrides=OVERRIDES)
    (root / "pyproject.toml").write_text(pyproject)
    env = local_index.uv_env()
    _uv_lock(root, env)
    rows = _our_rows(root, env, tmp_path / "cache")
    forks = {row.marker: row for row in rows if row.name == "markupsafe"}
    assert set(forks) == {"python_full_version < '3.12'", "python_full_version >= '3.12'"}
    older, newer = forks["python_full_version < '3.12'"], forks["python_full_version >= '3.12'"]
    assert (older.locked, older.latest_compatible, str(older.held_by)) == (
        "2.1.5",
        "2.1.5",
        "held by constraint <3",
    )
    assert (newer.locked, newer.latest_compatible, newer.held_by) == ("3.0.2", "3.0.2", None)


def _window_catalogue(now: datetime) -> list[Dist]:
    """Releases uploaded days before `now`: the window's edges fall between them."""
    ago = [10, 6, 1]
    return [
        Dist(name, version, upload_time=now - timedelta(days=days))
        for name in ("recent", "pinned", "free")
        for version, days in zip(("1.0", "1.1", "1.2"), ago, strict=True)
    ]


def test_agrees_with_uv_on_a_relative_exclude_newer(tmp_path: Path) -> None:
    """`exclude-newer = "4 days"` (uv.lock: exclude-newer-span = "P4D"), a package with its
    own date and one without any limit."""
    now = datetime.now(UTC)
    with serve_local_index(_window_catalogue(now), tmp_path / "index") as index:
        env = index.uv_env(cache_dir=tmp_path / "uv-cache")
        del env["UV_NO_CONFIG"]  # it would hide [tool.uv] exclude-newer from uv
        pinned = (now - timedelta(days=8)).date().isoformat()
        root = _locked_project(tmp_path / "window", WINDOW_PROJECT.format(pinned=pinned), env)
        assert 'exclude-newer-span = "P4D"' in (root / "uv.lock").read_text()
        marked = _uv_outdated(root, env)
        rows = _our_rows(root, env, tmp_path / "cache")
    _assert_agreement(rows, marked)
    by_name = {row.name: row for row in rows}
    assert (by_name["recent"].latest, by_name["recent"].newer_excluded[0]) == ("1.1", "1.2")
    assert (by_name["pinned"].latest, by_name["pinned"].update) == ("1.0", None)
    assert (by_name["free"].latest, by_name["free"].newer_excluded) == ("1.2", None)
