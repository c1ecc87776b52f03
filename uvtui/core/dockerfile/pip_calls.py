"""Recognise pip calls in shell words (spec §2: pip, pip3, pipX.Y, python -m pip, D/bin/pip)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PIP = re.compile(r"^(?:.*/)?pip(?:\d+(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_BOOTSTRAP = frozenset({"pip", "setuptools", "wheel"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
# fmt: off
VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "--trusted-host", "--prefix", "-t", "--target",
    "--root", "--src", "--progress-bar", "--root-user-action", "--python-version", "--platform",
    "--implementation", "--abi", "--global-option", "--config-settings", "-C", "--log",
    "--cache-dir", "--upgrade-strategy", "--no-binary", "--only-binary", "--use-feature",
    "--timeout", "--retries", "--proxy", "--exists-action", "--cert", "--client-cert", "--report",
    "--python", "--use-deprecated", "-w", "--wheel-dir", "--build-option", "--install-option",
})
# Options whose effect the migration carries (target, cache, indexes) or that do not matter.
CARRIED_OPTIONS = frozenset({
    "--requirement", "--constraint", "--editable", "--user", "--prefix", "--no-cache-dir",
    "--upgrade", "--quiet", "--verbose", "--no-warn-script-location", "--target", "--root",
    "--disable-pip-version-check", "--root-user-action", "--progress-bar", "--compile",
    "--break-system-packages", "--index-url", "--extra-index-url", "--find-links",
    "--trusted-host", "--pre", "--no-index", "--require-hashes", "--wheel-dir", ">",
    "--no-build-isolation", "--only-binary", "--no-binary", "--cache-dir",
})
# fmt: on
_SHORT = {
    "-r": "--requirement",
    "-c": "--constraint",
    "-e": "--editable",
    "-i": "--index-url",
    "-f": "--find-links",
    "-t": "--target",
    "-w": "--wheel-dir",
    "-U": "--upgrade",
    "-C": "--config-settings",
    "-q": "--quiet",
    "--no-cache": "--no-cache-dir",  # pip accepts unambiguous prefixes; this one is common
    "-v": "--verbose",
}


@dataclass(frozen=True)
class PipCall:
    """One pip command: its kind and what it installs."""

    kind: str  # requirements | project | upgrade | freeze | wheel | wheels | other
    requirement_files: tuple[str, ...] = ()
    constraint_files: tuple[str, ...] = ()
    inline: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # (long option, value or "")
    venv: str | None = None  # D when called as D/bin/pip or D/bin/python -m pip
    freeze_file: str | None = None
    wheel_dir: str | None = None
    editable: bool = False

    def option(self, name: str) -> str | None:
        for key, value in self.options:
            if key == name:
                return value
        return None

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.options)


def _pip_args(words: tuple[str, ...]) -> tuple[list[str], str | None] | None:
    i = 0
    while i < len(words) and _ENV_ASSIGNMENT.match(words[i]):
        i += 1
    if i < len(words) and words[i] == "sudo":
        i += 1
    if i >= len(words):
        return None
    cmd = words[i]
    venv = cmd.rsplit("/bin/", 1)[0] if "/bin/" in cmd and not cmd.startswith("/usr/") else None
    if _PIP.match(cmd):
        return list(words[i + 1 :]), venv
    if _PYTHON.match(cmd) and list(words[i + 1 : i + 3]) == ["-m", "pip"]:
        return list(words[i + 3 :]), venv
    return None


def _options(args: list[str]) -> tuple[str | None, list[tuple[str, str]], list[str]]:
    sub: str | None = None
    options: list[tuple[str, str]] = []
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith(">"):
            options.append((">", arg[1:] or (args[i + 1] if i + 1 < len(args) else "")))
            i += 1 if arg[1:] else 2
            continue
        if arg.startswith("-") and arg != "-":
            name, _, value = arg.partition("=")
            if not value and len(name) > 2 and not name.startswith("--"):
                name, value = name[:2], name[2:]  # -rfile
            name = _SHORT.get(name, name)
            if not value and (name in VALUE_OPTIONS or arg in VALUE_OPTIONS):
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            options.append((name, value))
        elif sub is None:
            sub = arg
        else:
            positional.append(arg)
        i += 1
    return sub, options, positional


def _is_project(arg: str) -> bool:
    return arg in {".", "./"} or arg.startswith((".[", "./["))


def parse_pip(words: tuple[str, ...]) -> PipCall | None:
    """The pip call in a command's words, or None when the command is not pip."""
    found = _pip_args(words)
    if found is None:
        return None
    args, venv = found
    sub, options, positional = _options(args)
    opts = tuple(options)
    req = tuple(v for k, v in options if k == "--requirement")
    con = tuple(v for k, v in options if k == "--constraint")
    editables = [v for k, v in options if k == "--editable"]
    if sub == "freeze":
        return PipCall("freeze", options=opts, venv=venv, freeze_file=dict(options).get(">"))
    if sub == "wheel":
        wheel_dir = dict(options).get("--wheel-dir")
        return PipCall("wheel", req, con, tuple(positional), opts, venv, wheel_dir=wheel_dir)
    if sub != "install":
        return PipCall("other", options=opts, venv=venv)
    if any(_is_project(p) for p in [*positional, *editables]):
        return PipCall("project", req, con, (), opts, venv, editable=bool(editables))
    names = {(_NAME.match(p) or _NAME.match("x")).group(0).lower() for p in positional}
    if not req and not editables and positional and names <= _BOOTSTRAP:
        return PipCall("upgrade", options=opts, venv=venv)
    wheels = [p for p in positional if p.endswith(".whl") or p.endswith("/*")]
    no_index = dict(options).get("--no-index") is not None and "--find-links" in dict(options)
    if (wheels and not req) or no_index:
        return PipCall("wheels", req, con, tuple(positional), opts, venv)
    inline = tuple(positional) + tuple(f"-e {e}" for e in editables)
    return PipCall("requirements", req, con, inline, opts, venv)
