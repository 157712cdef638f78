#!/usr/bin/env bash
# Set up matchday on a bare machine and run the main job: create the store, load a season (downloaded when
# online, simulated offline), print its table, then serve the live demo: a simulated match day on a fast clock.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# the versions CI tested (requirements.lock, from `pip-compile --extra dev`), then matchday itself
.venv/bin/python -m pip install -q -r requirements.lock
.venv/bin/python -m pip install -q --no-deps -e .
.venv/bin/matchday quickstart --no-serve
exec .venv/bin/matchday demo "$@"
