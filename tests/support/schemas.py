"""Validate a command's `--json` output against the schema uvtui ships for it."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema


def schema(command: str) -> dict:
    """uvtui/schemas/COMMAND.schema.json, read from the installed package."""
    return json.loads(files("uvtui.schemas").joinpath(f"{command}.schema.json").read_text())


def validate(command: str, document: object) -> None:
    """Raise jsonschema.ValidationError when document does not match the command's schema."""
    jsonschema.Draft202012Validator(schema(command)).validate(document)
