"""V6 `--build-check`: build the original and the migrated image and compare what they hold.

Both images are built on the local Docker engine (legacy builder on the host network; BuildKit
through the engine's own CLI only when a RUN uses `--mount`, which the legacy builder lacks).
Then, as each image's USER, one `python -c` lists the installed distributions and imports the
top-level modules of every main dependency (read from the distribution's top_level.txt or
RECORD inside the container). The check passes when the migrated image imports everything and
both images hold the same distribution versions (pip, setuptools and wheel aside).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dockerfile
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from uvtui.core.errors import UvtuiError
from uvtui.core.redact import redact

if TYPE_CHECKING:
    import docker

LOG_TAIL_LINES = 40
# The engine package's own CLI builds with DOCKER_BUILDKIT=1; a newer CLI may need buildx instead.
BUILDKIT_CLI = "/usr/bin/docker"
BUILD_TIMEOUT_SECONDS = 1800.0
RUN_TIMEOUT_SECONDS = 300
IGNORED_DISTRIBUTIONS = frozenset({"pip", "setuptools", "wheel"})
LABEL = "org.uvtui.build-check"

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
# RUN steps that install the dependencies (before and after the migration).
_DEPENDENCY_STEP = re.compile(
    r"\bpip[0-9.]*\s+(?:\S+\s+)*?(?:install|wheel)\b|\buv-install\b|\buv\s+sync\b|\bpip3?-install\b"
)
_LEGACY_STEP = re.compile(r"^Step \d+/\d+ : (?P<instruction>.*)$")
_BUILDKIT_VERTEX = re.compile(r"^#(?P<id>\d+) \[[^\]]*\] (?P<instruction>.*)$")
_BUILDKIT_DONE = re.compile(r"^#(?P<id>\d+) DONE (?P<seconds>[0-9.]+)s$")
_RESULT_MARKER = "UVTUI-BUILD-CHECK "

# Runs inside the image as its USER: argv = [script, "name" or "?name" (optional), ...].
_PROBE = r"""
import importlib, importlib.metadata as md, json, re, sys
def norm(n): return re.sub(r"[-_.]+", "-", n).lower()
def modules(dist):
    top = dist.read_text("top_level.txt")
    names = top.split() if top else []
    if not names:
        for f in dist.files or ():
            parts = f.parts
            if not parts or parts[0] in ("..", "__pycache__"):
                continue
            if parts[0].endswith((".dist-info", ".data")):
                continue
            name = parts[0] if len(parts) > 1 else parts[0].split(".")[0]
            if len(parts) == 1 and not parts[0].endswith((".py", ".so", ".pyd")):
                continue
            if name.isidentifier() and not name.startswith("__editable__"):
                names.append(name)
    return sorted(set(n for n in names if n.isidentifier()))
dists = {}
for dist in md.distributions():
    name = dist.metadata["Name"]
    if name and norm(name) not in dists:
        dists[norm(name)] = dist
failures = []
for arg in sys.argv[1:]:
    optional, name = arg.startswith("?"), norm(arg.lstrip("?"))
    dist = dists.get(name)
    if dist is None:
        if not optional:
            failures.append([name, "", "distribution not installed"])
        continue
    for module in modules(dist) or [name.replace("-", "_")]:
        try:
            importlib.import_module(module)
        except BaseException as error:
            failures.append([name, module, f"{type(error).__name__}: {error}"])
