"""The package index client: which indexes uv would ask, their pages, transport and cache."""
