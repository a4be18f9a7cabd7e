"""Consent to share, as GDPR article 9 asks: explicit, specific, withdrawable.

Nothing leaves the device unless the user said yes, out loud, to a plain
question that named who would see it, what, and how to stop (care/consent.yml).
Each answer is one row of the journal's `consents` table, with its time, the
wording version and the very sentence that was asked; nothing is ever updated
in place, so the table is the history. A yes counts only for the recipient it
named: when the clinic or the contact changes, the question is asked again.

Two scopes: `clinician` (the clinic in the settings) and `caregiver` (the contact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

import sqlite_utils

from assistant import LANGUAGES
from assistant.journal.store import Journal, Schema, iso
from assistant.paths import PROJECT_ROOT
from assistant.questionnaires.datafile import Checker, read_yaml
from assistant.settings import Settings
from assistant.text import fold

CONSENT_FILE = PROJECT_ROOT / "care" / "consent.yml"
SCOPES = ("clinician", "caregiver")
SHARES = ("summary", "questionnaires", "safety")
"""What a scope may share: the mood and exercise summary, questionnaire answers, safety events."""
GRANTED, REFUSED, WITHDRAWN = "granted", "refused", "withdrawn"
ASKED_META = "care.consent_asked.{scope}"
"""Journal meta: the recipient the assistant last asked about on its own (it asks each one once)."""


def _create_consents(db: sqlite_utils.Database) -> None:
    db["consents"].create({"id": int, "at": str, "scope": str, "decision": str, "recipient": str, "shares": str,
                           "wording_version": int, "question": str, "lang": str}, pk="id",
                          not_null={"at", "scope", "decision", "recipient", "shares", "wording_version", "lang"})
    db["consents"].create_index(["scope", "at"])


CARE_SCHEMA = Schema("care", (_create_consents,))
"""The journal's `consents` table: one row per answer or withdrawal, never changed afterwards."""


@dataclass(frozen=True)
class ScopeText:
    shares: tuple[str, ...]
    question: Mapping[str, str]
    """The question, per language, with {recipient}."""
    what: Mapping[str, str]
    """What is shared, in a few words, said back after a yes."""


@dataclass(frozen=True)
class ConsentText:
    """care/consent.yml, checked."""

    version: int
    scopes: Mapping[str, ScopeText]
    recipient_words: Mapping[str, Mapping[str, frozenset[str]]]
    """Scope -> language -> folded words that name such a recipient ("daughter", "medecin")."""

    def question(self, scope: str, lang: str, recipient: str) -> str:
        return self.scopes[scope].question[lang].format(recipient=recipient)

    def scope_named(self, text: str, lang: str, settings: Settings) -> str | None:
        """The scope whose recipient `text` names ("can my daughter see...", "mon médecin"), if any."""
        words = set(fold(text).split())
        for scope in SCOPES:
            named = set(fold(recipient_for(settings, scope)).split()) - {"your", "my", "votre", "mon", "ma", "dr"}
            if words & (self.recipient_words[scope][lang] | named):
                return scope
        return None


def load_consent_text(path: Path = CONSENT_FILE) -> ConsentText:
    """The consent wording; a ValueError naming the file and line when it is wrong."""
    checker = Checker(path)
    root = checker.mapping(read_yaml(path), "the consent file", {"version", "scopes", "recipients"},
                           {"version", "scopes", "recipients"})
    version = checker.integer(root, "version", "version", minimum=1)
    scopes_node = checker.mapping(root["scopes"], "scopes", set(SCOPES), set(SCOPES), root)
    scopes = {}
    for scope, node in scopes_node.items():
        node = checker.mapping(node, f"scope {scope}", {"shares", "question", "what"}, {"shares", "question", "what"},
                               scopes_node)
        shares = checker.strings(node["shares"], f"{scope} shares", node)
        if not shares or set(shares) - set(SHARES):
            raise checker.fail(node["shares"], f"{scope} shares must be some of {', '.join(SHARES)}")
        question = checker.texts(node["question"], f"the {scope} question", node)
        for lang, text in question.items():
            if "{recipient}" not in text:
                raise checker.fail(node["question"], f"the {lang} {scope} question must name {{recipient}}")
        scopes[scope] = ScopeText(shares, question, checker.texts(node["what"], f"what {scope} shares", node))
    words_node = checker.mapping(root["recipients"], "recipients", set(SCOPES), set(SCOPES), root)
    words = {scope: {lang: frozenset(fold(word) for word in checker.strings(
        checker.mapping(words_node[scope], f"{scope} recipients", set(LANGUAGES), set(LANGUAGES), words_node)[lang],
        f"{scope} recipients in {lang}", words_node[scope])) for lang in LANGUAGES} for scope in SCOPES}
    return ConsentText(version, scopes, words)