versions = {n: d.version for n, d in sorted(dists.items())}
print("UVTUI-BUILD-CHECK " + json.dumps({"versions": versions, "failures": failures}))
"""


class BuildCheckError(UvtuiError):
    """The build check could not run: no engine, a build failed, or the probe could not start."""


@dataclass(frozen=True)
class ImageBuild:
    """One built image and what its build took."""

    role: str  # "original" | "migrated"
    image_id: str
    user: str  # the image's USER ("" = root)
    builder: str  # "legacy" | "buildkit"
    seconds: float  # the whole build
    dependency_seconds: float | None  # the dependency-install RUN step(s); None if not found
    log_tail: str


@dataclass(frozen=True)
class VersionDifference:
    """A distribution whose version differs between the images (None = absent)."""

    name: str
    original: str | None
    migrated: str | None


@dataclass(frozen=True)
class ImportFailure:
    """A main dependency whose module did not import (module "" = not installed)."""

    role: str
    distribution: str
    module: str
    error: str


@dataclass(frozen=True)
class BuildCheckResult:
    """The outcome of V6; `ok` is what the migration reports."""

    original: ImageBuild
    migrated: ImageBuild
    original_versions: Mapping[str, str]
    migrated_versions: Mapping[str, str]
    differences: tuple[VersionDifference, ...]
    import_failures: tuple[ImportFailure, ...]  # both images; only migrated ones fail the check
    dependencies: tuple[str, ...] = field(default=())  # the main dependencies checked

    @property
    def ok(self) -> bool:
        migrated_failures = [f for f in self.import_failures if f.role == "migrated"]
        return not self.differences and not migrated_failures

    @property
    def dependency_speedup(self) -> float | None:
        """Original over migrated dependency-step time, when both were measured."""
        before, after = self.original.dependency_seconds, self.migrated.dependency_seconds
        if before is None or not after:
            return None
        return before / after


def check_builds(
    original_root: Path,
    migrated_root: Path,
    *,
    dockerfile_path: str = "Dockerfile",
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    nocache: bool = False,
    keep_images: bool = False,
    client: docker.DockerClient | None = None,
) -> BuildCheckResult:
    """Build both trees' images, probe them as their USER, and compare (spec §6 V6).

    `original_root` is the project before the migration, `migrated_root` the same project with
    the plan applied (e.g. a temp copy). Main dependencies come from the migrated
    pyproject.toml. Images are removed afterwards unless `keep_images`. Raises BuildCheckError
    when the engine is unreachable, a build fails (with the build log's tail) or the probe
    cannot run; a check that runs and finds differences returns a result with `ok` False.
    """
    client = client or connect()
    dependencies = main_dependencies(migrated_root / "pyproject.toml")
    options = BuildOptions(dockerfile_path, target, dict(build_args or {}), labels, nocache)
    built: list[ImageBuild] = []
    try:
        for role, root in (("original", original_root), ("migrated", migrated_root)):
            built.append(build_image(client, role, root, options))
        original, migrated = built
        interpreter = _project_interpreter(client, migrated.image_id)
        before = probe_image(client, original, dependencies, interpreter)
        after = probe_image(client, migrated, dependencies, interpreter)
    finally:
        if not keep_images:
            _remove_images(client, built)
    return BuildCheckResult(
        original=original,
        migrated=migrated,
        original_versions=before.versions,
        migrated_versions=after.versions,
        differences=compare_versions(before.versions, after.versions),
        import_failures=(*before.failures, *after.failures),
        dependencies=tuple(dependencies),
    )


def connect() -> docker.DockerClient:
    """A client for the engine DOCKER_HOST names (or the local socket), pinged once."""
    import docker
    import docker.errors

    where = os.environ.get("DOCKER_HOST") or "the local socket"
    try:
        client = docker.from_env(timeout=RUN_TIMEOUT_SECONDS)
        client.ping()
    except (docker.errors.DockerException, OSError) as error:
        raise BuildCheckError(
            f"The build check needs a running Docker engine, but none answers at {where} "
            f"({_first_line(error)}). Start Docker or point DOCKER_HOST at it."
        ) from None
    return client


def main_dependencies(pyproject: Path) -> list[str]:
    """Names of `[project].dependencies`; a `?` prefix marks ones with an environment marker."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise BuildCheckError(f"Cannot read the migrated {pyproject}: {error}") from None
    names: list[str] = []
    for text in data.get("project", {}).get("dependencies", []):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        prefix = "?" if requirement.marker is not None else ""
        names.append(prefix + canonicalize_name(requirement.name))
    return names


def compare_versions(
    original: Mapping[str, str], migrated: Mapping[str, str]
) -> tuple[VersionDifference, ...]:
    """Distributions whose versions differ, pip/setuptools/wheel ignored, sorted by name."""
    names = (set(original) | set(migrated)) - IGNORED_DISTRIBUTIONS
    return tuple(
        VersionDifference(name, original.get(name), migrated.get(name))
        for name in sorted(names)
        if original.get(name) != migrated.get(name)
    )


def strip_ansi(text: str) -> str:
    """Build output without terminal escape sequences."""
    return _ANSI_ESCAPE.sub("", text)


# -- building -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOptions:
    """How to build one image (the same for the original and the migrated tree)."""

    dockerfile_path: str = "Dockerfile"
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] | None = None
    nocache: bool = False

    def labels_for(self, role: str) -> dict[str, str]:
        return {LABEL: role, **(self.labels or {})}


