"""Consent by voice, through the really trained models: asked once, the user's own yes, withdrawn at once."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from assistant.care.consent import CARE_SCHEMA, Consents, load_consent_text
from assistant.journal.store import Journal
from assistant.settings import Settings, SettingsStore, with_value
from event_helpers import of_kind, said

REPO = Path(__file__).resolve().parents[1]
CLINIC = "Dr Claire Martin, Cabinet Dupont"


def set_up(home: Path, language: str = "en", contact: str = "", clinic: bool = True) -> Settings:
    settings = Settings(language=language)
    if clinic:
        settings = with_value(with_value(settings, "clinic.name", "Cabinet Dupont"), "clinic.clinician",
                              "Dr Claire Martin")
    if contact:
        settings = with_value(with_value(settings, "contact.name", contact), "contact.phone", "01 23 45 67 89")
    SettingsStore(home / "settings.json", warn=print).save(settings)
    return settings


def consents(home: Path) -> list[dict]:
    return Journal(home / "journal.db", schemas=(CARE_SCHEMA,)).read("select * from consents order by id")


def report(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "report", *args], capture_output=True, text=True,
                          env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=120)


def test_the_first_day_asks_the_clinic_once_and_records_the_users_yes_with_its_wording(converse, home):
    set_up(home)
    events = converse([{"silence": 1}, "yes"])
    question = load_consent_text().question("clinician", "en", CLINIC)
    assert said(events)[1] == question
    assert "Dr Claire Martin, Cabinet Dupont would like to see a summary" in question
    assert "your answers to the questionnaires" in question and "You can say stop sharing at any time" in question
    assert of_kind(events, "consent") == [{"t": of_kind(events, "consent")[0]["t"], "event": "consent",
                                           "scope": "clinician", "granted": True}]
    assert "From now on, Dr Claire Martin, Cabinet Dupont can see" in said(events)[2]
    [row] = consents(home)
    assert (row["scope"], row["decision"], row["recipient"]) == ("clinician", "granted", CLINIC)
    assert (row["wording_version"], row["question"], row["lang"]) == (load_consent_text().version, question, "en")
    assert row["shares"] == "summary,questionnaires,safety" and row["at"].endswith("+00:00")

    again = converse([{"silence": 1}])
    assert not any("would like to see a summary" in text for text in said(again))


def test_stop_sharing_withdraws_at_once_and_the_report_is_refused_from_then_on(converse, home, tmp_path):
    set_up(home, "fr")
    events = converse([{"silence": 1}, "oui"], lang="fr")
    assert of_kind(events, "consent")[0]["granted"] is True
    assert "Vous pourrez dire « arrêtez le partage » à tout moment" in said(events)[1]
    assert report(home, "--csv", str(tmp_path / "a.csv")).returncode == 0

    stopped = converse(["arrêtez le partage"], lang="fr")
    assert [(event["scope"], event["granted"]) for event in of_kind(stopped, "consent")] == [("clinician", False)]
    assert "J'ai arrêté le partage avec Dr Claire Martin, Cabinet Dupont" in said(stopped)[-1]
    refused = report(home, "--pdf", str(tmp_path / "r.pdf"), "--csv", str(tmp_path / "b.csv"))
    assert refused.returncode == 3
    assert refused.stderr.strip().startswith("Aucun rapport n'a été fait : la personne n'a pas accepté de partager")
    assert not (tmp_path / "r.pdf").exists() and not (tmp_path / "b.csv").exists()
    assert [row["decision"] for row in consents(home)] == ["granted", "withdrawn"]
    assert "rien à arrêter" in said(converse(["je ne veux plus partager"], lang="fr"))[-1]


def test_can_my_daughter_see_how_ive_been_answers_what_is_shared_and_asks(converse, home):
    set_up(home, contact="your daughter Anne", clinic=False)
    events = converse(["can my daughter see how I've been?", "no", "can my daughter see how I've been?", "yes",
                       "can my daughter see how I've been?"])
    texts = said(events)
    assert "Not at the moment: nothing is shared with your daughter Anne unless you say yes yourself." in texts
    assert "Would you like your daughter Anne to see a summary of how you have been" in " ".join(texts)
    assert [(event["scope"], event["granted"]) for event in of_kind(events, "consent")] == [
        ("caregiver", False), ("caregiver", True)]
    assert texts[-1].startswith("Yes: your daughter Anne can see a summary of your mood and exercises, since")
    assert [(row["decision"], row["shares"]) for row in consents(home)] == [("refused", "summary"),
                                                                            ("granted", "summary")]


def test_in_french_my_daughter_is_the_caregiver_and_my_doctor_the_clinic(converse, home):
    set_up(home, "fr", contact="votre fille Anne")
    events = converse(["est-ce que ma fille peut voir comment je vais ?", "oui",
                       "j'aimerais que mon médecin voie comment je vais", "non"], lang="fr")
    assert [(event["scope"], event["granted"]) for event in of_kind(events, "consent")] == [
        ("caregiver", True), ("clinician", False)]
    texts = " ".join(said(events))
    assert "Voulez-vous que votre fille Anne puisse voir un résumé de votre état" in texts
    assert "Rien ne sera partagé avec Dr Claire Martin, Cabinet Dupont." in texts


def test_unclear_or_unsure_answers_share_nothing(converse, home):
    set_up(home)
    events = converse([{"silence": 1}, "banana", "the blue one in the cupboard", "what's on the telly tonight"])
    texts = said(events)
    assert texts[2] == "Sorry, I didn't catch that. Please say yes, or no."
    assert texts[3] == "Yes, or no?"
    assert texts[4].startswith("That's fine: nothing is shared.")
    assert not of_kind(events, "consent") and consents(home) == []
    weak = converse(["share with my doctor", "purple", "purple"])
    assert said(weak)[-2].startswith("Sharing needs a clear yes from you.")
    assert said(weak)[-1].startswith("That's fine: nothing is shared.") and consents(home) == []
    unsure = converse(["share with my doctor", "I don't know"])
    assert said(unsure)[-1].startswith("That's fine: nothing is shared.") and consents(home) == []


def test_a_yes_heard_unsurely_is_asked_again_before_anything_is_shared(home, models):
    """Speech recognised with low confidence: the flow asks once more, explicitly (typed input is always sure)."""
    from assistant.app import build_conversation, load_parts, notice_printer
    from assistant.conversation.asking import Read, Reading
    from assistant.conversation.state import Prompt
    from assistant.dialogue.engine import Parse
    from assistant.paths import Home
    from assistant.session.clock import VirtualClock
    from assistant.session.events import JsonlEvents
    from assistant.session.inbox import LineInbox
    from assistant.session.speech import TextVoice

    set_up(home)
    clock, out = VirtualClock(), io.StringIO()
    conversation = build_conversation(load_parts(Home(home), "en"), models["en"], clock,
                                      LineInbox(clock, io.StringIO(""), notice_printer("en")),
                                      JsonlEvents(clock, out), TextVoice())
    flow = conversation.flows["consent"]
    asked = flow.speak(clock.local_time())
    heard = Parse("yes", "affirm", 0.99)
    again = flow.answer(asked.question, Read(Reading.UNSURE, "yes"), heard)
    assert isinstance(again, Prompt) and again.question.said[0].startswith("Sharing needs a clear yes from you.")
    assert consents(home) == []
    assert flow.answer(again.question, Read(Reading.ANSWER, "yes"), heard) is None
    [row] = consents(home)
    assert row["decision"] == "granted" and row["question"] == asked.question.said[0]


def test_nothing_is_asked_on_its_own_after_a_crisis(converse, home):
    set_up(home)
    events = converse(["I want to end my life", {"silence": 30}, "yes I'm safe", {"silence": 1}])
    [alarm] = of_kind(events, "safety")
    after = events[events.index(alarm):]
    assert not any("would like to see a summary" in text for text in said(after))
    assert consents(home) == []


def test_consent_show_lists_what_is_granted_with_whom_and_since_when(converse, home):
    set_up(home, contact="your daughter Anne")
    converse([{"silence": 1}, "yes", {"silence": 1}, "no"])
    shown = subprocess.run([sys.executable, "-m", "assistant", "consent", "show"], capture_output=True, text=True,
                           env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=120)
    assert shown.returncode == 0
    clinic_line, caregiver_line = shown.stdout.strip().splitlines()
    assert clinic_line.startswith(f"Shared with {CLINIC} (the clinic) since 20")
    assert "Wording version 1, answered in English." in clinic_line
    assert caregiver_line.startswith("Nothing is shared with the caregiver (your daughter Anne): the user said no on")
    granted = Consents(Journal(home / "journal.db", schemas=(CARE_SCHEMA,))).granted("clinician", CLINIC)
    assert granted is not None and granted.shares == ("summary", "questionnaires", "safety")
    changed = with_value(Settings(), "clinic.name", "Cabinet Martin")
    SettingsStore(home / "settings.json", warn=print).save(changed)
    assert Consents(Journal(home / "journal.db", schemas=(CARE_SCHEMA,))).granted("clinician", "Cabinet Martin") is None
    json.loads((home / "settings.json").read_text())
