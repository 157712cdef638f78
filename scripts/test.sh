#!/usr/bin/env bash
# Set up everything the tests need on a bare machine, then run lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests start for real: PostgreSQL 15 (store tests), Redis (shared cache, pub/sub),
# Chromium (browser tests) and wrk (benchmarks). The tests start their own servers.
missing=()
{ command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; } || missing+=(postgresql-15)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: not installed: ${missing[*]}; the tests that need them are skipped" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# the versions CI tested (requirements.lock, from `pip-compile --extra dev`), then matchday itself
.venv/bin/python -m pip install -q -r requirements.lock
.venv/bin/python -m pip install -q --no-deps -e ".[dev]"
.venv/bin/ruff check src tests benchmarks loadtests
# one worker per core, at most 4 (each starts its own PostgreSQL, Redis and servers); a test file's tests stay
# together (its module fixtures and servers are set up once)
.venv/bin/pytest -n auto --maxprocesses 4 --dist loadfile "$@"