def build_image(
    client: docker.DockerClient, role: str, root: Path, options: BuildOptions
) -> ImageBuild:
    """Build one tree's image with the builder its Dockerfile needs; time the dependency step."""
    path = root / options.dockerfile_path
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise BuildCheckError(f"Cannot read the {role} Dockerfile {path}: {error}") from None
    builder = "buildkit" if needs_buildkit(text) else "legacy"
    build = _build_with_buildkit if builder == "buildkit" else _build_with_legacy_builder
    started = time.monotonic()
    image_id, lines, step_seconds = build(client, role, root, options)
    seconds = time.monotonic() - started
    image = client.images.get(image_id)
    return ImageBuild(
        role=role,
        image_id=image.id,
        user=image.attrs.get("Config", {}).get("User") or "",
        builder=builder,
        seconds=seconds,
        dependency_seconds=dependency_seconds(step_seconds),
        log_tail=_tail(lines),
    )


def needs_buildkit(dockerfile_text: str) -> bool:
    """True when a RUN uses `--mount` (the legacy builder cannot build it)."""
    try:
        commands = dockerfile.parse_string(dockerfile_text)
    except dockerfile.GoParseError:
        return False  # the build itself reports the syntax error
    return any(
        command.cmd.upper() == "RUN" and any(flag.startswith("--mount") for flag in command.flags)
        for command in commands
    )


def dependency_seconds(step_seconds: Sequence[tuple[str, float]]) -> float | None:
    """Total time of the RUN steps that install dependencies (None when there is none)."""
    times = [
        seconds
        for instruction, seconds in step_seconds
        if instruction.upper().startswith("RUN") and _DEPENDENCY_STEP.search(instruction)
    ]
    return sum(times) if times else None


def _build_with_legacy_builder(
    client: docker.DockerClient, role: str, root: Path, options: BuildOptions
) -> tuple[str, list[str], list[tuple[str, float]]]:
    import docker.errors

    try:
        stream = client.api.build(
            path=str(root),
            dockerfile=options.dockerfile_path,
            target=options.target,
            buildargs=dict(options.build_args),
            labels=options.labels_for(role),
            nocache=options.nocache,
            network_mode="host",
            rm=True,
            forcerm=True,
            decode=True,
        )
        lines, step_seconds, image_id, error = _read_legacy_stream(stream)
    except (docker.errors.DockerException, OSError) as failure:
        raise _build_failed(role, root, _first_line(failure), []) from None
    if error or not image_id:
        raise _build_failed(role, root, error or "no image was produced", lines)
    return image_id, lines, step_seconds


def _read_legacy_stream(
    stream: Iterable[dict[str, Any]],
) -> tuple[list[str], list[tuple[str, float]], str | None, str | None]:
    """Log lines, (instruction, seconds) per step, image id and error of a legacy build."""
    lines: list[str] = []
    steps: list[tuple[str, float]] = []
    current: tuple[str, float] | None = None
    image_id: str | None = None
    error: str | None = None
    for chunk in stream:
        now = time.monotonic()
        if "error" in chunk:
            error = strip_ansi(str(chunk["error"])).strip()
        if isinstance(chunk.get("aux"), dict) and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
        for line in strip_ansi(str(chunk.get("stream") or "")).splitlines():
            lines.append(line)
            match = _LEGACY_STEP.match(line)
            if match:
                if current:
                    steps.append((current[0], now - current[1]))
                current = (match["instruction"], now)
    if current:
        steps.append((current[0], time.monotonic() - current[1]))
    return lines, steps, image_id, error


def _build_with_buildkit(
    client: docker.DockerClient, role: str, root: Path, options: BuildOptions
) -> tuple[str, list[str], list[tuple[str, float]]]:
    with tempfile.TemporaryDirectory(prefix="uvtui-build-") as scratch:
        iidfile = Path(scratch) / "iid"
        argv = [buildkit_cli(), "build", "--progress=plain", "--network=host", "--iidfile"]
        argv += [str(iidfile), "--file", str(root / options.dockerfile_path)]
        argv += [f"--label={key}={value}" for key, value in options.labels_for(role).items()]
        argv += [f"--build-arg={key}={value}" for key, value in options.build_args.items()]
        argv += ["--no-cache"] if options.nocache else []
        argv += ["--target", options.target] if options.target else []
        env = {**os.environ, "DOCKER_BUILDKIT": "1", "BUILDKIT_PROGRESS": "plain"}
        try:
            done = subprocess.run(
                [*argv, str(root)],
                env=env,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=BUILD_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired) as failure:
            raise _build_failed(role, root, _first_line(failure), []) from None
        lines = strip_ansi(done.stdout + done.stderr).splitlines()
        if done.returncode != 0 or not iidfile.is_file():
            raise _build_failed(role, root, f"exit {done.returncode}", lines)
        return iidfile.read_text().strip(), lines, buildkit_step_seconds(lines)


