"""The runner on the virtual clock: every script at every length, exact beats, holds, fades,
first-time limits, quiet endings, and the changes a user can ask for while it runs."""

from __future__ import annotations

import pytest

from assistant import LANGUAGES
from assistant.exercises.phrases import load_phrases
from assistant.exercises.scripts import MAX_LENGTH_ERROR, ExerciseScript, load_scripts
from assistant.session.inbox import FREE, EndOfInput
from assistant.session.speech import speech_seconds
from assistant.settings import RATE_LIMITS_WPM, VoiceSettings
from exercise_harness import PAUSED_PROMPT, RESUMED_PROMPT, Run, run_exercise

SCRIPTS, ERRORS = load_scripts()
PHRASES = load_phrases()
DEFAULT_VOLUME = VoiceSettings().volume
DEFAULT_RATE = VoiceSettings().rate_wpm
EVENT_ROUNDING_S = 0.0011
"""Event times are written to the millisecond."""
CASES = [(script_id, minutes, lang) for script_id, script in sorted(SCRIPTS.items())
         for minutes in script.lengths for lang in LANGUAGES]


def _run(script_id: str, minutes: int | None = None, lang: str = "en", **options) -> Run:
    return run_exercise(SCRIPTS[script_id], minutes, lang, scripts=SCRIPTS, **options)


def _texts(run: Run) -> list[str]:
    return [event["text"] for event in run.said()]


def _cycle_cues(run: Run, script: ExerciseScript, lang: str) -> list[dict]:
    """The say events of the breath cycles, in order (the cue texts, between the intro and the outro)."""
    cue_texts = {step.say[lang] for step in script.cycle}
    return [event for event in run.said() if event["text"] in cue_texts]


def test_all_twelve_exercises_ship_and_load():
    assert ERRORS == []
    assert set(SCRIPTS) == {
        "resonance_breathing", "gentle_count", "cyclic_sigh", "pursed_lip_breathing", "box_breathing",
        "breathing_478", "breath_awareness", "body_scan", "loving_kindness", "grounding_54321",
        "progressive_muscle_relaxation", "sleep_wind_down"}


@pytest.mark.parametrize("script_id, minutes, lang", CASES)
def test_every_script_runs_at_each_length_within_five_percent(script_id, minutes, lang):
    run = _run(script_id, minutes, lang)
    assert run.states() == ["started", "finished"]
    assert abs(run.span() - minutes * 60) <= MAX_LENGTH_ERROR * minutes * 60
    assert run.result.minutes == minutes and run.result.exercise_id == script_id


@pytest.mark.parametrize("rate_wpm", RATE_LIMITS_WPM)
def test_lengths_still_come_out_at_the_slowest_and_fastest_speech(rate_wpm):
    for script_id, script in SCRIPTS.items():
        for minutes in script.lengths:
            run = _run(script_id, minutes, "fr", rate_wpm=rate_wpm)
            assert abs(run.span() - minutes * 60) <= MAX_LENGTH_ERROR * minutes * 60, (script_id, minutes)


@pytest.mark.parametrize("script_id", sorted(i for i, s in SCRIPTS.items() if s.cycle))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_breath_cue_lands_on_its_second(script_id, lang):
    script = SCRIPTS[script_id]
    run = _run(script_id, script.lengths[-1], lang)
    cues = _cycle_cues(run, script, lang)
    offsets, moment = [], 0.0
    for step in script.cycle:
        offsets.append(moment)
        moment += step.seconds
    cycles = len(cues) // len(script.cycle)
    assert cycles * len(script.cycle) == len(cues) and cycles > 1
    start = cues[0]["t"]
    for number in range(cycles):
        for index, offset in enumerate(offsets):
            cue = cues[number * len(script.cycle) + index]
            assert cue["text"] == script.cycle[index].say[lang]
            assert abs(cue["t"] - (start + number * script.cycle_seconds + offset)) <= EVENT_ROUNDING_S


