#!/usr/bin/env bash
# Sets up everything the assistant needs on Debian 12, Ubuntu or Raspberry Pi OS:
# Debian packages, the Python 3.10 environment (.venv), the dependencies pinned in
# constraints.txt and the trained dialogue models. Safe to run again: each step is
# skipped when already done.
#   scripts/setup.sh           for running the assistant
#   scripts/setup.sh --tests   also the test tools, the test speech model, real recorded speech
#                              (pocketsphinx-testdata) and the MBROLA voices the voice tests compare
#
# MBROLA voices (mb-us1, mb-en1, mb-fr1, mb-fr4) are in Debian's contrib and non-free
# sections; their licences forbid selling them or building them into a product that is
# sold (see `assistant voices list`). A caregiver installs one with: assistant voices install NAME
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[ "${1:-}" = "--tests" ] && with_tests=true

say() { printf '\n==> %s\n' "$*"; }

packages=(espeak-ng libespeak-ng1 libportaudio2 sox unzip curl)
$with_tests && packages+=(pulseaudio pulseaudio-utils poppler-utils pocketsphinx-testdata)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}"
fi

find_python() {
  for candidate in python3.10 "$HOME/.pyenv/versions/3.10"*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(find_python) || {
    echo "Python 3.10 is needed (Rasa 3.6 does not run on newer Python)." >&2
    echo "On Ubuntu: sudo apt install python3.10 python3.10-venv (deadsnakes PPA); elsewhere: pyenv install 3.10" >&2
    exit 1
  }
  say "Creating the Python 3.10 environment in .venv with $python"
  "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip wheel setuptools
fi

extras="."
$with_tests && extras=".[test]"
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)$($with_tests && echo -tests)"
if [ ! -e "$stamp" ]; then
  say "Installing Python dependencies (a few minutes the first time)"
  .venv/bin/python -m pip install -q -c constraints.txt -e "$extras"
  touch "$stamp"
fi

say "Training the dialogue models if needed"
if $with_tests; then
  # The tests keep their trained models in .cache/test-home (tests/conftest.py): train them there.
  ASSISTANT_HOME=.cache/test-home .venv/bin/assistant train
else
  .venv/bin/assistant train
fi

if $with_tests; then
  for voice in mb-us1 mb-en1 mb-fr1 mb-fr4; do
    .venv/bin/python -c "import sys; from assistant.voice.voices import load_voices; sys.exit(not load_voices()['$voice'].installed())" \
      || ASSISTANT_HOME="$(mktemp -d)" .venv/bin/assistant voices install "$voice"
  done
  aar=.cache/vosk/vosk-model-en-0.3.45.aar
  if [ ! -s "$aar" ]; then
    say "Fetching the small English speech model for tests (Maven Central, com.alphacephei:vosk-model-en:0.3.45)"
    mkdir -p .cache/vosk
    url=https://repo1.maven.org/maven2/com/alphacephei/vosk-model-en/0.3.45/vosk-model-en-0.3.45.aar
    curl -fsSL --retry 3 -o "$aar.part" "$url"
    expected=$(curl -fsSL --retry 3 "$url.sha1")
    echo "$expected  $aar.part" | sha1sum -c --quiet -
    mv "$aar.part" "$aar"
  fi
fi
