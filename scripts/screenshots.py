"""Regenerate screenshots/*.svg from the real app on the bundled example project.

Run: `uv run python scripts/screenshots.py` (tests/test_readme_screenshots.py checks them).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.readme_screenshots import SCREENSHOTS, render_all  # noqa: E402


async def main() -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        for name, svg in (await render_all(Path(temp))).items():
            target = SCREENSHOTS / f"{name}.svg"
            target.write_text(svg)
            print(target.relative_to(ROOT))


if __name__ == "__main__":
    asyncio.run(main())
