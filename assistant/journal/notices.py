"""What people are told about the stores: the caregiver on stderr, the user in one calm spoken sentence.

At start, each `StoreNotice` from the start-up checks gives the caregiver a
sentence saying what happened and what was recovered, and the user hears at
most one sentence (the journal's; the dialogue tracker holds nothing of theirs).
During the conversation, a write that fails tells the caregiver once for each
kind of reason, with what SQLite's integrity check says of what is already
saved, and the user once in all, not at every turn: each answer then says
for itself whether it was saved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from assistant.journal.recovery import StoreNotice
from assistant.journal.store import Journal, JournalError
from assistant.messages import message

SPOKEN_AT_START = {"restored": "spoken_journal_restored", "lost": "spoken_journal_lost",
                   "read_only": "spoken_not_storing", "full": "spoken_not_storing", "locked": "spoken_not_storing",
                   "newer": "spoken_not_storing",
                   "unavailable": "spoken_not_storing"}
"""The sentence the user hears at start for each outcome of the journal's check."""
WRITE_FAILED = {"full": "journal_write_failed_full", "read_only": "journal_write_failed_read_only",
                "locked": "journal_write_failed_locked", "damaged": "journal_write_failed_damaged",
                "removed": "journal_write_failed_removed"}
"""The caregiver's sentence for each kind of failed write (others: journal_write_failed_other)."""


def _local(moment: datetime | None, zone_of: Callable[[], datetime]) -> str:
    return moment.astimezone(zone_of().tzinfo).strftime("%Y-%m-%d %H:%M") if moment else ""


class StoreReporter:
    """Tells the caregiver and the user about the stores, each thing once."""

    def __init__(self, lang: str, warn: Callable[[str], None], say: Callable[[str], None],
                 now: Callable[[], datetime]):
        """`say` speaks one sentence to the user; `now` is the clock (backup times are told in local time)."""
        self._lang = lang
        self._warn = warn
        self._say = say
        self._now = now
        self._told_kinds: set[str] = set()
        """Kinds of failed writes the caregiver was told about."""
        self._said: set[str] = set()
        """Sentences the user heard (each at most once)."""

    def at_start(self, notices: list[StoreNotice], journal: Journal) -> None:
        """What the start-up checks found; `journal` is the one the conversation uses."""
        for notice in notices:
            self._warn(self._caregiver_sentence(notice))
            spoken = SPOKEN_AT_START.get(notice.outcome) if notice.store == "journal" else None
            if spoken is not None:
                self._tell_user(spoken)
            if notice.outcome == "locked":
                self._told_kinds.add("locked")
        if journal.refusal is not None:
            self._told_kinds.add(journal.refusal.kind)

    def _caregiver_sentence(self, notice: StoreNotice) -> str:
        name = f"{notice.store}_{notice.outcome}"
        if notice.outcome in ("restored", "lost", "rebuilt") and notice.kept is None:
            name += "_missing"
        return message(name, self._lang, path=notice.path, problem=notice.problem,
                       kept=notice.kept.name if notice.kept else "", folder=notice.path.parent,
                       backup_at=_local(notice.backup_at, self._now))

    def write_failed(self, journal: Journal, error: JournalError, tell_user: bool = True) -> None:
        """A write failed: the caregiver is told once per kind of reason, the user once in all (if `tell_user`)."""
        if error.kind not in self._told_kinds:
            self._told_kinds.add(error.kind)
            sentence = message(WRITE_FAILED.get(error.kind, "journal_write_failed_other"), self._lang,
                               path=journal.path, problem=error)
            if error.kind != "removed":
                sentence += " " + self._verdict(journal)
            self._warn(sentence)
        if tell_user:
            self._tell_user("spoken_not_storing")

    def _verdict(self, journal: Journal) -> str:
        """Only what the integrity check says: "nothing already saved was lost" is claimed when it passes."""
        intact, found = journal.intact()
        if intact:
            return message("journal_checked_intact", self._lang)
        return message("journal_checked_damaged" if intact is False else "journal_check_impossible", self._lang,
                       found=found)

    def backup_failed(self, folder: str, problem: str) -> None:
        self._warn(message("backup_failed", self._lang, folder=folder, problem=problem))

    def _tell_user(self, name: str) -> None:
        if name not in self._said:
            self._said.add(name)
            self._say(message(name, self._lang))
