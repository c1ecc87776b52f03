"""The pip -> uv migration: requirements files to pyproject.toml, uv.lock and companion files."""
