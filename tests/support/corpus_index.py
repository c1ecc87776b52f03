"""The pip project corpus (tests/fixtures/pip-projects) made buildable offline.

`corpus_catalogue()` holds every package version the corpus pins, with dependency edges like the
real ones (so images hold transitive dependencies too); `offline_copy` copies a corpus project
and points its main requirements file at a local index with `--index-url`, which pip honours in
the original image and the migration carries into `[[tool.uv.index]] default = true`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.local_index import Dist

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "pip-projects"

# Projects that cannot build on these machines, and why.
UNBUILDABLE = {
    # `pip install -e .` needs the hatchling build backend, which only the live index has.
    "flask-project": "needs a real build backend (hatchling) from the live index",
    # RUN heredocs need a newer Dockerfile frontend than the engine's built-in one, and the
    # `# syntax=` line that would fetch it needs a registry.
    "flask-heredoc": "RUN heredocs need a Dockerfile frontend image from a registry",
    # `apt-get install curl` needs the Debian mirror, which offline builds cannot reach.
    "fastapi-upgrade": "apt-get install needs the live Debian mirror",
}
# Projects whose Dockerfile also installs packages named inline (not from a requirements file):
# the index goes into the image's pip configuration, `ENV PIP_INDEX_URL` (carried the same way).
INDEX_FROM_ENV = frozenset({"django-several", "flask-named-pip"})
# Projects migrated where uv itself sees no Python: the image's minor is in a pyenv folder.
PYENV_ONLY = frozenset({"django-pyenv"})

# Build args that keep a build offline: Docker passes the predefined proxy args to every RUN
# without an ARG line, so anything but the local index (127.0.0.1) hits a closed port and fails
# fast instead of quietly reaching a live index or mirror.
_CLOSED_PROXY = "http://127.0.0.1:9"
OFFLINE_BUILD_ARGS = {
    **{key: _CLOSED_PROXY for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")},
    **{key: "127.0.0.1,localhost" for key in ("NO_PROXY", "no_proxy")},
}


def _dists(name: str, version: str, *requires: str) -> Dist:
    return Dist(name, version, requires_dist=requires, summary=f"{name} stand-in")


def corpus_catalogue() -> list[Dist]:
    """Every name==version the corpus needs, with (simplified) real dependency edges."""
    return [
        _dists(
            "flask",
            "3.0.3",
            "Werkzeug>=3.0.0",
            "Jinja2>=3.1.2",
            "itsdangerous>=2.1.2",
            "click>=8.1.3",
            "blinker>=1.6.2",
        ),
        _dists("werkzeug", "3.0.3", "MarkupSafe>=2.1.1"),
        _dists("jinja2", "3.1.4", "MarkupSafe>=2.0"),
        _dists("markupsafe", "2.1.5"),
        _dists("itsdangerous", "2.2.0"),
        _dists("click", "8.1.7"),
        _dists("blinker", "1.8.2"),
        _dists("gunicorn", "22.0.0", "packaging"),
        _dists("packaging", "24.1"),
        _dists("redis", "5.0.8", 'async-timeout>=4.0.3; python_full_version < "3.11.3"'),
        _dists("async-timeout", "4.0.3"),
        _dists("python-dotenv", "1.0.1"),
        _dists(
            "requests",
            "2.32.3",
            "charset-normalizer<4,>=2",
            "idna<4,>=2.5",
            "urllib3<3,>=1.21.1",
            "certifi>=2017.4.17",
        ),
        _dists("charset-normalizer", "3.3.2"),
        _dists("idna", "3.10"),
        _dists("urllib3", "2.2.3"),
        _dists("certifi", "2024.8.30"),
        _dists("django", "5.0.6", "asgiref<4,>=3.7.0", "sqlparse>=0.3.1"),
        _dists("asgiref", "3.8.1"),
        _dists("sqlparse", "0.5.1"),
        _dists("whitenoise", "6.7.0"),
        _dists(
            "fastapi",
            "0.115.0",
            "starlette<0.39.0,>=0.37.2",
            "pydantic<3.0.0,>=1.7.4",
            "typing-extensions>=4.8.0",
        ),
        _dists("starlette", "0.38.6", "anyio<5,>=3.4.0"),
        _dists("anyio", "4.6.0", "idna>=2.8", "sniffio>=1.1"),
        _dists("sniffio", "1.3.1"),
        _dists(
            "pydantic",
            "2.9.2",
            "annotated-types>=0.6.0",
            "pydantic-core==2.23.4",
            "typing-extensions>=4.6.1",
        ),
        _dists("annotated-types", "0.7.0"),
        _dists("pydantic-core", "2.23.4", "typing-extensions!=4.7.0,>=4.6.0"),
        _dists("typing-extensions", "4.12.2"),
        _dists("uvicorn", "0.30.6", "click>=7.0", "h11>=0.8"),
        _dists("h11", "0.14.0"),
        _dists(
            "sqlalchemy",
            "2.0.31",
            "typing-extensions>=4.6.0",
            'greenlet!=0.4.17; platform_machine == "x86_64" or platform_machine == "aarch64"',
        ),
        _dists("greenlet", "3.1.1"),
        _dists("pytest", "8.3.3", "iniconfig", "packaging", "pluggy<2,>=1.5"),
        _dists("iniconfig", "2.0.0"),
        _dists("pluggy", "1.5.0"),
        _dists("httpx", "0.27.0", "anyio", "certifi", "httpcore==1.*", "idna", "sniffio"),
        _dists("httpcore", "1.0.5", "certifi", "h11<0.15,>=0.13"),
    ]


def corpus_projects() -> list[str]:
    """Names of the corpus projects, sorted."""
    return sorted(path.name for path in CORPUS.iterdir() if path.is_dir())


def main_requirements_file(project: Path) -> Path:
    """The requirements file the image installs first (the one `--index-url` goes into)."""
    for candidate in ("requirements.txt", "requirements/base.txt"):
        if (project / candidate).is_file():
            return project / candidate
    raise FileNotFoundError(f"no main requirements file in {project}")


def offline_copy(name: str, destination: Path, index_url: str) -> Path:
    """Copy corpus project `name` to `destination`, installing from `index_url` only.

    A `# syntax=` parser directive is dropped: BuildKit would fetch that frontend image from a
    registry, and the engine's built-in frontend understands `RUN --mount` without it.
    """
    project = Path(shutil.copytree(CORPUS / name, destination, symlinks=True))
    dockerfile = project / "Dockerfile"
    data = dockerfile.read_bytes()
    if data.startswith(b"# syntax="):
        data = data.split(b"\n", 1)[1]
    if name in INDEX_FROM_ENV:
        start = data.index(b"\n", data.index(b"FROM ")) + 1
        data = data[:start] + f"ENV PIP_INDEX_URL={index_url}\n".encode() + data[start:]
    else:
        requirements = main_requirements_file(project)
        text = requirements.read_text(encoding="utf-8")
        requirements.write_text(f"--index-url {index_url}\n{text}", encoding="utf-8")
    dockerfile.write_bytes(data)
    return project
