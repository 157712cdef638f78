#!/usr/bin/env bash
# Re-resolve requirements.lock after a dependency in pyproject.toml changed (runtime deps and the dev extra).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-lock
.venv-lock/bin/python -m pip install -q pip-tools
.venv-lock/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
  --output-file requirements.lock pyproject.toml
rm -rf .venv-lock
