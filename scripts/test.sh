#!/usr/bin/env bash
# Set up, then run the whole test suite (lint, doctests, unit, golden and end-to-end tests).
# Tests that need a JRE or a browser use the real thing: setup installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
