"""`assistant service install | status | remove`: the systemd user unit, and a clear sentence without systemd.

This machine has systemctl but no systemd user manager (as in a container), so
the real commands must refuse in one sentence. Where the manager is needed, a
stand-in `systemctl` on PATH records what it is asked and answers like systemd:
the one thing outside the machine that is replaced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.paths import PROJECT_ROOT
from assistant.schedule.service import UNIT, unit_path, unit_text

FAKE_SYSTEMCTL = """#!/bin/sh
echo "systemctl $*" >> "$CALLS"
case "$*" in
  "--user show-environment") echo "HOME=$HOME" ;;
  "--user is-active $UNIT") if [ -f "$STATE/enabled" ]; then echo active; else echo inactive; exit 3; fi ;;
  "--user is-enabled $UNIT") if [ -f "$STATE/enabled" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  "--user enable --now $UNIT") touch "$STATE/enabled" ;;
  "--user disable --now $UNIT") rm -f "$STATE/enabled" ;;
esac
"""
FAKE_LOGINCTL = """#!/bin/sh
echo "loginctl $*" >> "$CALLS"
echo "Linger=no"
"""


def assistant(home: Path, *args: str, **environ: str) -> subprocess.CompletedProcess:
    env = {"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin", "HOME": str(home.parent), **environ}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def sections(text: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("["):
            current = found.setdefault(line.strip("[]"), [])
        elif line.strip():
            key, _, value = line.partition("=")
            current.append((key, value))
    return found


def test_the_unit_runs_this_python_and_checkout_with_the_same_home_and_restarts_on_failure(tmp_path):
    home = tmp_path / "a home with spaces and 100%"
    unit = sections(unit_text(sys.executable, PROJECT_ROOT, home, "fr"))
    service = dict(unit["Service"])
    assert service["ExecStart"] == f'"{sys.executable}" "-m" "assistant" "--lang" "fr" "run"'
    assert service["WorkingDirectory"] == str(PROJECT_ROOT)
    environment = [value for key, value in unit["Service"] if key == "Environment"]
    assert f'"ASSISTANT_HOME={str(home).replace("%", "%%")}"' in environment
    assert service["Restart"] == "on-failure" and int(service["RestartSec"]) > 0
    assert dict(unit["Install"]) == {"WantedBy": "default.target"}
    assert "sound.target" in dict(unit["Unit"])["After"]
    assert unit_path({"XDG_CONFIG_HOME": "/x/config"}) == Path("/x/config/systemd/user") / UNIT
    assert unit_path({"HOME": "/home/anne"}) == Path("/home/anne/.config/systemd/user") / UNIT


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_reads_the_unit_without_a_complaint(tmp_path):
    path = tmp_path / UNIT
    path.write_text(unit_text(sys.executable, PROJECT_ROOT, tmp_path / "home 100%"), encoding="utf-8")
    check = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    assert "ignoring" not in check.stderr and "Failed" not in check.stderr, check.stderr


def test_without_a_systemd_user_manager_every_command_says_so_and_changes_nothing(tmp_path):
    home = tmp_path / "home"
    for action in ("install", "status", "remove"):
        run = assistant(home, "service", action, XDG_CONFIG_HOME=str(tmp_path / "config"))
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert "The systemd user service manager is not available here" in run.stderr
        assert "assistant run" in run.stderr
    assert not (tmp_path / "config").exists()
    french = assistant(home, "--lang", "fr", "service", "install", PATH=str(tmp_path))
    assert french.returncode == 2
    assert "la commande systemctl n'est pas installée" in french.stderr and "Lancez-moi vous-même" in french.stderr


def test_install_status_remove_with_a_user_manager(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, script in (("systemctl", FAKE_SYSTEMCTL), ("loginctl", FAKE_LOGINCTL)):
        (tools / name).write_text(script)
        (tools / name).chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    calls = tmp_path / "calls"
    environ = {"PATH": f"{tools}:/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path / "config"), "CALLS": str(calls),
               "STATE": str(state), "UNIT": UNIT, "USER": "anne", "LOGNAME": "anne"}
    home = tmp_path / "home"
    assert "is not installed" in assistant(home, "service", "status", **environ).stdout
    installed = assistant(home, "service", "install", **environ)
    assert installed.returncode == 0, installed.stderr
    unit = tmp_path / "config" / "systemd" / "user" / UNIT
    assert unit.read_text() == unit_text(sys.executable, PROJECT_ROOT, home)
    assert f"Installed and started: the user service {UNIT}" in installed.stdout
    assert "run once: loginctl enable-linger anne" in installed.stdout
    assert f"systemctl --user enable --now {UNIT}" in calls.read_text().splitlines()
    assert "is installed and running (enabled)" in assistant(home, "service", "status", **environ).stdout
    removed = assistant(home, "service", "remove", **environ)
    assert removed.returncode == 0 and "is stopped and removed" in removed.stdout and not unit.exists()
    assert calls.read_text().splitlines()[-2:] == [f"systemctl --user disable --now {UNIT}",
                                                   "systemctl --user daemon-reload"]
    assert os.listdir(state) == []
