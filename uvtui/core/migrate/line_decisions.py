"""The findings and per-line decisions the mappers share; the coverage is built from them."""

from __future__ import annotations

from uvtui.core.findings import Finding, Level
from uvtui.core.migrate.requirements import RequirementLine

Decision = tuple[bool, str | None, str | None]  # (carried, target, warning/info code)


class LineDecisions:
    """What became of each line, keyed by (path, line), and the findings raised on the way."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.decisions: dict[tuple[str, int], Decision] = {}

    def note(
        self, code: str, message: str, where: RequirementLine | None, level: Level = Level.WARNING
    ) -> None:
        path, line = (where.path, where.line) if where else (None, None)
        self.findings.append(Finding(code, message, level, path, line))

    def decide(
        self, line: RequirementLine, carried: bool, target: str | None, code: str | None
    ) -> None:
        self.decisions[(line.path, line.line)] = (carried, target, code)
