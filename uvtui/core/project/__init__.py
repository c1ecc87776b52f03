"""The project as it is on disk: pyproject.toml, uv.lock, staleness, versions, outdated rows."""