@pytest.mark.parametrize("script_id, hold_after_in_s, hold_after_out_s", [("box_breathing", 4, 4), ("breathing_478", 7, None)])
def test_breath_holds_are_steps_of_their_own_length(script_id, hold_after_in_s, hold_after_out_s):
    script = SCRIPTS[script_id]
    run = _run(script_id, script.lengths[-1])
    cues = [(event["text"], event["t"]) for event in _cycle_cues(run, script, "en")]
    holds_after_in = [later[1] - hold[1] for hold, later in zip(cues, cues[1:])
                      if hold[0] == "Hold" and cues[cues.index(hold) - 1][0] == "In"]
    assert holds_after_in and all(abs(gap - hold_after_in_s) <= EVENT_ROUNDING_S for gap in holds_after_in)
    if hold_after_out_s:
        after_out = [cues[i + 1][1] - cues[i][1] for i in range(1, len(cues) - 1)
                     if cues[i][0] == "Hold" and cues[i - 1][0] == "Out"]
        assert after_out and all(abs(gap - hold_after_out_s) <= EVENT_ROUNDING_S for gap in after_out)
    no_holds = [s for s in SCRIPTS.values() if s.cycle and "breath_holds" not in s.contraindications]
    assert no_holds and not any(step.breath == "hold" for s in no_holds for step in s.cycle)


@pytest.mark.parametrize("script_id, minutes", [("box_breathing", 5), ("breathing_478", 3)])
def test_at_first_at_most_four_cycles_and_it_is_said(script_id, minutes):
    first = _run(script_id, minutes, first_time=True)
    assert len(first.cue_times(["In"])) == 4
    assert PHRASES.at_first_rounds("en", cycles=4) in _texts(first)
    later = _run(script_id, minutes)
    assert len(later.cue_times(["In"])) > 4
    assert PHRASES.at_first_rounds("en", cycles=4) not in _texts(later)


def test_the_first_time_limit_says_nothing_when_the_length_needs_no_more_cycles():
    run = _run("box_breathing", 2, first_time=True)
    assert len(run.cue_times(["In"])) == 4
    assert PHRASES.at_first_rounds("en", cycles=4) not in _texts(run)
    assert abs(run.span() - 120) <= MAX_LENGTH_ERROR * 120


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sleep_wind_down_gets_slower_and_softer_and_ends_quietly(lang):
    script = SCRIPTS["sleep_wind_down"]
    run = _run("sleep_wind_down", 10, lang)
    spoken = run.voice.spoken
    rates, volumes = [item.rate_wpm for item in spoken], [item.volume for item in spoken]
    assert rates == sorted(rates, reverse=True) and volumes == sorted(volumes, reverse=True)
    last_step = script.steps[script.included("steps", 10)[-1]].say[lang]
    at_last_step = next(item for item in spoken if item.text == last_step)
    assert at_last_step.rate_wpm == pytest.approx(DEFAULT_RATE * 0.8)
    assert at_last_step.volume == pytest.approx(DEFAULT_VOLUME * 0.5)
    assert spoken[-1].rate_wpm == pytest.approx(DEFAULT_RATE * 0.75)
    assert spoken[-1].volume == pytest.approx(DEFAULT_VOLUME * 0.35)
    assert run.result.ends_quietly and run.result.outcome == "finished"
    assert not any("?" in text for text in _texts(run))
    assert run.events[-1]["event"] == "exercise" and run.events[-1]["state"] == "finished"
    assert [event["event"] for event in run.events[-3:]] == ["say", "pause", "exercise"], "no chime, no question"


def test_with_a_hearing_aid_the_volume_stays_and_the_rate_still_slows():
    run = _run("sleep_wind_down", 10, fade_volume=False)
    assert {item.volume for item in run.voice.spoken} == {DEFAULT_VOLUME}
    assert run.voice.spoken[-1].rate_wpm == pytest.approx(DEFAULT_RATE * 0.75)


