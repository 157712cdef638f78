#!/usr/bin/env bash
# Set up matchday on a bare machine and run the main job: create the store, load a season, print its table.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/matchday quickstart "$@"
