"""Whole conversations in machine mode, through the really trained models, on the virtual clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from assistant.journal.store import Journal, iso
from assistant.paths import Home
from event_helpers import of_kind, said


MOOD_QUESTION = "How is your mood today, from one to five? One is very low, five is very good. Or say skip."


def exercise_states(events: list[dict]) -> list[str]:
    return [event["state"] for event in of_kind(events, "exercise")]


def cue_times(events: list[dict], cue: str) -> list[float]:
    return [event["t"] for event in of_kind(events, "say") if event["text"] == cue]


def test_first_conversation_introduces_an_automated_helper_then_welcomes_back(converse):
    first = said(converse([]))[0]
    assert "automated helper, not a person" in first
    assert "stays on this device" in first
    assert said(converse([]))[0].startswith("Hello again")


def exercise_seconds(events: list[dict]) -> float:
    started, ended = of_kind(events, "exercise")[0], of_kind(events, "exercise")[-1]
    return ended["t"] - started["t"]


def test_a_new_user_asking_for_breathing_starts_with_the_gentle_count_at_its_shortest(converse):
    events = converse(["I'd like to do some breathing please"])
    assert [(event["id"], event["state"]) for event in of_kind(events, "exercise")] == [
        ("gentle_count", "started"), ("gentle_count", "finished")]
    assert exercise_seconds(events) == pytest.approx(180, rel=0.05)


def test_resonance_breathing_keeps_an_exact_four_six_rhythm_for_five_minutes_then_offers_a_check_in(converse):
    events = converse(["resonance breathing for five minutes please"])
    assert exercise_states(events) == ["started", "finished"]
    assert exercise_seconds(events) == pytest.approx(300, rel=0.05)
    ins, outs = cue_times(events, "In"), cue_times(events, "Out")
    assert len(ins) == len(outs) == 25
    assert all(abs((b - a) - 10.0) < 1e-6 for a, b in zip(ins, ins[1:]))
    assert all(abs((out - inhale) - 4.0) < 1e-6 for inhale, out in zip(ins, outs))
    assert said(events)[-1].startswith("Would you like to tell me how you feel")
    assert of_kind(events, "listen")[-1]["expect"] == "yes_no"


def test_breathing_length_follows_the_request(converse):
    events = converse(["can we do the resonance breathing for ten minutes"])
    assert exercise_seconds(events) == pytest.approx(600, rel=0.05)
    assert len(cue_times(events, "In")) == 55


def test_stop_ends_breathing_within_a_second(converse):
    events = converse(["breathing please", {"text": "stop", "after": 95.5}])
    heard = next(event for event in of_kind(events, "heard") if event["text"] == "stop")
    stopped = next(event for event in of_kind(events, "exercise") if event["state"] == "stopped")
    assert stopped["t"] - heard["t"] < 1.0
    assert not [t for t in cue_times(events, "In") + cue_times(events, "Out") if t > heard["t"]]
    assert "we have stopped" in said(events)[-1]


def test_pause_and_go_on_keep_the_rhythm(converse):
    events = converse(["resonance breathing for five minutes", {"text": "pause", "after": 61}, "go on"])
    assert exercise_states(events) == ["started", "paused", "resumed", "finished"]
    ins = cue_times(events, "In")
    assert len(ins) == 25
    resumed = next(event["t"] for event in of_kind(events, "exercise") if event["state"] == "resumed")
    after = [t for t in ins if t > resumed]
    assert all(abs((b - a) - 10.0) < 1e-6 for a, b in zip(after, after[1:]))


def test_check_in_with_words_is_stored_and_confirmed(converse, home):
    events = converse(["I want to do my check-in", "pretty good", "three", "two"])
    assert [event["expect"] for event in of_kind(events, "listen")][1:4] == ["number", "number", "number"]
    assert "4. Thank you." in said(events)
    checkin = of_kind(events, "checkin")[0]
    assert (checkin["mood"], checkin["energy"], checkin["sleep"], checkin["saved"]) == (4, 3, 2, True)
    rows = Journal(home / "journal.db").checkins()
    assert [(row["mood"], row["energy"], row["sleep"], row["lang"]) for row in rows] == [(4, 3, 2, "en")]
    assert datetime.fromisoformat(rows[0]["at"]).tzinfo == timezone.utc


def test_mood_talk_without_a_score_asks_for_one(converse):
    events = converse(["i feel rather peculiar today", "two", "skip", "skip"])
    assert MOOD_QUESTION in said(events)
    assert of_kind(events, "checkin")[0]["mood"] == 2


def test_a_mood_is_kept_even_if_the_user_leaves_before_the_energy_question(converse, home):
    converse(["check-in", "very good"])
    assert [row["mood"] for row in Journal(home / "journal.db").checkins()] == [5]


def test_check_in_energy_can_be_skipped(converse):
    events = converse(["check-in", "not great", "skip", "skip"])
    assert of_kind(events, "checkin")[0] == {**of_kind(events, "checkin")[0], "mood": 2, "saved": True}
    assert "energy" not in of_kind(events, "checkin")[0]


def test_a_low_mood_gets_a_suggestion_that_fits_with_its_reason(converse):
    events = converse(["check-in please", "one", "two", "skip", "why did you suggest that", "yes please"])
    texts = said(events)
    assert "As today feels hard, would you like gentle counted breathing? It takes 3 minutes." in texts
    assert "You told me today was a hard day, and gentle counted breathing can ease things a little." in texts
    assert of_kind(events, "exercise")[0] == {**of_kind(events, "exercise")[0], "id": "gentle_count",
                                              "state": "started"}


def test_a_bad_night_gets_the_wind_down_and_something_else_moves_on(converse):
    events = converse(["check-in please", "four", "three", "one", "something else", "no thanks"])
    texts = said(events)
    assert any(text.startswith("As you slept badly last night, would you like the sleep wind-down?") for text in texts)
    assert any(text.startswith("As you slept badly last night, would you like the body scan?") for text in texts)
    assert not of_kind(events, "exercise")


def test_an_unclear_answer_to_the_mood_question_is_asked_again(converse):
    events = converse(["check-in", "hmm what was the question about the garden", "four", "skip", "skip"])
    assert any(text.startswith("Sorry, I didn't catch a number") for text in said(events))
    assert of_kind(events, "checkin")[0]["mood"] == 4


def test_summary_is_honest_without_data(converse):
    events = converse(["how have I been lately"])
    assert said(events)[-1].startswith("In the last seven days, I have no check-ins yet")


def test_summary_compares_the_last_week_with_the_one_before(converse, home):
    journal = Journal(home / "journal.db")
    now = datetime.now(timezone.utc)
    for days_ago, mood in [(1, 4), (3, 5), (5, 4), (9, 2), (11, 3), (13, 2)]:
        journal.db["checkins"].insert({"at": iso(now - timedelta(days=days_ago)), "lang": "en", "mood": mood})
    text = " ".join(said(converse(["how have I been this week"])))
    assert "you did 3 check-ins" in text and "your mood was good: 4.5 out of five" in text
    assert "better than the week before, when it was 2.5" in text


def test_low_week_offers_breathing(converse, home):
    journal = Journal(home / "journal.db")
    now = datetime.now(timezone.utc)
    for days_ago in (1, 2):
        journal.db["checkins"].insert({"at": iso(now - timedelta(days=days_ago)), "lang": "en", "mood": 1})
    events = converse(["how was my week"])
    assert said(events)[-1] == "You can say yes, no, or something else."
    assert of_kind(events, "listen")[-1]["expect"] == "yes_no"


def test_slower_mid_question_repeats_it_slower_and_keeps_the_question(converse, home):
    events = converse(["check-in", "could you speak slower please", "five", "skip", "skip"])
    texts = said(events)
    assert texts.count(MOOD_QUESTION) == 2
    assert of_kind(events, "checkin")[0]["mood"] == 5
    stored = json.loads((home / "settings.json").read_text())
    assert stored["voice"]["rate_wpm"] < 130


def test_repeat_says_the_last_prompt_again(converse):
    texts = said(converse(["hello", "sorry what did you say"]))
    assert texts[-1] == texts[-2] == "Hello. You can say: breathing, check-in, or how am I doing."


def test_help_names_what_the_assistant_does(converse):
    assert "guide your breathing" in said(converse(["what can you do for me"]))[-1]


def test_silence_reprompts_twice_then_waits(converse):
    events = converse(["check-in", {"silence": 40}, "three", "skip", "skip"])
    texts = said(events)
    assert texts.count("Please say a number from one to five. For example: three. Or say skip.") == 2
    assert "I will wait. Say hello when you are ready." in texts
    for index, event in enumerate(events):
        if event["event"] == "say" and event["text"].startswith(("Please say a number", "I will wait")):
            listened = [earlier for earlier in events[:index] if earlier["event"] == "listen"][-1]
            assert event["t"] - listened["t"] == pytest.approx(12.0)
    assert of_kind(events, "checkin")[0]["mood"] == 3


def test_out_of_scope_gets_a_short_answer_naming_three_things(converse):
    text = said(converse(["what's the capital of peru"]))[-1]
    assert len(text.split()) <= 25 and text.count(",") >= 2


def test_goodbye_ends_the_conversation(converse):
    events = converse(["goodbye dear", "hello"])
    assert events[-1]["event"] == "end"
    assert said(events)[-1] == "Goodbye. Take good care of yourself."
    assert not [event for event in of_kind(events, "heard") if event["text"] == "hello"]


def test_french_conversation(converse, home):
    events = converse(["bonjour", "je voudrais faire le point sur mon humeur", "plutôt bien", "passer", "passer"],
                      lang="fr")
    texts = said(events)
    assert texts[0].startswith("Bonjour. Je suis un assistant automatique, pas une personne")
    assert all(event["lang"] == "fr" for event in of_kind(events, "say"))
    assert "4. Merci." in texts
    assert of_kind(events, "checkin")[0]["mood"] == 4


def test_french_breathing_stops_on_arrete(converse):
    events = converse(["je voudrais faire un exercice de respiration", {"text": "arrête", "after": 30}], lang="fr")
    assert exercise_states(events) == ["started", "stopped"]
    assert cue_times(events, "Inspirez")


def test_bad_lines_are_skipped_and_nothing_is_lost(converse, home, capsys):
    events = converse(["", "{not json", json.dumps({"text": 5}), "x" * 5000, "check-in", "4", "skip", "skip"])
    assert of_kind(events, "checkin")[0]["mood"] == 4
    errors = capsys.readouterr().err
    assert "not valid JSON" in errors and "first 1000 characters" in errors
    assert Journal(home / "journal.db").checkins()


def test_universal_commands_mid_exercise_change_the_voice_and_the_exercise_goes_on(converse, home):
    events = converse(["resonance breathing for five minutes", {"text": "could you speak a bit faster", "after": 31},
                       {"text": "louder please", "after": 20}, {"text": "help", "after": 20},
                       {"text": "say that again", "after": 20}])
    assert [event["state"] for event in of_kind(events, "exercise")] == ["started", "finished"]
    texts = said(events)
    for expected in ("I will speak a little faster.", "I will speak louder.",
                     "We are in the middle of an exercise. You can say pause, or stop."):
        assert expected in texts
    voice = json.loads((home / "settings.json").read_text())["voice"]
    assert voice["rate_wpm"] > 130 and voice["volume"] > 0.8
    ins = cue_times(events, "In")
    on_beat = [t for t in ins if abs((t - ins[0]) / 10.0 - round((t - ins[0]) / 10.0)) < 1e-6]
    assert len(ins) == 25 and len(on_beat) >= 25 - 4, "a cue may wait for an answer, the beat stays"


def test_slower_during_breathing_slows_the_voice_and_offers_the_gentle_count(converse, home):
    events = converse(["resonance breathing for five minutes", {"text": "slower please", "after": 40}])
    assert "I will speak more slowly." in said(events)
    assert json.loads((home / "settings.json").read_text())["voice"]["rate_wpm"] < 130
    assert any(text.startswith("Let's make it gentler.") for text in said(events))
    assert of_kind(events, "exercise")[-1]["state"] == "finished"


def test_shorter_and_longer_work_for_exercises(converse):
    events = converse(["resonance breathing for ten minutes", {"text": "it's too long, have you got a shorter one?",
                                                                "after": 30}])
    assert exercise_seconds(events) < 600
    events = converse(["respiration en résonance pendant cinq minutes",
                       {"text": "c'est trop long, vous avez plus court ?", "after": 30}], lang="fr")
    assert any(text.startswith("D'accord.") for text in said(events))
    assert exercise_seconds(events) < 300


def test_universal_commands_mid_check_in_keep_the_question(converse, home):
    events = converse(["check-in", "a bit quieter please", "faster", "help", "two", "four", "skip"])
    texts = said(events)
    assert texts.count(MOOD_QUESTION) == 4
    assert "I will speak more quietly." in texts and "I will speak a little faster." in texts
    assert of_kind(events, "checkin")[0] == {**of_kind(events, "checkin")[0], "mood": 2, "energy": 4}


def test_stop_and_pause_with_nothing_running_say_so(converse):
    texts = said(converse(["stop", "pause"]))
    assert texts[-2:] == ["Nothing is running right now. You can say: breathing, check-in, or how am I doing."] * 2


def test_speech_settings_are_used_by_the_voice(converse, home):
    events = converse(["slower", "hello"])
    hello = [event for event in events if event["event"] == "say" and event["text"].startswith("Hello. You can say")][0]
    after = events[events.index(hello) + 1]
    words = len(hello["text"].split())
    rate = json.loads((home / "settings.json").read_text())["voice"]["rate_wpm"]
    assert rate < 130
    assert after["t"] - hello["t"] > words * 60 / 130, "slower speech takes longer on the clock"


def test_a_line_typed_while_the_assistant_speaks_is_answered_not_lost(home, models):
    """Real clock, terminal style: both lines arrive during the first sentence."""
    import io

    from assistant.app import build_conversation, load_parts, notice_printer
    from assistant.session.clock import VirtualClock
    from assistant.session.events import JsonlEvents
    from assistant.session.inbox import LineInbox
    from assistant.session.speech import TextVoice

    clock, out = VirtualClock(), io.StringIO()
    inbox = LineInbox(clock, io.StringIO('{"text": "hello", "after": 1}\ngoodbye\n'), notice_printer("en"))
    inbox.drain()
    build_conversation(load_parts(Home(home), "en"), models["en"], clock, inbox, JsonlEvents(clock, out), TextVoice()).run()
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [event["text"] for event in of_kind(events, "heard")] == ["hello", "goodbye"]
    assert said(events)[-1] == "Goodbye. Take good care of yourself."


class _UnsureSpeech:
    """Spoken turns as a recogniser would give them, with a confidence for each."""

    def __init__(self, clock, turns: list[tuple[str, float]]):
        self._clock, self._turns = clock, list(turns)

    def listen(self, timeout_s, expect=None, needs_wake=False):
        from assistant.session.inbox import EndOfInput, Utterance

        if not self._turns:
            raise EndOfInput
        text, confidence = self._turns.pop(0)
        return Utterance(text, self._clock.now(), confidence)

    def wait(self, seconds, speech=None):
        self._clock.sleep_until(self._clock.now() + seconds)

    def drain(self):
        pass


@pytest.mark.parametrize("answer, mood", [("yes", 3), ("no", 5)])
def test_a_low_confidence_answer_is_checked_before_it_is_stored(home, models, answer, mood):
    import io

    from assistant.app import build_conversation, load_parts
    from assistant.session.clock import VirtualClock
    from assistant.session.events import JsonlEvents
    from assistant.session.speech import TextVoice

    clock, out = VirtualClock(), io.StringIO()
    turns = [("check in", 0.9), ("three", 0.4), (answer, 0.95)] + ([("five", 0.95)] if answer == "no" else []) \
        + [("skip", 0.9), ("skip", 0.9)]
    build_conversation(load_parts(Home(home), "en"), models["en"], clock, _UnsureSpeech(clock, turns), JsonlEvents(clock, out),
                       TextVoice()).run()
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "Did you say three? You can say yes or no." in said(events)
    assert of_kind(events, "checkin")[0]["mood"] == mood
    assert said(events).count("Did you say three? You can say yes or no.") == 1
