"""Every command with `--json` ships a valid JSON schema (commands added later included)."""

from __future__ import annotations

import argparse

import jsonschema
import pytest

from tests.support.schemas import schema
from uvtui.cli import build_parser


def _json_commands() -> list[str]:
    parser, _names = build_parser()
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [
        name
        for name, command in subparsers.choices.items()
        if any(action.dest == "json" for action in command._actions)
    ]


def test_the_json_commands_are_known() -> None:
    assert {"outdated", "migrate"} <= set(_json_commands())


@pytest.mark.parametrize("command", _json_commands())
def test_each_json_command_has_a_valid_schema(command: str) -> None:
    document = schema(command)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$id"] == f"uvtui/schemas/{command}.schema.json"
