"""Driving a command through a pseudo-terminal, as a caregiver at a keyboard (or over SSH) would."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path


PROMPT_END = "]"
"""How a question ends: its current value in brackets, then ": " (" : " in French)."""


class PtySession:
    """`python -m assistant ARGS` on a pseudo-terminal: wait for a prompt, type a line, read what came."""

    def __init__(self, home: Path, *args: str, cwd: Path):
        env = {"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "dumb", "LANG": "C.UTF-8"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, "-m", "assistant", *args], env)
        self.transcript = ""
        self._seen = 0

    def _read(self, timeout_s: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout_s)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:
            return False
        self.transcript += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return bool(chunk)

    def expect(self, text: str, timeout_s: float = 60.0) -> str:
        """Wait until `text` appears after what was already seen; returns the output up to and including it."""
        deadline = time.monotonic() + timeout_s
        while text not in self.transcript[self._seen:]:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"never saw {text!r}; the terminal showed:\n{self.transcript[self._seen:]}")
        end = self.transcript.index(text, self._seen) + len(text)
        seen, self._seen = self.transcript[self._seen:end], end
        return seen

    def answer(self, prompt: str, line: str) -> str:
        """Wait for the question containing `prompt` to be asked whole (up to its "]: "), then type `line` and
        Enter; returns what was shown up to there."""
        shown = self.expect(prompt)
        if not shown.rstrip().endswith(":"):
            shown += self.expect(PROMPT_END)
        os.write(self.fd, (line + "\n").encode("utf-8"))
        return shown

    def finish(self, timeout_s: float = 60.0) -> int:
        """Read everything to the end of the command; its exit status."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.transcript += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)