def buildkit_cli() -> str:
    """The docker CLI that builds with BuildKit (RUN --mount needs it)."""
    if os.access(BUILDKIT_CLI, os.X_OK):
        return BUILDKIT_CLI
    found = shutil.which("docker")
    if found is None:
        raise BuildCheckError(
            "The Dockerfile uses RUN --mount, which needs BuildKit through the docker CLI, "
            "but no docker CLI was found."
        )
    return found


def buildkit_step_seconds(lines: Iterable[str]) -> list[tuple[str, float]]:
    """(instruction, seconds) of each finished step in BuildKit's plain progress output."""
    names: dict[str, str] = {}
    steps: list[tuple[str, float]] = []
    for line in lines:
        vertex = _BUILDKIT_VERTEX.match(line)
        if vertex:
            names[vertex["id"]] = vertex["instruction"]
            continue
        done = _BUILDKIT_DONE.match(line)
        if done and done["id"] in names:
            steps.append((names[done["id"]], float(done["seconds"])))
    return steps


def _build_failed(role: str, root: Path, reason: str, lines: Sequence[str]) -> BuildCheckError:
    tail = _tail(lines)
    detail = f"\n{tail}" if tail else ""
    return BuildCheckError(f"Building the {role} image from {root} failed: {reason}{detail}")


# -- probing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Probe:
    versions: dict[str, str]
    failures: tuple[ImportFailure, ...]


def probe_image(
    client: docker.DockerClient,
    build: ImageBuild,
    dependencies: Sequence[str],
    interpreter: str | None = None,
) -> _Probe:
    """Run the probe as the image's USER: installed versions and failed imports."""
    import docker.errors

    # The given interpreter if this image has it, else `python` (or `python3`) on the image's PATH.
    shell = (
        'p="${UVTUI_PYTHON:-}"; [ -x "$p" ] || p="$(command -v python || command -v python3)"; '
        'exec "$p" -c "$@"'
    )
    try:
        container = client.containers.create(
            build.image_id,
            [_PROBE, *dependencies],
            entrypoint=["/bin/sh", "-c", shell, "probe"],
            environment={"UVTUI_PYTHON": interpreter} if interpreter else None,
            network_disabled=True,
            labels={LABEL: "probe"},
        )
    except (docker.errors.DockerException, OSError) as error:
        raise BuildCheckError(
            f"Could not create a container of the {build.role} image: {_first_line(error)}"
        ) from None
    try:
        container.start()
        container.wait(timeout=RUN_TIMEOUT_SECONDS)
        output = container.logs(stdout=True, stderr=True).decode(errors="replace")
    except (docker.errors.DockerException, OSError) as error:
        raise BuildCheckError(
            f"Could not run the check in the {build.role} image: {_first_line(error)}"
        ) from None
    finally:
        container.remove(force=True)
    return _parse_probe(build.role, output)


def _parse_probe(role: str, output: str) -> _Probe:
    for line in reversed(output.splitlines()):
        if line.startswith(_RESULT_MARKER):
            data = json.loads(line[len(_RESULT_MARKER) :])
            failures = tuple(ImportFailure(role, *entry) for entry in data["failures"])
            return _Probe(dict(data["versions"]), failures)
    raise BuildCheckError(
        f"Python did not run in the {role} image as its user:\n{_tail(output.splitlines())}"
    )


def _project_interpreter(client: docker.DockerClient, image_id: str) -> str | None:
    """The venv interpreter to probe with when the app calls it by path (venv not on PATH).

    The migrated image says where uv installed (UV_PROJECT_ENVIRONMENT); when that directory's
    bin is on the image's PATH, plain `python` already is the app's interpreter.
    """
    env = dict(
        item.split("=", 1)
        for item in client.images.get(image_id).attrs.get("Config", {}).get("Env") or []
        if "=" in item
    )
    target = env.get("UV_PROJECT_ENVIRONMENT", "").strip('"').rstrip("/")
    if not target:
        return None
    path_entries = [entry.rstrip("/") for entry in env.get("PATH", "").split(":")]
    return None if f"{target}/bin" in path_entries else f"{target}/bin/python"


# -- helpers ------------------------------------------------------------------------------------


def _remove_images(client: docker.DockerClient, built: Iterable[ImageBuild]) -> None:
    import docker.errors

    # An image still used by a container, or already gone, may stay: that is harmless.
    for build in built:
        with contextlib.suppress(docker.errors.DockerException):
            client.images.remove(build.image_id, force=True)


def _tail(lines: Sequence[str], count: int = LOG_TAIL_LINES) -> str:
    kept = [line.rstrip() for line in lines if line.strip()]
    return redact("\n".join(kept[-count:]))


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
