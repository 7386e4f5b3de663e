#!/usr/bin/env bash
# Set up, then build the graph from the bundled corpus on the embedded store and say where
# everything is. Extra arguments go to `policykg build` (e.g. --corpus DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/policykg build "$@"
