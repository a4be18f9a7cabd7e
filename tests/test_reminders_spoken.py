"""Times, days and what a reminder is for, as people say them, read and said back in both languages."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from assistant.questionnaires.datafile import QuestionnaireDataError, read_yaml
from assistant.schedule.purpose import CHECKIN, EXERCISE, PLAIN, REMINDERS_FILE, Purpose, PurposeReader
from assistant.schedule.recurrence import WEEK, Recurrence
from assistant.schedule.spoken import TIMES_FILE, SpokenTimes
from assistant.text import fold

NOW = datetime(2026, 3, 28, 17, 55, tzinfo=ZoneInfo("Europe/Paris"))
"""A Saturday evening."""
TIMES = {lang: SpokenTimes(lang) for lang in ("en", "fr")}
PURPOSES = {lang: PurposeReader(lang, TIMES[lang].elisions) for lang in ("en", "fr")}


@pytest.mark.parametrize("lang, said, at", [
    ("en", "at six in the evening", time(18, 0)),
    ("en", "every evening at six", time(18, 0)),
    ("en", "at half past seven", time(7, 30)),
    ("en", "at quarter to seven", time(6, 45)),
    ("en", "twenty to eight in the evening", time(19, 40)),
    ("en", "at 6pm", time(18, 0)),
    ("en", "at 18:00", time(18, 0)),
    ("en", "seven thirty", time(7, 30)),
    ("en", "eight oh five", time(8, 5)),
    ("en", "at noon", time(12, 0)),
    ("en", "at twelve", time(12, 0)),
    ("en", "tonight at eight", time(20, 0)),
    ("en", "at three", time(15, 0)),
    ("en", "at nine", time(9, 0)),
    ("fr", "à 8 heures", time(8, 0)),
    ("fr", "huit heures et demie", time(8, 30)),
    ("fr", "dix-huit heures trente", time(18, 30)),
    ("fr", "à vingt et une heures", time(21, 0)),
    ("fr", "sept heures moins le quart", time(6, 45)),
    ("fr", "six heures du soir", time(18, 0)),
    ("fr", "tous les soirs à six heures", time(18, 0)),
    ("fr", "à 20h", time(20, 0)),
    ("fr", "8h30", time(8, 30)),
    ("fr", "à midi", time(12, 0)),
    ("fr", "midi et demi", time(12, 30)),
    ("fr", "l'après-midi à 3 heures", time(15, 0)),
])
def test_clock_times_said_in_words_or_digits(lang, said, at):
    heard = TIMES[lang].read(said, NOW)
    assert heard.at == at


@pytest.mark.parametrize("lang, said, proposed", [
    ("en", "every morning after breakfast", time(9, 0)),
    ("en", "every evening", time(18, 0)),
    ("en", "before bed", time(21, 0)),
    ("en", "after lunch", time(13, 30)),
    ("fr", "chaque matin après le petit déjeuner", time(9, 0)),
    ("fr", "le soir", time(18, 0)),
    ("fr", "avant de dormir", time(21, 0)),
])
def test_parts_and_moments_of_the_day_propose_a_time_that_is_not_explicit(lang, said, proposed):
    heard = TIMES[lang].read(said, NOW)
    assert heard.at is None and heard.proposed == proposed


@pytest.mark.parametrize("lang, said, weekdays, on, next_weekday", [
    ("en", "every day at ten", WEEK, None, None),
    ("en", "every evening", WEEK, None, None),
    ("en", "every Monday and Wednesday at 9:00", {0, 2}, None, None),
    ("en", "on mondays", {0}, None, None),
    ("en", "every weekday", {0, 1, 2, 3, 4}, None, None),
    ("en", "at weekends", {5, 6}, None, None),
    ("en", "tomorrow at nine", set(), date(2026, 3, 29), None),
    ("en", "on Friday at five", set(), None, 4),
    ("en", "on April 3 at ten", set(), date(2026, 4, 3), None),
    ("fr", "tous les jours", WEEK, None, None),
    ("fr", "le lundi à 10 h", {0}, None, None),
    ("fr", "tous les mardis et jeudis", {1, 3}, None, None),
    ("fr", "lundi à 10h", set(), None, 0),
    ("fr", "le lundi 30 mars à 10h", set(), date(2026, 3, 30), None),
    ("fr", "le 3 avril à 10h", set(), date(2026, 4, 3), None),
    ("fr", "demain à midi", set(), date(2026, 3, 29), None),
    ("fr", "en semaine", {0, 1, 2, 3, 4}, None, None),
])
def test_days_said_to_come_back_or_once(lang, said, weekdays, on, next_weekday):
    heard = TIMES[lang].read(said, NOW)
    assert (set(heard.weekdays), heard.on, heard.next_weekday) == (set(weekdays), on, next_weekday)


@pytest.mark.parametrize("lang, said, minutes", [
    ("en", "in half an hour", 30), ("en", "in twenty minutes", 20), ("en", "in 2 hours", 120),
    ("fr", "dans une demi-heure", 30), ("fr", "dans vingt minutes", 20), ("fr", "dans deux heures", 120),
])
def test_moments_counted_from_now(lang, said, minutes):
    assert TIMES[lang].read(said, NOW).from_now_min == minutes


def test_nothing_about_when_is_read_into_other_words():
    for lang, said in (("en", "call Sam and take my tablets"), ("fr", "appeler Anne et prendre mes cachets"),
                       ("en", "my phone"), ("fr", "un rappel")):
        assert not TIMES[lang].read(said, NOW).said_when, said


@pytest.mark.parametrize("at, en, fr", [
    (time(18, 0), "six o'clock in the evening", "six heures du soir"),
    (time(7, 30), "half past seven in the morning", "sept heures et demie du matin"),
    (time(9, 15), "quarter past nine in the morning", "neuf heures et quart du matin"),
    (time(12, 0), "noon", "midi"),
    (time(0, 0), "midnight", "minuit"),
    (time(12, 30), "half past twelve in the afternoon", "midi et demi"),
    (time(11, 45), "quarter to twelve in the morning", "midi moins le quart"),
    (time(23, 45), "quarter to midnight", "minuit moins le quart"),
    (time(0, 10), "ten past midnight", "minuit dix"),
    (time(2, 0), "two o'clock in the morning", "deux heures du matin"),
    (time(22, 30), "half past ten at night", "dix heures et demie du soir"),
    (time(13, 0), "one o'clock in the afternoon", "une heure de l'après-midi"),
    (time(14, 17), "two seventeen in the afternoon", "deux heures dix-sept de l'après-midi"),
    (time(21, 21), "nine twenty-one in the evening", "neuf heures vingt et un du soir"),
    (time(8, 5), "five past eight in the morning", "huit heures cinq du matin"),
    (time(8, 7), "eight oh seven in the morning", "huit heures sept du matin"),
    (time(19, 40), "twenty to eight in the evening", "huit heures moins vingt du soir"),
])
def test_times_said_back_in_words(at, en, fr):
    assert TIMES["en"].say_time(at) == en
    assert TIMES["fr"].say_time(at) == fr


def test_a_time_said_back_is_read_again_as_the_same_time():
    for lang in ("en", "fr"):
        for hour in range(24):
            for minute in range(0, 60, 5):
                said = TIMES[lang].say_time(time(hour, minute))
                assert TIMES[lang].read(said, NOW).at == time(hour, minute), (lang, said)


def test_days_said_back():
    today = NOW.date()
    cases = [(Recurrence(time(9), WEEK), "every day", "tous les jours"),
             (Recurrence(time(9), frozenset({0, 2})), "every Monday and Wednesday", "tous les lundis et mercredis"),
             (Recurrence(time(9), frozenset({0, 2, 4})), "every Monday, Wednesday, and Friday",
              "tous les lundis, mercredis et vendredis"),
             (Recurrence(time(9), frozenset(range(5))), "every weekday", "en semaine"),
             (Recurrence(time(9), frozenset({5, 6})), "at weekends", "le week-end"),
             (Recurrence(time(19), frozenset(), today), "today", "aujourd'hui"),
             (Recurrence(time(9), frozenset(), date(2026, 3, 29)), "tomorrow", "demain"),
             (Recurrence(time(9), frozenset(), date(2026, 4, 3)), "on Friday 3 April", "le vendredi 3 avril")]
    for recurrence, en, fr in cases:
        assert TIMES["en"].say_days(recurrence, today) == en
        assert TIMES["fr"].say_days(recurrence, today) == fr


@pytest.mark.parametrize("lang, said, purpose", [
    ("en", "remind me to do my breathing every evening at six", Purpose(EXERCISE, "breathing")),
    ("en", "can you remind me to meditate every afternoon", Purpose(EXERCISE, "meditation")),
    ("en", "remind me to do my check-in at ten", Purpose(CHECKIN)),
    ("en", "remind me to do my relaxation every afternoon", Purpose(EXERCISE, "relaxation")),
    ("fr", "rappelle-moi l'exercice pour dormir à neuf heures du soir", Purpose(EXERCISE, "sleep")),
    ("en", "remind me of my pills", Purpose(PLAIN, label="my pills")),
    ("en", "remind me to call Anne on Mondays at ten please", Purpose(PLAIN, label="call Anne")),
    ("en", "my evening tablets", Purpose(PLAIN, label="my evening tablets")),
    ("fr", "rappelle-moi de prendre mes cachets à 8 heures", Purpose(PLAIN, label="prendre mes cachets")),
    ("fr", "rappelez-moi d'appeler ma fille Hélène demain à midi", Purpose(PLAIN, label="appeler ma fille Hélène")),
    ("fr", "rappelle-moi de faire ma respiration tous les soirs", Purpose(EXERCISE, "breathing")),
    ("fr", "rappelle-moi de faire mon bilan le matin", Purpose(CHECKIN)),
])
def test_what_a_reminder_is_for(lang, said, purpose):
    heard = TIMES[lang].read(said, NOW)
    assert PURPOSES[lang].read(said, heard.spans, None) == purpose


def test_this_is_the_exercise_just_done_and_nothing_when_none_was():
    said = "can you remind me to do this every evening?"
    heard = TIMES["en"].read(said, NOW)
    assert PURPOSES["en"].read(said, heard.spans, "breathing") == Purpose(EXERCISE, "breathing")
    assert PURPOSES["en"].read(said, heard.spans, None) is None
    said = "remind me every evening at six"
    assert PURPOSES["en"].read(said, TIMES["en"].read(said, NOW).spans, None) is None
    assert PURPOSES["fr"].read("tu peux me rappeler de faire ça", (), "grounding") == Purpose(EXERCISE, "grounding")


def test_labels_are_said_back_to_the_user_and_kept_as_said():
    assert PURPOSES["en"].said_back("take my tablets") == "take your tablets"
    assert PURPOSES["en"].said_back("My evening tablets") == "Your evening tablets"
    assert PURPOSES["fr"].said_back("prendre mes cachets") == "prendre vos cachets"
    assert PURPOSES["fr"].said_back("appeler ma fille") == "appeler votre fille"
    assert PURPOSES["fr"].said_back("m'habiller") == "vous habiller"
    assert PURPOSES["fr"].daily_by_default("prendre mes médicaments")
    assert not PURPOSES["en"].daily_by_default("call Anne")


def test_later_and_stop_phrases_win_in_answer_to_a_reminder():
    assert PURPOSES["en"].means_later("maybe later dear") and PURPOSES["fr"].means_later("à plus tard")
    assert PURPOSES["en"].means_stop("please stop reminding me")
    assert PURPOSES["fr"].means_stop("arrêtez de me rappeler ça")
    assert not PURPOSES["en"].means_later("yes please") and not PURPOSES["fr"].means_stop("oui")


def test_every_phrase_exists_in_both_languages():
    for path in (TIMES_FILE, REMINDERS_FILE):
        text = path.read_text(encoding="utf-8")
        for lang in ("en", "fr"):
            assert f"{lang}:" in text
    raw = read_yaml(REMINDERS_FILE)
    for key in ("triggers", "edge_words", "checkin", "this", "daily_by_default", "later", "stop", "common_words"):
        assert raw[key]["en"] and raw[key]["fr"], key
    for exercise in raw["exercises"].values():
        assert exercise["en"] and exercise["fr"]


def test_a_broken_data_file_names_the_file_and_line(tmp_path):
    times = tmp_path / "times.yml"
    text = TIMES_FILE.read_text(encoding="utf-8").replace('"half past {h}"', '"half past {hour}"')
    times.write_text(text, encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "{hour}\"" in row and "half past" in row)
    with pytest.raises(QuestionnaireDataError, match=rf"times.yml, line {line}: unknown placeholder {{hour}}"):
        SpokenTimes("en", path=times)
    reminders = tmp_path / "reminders.yml"
    broken = REMINDERS_FILE.read_text(encoding="utf-8").replace("later:\n  en: [later,", "later:\n  en: [7,")
    reminders.write_text(broken, encoding="utf-8")
    with pytest.raises(QuestionnaireDataError, match=r"reminders.yml, line \d+: each of later must be a text"):
        PurposeReader("en", (), path=reminders)


def test_folded_words_match_the_shared_normaliser():
    for text in ("Rappelle-moi d'appeler Anne à 8h30", "Œuvre’s “quoted” text", "l'après-midi"):
        words = TIMES["fr"].plain_words(text)
        assert "".join(words.texts).replace("'", "") == fold(text).replace(" ", "").replace("'", "")
