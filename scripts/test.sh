#!/usr/bin/env bash
# Set up everything the tests need on a bare machine, then run lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL 15 server binaries for the store tests (the tests start their own server)
if ! command -v pg_config >/dev/null || [ ! -x "$(pg_config --bindir)/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  else
    echo "warning: PostgreSQL server binaries not found; PostgreSQL tests will be skipped" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
.venv/bin/ruff check src tests benchmarks
.venv/bin/pytest "$@"