def recipient_for(settings: Settings, scope: str) -> str:
    """Who the scope shares with, as the settings name them; "" when nobody is set up."""
    return settings.clinic.recipient if scope == "clinician" else settings.contact.name


@dataclass(frozen=True)
class Decision:
    """One recorded answer (or withdrawal)."""

    scope: str
    decision: str
    recipient: str
    at: datetime
    """When it was given (UTC; shown in local time)."""
    shares: tuple[str, ...]
    wording_version: int
    question: str
    """The sentence the user answered ("" for a withdrawal)."""
    lang: str

    @property
    def granted(self) -> bool:
        return self.decision == GRANTED


class Consents:
    """The consents recorded in one journal (which must hold CARE_SCHEMA)."""

    def __init__(self, journal: Journal):
        self._journal = journal

    def history(self) -> list[Decision]:
        rows = self._journal.read("select * from consents order by id")
        return [Decision(row["scope"], row["decision"], row["recipient"],
                         datetime.fromisoformat(row["at"]).astimezone(timezone.utc),
                         tuple(filter(None, row["shares"].split(","))), row["wording_version"], row["question"] or "",
                         row["lang"]) for row in rows]

    def latest(self, scope: str) -> Decision | None:
        decisions = [decision for decision in self.history() if decision.scope == scope]
        return decisions[-1] if decisions else None

    def granted(self, scope: str, recipient: str) -> Decision | None:
        """The yes in force for `scope`, if the last answer was yes and named this very recipient."""
        latest = self.latest(scope)
        return latest if latest is not None and latest.granted and recipient and latest.recipient == recipient \
            else None

    def shares(self, scope: str, recipient: str) -> tuple[str, ...]:
        """What may be shared with `recipient` now (nothing without a yes in force)."""
        decision = self.granted(scope, recipient)
        return decision.shares if decision is not None else ()

    def record(self, scope: str, decision: str, recipient: str, shares: tuple[str, ...], wording_version: int,
               question: str, lang: str, at: datetime) -> Decision:
        recorded = Decision(scope, decision, recipient, at.astimezone(timezone.utc), shares, wording_version, question,
                            lang)
        self._journal.write(lambda db: db["consents"].insert({
            "at": iso(at), "scope": scope, "decision": decision, "recipient": recipient, "shares": ",".join(shares),
            "wording_version": wording_version, "question": question, "lang": lang}))
        return recorded

    def withdraw(self, scopes: tuple[str, ...], lang: str, at: datetime) -> list[Decision]:
        """"Stop sharing": every yes in force in `scopes` is withdrawn at once; returns the withdrawals."""
        withdrawn = []
        for scope in scopes:
            latest = self.latest(scope)
            if latest is not None and latest.granted:
                withdrawn.append(self.record(scope, WITHDRAWN, latest.recipient, latest.shares,
                                             latest.wording_version, "", lang, at))
        return withdrawn

    def asked(self, scope: str) -> str | None:
        """The recipient the assistant last asked about on its own, for `scope`."""
        return self._journal.get_meta(ASKED_META.format(scope=scope))

    def mark_asked(self, scope: str, recipient: str) -> None:
        self._journal.set_meta(ASKED_META.format(scope=scope), recipient)
