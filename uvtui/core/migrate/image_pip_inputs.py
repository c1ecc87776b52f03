"""Requirements and pip options that come from the image's pip steps, not from files.

Their decisions are keyed by the path, a NUL and `inline<N>` or `env<N>`, so they never collide
with the lines of a requirement file of the same name; `located` turns a key back into the path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from uvtui.core.findings import Finding, MigrationRefused
from uvtui.core.migrate.mapping import RequirementMapper
from uvtui.core.migrate.requirements import RequirementLine, parse_requirements_text
from uvtui.core.redact import redact


@dataclass(frozen=True)
class InlineRequirement:
    """A requirement given on a pip command line, e.g. ("gunicorn==22.0.0", "Dockerfile:12")."""

    text: str
    source: str


@dataclass(frozen=True)
class ImagePipInput:
    """One pip argument or PIP_* option of the image, as it appears in the coverage."""

    key: tuple[str, int]  # the mapper's decision key
    path: str
    line: int
    text: str
    origin: str  # "inline" | "env"


def _split_source(source: str) -> tuple[str, int]:
    path, _, number = source.rpartition(":")
    if path and number.isdigit():
        return path, int(number)
    return source, 0


def _env_option_values(option: str, value: str) -> list[tuple[str, str | None]]:
    """PIP_* variables: space-separated lists; PIP_PRE is a boolean."""
    if option == "--pre":
        # the bare CLI flag comes with an empty value; PIP_PRE=0/false/no/off turns it off
        truthy = value.strip().lower() not in {"0", "false", "no", "off"}
        return [("--pre", None)] if truthy else []
    if option in {"--extra-index-url", "--trusted-host", "--find-links"}:
        return [(option, item) for item in value.split()]
    return [(option, value.strip())]


def map_image_pip_inputs(
    mapper: RequirementMapper,
    inline_requirements: Iterable[InlineRequirement],
    pip_env_options: Iterable[tuple[str, str, str]],
) -> list[ImagePipInput]:
    """Map the Dockerfile's inline requirements (into main) and its pip options."""
    inputs: list[ImagePipInput] = []
    for number, inline in enumerate(inline_requirements):
        path, line_number = _split_source(inline.source)
        key_path = f"{path}\x00inline{number}"
        try:
            lines = parse_requirements_text(inline.text, path)
        except MigrationRefused as error:
            reason = error.message.split(": ", 2)[-1]
            raise MigrationRefused("R4", f"{inline.source}: {reason}") from None
        for parsed in lines:
            line = RequirementLine(**{**parsed.__dict__, "path": key_path, "line": line_number})
            if line.kind == "option":
                mapper.options.map_options(line, line.options)
            elif line.kind in {"include", "constraint-include"}:
                mapper.decide(line, False, None, "W-OPTION")
            else:
                mapper.map_requirement(line, "main")
            inputs.append(
                ImagePipInput((key_path, line_number), path, line_number, line.text, "inline")
            )
    for number, (option, value, source) in enumerate(pip_env_options):
        path, line_number = _split_source(source)
        key_path = f"{path}\x00env{number}"
        # Dockerfile values may use $NAME as well as ${NAME}
        value = re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", r"${\1}", value)
        options = _env_option_values(option, value)
        text = f"{option}={redact(value)}" if option != "--pre" else f"--pre ({value})"
        line = RequirementLine(
            key_path, line_number, text, None, "option", None, option, value, (), tuple(options)
        )
        if options:
            mapper.options.map_options(line, options)
        else:
            mapper.decide(line, False, None, "W-OPTION")
        inputs.append(ImagePipInput((key_path, line_number), path, line_number, text, "env"))
    return inputs


def located(finding: Finding) -> Finding:
    """Findings about Dockerfile inputs carry an internal key; show the real file name."""
    if finding.path and "\x00" in finding.path:
        return Finding(
            finding.code,
            finding.message,
            finding.level,
            finding.path.split("\x00", 1)[0],
            finding.line,
        )
    return finding
