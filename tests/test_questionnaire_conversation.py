"""Questionnaires by voice, through machine mode with the really trained models, in both languages.

Answers are given as the options' words, as paraphrases (confirmed before they
are kept) and as numbers; scores are checked against hand-scored runs; stopped
and skipped runs stay incomplete; the safety layer hears every answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app import JOURNAL_SCHEMAS
from assistant.journal.store import Journal
from assistant.settings import SettingsStore, with_value
from assistant.questionnaires.store import QuestionnaireStore
from event_helpers import of_kind, said


def enabled(home: Path, *instruments: str) -> QuestionnaireStore:
    """Switch instruments on as a clinic would (the setting), every 14 days."""
    store = SettingsStore(home / "settings.json", warn=print)
    store.save(with_value(store.load(), "questionnaires.every", {instrument: "14d" for instrument in instruments}))
    return QuestionnaireStore(Journal(home / "journal.db", schemas=JOURNAL_SCHEMAS))


EVERY = {"who5": "14d"}


def answer_rows(home: Path) -> list[dict]:
    journal = Journal(home / "journal.db", schemas=JOURNAL_SCHEMAS)
    return journal.read("select item, option, score, skipped, confidence, lang from questionnaire_answers order by id")


def test_who5_offered_when_due_answered_with_words_numbers_and_a_confirmed_paraphrase(converse, home):
    enabled(home, "who5")
    events = converse(["yes", "most of the time", "three", "never", "yes", "all the time", "I would say some of the time"])
    texts = said(events)
    assert any(text.startswith("There are five short questions") for text in texts)
    assert "You can answer with the words or a number." in texts
    assert "I have felt cheerful and in good spirits" in texts
    assert 'That sounds like "at no time". Is that right?' in texts
    [result] = of_kind(events, "questionnaire")
    # Hand-scored: 4 + 3 + 0 + 5 + 1 = 13 raw, x4 = 52.
    assert result == {**result, "id": "who5", "items_answered": 5, "complete": True, "score": 52, "saved": True}
    rows = answer_rows(home)
    assert [(row["option"], row["score"]) for row in rows] == [
        ("most_of_the_time", 4), ("more_than_half_of_the_time", 3), ("at_no_time", 0), ("all_of_the_time", 5),
        ("some_of_the_time", 1)]
    assert [row["confidence"] for row in rows] == ["exact", "exact", "close", "exact", "exact"]
    assert "Your answers" not in texts[-1] or "report" in texts[-1]
    assert not [text for text in texts if "threshold" in text.lower() or "depress" in text.lower()]


def test_phq2_in_french_asked_for_then_answered(converse, home):
    enabled(home, "phq2")
    events = converse(["non", "on peut faire le questionnaire ?", "presque tous les jours", "un"], lang="fr")
    [result] = of_kind(events, "questionnaire")
    # Hand-scored: 3 + 1 = 4.
    assert (result["id"], result["complete"], result["score"]) == ("phq2", True, 4)
    assert all(event["lang"] == "fr" for event in of_kind(events, "say"))
    assert any("Vous pouvez répondre avec les mots ou avec un chiffre." == text for text in said(events))


def test_gds15_reversed_items_and_a_hopeless_answer_gets_the_distress_question(converse, home):
    enabled(home, "gds15")
    # Items 1 to 13: "yes" on every item; reversed items (1, 5, 7, 11, 13) score on "no".
    answers = ["yes"] * 13 + ["yes"]
    events = converse(["yes", *answers, "no"])
    [result] = of_kind(events, "questionnaire")
    assert result["complete"] is False and result["score"] is None and result["items_answered"] == 14
    [alarm] = of_kind(events, "safety")
    assert alarm["level"] == "distress"
    rows = answer_rows(home)
    # 13 items answered yes: 8 count (2, 3, 4, 6, 8, 9, 10, 12); item 14 (yes) counts too.
    assert sum(row["score"] for row in rows) == 9


def test_a_stopped_questionnaire_keeps_its_answers_and_is_never_scored(converse, home):
    enabled(home, "who5")
    events = converse(["yes", "four", "skip", "stop"])
    [result] = of_kind(events, "questionnaire")
    assert (result["items_answered"], result["complete"], result["score"], result["saved"]) == (1, False, None, True)
    rows = answer_rows(home)
    assert [(row["option"], row["skipped"]) for row in rows] == [("most_of_the_time", 0), (None, 1)]
    journal = Journal(home / "journal.db", schemas=JOURNAL_SCHEMAS)
    [run] = journal.read("select complete, total, ended from questionnaire_runs")
    assert (run["complete"], run["total"], run["ended"]) == (0, None, "stopped")


def test_a_crisis_said_as_an_answer_gets_the_safety_response_and_the_run_stays_incomplete(converse, home):
    enabled(home, "ucla3")
    events = converse(["yes", "often", "I want to end my life"])
    [alarm] = of_kind(events, "safety")
    assert alarm["level"] == "crisis"
    [result] = of_kind(events, "questionnaire")
    assert (result["complete"], result["score"]) == (False, None)
    assert said(events)[-1] == "Are you safe right now? You can say yes or no."


def test_what_were_the_choices_and_a_request_elsewhere(converse, home):
    enabled(home, "ucla3")
    events = converse(["yes", "what were the choices", "hardly ever", "I'd like to do some breathing instead"])
    texts = said(events)
    assert texts.count("You can answer with the words or a number.") == 2
    [result] = of_kind(events, "questionnaire")
    assert result["complete"] is False
    assert of_kind(events, "exercise")[0]["state"] == "started"


def test_not_today_is_kept_for_the_day(converse, home):
    enabled(home, "who5")
    assert said(converse(["not today"]))[-1].startswith("All right, not today.")
    assert not any(text.startswith("There are five") for text in said(converse(["hello"])))


def test_no_more_of_these_stops_the_offers_but_not_a_request(converse, home):
    store = enabled(home, "who5")
    assert said(converse(["no more of these"]))[-1].startswith("All right, I won't offer them again.")
    assert store.schedule("who5", EVERY).declined_at is not None
    events = converse(["hello", "can we do the questionnaire"])
    assert not any(text.startswith("There are five") for text in said(events))
    assert "I have felt cheerful and in good spirits" in said(events)


def test_the_caregivers_commands(home):
    def assistant(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                              env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)

    listed = [json.loads(line)["id"] for line in assistant("questionnaires", "list").stdout.splitlines()]
    assert {"who5", "phq2", "gad2", "gds15", "mini_gds", "ucla3"} <= set(listed)
    assert "every 7 days" in assistant("questionnaires", "enable", "phq2", "--every", "1w").stdout
    [status] = [json.loads(line) for line in assistant("questionnaires", "status").stdout.splitlines()]
    assert (status["id"], status["every_days"], status["now"]) == ("phq2", 7, "offer")
    assert json.loads((home / "settings.json").read_text())["questionnaires"]["every"] == {"phq2": "7d"}
    refused = assistant("questionnaires", "enable", "phq9")
    assert refused.returncode == 2 and "no questionnaire called 'phq9'" in refused.stderr
    assert assistant("questionnaires", "disable", "phq2").returncode == 0
    assert assistant("questionnaires", "status").stdout == ""
