"""The programme from plain records: the catalogue, choosing by name, need and length, health
gating, suggestions with their reasons, and progression over a simulated fortnight."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant import LANGUAGES
from assistant.exercises.programme import (PROGRAMME_FILE, Moment, PastOffer, PastSession, ProgrammeError, Request,
                                           UserRecord, load_programme)
from assistant.exercises.scripts import load_scripts
from exercise_harness import run_exercise

SCRIPTS, _ = load_scripts()
PROGRAMME = load_programme(SCRIPTS)
NEW = UserRecord()
HEART = UserRecord(health_flags=frozenset({"heart_or_lung"}))
AFTERNOON = datetime(2026, 3, 28, 15, 0)


def _said(lines, lang="en") -> list[str]:
    return [line.text(lang) for line in lines]


def _choose(user: UserRecord = NEW, **request) -> str:
    return PROGRAMME.choose(Request(**request), user).script.id


# The catalogue --------------------------------------------------------------------------------

def test_what_can_i_do_gives_three_sections_then_three_at_a_time_inside():
    top = PROGRAMME.menu()
    assert top.options == ("breathing", "meditation", "body") and not top.has_more
    assert _said(top.lines) == ["You can say: breathing, quiet meditation, or body relaxation."]
    assert _said(top.lines, "fr") == ["Vous pouvez dire : la respiration, une méditation au calme ou la détente du corps."]
    seen = []
    for section in ("breathing", "meditation", "body"):
        page, number = PROGRAMME.section(section, NEW), 0
        while True:
            assert 1 <= len(page.options) <= 3
            seen += page.options
            if not page.has_more:
                break
            assert _said(page.lines)[-1] == "Or say something else, for more."
            number += 1
            page = PROGRAMME.section(section, NEW, number)
    assert sorted(seen) == sorted(SCRIPTS)
    first = PROGRAMME.section("breathing", NEW)
    assert _said(first.lines)[0] == ("For breathing, you can say: gentle counted breathing, resonance breathing, "
                                     "or the cyclic sigh.")


def test_the_catalogue_leaves_out_what_a_health_flag_rules_out():
    pages = [PROGRAMME.section("breathing", HEART, page).options for page in (0, 1)]
    listed = pages[0] + pages[1]
    assert "box_breathing" not in listed and "breathing_478" not in listed and "pursed_lip_breathing" in listed


# Choosing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", sorted(SCRIPTS))
def test_every_exercise_can_be_asked_for_by_name(exercise_id):
    choice = PROGRAMME.choose(Request(exercise_id=exercise_id), NEW)
    assert choice.script.id == exercise_id and choice.notes == () and choice.exact_length


@pytest.mark.parametrize("need, exercise_id", [("calm", "resonance_breathing"), ("worry", "grounding_54321"),
                                               ("sleep", "sleep_wind_down"), ("low_mood", "gentle_count"),
                                               ("tension", "progressive_muscle_relaxation"), ("pain", "body_scan")])
def test_each_need_has_its_first_choice(need, exercise_id):
    assert _choose(need=need) == exercise_id


def test_a_group_gives_the_gentle_start_then_the_usual_then_what_was_liked():
    assert _choose(group="breathing") == "gentle_count"
    assert _choose(group="meditation") == "breath_awareness"
    assert _choose(group="body_relaxation") == "progressive_muscle_relaxation"
    done = UserRecord(sessions=tuple(PastSession("gentle_count", 3, "finished", AFTERNOON - timedelta(days=day))
                                     for day in (1, 2, 3)))
    assert _choose(done, group="breathing") == "resonance_breathing"
    assert _choose(done.liking("cyclic_sigh"), group="breathing") == "cyclic_sigh"
    assert _choose(NEW.liking("loving_kindness"), group="meditation") == "loving_kindness"
    assert _choose(NEW.excluding("breath_awareness"), group="meditation") == "body_scan"
    assert _choose(group="breathing", need="worry") == "gentle_count"
    assert PROGRAMME.choose(Request(), NEW) is None


def test_lengths_start_short_follow_the_request_and_say_when_not_exact():
    assert PROGRAMME.choose(Request(exercise_id="resonance_breathing"), NEW).minutes == 3
    exact = PROGRAMME.choose(Request(group="meditation", minutes=10), NEW)
    assert (exact.minutes, exact.exact_length, exact.notes) == (10, True, ())
    nearest = PROGRAMME.choose(Request(group="meditation", minutes=7), NEW)
    assert nearest.minutes == 5 and not nearest.exact_length
    assert _said(nearest.notes) == ["I don't have breath awareness for 7 minutes; the nearest is 5 minutes."]
    assert _said(nearest.notes, "fr") == ["Je n'ai pas l'attention au souffle en 7 minutes ; le plus proche, c'est 5 minutes."]
    assert PROGRAMME.choose(Request(exercise_id="body_scan", length="short"), NEW).minutes == 5
    assert PROGRAMME.choose(Request(exercise_id="body_scan", length="long"), NEW).minutes == 20
    usual = UserRecord(sessions=(PastSession("body_scan", 10, "finished", AFTERNOON - timedelta(days=1)),))
    assert PROGRAMME.choose(Request(exercise_id="body_scan"), usual).minutes == 10


def test_shorter_and_longer_before_starting_move_to_the_next_length_offered():
    choice = PROGRAMME.choose(Request(exercise_id="body_scan", minutes=10), NEW)
    shorter = PROGRAMME.resize(choice, longer=False)
    assert shorter.changed and shorter.choice.minutes == 5 and shorter.line.text("en") == "All right: the body scan, 5 minutes."
    again = PROGRAMME.resize(shorter.choice, longer=False)
    assert not again.changed and again.line.text("fr") == "C'est déjà la version la plus courte : 5 minutes."
    assert PROGRAMME.resize(choice, longer=True).choice.minutes == 20
    nearest = PROGRAMME.choose(Request(exercise_id="body_scan", minutes=7), NEW)
    assert PROGRAMME.resize(nearest, longer=True).choice.notes == ()


# Health flags --------------------------------------------------------------------------------

def test_a_heart_or_lung_condition_gets_pursed_lip_breathing_instead_of_breath_holds_and_is_told_why():
    for held in ("box_breathing", "breathing_478"):
        assert _choose(exercise_id=held) == held
        choice = PROGRAMME.choose(Request(exercise_id=held), HEART)
        assert choice.script.id == "pursed_lip_breathing" and choice.instead_of.id == held
        english, french = _said(choice.notes)[0], _said(choice.notes, "fr")[0]
        assert "holds the breath" in english and "pursed-lip breathing" in english
        assert "retenir son souffle" in french and "lèvres pincées" in french
    assert not PROGRAMME.allowed("box_breathing", HEART) and PROGRAMME.allowed("resonance_breathing", HEART)


def test_pregnancy_recent_surgery_and_a_hearing_aid():
    pregnant = UserRecord(health_flags=frozenset({"pregnancy"}))
    assert _choose(pregnant, exercise_id="breathing_478") == "resonance_breathing"
    operated = UserRecord(health_flags=frozenset({"recent_surgery"}))
    assert _choose(operated, exercise_id="progressive_muscle_relaxation") == "body_scan"
    assert _choose(operated, need="tension") == "body_scan"
    assert _choose(operated, exercise_id="box_breathing") == "box_breathing"
    aid = UserRecord(health_flags=frozenset({"hearing_aid"}))
    assert PROGRAMME.choose(Request(exercise_id="sleep_wind_down"), aid).fade_volume is False
    assert PROGRAMME.choose(Request(exercise_id="sleep_wind_down"), NEW).fade_volume is True
    for flag in PROGRAMME.rules.health_flags.values():
        assert len(flag.source) > 40


def test_first_time_limits_apply_until_finished_twice():
    choice = PROGRAMME.choose(Request(exercise_id="box_breathing"), NEW)
    assert choice.first_time and choice.run_options() == {"first_time": True, "fade_volume": True}
    twice = UserRecord(sessions=tuple(PastSession("box_breathing", 2, "finished", AFTERNOON - timedelta(days=d))
                                      for d in (1, 2)))
    assert not PROGRAMME.choose(Request(exercise_id="box_breathing"), twice).first_time
    assert not PROGRAMME.choose(Request(exercise_id="resonance_breathing"), NEW).first_time


# Suggestions ---------------------------------------------------------------------------------

def _first(moment: Moment, user: UserRecord = NEW):
    return PROGRAMME.suggestions(user, moment)[0]


def test_suggestions_fit_the_moment_with_a_one_clause_reason():
    low = _first(Moment(AFTERNOON, mood_today=2))
    assert (low.choice.script.id, low.rule) == ("gentle_count", "low_mood")
    assert low.offer.text("en") == "As today feels hard, would you like gentle counted breathing? It takes 3 minutes."
    assert low.offer.text("fr") == ("Comme la journée est difficile, voulez-vous faire la respiration douce en comptant ? "
                                    "Cela dure 3 minutes.")
    assert _first(Moment(AFTERNOON, slept_last_night=1)).choice.script.id == "sleep_wind_down"
    late = _first(Moment(datetime(2026, 3, 28, 22, 30)))
    assert (late.choice.script.id, late.rule) == ("sleep_wind_down", "late_evening")
    assert _first(Moment(datetime(2026, 3, 29, 1, 0))).rule == "late_evening"
    worry = _first(Moment(AFTERNOON, need="worry", mood_today=2))
    assert (worry.choice.script.id, worry.rule) == ("grounding_54321", "worry")
    assert _first(Moment(AFTERNOON)).rule == "anytime"
    assert _first(Moment(AFTERNOON, mood_today=4)).rule == "anytime"


def test_why_did_you_suggest_that_is_one_sentence_in_each_language():
    for moment in (Moment(AFTERNOON, mood_today=1), Moment(AFTERNOON, slept_last_night=2),
                   Moment(datetime(2026, 3, 28, 23, 0)), Moment(AFTERNOON, need="worry"), Moment(AFTERNOON)):
        for suggestion in PROGRAMME.suggestions(NEW, moment):
            for lang in LANGUAGES:
                why = suggestion.why.text(lang)
                assert why.endswith(".") and why.count(". ") == 0 and why[0].isupper()
                assert suggestion.choice.script.title[lang] in why.lower() or suggestion.choice.script.title[lang] in why
    why = _first(Moment(AFTERNOON, slept_last_night=2)).why.text("en")
    assert why == "You told me you slept badly last night, and the sleep wind-down can help the next sleep come more easily."


def test_something_else_is_the_next_suggestion_and_dont_suggest_is_remembered():
    moment = Moment(datetime(2026, 3, 28, 22, 0), mood_today=2)
    ids = [suggestion.choice.script.id for suggestion in PROGRAMME.suggestions(NEW, moment)]
    assert ids[:3] == ["gentle_count", "loving_kindness", "sleep_wind_down"] and len(ids) == len(set(ids))
    user = NEW.excluding("gentle_count")
    assert PROGRAMME.suggestions(user, moment)[0].choice.script.id == "loving_kindness"
    assert PROGRAMME.excluded("gentle_count").text("en") == (
        "All right. I won't suggest gentle counted breathing again. You can still ask for it whenever you like.")
    assert _choose(user, exercise_id="gentle_count") == "gentle_count", "asking by name still works"
    liked = _first(Moment(AFTERNOON), NEW.liking("body_scan"))
    assert (liked.choice.script.id, liked.rule) == ("body_scan", "liked")


def test_suggestions_never_offer_breath_holds_to_a_heart_or_lung_condition_and_can_be_turned_off():
    user = UserRecord(health_flags=frozenset({"heart_or_lung"}), likes=frozenset({"box_breathing"}))
    for moment in (Moment(AFTERNOON), Moment(AFTERNOON, need="calm"), Moment(AFTERNOON, need="worry")):
        assert not {s.choice.script.id for s in PROGRAMME.suggestions(user, moment)} & {"box_breathing", "breathing_478"}
    assert PROGRAMME.suggestions(NEW, Moment(AFTERNOON, mood_today=1), enabled=False) == []


# Progression over a fortnight --------------------------------------------------------------

def _session(exercise_id: str, minutes: int, day: datetime, stop_after_s: float | None = None) -> PastSession:
    """One session run for real on the virtual clock; a stop said `stop_after_s` in, if given."""
    stop = [("stop", stop_after_s)] if stop_after_s is not None else []
    run = run_exercise(SCRIPTS[exercise_id], minutes, interruptions=stop, scripts=SCRIPTS)
    return PastSession(run.result.exercise_id, minutes, run.result.outcome, day)


def test_a_fortnight_offers_the_next_step_after_three_finished_and_a_shorter_one_after_stops():
    start = datetime(2026, 3, 2, 10, 0)
    user, offers = NEW, []

    def day(number: int, exercise_id: str, minutes: int, stop_after_s: float | None = None):
        nonlocal user
        moment = start + timedelta(days=number)
        user = UserRecord(sessions=user.sessions + (_session(exercise_id, minutes, moment, stop_after_s),),
                          offers=user.offers, likes=user.likes)
        offer = PROGRAMME.next_step(user, exercise_id, moment + timedelta(minutes=15))
        if offer is not None:
            offers.append((number, offer))
            user = UserRecord(sessions=user.sessions, likes=user.likes,
                              offers=user.offers + (PastOffer(exercise_id, offer.kind, moment),))
        return offer

    assert day(0, "gentle_count", 3) is None and day(1, "gentle_count", 3) is None
    longer = day(3, "gentle_count", 3)
    assert longer.kind == "longer" and longer.choice.minutes == 5
    assert longer.offer.text("en") == ("In the last week you finished 3 sessions of gentle counted breathing, "
                                       "3 minutes each. Would you like to try 5 minutes?")
    assert longer.offer.text("fr") == ("Ces sept derniers jours, vous avez terminé 3 séances de 3 minutes avec la "
                                       "respiration douce en comptant. Voulez-vous essayer 5 minutes ?")
    assert day(4, "gentle_count", 3) is None, "not offered again so soon"
    for number in (5, 6):
        assert day(number, "gentle_count", 5) is None
    next_exercise = day(7, "gentle_count", 5)
    assert next_exercise.kind == "next_exercise" and next_exercise.choice.script.id == "resonance_breathing"
    assert "Would you like to try resonance breathing? It takes 3 minutes." in next_exercise.offer.text("en")
    assert day(8, "resonance_breathing", 5, stop_after_s=70) is None
    shorter = day(10, "resonance_breathing", 5, stop_after_s=40)
    assert shorter.kind == "shorter" and shorter.choice.minutes == 3
    assert shorter.offer.text("en") == ("Some days a shorter session suits better. Would you like resonance breathing "
                                        "for 3 minutes instead of 5 minutes?")
    assert "ended before the end, which is fine" in shorter.why.text("en")
    assert day(11, "resonance_breathing", 3, stop_after_s=30) is None, "not offered again so soon"
    gentler = day(13, "resonance_breathing", 3, stop_after_s=30)
    assert gentler.kind == "gentler" and gentler.choice.script.id == "gentle_count"
    assert [number for number, _ in offers] == [3, 7, 10, 13]
    assert PROGRAMME.next_step(user, "resonance_breathing", start + timedelta(days=30)) is None, "old sessions fade out"
    assert PROGRAMME.next_step(user, "gentle_count", start + timedelta(days=8), enabled=False) is None


def test_nothing_in_the_programme_is_a_streak_or_a_reproach():
    texts = " ".join(sentence.texts["en"] for sentence in (
        *PROGRAMME.rules.progression.step_up_sentences.values(), *PROGRAMME.rules.progression.step_down_sentences.values(),
        *PROGRAMME.rules.sentences.values(), *(rule.why for rule in PROGRAMME.rules.suggestions))).lower()
    for word in ("streak", "missed", "should", "failed", "only managed", "in a row", "didn't finish", "give up"):
        assert word not in texts


# Requests from the NLU ------------------------------------------------------------------------

def test_requests_from_intents_and_entities():
    request = PROGRAMME.request
    assert request("start_meditation", [{"entity": "exercise", "value": "body_scan"}], "a body scan") == Request(
        exercise_id="body_scan")
    four_seven_eight = request("start_breathing", [{"entity": "minutes", "value": "4"}, {"entity": "minutes", "value": "7"},
                                                   {"entity": "exercise", "value": "breathing_478"}],
                               "the four seven eight breathing")
    assert four_seven_eight == Request(exercise_id="breathing_478")
    assert request("start_meditation", [{"entity": "minutes", "value": "10"}], "meditation for ten minutes") == Request(
        group="meditation", minutes=10)
    assert request("start_breathing", [{"entity": "minutes", "value": "10"}], "respiration dix min") == Request(
        group="breathing", minutes=10)
    assert request("exercise_for_need", [{"entity": "need", "value": "tension"}], "my back is stiff") == Request(
        need="tension")
    assert request("start_sleep", [{"entity": "length", "value": "short"}], "a short one for sleep") == Request(
        group="sleep", length="short")
    assert request("mood_checkin", [], "check-in") is None


# The rules file is checked like the scripts -----------------------------------------------------

def _line_of(text: str, fragment: str) -> int:
    return text[:text.index(fragment)].count("\n") + 1


RULES = PROGRAMME_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, problem, at", [
    ("exercises: [breath_awareness, body_scan, loving_kindness, grounding_54321]",
     "exercises: [breath_awareness, body_scan, loving_kindness]", "every exercise is in exactly one section (missing: grounding_54321",
     "  sections:\n"),
    ("  calm: resonance_breathing\n", "  calm: dancing\n", "'dancing' is not an exercise", "needs:\n"),
    ("    avoids: [muscle_tensing]", "    avoids: [heights]", "'avoids' has 'heights'", "    avoids: [heights]"),
    ("    instead: pursed_lip_breathing", "    instead: box_breathing", "'box_breathing' has what this flag avoids",
     "  heart_or_lung:\n"),
    ("    when: {hours: [21, 4]}", "    when: {hours: [21, 25]}", "'hours' must be [from, to]", "    when: {hours: [21, 25]}"),
    ("    when: {need: worry}", "    when: {feeling: worry}", "'when' has unknown keys: feeling", "    when: {feeling: worry}"),
    ("    when: {need: worry}", "    when: {need: boredom}", "'need' 'boredom' is not one of", "    when: {need: boredom}"),
    ('    en: "I don\'t have {title} for {asked}; the nearest is {length}."',
     '    en: "I don\'t have {title} for {asked}; the nearest is {nearest}."',
     "must use the same placeholders in every language", "  nearest_length:\n"),
    ('  en: "{reason}, would you like {title}? It takes {length}."', '  en: "{reason}, would you like {title} at {time}?"',
     "must use the same placeholders", "suggestion_offer:\n"),
    ("  start_sleep: {group: sleep}", "  start_sleep: {group: naps}", "'group' 'naps' is not one of", "  start_sleep: {group: naps}"),
    ("    finished_at_length: 3", "    finished_at_length: 1", "'finished_at_length' must be a whole number, at least 2",
     "  step_up:\n"),
    ("lists:\n", "list:\n", "the file has unknown keys: list", None),
])
def test_a_broken_rules_file_names_the_file_line_and_problem(tmp_path, old, new, problem, at):
    assert old in RULES, old
    text = RULES.replace(old, new, 1)
    path: Path = tmp_path / "programme.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as error:
        load_programme(SCRIPTS, path)
    assert str(path) in str(error.value) and problem in str(error.value)
    if at is not None:
        # A block ("key:" then indented lines) starts on the line after its key.
        expected = _line_of(text, at) + (1 if at.endswith(":\n") else 0)
        assert f"line {expected}:" in str(error.value)


def test_the_programme_speaks_french_with_vous_and_no_gender():
    from test_exercise_scripts import ONE_GENDER, TU_FORMS

    rules = PROGRAMME.rules
    sentences = [*rules.sentences.values(), rules.suggestion_offer, *rules.progression.step_up_sentences.values(),
                 *rules.progression.step_down_sentences.values(), *(r.reason for r in rules.suggestions),
                 *(r.why for r in rules.suggestions), *(f.reason for f in rules.health_flags.values() if f.reason),
                 *(s.title for s in rules.sections)]
    for sentence in sentences:
        french = sentence.texts["fr"].lower()
        assert not re.search(TU_FORMS, french) and not re.search(ONE_GENDER, french), french
