"""Scores against cases scored by hand from the published scoring rules; incomplete runs are never scored."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from assistant.questionnaires import Confidence, Run, load_catalogue, score_run
from assistant.questionnaires.scoring import Change, change_between


@pytest.fixture(scope="module")
def catalogue():
    catalogue, errors = load_catalogue()
    assert errors == []
    return catalogue


def _answers(catalogue, instrument_id: str, keys: list[str | None]) -> dict[str, str | None]:
    items = catalogue.instruments[instrument_id].items
    return {item.id: key for item, key in zip(items, keys)}


WHO5 = ["at_no_time", "some_of_the_time", "less_than_half_of_the_time", "more_than_half_of_the_time",
        "most_of_the_time", "all_of_the_time"]
"""WHO-5 options by score."""
PHQ = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]
UCLA = [None, "hardly_ever", "some_of_the_time", "often"]


@pytest.mark.parametrize("instrument_id, keys, total, percentage, passed", [
    # WHO-5: raw = sum, percentage = raw x 4; poor well-being below 50, likely depression at 28 or less.
    ("who5", [WHO5[s] for s in (4, 3, 3, 2, 1)], 13, 52, []),
    ("who5", [WHO5[s] for s in (2, 2, 2, 3, 3)], 12, 48, ["poor_wellbeing"]),
    ("who5", [WHO5[s] for s in (1, 1, 2, 1, 2)], 7, 28, ["poor_wellbeing", "likely_depression"]),
    ("who5", [WHO5[5]] * 5, 25, 100, []),
    ("who5", [WHO5[0]] * 5, 0, 0, ["poor_wellbeing", "likely_depression"]),
    # PHQ-2 and GAD-2: 0 to 3 each, positive at 3 or more.
    ("phq2", [PHQ[1], PHQ[1]], 2, None, []),
    ("phq2", [PHQ[1], PHQ[2]], 3, None, ["positive_screen"]),
    ("phq2", [PHQ[3], PHQ[3]], 6, None, ["positive_screen"]),
    ("gad2", [PHQ[0], PHQ[2]], 2, None, []),
    ("gad2", [PHQ[2], PHQ[1]], 3, None, ["positive_screen"]),
    # GDS-15: one point per "yes", except items 1, 5, 7, 11, 13 which score on "no".
    ("gds15", ["yes", "no", "no", "yes", "yes", "no", "no", "no", "yes", "yes", "yes", "no", "no", "no", "no"],
     5, None, ["possible_depression"]),
    ("gds15", ["yes", "no", "no", "no", "yes", "no", "yes", "no", "no", "no", "yes", "no", "yes", "no", "no"],
     0, None, []),
    ("gds15", ["no"] * 15, 5, None, ["possible_depression"]),
    ("gds15", ["yes"] * 15, 10, None, ["possible_depression", "depression_very_likely"]),
    # Mini-GDS: "oui" scores on items 1, 2, 4, "non" on item 3; 1 or more: strong suspicion.
    ("mini_gds", ["no", "no", "yes", "no"], 0, None, []),
    ("mini_gds", ["no", "no", "no", "no"], 1, None, ["depression_suspected"]),
    ("mini_gds", ["yes", "yes", "no", "yes"], 4, None, ["depression_suspected"]),
    # UCLA-3: 1 to 3 each, 3 to 9.
    ("ucla3", [UCLA[1], UCLA[1], UCLA[2]], 4, None, []),
    ("ucla3", [UCLA[1], UCLA[2], UCLA[3]], 6, None, ["higher_loneliness"]),
    ("ucla3", [UCLA[3]] * 3, 9, None, ["higher_loneliness"]),
])
def test_complete_runs_score_as_scored_by_hand(catalogue, instrument_id, keys, total, percentage, passed):
    result = score_run(catalogue.instruments[instrument_id], _answers(catalogue, instrument_id, keys))
    assert result.complete and result.items_answered == len(keys)
    assert (result.total, result.percentage) == (total, percentage)
    assert [threshold.id for threshold in result.thresholds_passed] == passed


def test_item_scores_are_kept_with_reversed_items_mirrored(catalogue):
    result = score_run(catalogue.instruments["mini_gds"], _answers(catalogue, "mini_gds", ["yes", "no", "no", "yes"]))
    assert [(item.option_key, item.score) for item in result.items] == [("yes", 1), ("no", 0), ("no", 1), ("yes", 1)]
    assert result.total == 3


@pytest.mark.parametrize("instrument_id, keys", [
    ("who5", [WHO5[5], WHO5[5], WHO5[5], WHO5[5]]),          # stopped before the last item
    ("who5", [WHO5[1], None, WHO5[1], WHO5[1], WHO5[1]]),    # one item skipped
    ("phq2", [PHQ[3]]),                                      # would already pass 3 on its own
    ("gds15", ["yes"] * 14),
    ("ucla3", []),
])
def test_an_incomplete_run_is_never_scored(catalogue, instrument_id, keys):
    result = score_run(catalogue.instruments[instrument_id], _answers(catalogue, instrument_id, keys))
    assert not result.complete
    assert (result.total, result.percentage, result.thresholds_passed) == (None, None, ())
    assert result.items_answered == sum(key is not None for key in keys)
    skipped = [item.item_id for item in result.items if item.skipped]
    assert skipped == [item_id for item_id, key in _answers(catalogue, instrument_id, keys).items() if key is None]


def test_unknown_items_or_answers_are_refused(catalogue):
    who5 = catalogue.instruments["who5"]
    with pytest.raises(ValueError):
        score_run(who5, {"phq2_1": "several_days"})
    with pytest.raises(KeyError):
        score_run(who5, {"who5_1": "several_days"})


START = datetime(2026, 3, 28, 17, 55, tzinfo=timezone(timedelta(hours=1)))


def test_a_run_asks_each_item_in_turn_and_scores_when_complete(catalogue):
    phq2 = catalogue.instruments["phq2"]
    run = Run(phq2, "fr", started_at=START)
    assert run.next_item.id == "phq2_1" and run.ended_at is None
    run = run.answered(phq2.option("several_days"), Confidence.EXACT, START + timedelta(seconds=20))
    assert run.next_item.id == "phq2_2"
    run = run.answered(phq2.option("nearly_every_day"), Confidence.CLOSE, START + timedelta(seconds=45))
    assert run.finished and run.ended_at == START + timedelta(seconds=45)
    assert run.score().total == 4
    assert [(answer.item_id, answer.option_key, answer.confidence) for answer in run.answers] == [
        ("phq2_1", "several_days", Confidence.EXACT), ("phq2_2", "nearly_every_day", Confidence.CLOSE)]
    with pytest.raises(ValueError):
        run.answered(phq2.option("several_days"), Confidence.EXACT, START)


def test_a_stopped_run_keeps_its_answers_and_stays_incomplete(catalogue):
    who5 = catalogue.instruments["who5"]
    run = Run(who5, "en", started_at=START)
    run = run.answered(who5.option("most_of_the_time"), Confidence.EXACT, START + timedelta(seconds=30))
    run = run.skipped(START + timedelta(seconds=50))
    run = run.answered(who5.option("at_no_time"), Confidence.EXACT, START + timedelta(seconds=70))
    run = run.stopped(START + timedelta(seconds=80))
    assert run.finished and run.next_item is None and run.ended_at == START + timedelta(seconds=80)
    score = run.score()
    assert not score.complete and score.total is None and score.items_answered == 2
    assert [(item.item_id, item.score, item.skipped) for item in score.items] == [
        ("who5_1", 4, False), ("who5_2", None, True), ("who5_3", 0, False), ("who5_4", None, False), ("who5_5", None, False)]


@pytest.mark.parametrize("before, after, change", [
    ((3, 3, 3, 3, 3), (3, 3, 3, 3, 3), Change.ABOUT_THE_SAME),
    ((3, 3, 3, 3, 3), (3, 3, 3, 3, 4), Change.A_LITTLE_BETTER),   # +4 points
    ((3, 3, 3, 3, 3), (3, 3, 3, 4, 5), Change.BETTER),            # +12 points
    ((3, 3, 3, 3, 3), (3, 3, 3, 2, 2), Change.A_LITTLE_WORSE),    # -8 points
    ((3, 3, 3, 3, 3), (2, 2, 3, 3, 2), Change.WORSE),             # -12 points
])
def test_two_who5_runs_compare_in_plain_words_from_the_meaningful_change(catalogue, before, after, change):
    who5 = catalogue.instruments["who5"]
    runs = [score_run(who5, _answers(catalogue, "who5", [WHO5[score] for score in scores])) for scores in (before, after)]
    assert change_between(who5, *runs) is change


def test_only_complete_runs_of_an_instrument_with_a_meaningful_change_compare(catalogue):
    who5, phq2 = catalogue.instruments["who5"], catalogue.instruments["phq2"]
    complete = score_run(who5, _answers(catalogue, "who5", [WHO5[3]] * 5))
    with pytest.raises(ValueError):
        change_between(who5, complete, score_run(who5, _answers(catalogue, "who5", [WHO5[3]] * 4)))
    phq = score_run(phq2, _answers(catalogue, "phq2", [PHQ[1], PHQ[1]]))
    with pytest.raises(ValueError):
        change_between(phq2, phq, phq)
