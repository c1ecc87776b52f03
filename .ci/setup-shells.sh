#!/usr/bin/env bash
# Installs zsh and fish (Debian packages) when missing, so the completion tests run them
# (tests/cli/test_completion_cli.py skips a shell that is not installed). Needs root.
#   .ci/setup-shells.sh
set -euo pipefail

missing=()
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
if ((${#missing[@]})); then
    echo "[setup-shells] installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
zsh --version
fish --version