def test_only_the_sleep_wind_down_ends_quietly_and_only_when_finished():
    assert [i for i, s in SCRIPTS.items() if s.ends_quietly] == ["sleep_wind_down"]
    assert not _run("breath_awareness", 5).result.ends_quietly
    stopped = _run("sleep_wind_down", 10, interruptions=[("stop", 60)])
    assert stopped.result.outcome == "stopped" and not stopped.result.ends_quietly


def test_cues_are_not_what_repeat_says_again_the_closing_words_are():
    run = _run("resonance_breathing", 3)
    try:
        run.session.listen(FREE, 1.0)
    except EndOfInput:
        pass
    outro = [step.say["en"] for step in SCRIPTS["resonance_breathing"].outro if step.say]
    assert run.session.last_prompt == outro


# Changes while running --------------------------------------------------------------------

def test_shorter_takes_the_next_shorter_length_and_says_so():
    run = _run("resonance_breathing", 10, interruptions=[("shorter", 100)])
    assert run.result.minutes == 5 and abs(run.span() - 300) <= 0.05 * 300
    assert PHRASES.length_changed("en", length="5 minutes") in _texts(run)
    twice = _run("resonance_breathing", 20, interruptions=[("shorter", 60), ("shorter", 10)])
    assert twice.result.minutes == 5 and abs(twice.span() - 300) <= 0.05 * 300


def test_shorter_with_no_shorter_length_left_finishes_gently_after_this_breath():
    run = _run("resonance_breathing", 5, interruptions=[("shorter", 250.5)])
    assert PHRASES.ending_soon("en") in _texts(run)
    assert run.states() == ["started", "finished"]
    last_in = run.cue_times(["In"])[-1]
    assert last_in < 250.5 and 250.5 < run.span() < 250.5 + 10 + 30
    assert _texts(run)[-1] == SCRIPTS["resonance_breathing"].outro[-2].say["en"]


def test_longer_takes_the_next_longer_length_or_says_it_is_the_longest():
    run = _run("resonance_breathing", 5, interruptions=[("longer", 100)])
    assert run.result.minutes == 10 and abs(run.span() - 600) <= 0.05 * 600
    longest = _run("gentle_count", 5, interruptions=[("longer", 60)])
    assert longest.result.minutes == 5 and PHRASES.at_longest("en", length="5 minutes") in _texts(longest)
    capped = _run("box_breathing", 5, interruptions=[("longer", 40)], first_time=True)
    assert PHRASES.longer_at_first("en", cycles=4) in _texts(capped) and len(capped.cue_times(["In"])) == 4


def test_a_meditation_made_of_steps_changes_its_steps_with_its_length():
    script = SCRIPTS["body_scan"]
    only_at_10 = {script.steps[i].say["en"] for i in script.included("steps", 10)} - {
        script.steps[i].say["en"] for i in script.included("steps", 5)}
    shorter = _run("body_scan", 10, interruptions=[("shorter", 45)])
    assert shorter.result.minutes == 5 and abs(shorter.span() - 300) <= 0.05 * 300
    late = [event["text"] for event in shorter.said() if event["t"] > 50]
    assert not only_at_10 & set(late)
    longer = _run("body_scan", 5, interruptions=[("longer", 45)])
    assert longer.result.minutes == 10 and abs(longer.span() - 600) <= 0.05 * 600
    assert only_at_10 & set(_texts(longer))


