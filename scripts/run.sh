#!/usr/bin/env bash
# Sets up what is missing, then starts the voice assistant (microphone and speaker).
# Extra arguments go to `assistant run`, e.g. scripts/run.sh --lang fr
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/assistant run "$@"
