#!/usr/bin/env bash
# Sets up what is missing (test tools, test speech model), then runs the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k safety
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
exec .venv/bin/python -m pytest "$@"
