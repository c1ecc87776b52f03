"""Dockerfiles: facts, shell words, the minimal-splice rewrite to uv, hadolint and build checks."""