def test_breathe_slower_switches_to_the_gentle_count_for_what_is_left():
    run = _run("resonance_breathing", 5, interruptions=[("slower breath", 95)])
    assert [(e["id"], e["state"]) for e in run.of_kind("exercise")] == [
        ("resonance_breathing", "started"), ("resonance_breathing", "stopped"),
        ("gentle_count", "started"), ("gentle_count", "finished")]
    assert run.result.exercise_id == "gentle_count" and run.result.switched_from == "resonance_breathing"
    switched = next(e["t"] for e in run.of_kind("exercise") if e["id"] == "gentle_count")
    assert PHRASES.slower_breath("en") in _texts(run)
    after = [event for event in run.said() if event["t"] > switched]
    twos = [event["t"] for event in after if event["text"] == "two"]
    ins_and_outs = [event["t"] for event in after if event["text"] in ("In", "Out")]
    assert ins_and_outs and all(any(abs(two - (t + 1)) <= EVENT_ROUNDING_S for two in twos) for t in ins_and_outs)
    assert run.result.minutes == 3 and abs((run.span() - switched) - 180) <= 0.05 * 180


@pytest.mark.parametrize("script_id", ["gentle_count", "pursed_lip_breathing"])
def test_breathe_slower_where_nothing_is_gentler_says_so_kindly_and_goes_on(script_id):
    run = _run(script_id, 3, interruptions=[("slower breath", 60)])
    assert run.states() == ["started", "finished"]
    assert PHRASES.no_slower_breath("en") in _texts(run)


def test_pause_moves_every_later_beat_and_the_length_excludes_the_pause():
    run = _run("box_breathing", 3, interruptions=[("pause", 50), ("go on", 20)])
    assert run.states() == ["started", "paused", "resumed", "finished"]
    assert PAUSED_PROMPT in _texts(run) and RESUMED_PROMPT in _texts(run)
    paused, resumed = (next(e["t"] for e in run.of_kind("exercise") if e["state"] == s) for s in ("paused", "resumed"))
    ins = run.cue_times(["In"])
    after = [t for t in ins if t > resumed]
    assert all(abs((b - a) - 16.0) <= EVENT_ROUNDING_S for a, b in zip(after, after[1:]))
    assert abs(run.span() - (resumed - paused) - 180) <= 0.05 * 180 + 5


def test_stop_and_handoff_end_at_once():
    stopped = _run("body_scan", 20, interruptions=[("stop", 200)])
    assert stopped.result.outcome == "stopped" and stopped.span() < 201
    handed = _run("body_scan", 20, interruptions=[("goodbye", 200)])
    assert handed.result.outcome == "interrupted" and handed.result.handoff.text == "goodbye"


# What the scripts say ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_muscle_relaxation_goes_feet_upwards_tensing_five_to_ten_seconds(lang):
    script = SCRIPTS["progressive_muscle_relaxation"]
    run = _run("progressive_muscle_relaxation", 10, lang)
    said = run.said()
    holds = [step.say[lang] for step in script.steps if step.pause_s]
    for event, after in zip(said, said[1:]):
        if event["text"] in holds:
            spoken = next(item for item in run.voice.spoken if item.text == event["text"])
            tense_s = after["t"] - (event["t"] + speech_seconds(event["text"], spoken.rate_wpm))
            assert 5 <= tense_s <= 10
    order = ["toes", "feet", "calves", "thighs", "seat", "hands", "arms", "shoulders", "forehead", "face"]
    english = [step.say["en"] for step in script.steps if step.pause_s]
    named_first = [min((word for word in order if word in text), key=text.index) for text in english]
    assert named_first == order
    assert any("Skip any part that hurts" in step.say["en"] for step in script.intro if step.say)
    releases = [step.silence_s for step in script.steps if step.silence_s]
    assert all(25 <= seconds <= 30 for seconds in releases)


@pytest.mark.parametrize("minutes", SCRIPTS["grounding_54321"].lengths)
def test_grounding_leaves_about_twenty_seconds_per_item(minutes):
    script = SCRIPTS["grounding_54321"]
    run = _run("grounding_54321", minutes)
    cues = [step.say["en"] for step in script.steps]
    for count, cue in zip((5, 4, 3, 2, 1), cues):
        index = next(i for i, event in enumerate(run.events) if event.get("text") == cue)
        silence = run.events[index + 1]
        assert silence["event"] == "pause" and 15 <= silence["seconds"] / count <= 25, (cue, silence)
