"""`uvtui completion SHELL`: each script loaded into the real shell, which calls the real
`uvtui` back for the completions (zsh and fish where installed: .ci/setup-shells.sh)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import argcomplete
import pytest

from tests.support.migration_trees import tree_state
from uvtui import cli
from uvtui.commands.completion import project_package_names

PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"
dependencies = ["Flask>=3", "redis[hiredis]>=4"]

[dependency-groups]
dev = ["pytest==8.0.0"]
"""
BIN = Path(sys.executable).parent  # the environment's `uvtui` script sits beside its Python
TIMEOUT = 60


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def shell_env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def script(shell: str) -> str:
    result = subprocess.run(
        [BIN / "uvtui", "completion", shell],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    assert result.stderr == ""
    return result.stdout


def run_shell(argv: list[str], program: str, cwd: Path) -> list[str]:
    result = subprocess.run(
        [*argv, program],
        cwd=cwd,
        env=shell_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return result.stdout.splitlines()


BASH_COMPLETE = """\
{script}
complete -p uvtui
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_python_argcomplete uvtui "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


def bash_complete(line: str, cwd: Path) -> list[str]:
    program = BASH_COMPLETE.format(script=script("bash"), line=line)
    output = run_shell(["bash", "--norc", "-c"], program, cwd)
    assert output[0] == "complete -o bashdefault -o default -o nospace -F _python_argcomplete uvtui"
    return [word.strip() for word in output[1:]]


def test_bash_completes_commands_and_global_options(project: Path) -> None:
    before = tree_state(project)
    assert bash_complete("uvtui ", project) == [
        "outdated",
        "migrate",
        "add",
        "bump",
        "remove",
        "exec",
        "build",
        "completion",
    ]
    assert {"--color", "--project", "--demo", "--version"} <= set(
        bash_complete("uvtui --", project)
    )
    assert tree_state(project) == before


def test_bash_completes_a_commands_options_and_choices(project: Path) -> None:
    assert {"--json", "--all", "--offline", "--project", "--color"} <= set(
        bash_complete("uvtui outdated --", project)
    )
    assert bash_complete("uvtui migrate --wr", project) == ["--write"]
    assert bash_complete("uvtui completion ", project) == ["bash", "zsh", "fish"]
    assert bash_complete("uvtui --color n", project) == ["never"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh not installed")
def test_zsh_registers_and_completes(project: Path) -> None:
    # _describe is zsh's menu; replaced by a print, it shows what uvtui answered
    program = f"""\
autoload -U compinit && compinit -u
{script("zsh")}
print -r -- "registered: $_comps[uvtui]"
_describe() {{ print -rl -- "${{(@P)2}}" }}
BUFFER='uvtui migrate --dif'; CURSOR=${{#BUFFER}}; words=(uvtui migrate --dif)
_python_argcomplete
"""
    output = run_shell(["zsh", "-f", "-c"], program, project)
    assert output[0] == "registered: _python_argcomplete"
    assert "--diff:print the plan only" in output[1]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish not installed")
def test_fish_completes(project: Path) -> None:
    program = f"""\
{script("fish")}
complete -C 'uvtui '
complete -C 'uvtui completion '
"""
    output = run_shell(["fish", "--no-config", "-c"], program, project)
    names = {line.split("\t")[0] for line in output}
    assert {"outdated", "migrate", "completion", "bash", "zsh", "fish"} <= names


def _register_bump(commands: cli.CommandRegistry) -> None:
    """A command in the shape of the coming `bump` (named apart so the real one can land)."""
    parser = commands.add_parser("x-bump", run=len, project="option", json=True, help="bump")
    action = parser.add_argument("packages", nargs="+")
    action.completer = project_package_names  # type: ignore[attr-defined]


class _Finder(argcomplete.CompletionFinder):
    def _init_debug_stream(self) -> None:
        """Leave fd 9 alone: here it is pytest's, not the shell's debug stream."""


WITH_BUMP = (*cli.COMMANDS, SimpleNamespace(add_parser=_register_bump))


def in_process_complete(line: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What `uvtui` answers the shell for `line` (the argcomplete protocol, in this process)."""
    monkeypatch.setattr(cli, "COMMANDS", WITH_BUMP)
    for name, value in {
        "_ARGCOMPLETE": "1",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_IFS": "\n",
    }.items():
        monkeypatch.setenv(name, value)
    output = io.StringIO()
    parser, _names = cli.build_parser()
    _Finder()(
        parser,
        always_complete_options=False,
        exit_method=lambda _code=0: None,
        output_stream=output,
    )
    return output.getvalue().split()


def test_a_package_argument_completes_the_projects_packages(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert in_process_complete("uvtui x-bump ", monkeypatch) == ["flask", "pytest", "redis"]
    assert in_process_complete("uvtui x-bump f", monkeypatch) == ["flask"]


def test_packages_of_the_project_given_with_project(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = f"uvtui x-bump --project {project} r"
    assert in_process_complete(line, monkeypatch) == ["redis"]


def test_no_packages_without_a_readable_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\n")
    assert in_process_complete("uvtui x-bump ", monkeypatch) == []
