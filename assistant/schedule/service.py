"""`assistant service install | status | remove`: `assistant run` all day, as a systemd user service.

The unit runs this very Python and this checkout with the same ASSISTANT_HOME,
restarts the assistant if it fails, and is wanted by the user's default
target. A user service starts when its user logs in; with lingering
(`loginctl enable-linger USER`) it starts at boot, which only the user or an
administrator can turn on: the install says so rather than trying. Where there
is no systemd user manager (a container, a desktop without systemd), every
command says so in one sentence and changes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

from assistant.app import load_parts
from assistant.messages import UserFacingError, message
from assistant.paths import PROJECT_ROOT, Home

UNIT = "wellbeing-assistant.service"
RESTART_AFTER_S = 10
"""How long systemd waits before starting the assistant again after a failure (seconds)."""
SYSTEMCTL_TIMEOUT_S = 60


def register(commands: Any) -> None:
    """Add `service` to the `assistant` command's subcommands."""
    service = commands.add_parser("service", help="run `assistant run` all day as a systemd user service")
    service.add_argument("action", choices=("install", "status", "remove"))
    service.set_defaults(handler=run)


def unit_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where systemd looks for the user's own units: XDG_CONFIG_HOME/systemd/user."""
    config = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(config) / "systemd" / "user" / UNIT


def _quoted(value: str) -> str:
    """A command-line word or an Environment= value as systemd reads it: in double quotes, with its specifiers
    (%) and variables ($) kept literal. (WorkingDirectory= takes a plain path: only % is doubled there.)"""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def unit_text(python: str, project: Path, home: Path, lang: str | None = None) -> str:
    """The unit file that runs `python -m assistant [--lang LANG] run` in `project` with ASSISTANT_HOME=`home`."""
    command = [python, "-m", "assistant", *(["--lang", lang] if lang else []), "run"]
    return "\n".join([
        "[Unit]",
        "Description=Wellbeing companion: the voice assistant, all day",
        "Documentation=file://" + str(project / "README.md").replace("%", "%%"),
        "After=sound.target pulseaudio.service pipewire-pulse.service",
        "",
        "[Service]",
        "Type=simple",
        "ExecStart=" + " ".join(_quoted(part) for part in command),
        "WorkingDirectory=" + str(project).replace("%", "%%"),
        "Environment=" + _quoted(f"ASSISTANT_HOME={home}"),
        'Environment="PYTHONUNBUFFERED=1"',
        "Restart=on-failure",
        f"RestartSec={RESTART_AFTER_S}",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ])


class Systemd:
    """`systemctl --user` and `loginctl`, or a clear sentence when there is no user manager."""

    def __init__(self, lang: str):
        self._lang = lang

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, timeout=SYSTEMCTL_TIMEOUT_S)

    def require(self) -> None:
        """Fail with one sentence unless a systemd user manager answers."""
        if shutil.which("systemctl") is None:
            problem = message("service_no_systemctl", self._lang)
        else:
            answer = self._run("systemctl", "--user", "show-environment")
            if answer.returncode == 0:
                return
            lines = (answer.stderr or answer.stdout).strip().splitlines()
            problem = lines[-1] if lines else f"exit {answer.returncode}"
        raise UserFacingError(message("service_no_systemd", self._lang, problem=problem))

    def user(self, *args: str) -> str:
        """Run `systemctl --user ARGS`; a failure is one sentence."""
        answer = self._run("systemctl", "--user", *args)
        if answer.returncode != 0:
            problem = (answer.stderr or answer.stdout).strip() or f"exit {answer.returncode}"
            raise UserFacingError(message("service_failed", self._lang, command=" ".join(args), problem=problem,
                                          unit=UNIT))
        return answer.stdout.strip()

    def state(self, query: str) -> str:
        """`is-active` or `is-enabled`, as systemctl words it (its exit status only says "not")."""
        answer = self._run("systemctl", "--user", query, UNIT)
        return answer.stdout.strip() or "unknown"

    def lingering(self, user: str) -> bool:
        if shutil.which("loginctl") is None:
            return False
        answer = self._run("loginctl", "show-user", user, "--property=Linger")
        return answer.returncode == 0 and answer.stdout.strip() == "Linger=yes"


def run(args: argparse.Namespace, home: Home) -> int:
    lang = load_parts(home, args.lang).lang
    systemd = Systemd(lang)
    systemd.require()
    path = unit_path()
    if args.action == "install":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(unit_text(sys.executable, PROJECT_ROOT, home.root, args.lang), encoding="utf-8")
        systemd.user("daemon-reload")
        systemd.user("enable", "--now", UNIT)
        user = getpass.getuser()
        print(message("service_installed", lang, unit=UNIT, path=path))
        print(message("service_linger_on" if systemd.lingering(user) else "service_linger_off", lang, user=user))
    elif args.action == "status":
        if not path.is_file():
            print(message("service_not_installed", lang, unit=UNIT))
            return 0
        active, enabled = systemd.state("is-active"), systemd.state("is-enabled")
        print(message("service_running", lang, unit=UNIT, enabled=enabled) if active == "active"
              else message("service_stopped", lang, unit=UNIT, active=active, enabled=enabled))
    else:
        if not path.is_file():
            print(message("service_not_installed", lang, unit=UNIT))
            return 0
        systemd.user("disable", "--now", UNIT)
        path.unlink()
        systemd.user("daemon-reload")
        print(message("service_removed", lang, unit=UNIT))
    return 0
