"""Conversation for real people (the trial quoted in the conversation issue), through machine mode with the
really trained models, in both languages: feelings are heard, no question traps anyone, stored answers can be
trusted, honest answers about the assistant itself."""

from __future__ import annotations

import pytest

from assistant.journal.store import Journal
from assistant.settings import Settings, SettingsStore, with_value
from event_helpers import of_kind, said

MOOD_EN = "How is your mood today, from one to five? One is very low, five is very good. Or say skip."
MOOD_FR = "Comment est votre humeur aujourd'hui, de un à cinq ? Un, c'est très mal ; cinq, c'est très bien. Ou dites : passer."


def checkins(home) -> list[tuple]:
    return [(row["mood"], row["energy"], row["sleep"]) for row in Journal(home / "journal.db").checkins()]


def with_contact(home, name: str, phone: str) -> None:
    settings = with_value(with_value(Settings(), "contact.name", name), "contact.phone", phone)
    SettingsStore(home / "settings.json", warn=print).save(settings)


# Feelings are heard --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text, feeling", [
    ("en", "My wife died last year and I miss her", "grief"),
    ("en", "I'm anxious", "anxious"),
    ("en", "I'm worried about my hospital appointment", "anxious"),
    ("fr", "je me sens seule", "lonely"),
    ("fr", "je n'arrive pas à dormir la nuit", "sleepless"),
])
def test_feelings_get_a_reflection_and_one_offer_never_the_fallback(converse, lang, text, feeling):
    events = converse([text], lang=lang)
    heard = of_kind(events, "heard")[-1]
    assert heard["intent"] == f"feeling_{feeling}"
    texts = said(events)
    assert not any(phrase in text for text in texts for phrase in
                   ("did not understand", "didn't understand", "n'ai pas compris", "catch a number", "de chiffre"))
    assert not of_kind(events, "safety")


def test_a_daily_user_does_not_hear_the_same_reflection_every_day(converse):
    first, second = (said(converse(["I feel lonely"]))[1] for _ in range(2))
    assert first != second


# Answers you can trust ---------------------------------------------------------------------------

def test_feeling_lonely_during_the_mood_question_is_not_a_mood_of_one(converse, home):
    events = converse(["humeur", "je me sens un peu seule", "deux", "passer", "passer"], lang="fr")
    texts = said(events)
    assert texts.count(MOOD_FR) >= 2, "the scale is asked again after the feeling is heard"
    assert checkins(home) == [(2, None, None)]


def test_a_bit_tired_is_not_the_lowest_energy(converse, home):
    converse(["humeur", "trois", "un peu fatiguée", "passer"], lang="fr")
    [(mood, energy, _)] = checkins(home)
    assert mood == 3 and energy in (3, None) and energy != 1


def test_a_misheard_greeting_never_becomes_a_score(converse, home):
    events = converse(["the low", "no"])
    assert any(text.startswith("That sounds like a 2") for text in said(events))
    assert checkins(home) == [] and not of_kind(events, "checkin")


def test_a_score_said_plainly_is_stored(converse, home):
    converse(["my mood is a four", "skip", "skip"])
    assert checkins(home) == [(4, None, None)]


def test_feelings_words_without_a_score_are_confirmed(converse, home):
    events = converse(["check-in", "I'm feeling a bit down", "yes", "skip", "skip"])
    assert any(text.startswith("That sounds like a 2") for text in said(events))
    assert checkins(home) == [(2, None, None)]


def test_the_check_in_asks_last_nights_sleep_third(converse, home):
    events = converse(["check-in", "four", "three", "badly"])
    assert "And how did you sleep last night, from one to five?" in " ".join(said(events))
    assert checkins(home) == [(4, 3, 2)]


# No traps -----------------------------------------------------------------------------------------

