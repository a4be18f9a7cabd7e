#!/usr/bin/env bash
# Sets up what is missing (including the speech model of the conversation's
# language, downloaded once), then starts the voice assistant.
# Options go to the assistant, e.g. scripts/run.sh --lang fr
# A clinic without network installs the model from a file first:
#   .venv/bin/assistant models install fr --from vosk-model-small-fr-0.22.zip
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/assistant "$@" models install --if-missing
exec .venv/bin/assistant "$@" run
