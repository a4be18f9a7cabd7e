"""What the programme remembers about the user, in the journal: likes, "don't suggest that again", offers made.

The sessions themselves are the journal's exercise_sessions (with the length
asked); this part adds what the user said about exercises and the progression
offers already made, so the same offer is not made again too soon. Together
they make the programme's `UserRecord`.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from assistant.exercises.programme import PastOffer, PastSession, UserRecord
from assistant.journal.store import Journal, Schema, iso


def _create_v1(db: sqlite_utils.Database) -> None:
    db["exercise_preferences"].create({"exercise": str, "liked": int, "excluded": int, "at": str}, pk="exercise")
    db["exercise_offers"].create({"id": int, "exercise": str, "kind": str, "at": str}, pk="id")


PROGRAMME_SCHEMA = Schema("programme", (_create_v1,))


class ProgrammeRecords:
    """Reads the user's record and writes what they said, through the journal (errors are JournalErrors)."""

    def __init__(self, journal: Journal):
        self._journal = journal

    def user(self, health_flags: frozenset[str], now: datetime) -> UserRecord:
        """The sessions, likes, exclusions and offers as the programme reads them, times in `now`'s zone."""
        def local(text: str) -> datetime:
            return datetime.fromisoformat(text).astimezone(now.tzinfo)

        sessions = tuple(PastSession(row["exercise"], row["minutes"], row["outcome"], local(row["started_at"]))
                         for row in self._journal.read(
                             "select exercise, minutes, outcome, started_at from exercise_sessions order by started_at"))
        preferences = self._journal.read("select exercise, liked, excluded from exercise_preferences")
        offers = tuple(PastOffer(row["exercise"], row["kind"], local(row["at"]))
                       for row in self._journal.read("select exercise, kind, at from exercise_offers"))
        return UserRecord(sessions=sessions,
                          likes=frozenset(row["exercise"] for row in preferences if row["liked"]),
                          exclusions=frozenset(row["exercise"] for row in preferences if row["excluded"]),
                          health_flags=health_flags, offers=offers)

    def _prefer(self, exercise: str, at: datetime, **change: int) -> None:
        def write(db: sqlite_utils.Database) -> None:
            table = db["exercise_preferences"]
            current = next(table.rows_where("exercise = ?", [exercise]), {"liked": 0, "excluded": 0})
            table.upsert({"exercise": exercise, "liked": current["liked"], "excluded": current["excluded"],
                          **change, "at": iso(at)}, pk="exercise")

        self._journal.write(write)

    def like(self, exercise: str, at: datetime) -> None:
        self._prefer(exercise, at, liked=1)

    def exclude(self, exercise: str, at: datetime) -> None:
        """ "Don't suggest that again": left out of suggestions; the user can still ask for it."""
        self._prefer(exercise, at, excluded=1)

    def offered(self, exercise: str, kind: str, at: datetime) -> None:
        self._journal.write(lambda db: db["exercise_offers"].insert({"exercise": exercise, "kind": kind,
                                                                     "at": iso(at)}))

    def today(self, now: datetime) -> tuple[int | None, int | None]:
        """Today's latest check-in mood and last night's sleep, if any (for suggestions that fit the moment)."""
        rows = self._journal.read("select at, mood, sleep from checkins order by at desc limit 5")
        for row in rows:
            if datetime.fromisoformat(row["at"]).astimezone(now.tzinfo).date() == now.date():
                return row["mood"], row["sleep"]
        return None, None