def test_an_unclear_answer_never_gets_the_same_sentence_three_times(converse, home):
    events = converse(["humeur", "quel temps fait-il ?", "quel temps fait-il ?", "quel temps fait-il ?"], lang="fr")
    texts = said(events)
    assert max(texts.count(text) for text in set(texts)) < 3
    assert "Pardon, je n'ai pas entendu de chiffre. Dites un chiffre de un à cinq, ou dites : passer." in texts
    assert "Vous pouvez dire : un, deux, trois, quatre ou cinq. Ou passer." in texts
    assert checkins(home) == []


def test_a_clear_request_in_the_middle_of_a_question_is_answered(converse, home):
    events = converse(["check-in", "how have I been lately"])
    assert said(events)[-1].startswith("In the last seven days, I have no check-ins yet")
    events = converse(["humeur", "est-ce que je vais mieux ?"], lang="fr")
    assert said(events)[-1].startswith("Ces sept derniers jours")


def test_every_question_says_its_way_out_the_first_time(converse):
    texts = said(converse(["check-in", "four", "three"]))
    questions = [text for text in texts if text.endswith("?") or "Or say skip." in text]
    assert questions and all("skip" in text for text in questions if "from one to five" in text)


def test_goodbye_during_a_question_ends_the_conversation(converse):
    events = converse(["check-in", "goodbye"])
    assert events[-1]["event"] == "end" and said(events)[-1] == "Goodbye. Take good care of yourself."


# Honest answers about itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text, response", [
    ("en", "Are you a real person?", "ask_is_human"),
    ("fr", "Vous êtes une vraie personne ?", "ask_is_human"),
    ("en", "Who can hear this?", "ask_who_listens"),
    ("en", "what do you keep about me", "ask_what_is_kept"),
    ("en", "can my daughter see this", "ask_about_sharing"),
])
def test_questions_about_the_assistant_get_a_true_answer_and_no_alarm(converse, lang, text, response):
    events = converse([text], lang=lang)
    assert of_kind(events, "heard")[-1]["intent"] == response
    assert not of_kind(events, "safety")


@pytest.mark.parametrize("lang, text", [("en", "can you call my daughter"), ("fr", "Appelez ma fille")])
def test_it_cannot_call_and_gives_the_contacts_number_slowly_twice(converse, home, lang, text):
    with_contact(home, "Anne", "06 12 34 56 78")
    events = converse([text], lang=lang)
    assert not of_kind(events, "safety")
    spoken = " ".join(said(events))
    assert spoken.count("06 12 34 56 78") == 2
    assert "Samaritans" not in spoken


def test_requests_it_cannot_do_get_a_short_varied_answer(converse):
    first = said(converse(["what's the weather like tomorrow"]))[-1]
    second = said(converse(["play some music please"]))[-1]
    assert len(first.split()) <= 25 and len(second.split()) <= 25 and first != second


# Repeat, slower, help ----------------------------------------------------------------------------

def test_repeat_after_help_says_the_help_not_the_introduction(converse):
    texts = said(converse(["what can you do", "say that again"]))
    assert texts[-1] == texts[-2] and texts[-1].startswith("Here is what I can do.")


def test_repeat_during_breathing_says_the_last_cue(converse):
    events = converse(["je voudrais faire un exercice de respiration", {"text": "répétez", "after": 42}], lang="fr")
    heard = next(event for event in of_kind(events, "heard") if event["text"] == "répétez")
    after = [event for event in of_kind(events, "say") if event["t"] >= heard["t"]]
    assert after and after[0]["t"] - heard["t"] < 1.0


# French as a first language --------------------------------------------------------------------------

def test_every_word_the_french_menu_offers_is_understood(converse, models):
    assert models["fr"].parse("humeur").intent == "mood_checkin"
    assert models["fr"].parse("respiration").intent == "start_breathing"
    assert models["fr"].parse("comment je vais ces temps-ci").intent == "mood_summary"


def test_the_english_menu_words_are_understood(models):
    assert models["en"].parse("check-in").intent == "mood_checkin"
    assert models["en"].parse("breathing").intent == "start_breathing"
    assert models["en"].parse("how I've been").intent == "mood_summary"
