"""Reminders in machine mode, through the really trained models, on the virtual clock started with `--now`:
set by voice and by the command line, said at their time, accepted, declined, put off, unanswered; quiet
hours; a reminder falling in a conversation; the device off across one; a daylight-saving night; a whole day."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.journal.store import Journal
from assistant.schedule.purpose import CHECKIN, EXERCISE, PLAIN, Purpose
from assistant.schedule.recurrence import WEEK, Recurrence
from assistant.schedule.store import REMINDERS_SCHEMA, ReminderBook
from assistant.session.speech import speech_seconds
from reminder_machine import converse_at, introduced, stdin_of, write_settings

PARIS = ZoneInfo("Europe/Paris")
SET_BREATHING = "remind me to do my breathing every evening at six"
DUE_BREATHING = "Good evening. It's six o'clock, time for your breathing. Shall we? You can say yes, no, or later."
REPROMPTS = ("I am listening", "I will wait")


@pytest.fixture
def paris(home: Path) -> Path:
    write_settings(home, time_zone="Europe/Paris")
    return home


def book(home: Path) -> ReminderBook:
    return ReminderBook(Journal(home / "journal.db", schemas=(REMINDERS_SCHEMA,)))


def assistant(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=300)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def breathing_at_six() -> tuple:
    """A daily breathing reminder at 18:00, as a caregiver sets it (the arguments of ReminderBook.add)."""
    return Purpose(EXERCISE, "breathing"), Recurrence(time(18, 0), WEEK), True, at("2026-03-28T12:00"), "caregiver"


def test_set_by_voice_read_back_slowly_then_said_at_its_time_and_the_exercise_runs(paris, models):
    day = converse_at(paris, models, "2026-03-28T17:50:00", [SET_BREATHING, "yes"], {1: [["yes"]]}, until_s=1500)
    said = day.said()
    read_back = "I will remind you every day, at six o'clock in the evening: your breathing. " \
                "Shall I save this reminder? You can say yes or no."
    assert read_back in said
    say = next(event for event in day.of_kind("say") if event["text"] == read_back)
    listen = next(event for event in day.after(say) if event["event"] == "listen")
    assert listen["expect"] == "yes_no"
    assert listen["t"] - say["t"] == pytest.approx(speech_seconds(read_back, 120.0), abs=0.01)
    assert "Done. I will remind you every day, at six o'clock in the evening." in said

    assert day.states(1) == ["due", "spoken", "accepted"]
    due = day.reminders(1)[0]
    assert abs((day.local(due) - at("2026-03-28T18:00:00")).total_seconds()) < 1.0
    chime = day.after(due)[0]
    assert chime == {"t": due["t"], "event": "tone", "name": "reminder"}
    assert day.after(chime)[0]["event"] == "pause"
    assert day.after(chime)[1]["text"] == DUE_BREATHING
    accepted = day.reminders(1)[2]
    exercise = [event for event in day.after(accepted) if event["event"] == "exercise"]
    assert [event["state"] for event in exercise] == ["started", "finished"]
    assert exercise[0]["kind"] == "breathing" and exercise[0]["t"] - accepted["t"] < 1.0

    (reminder,) = book(paris).all()
    assert (reminder.purpose.kind, reminder.purpose.exercise, reminder.purpose.label) == ("exercise", "breathing", None)
    assert reminder.explicit and reminder.recurrence.daily and reminder.recurrence.at == time(18, 0)


def test_set_by_the_command_line_and_the_check_in_is_asked(paris):
    introduced(paris)
    added = assistant(paris, "reminders", "add", "--daily", "18:00", "--checkin")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Reminder 1 added: every day, at 18:00: a check-in.")
    run = assistant(paris, "chat", "--jsonl", "--clock", "virtual", "--now", "2026-03-28T17:59:50",
                    stdin=stdin_of([{"silence": 10}, "yes", "four", "skip", "skip"]))
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    reminders = [event for event in events if event["event"] == "reminder"]
    assert [event["state"] for event in reminders] == ["due", "spoken", "accepted"]
    assert reminders[0]["id"] == 1 and reminders[0]["t"] == pytest.approx(10.0, abs=1.0)
    texts = [event["text"] for event in events if event["event"] == "say"]
    assert "Good evening. It's six o'clock, time for your check-in. Shall we? You can say yes, no, or later." in texts
    assert any(text.startswith("How is your mood today") for text in texts)
    checkin = next(event for event in events if event["event"] == "checkin")
    assert (checkin["mood"], checkin["saved"]) == (4, True)


def test_declined_is_respected_until_its_next_time_and_nothing_more_is_said(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:00", [], {1: [["no thanks"]]}, until_s=3 * 3600)
    assert day.states(1) == ["due", "spoken", "declined"]
    declined = day.reminders(1)[-1]
    after = [event["text"] for event in day.after(declined) if event["event"] == "say"]
    assert after[0] in ("All right. Maybe another time.", "That's fine. Another time, perhaps.")
    assert len(after) == 1, after
    assert day.of_kind("end")[0]["t"] == pytest.approx(3 * 3600)


def test_later_comes_back_once_half_an_hour_on(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:00", [], {1: [["later"], ["later"]]}, until_s=2 * 3600)
    assert day.states(1) == ["due", "spoken", "snoozed", "due", "spoken", "declined"]
    snoozed, again = day.reminders(1)[2], day.reminders(1)[3]
    assert again["t"] - snoozed["t"] == pytest.approx(1800, abs=1.0)
    said = day.said()
    assert "All right. I will remind you again in half an hour." in said
    assert "Good evening. It's half past six, time for your breathing. Shall we? You can say yes, no, or later." in said
    assert said[-1] == "All right, I'll leave it for now."


def test_unanswered_it_is_said_exactly_once_more_a_few_minutes_later_then_nothing(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:00", until_s=4 * 3600)
    assert day.states(1) == ["due", "spoken", "due", "spoken", "missed"]
    first_spoken, retry = day.reminders(1)[1], day.reminders(1)[2]
    assert 300 <= retry["t"] - first_spoken["t"] <= 300 + 30
    last = day.reminders(1)[-1]
    assert not [event for event in day.after(last) if event["event"] in ("say", "tone")]
    after_first = [event["text"] for event in day.after(day.reminders(1)[0]) if event["event"] == "say"]
    assert len(after_first) == 2 and not any(text.startswith(REPROMPTS) for text in after_first)


def test_every_morning_after_breakfast_is_answered_with_a_time_to_confirm(paris, models):
    day = converse_at(paris, models, "2026-03-28T10:00:00",
                      ["remind me to take my tablets every morning after breakfast", "yes"], until_s=60)
    assert "I will remind you every day, at nine o'clock in the morning: take your tablets. " \
           "Shall I save this reminder? You can say yes or no." in day.said()
    (reminder,) = book(paris).all()
    assert reminder.purpose.label == "take my tablets" and not reminder.explicit
    assert reminder.recurrence.at == time(9, 0) and reminder.recurrence.daily


def test_asked_what_and_when_one_question_at_a_time_and_no_means_another_time(paris, models):
    day = converse_at(paris, models, "2026-03-28T10:00:00",
                      ["can you set a reminder for me", "my tablets", "at eight", "no", "at nine in the evening",
                       "yes"], until_s=120)
    said = day.said()
    assert any(text.startswith("What would you like me to remind you of?") for text in said)
    assert any(text.startswith("When shall I remind you?") for text in said)
    assert any(text.startswith("I will remind you every day, at eight o'clock in the morning: your tablets")
               for text in said)
    assert any(text.startswith("All right. When would suit you?") for text in said)
    assert "Done. I will remind you every day, at nine o'clock in the evening." in said
    (reminder,) = book(paris).all()
    assert reminder.recurrence.at == time(21, 0) and reminder.purpose.label == "my tablets" and reminder.explicit


def test_a_label_that_names_a_part_of_the_day_proposes_its_time(paris, models):
    day = converse_at(paris, models, "2026-03-28T10:00:00", ["set a reminder", "my evening tablets", "yes"],
                      until_s=90)
    assert "I will remind you every day, at six o'clock in the evening: your evening tablets. " \
           "Shall I save this reminder? You can say yes or no." in day.said()
    (reminder,) = book(paris).all()
    assert reminder.purpose.label == "my evening tablets" and not reminder.explicit


def test_nothing_is_saved_without_a_yes(paris, models):
    day = converse_at(paris, models, "2026-03-28T10:00:00", [SET_BREATHING, "no", "cancel"], until_s=90)
    assert "All right, I have not set a reminder." in day.said()
    assert book(paris).all() == []


def test_the_label_is_the_only_thing_said_that_is_kept(paris, models):
    converse_at(paris, models, "2026-03-28T10:00:00",
                ["remind me to phone Marguerite about the garden tomorrow at ten", "yes"], until_s=60)
    (reminder,) = book(paris).all()
    assert reminder.purpose.label == "phone Marguerite about the garden"
    assert reminder.recurrence.on.isoformat() == "2026-03-29"
    stored = b"".join(path.read_bytes() for path in paris.glob("*.db"))
    assert b"Marguerite" in (paris / "journal.db").read_bytes()
    assert b"remind me to" not in stored and b"tomorrow at ten" not in stored


def test_what_are_my_reminders_cancel_the_evening_one_and_stop_reminding_me(paris, models):
    reminders = book(paris)
    reminders.add(*breathing_at_six())

    reminders.add(Purpose(PLAIN, label="call Anne"), Recurrence(time(9, 0), frozenset({0, 2})), True,
                  at("2026-03-28T12:00"), "caregiver")
    day = converse_at(paris, models, "2026-03-28T12:30:00",
                      ["what are my reminders?", "cancel the evening one", "yes", "stop reminding me", "yes"],
                      until_s=120)
    said = day.said()
    assert "You have 2 reminders." in said
    assert "Every day, at six o'clock in the evening: your breathing." in said
    assert "Every Monday and Wednesday, at nine o'clock in the morning: call Anne." in said
    assert "Shall I delete this reminder? Every day, at six o'clock in the evening: your breathing. " \
           "You can say yes or no." in said
    assert "Done. I have deleted it." in said
    assert "Shall I turn off all your reminders? You can say yes or no." in said
    (left,) = book(paris).all()
    assert left.purpose.label == "call Anne" and not left.active


def test_the_daily_breathing_of_the_settings_and_stop_reminding_me(paris, models):
    write_settings(paris, **{"routines.exercise_at": "18:00"})
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:00", ["what are my reminders"],
                      {"daily_exercise": [["stop reminding me"]]}, until_s=600)
    assert "And every day at six o'clock in the evening, I remind you of your breathing." in day.said()
    assert day.states("daily_exercise") == ["due", "spoken", "declined"]
    assert DUE_BREATHING in day.said()
    assert "All right. I have turned off this reminder: your breathing. A caregiver can turn it back on." in day.said()
    assert json.loads((paris / "settings.json").read_text())["routines"]["exercise_at"] is None


def test_stop_reminding_me_said_to_a_reminder_turns_that_one_off(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:00", [], {1: [["please stop reminding me"]]}, until_s=600)
    assert day.states(1) == ["due", "spoken", "declined"]
    assert "All right. I have turned off this reminder: your breathing. A caregiver can turn it back on." in day.said()
    assert not book(paris).all()[0].active


def test_quiet_hours_hold_all_but_a_reminder_set_explicitly_for_them(paris, models):
    write_settings(paris, **{"routines.checkin_at": "07:30"})

    reminders = book(paris)
    reminders.add(Purpose(PLAIN, label="lock the back door"), Recurrence(time(21, 15), frozenset(), at(
        "2026-03-28T00:00").date()), True, at("2026-03-28T12:00"), "caregiver")
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T21:00:00", ["remind me to take my eye drops tonight at ten", "yes"],
                      {1: [["later"]], 2: [["thank you"]], "daily_checkin": [["no thanks"]]}, until_s=12 * 3600)
    said = day.said()
    assert "All right. By then it will be the quiet hours, so I will leave it until next time." in said
    assert day.states(1) == ["due", "spoken", "declined"]
    assert day.states(2) == ["due", "spoken", "accepted"]
    assert day.local(day.reminders(2)[0]) == at("2026-03-28T22:00")
    assert "Good evening. It's ten o'clock. Here is your reminder: take your eye drops. You can say thank you, " \
           "or later." in said
    checkin = day.reminders("daily_checkin")
    assert [event["state"] for event in checkin] == ["due", "spoken", "declined"]
    assert day.local(checkin[0]) == at("2026-03-29T08:00")
    assert "Good morning. Would you like to tell me how you are today? You can say yes, no thanks, or later." in said
    assert "All right. I won't ask again today." in said
    spoken_first = [event for event in day.of_kind("tone")]
    assert [day.local(event).strftime("%H:%M") for event in spoken_first] == ["21:15", "22:00", "08:00"]
    assert book(paris).all() == [], "one-off reminders are removed, their labels with them, once over"


def test_a_reminder_due_in_a_conversation_waits_until_it_is_over(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:50", ["check-in", "four", "three", "two"], {1: [["no"]]},
                      until_s=300)
    checkin = day.of_kind("checkin")[0]
    due = day.reminders(1)[0]
    answered = [event for event in day.of_kind("heard") if day.local(event) > at("2026-03-28T18:00")]
    assert answered, "the check-in went on past the reminder's time"
    assert due["t"] > checkin["t"]
    assert "Good evening. It's six o'clock, time for your breathing. Shall we? You can say yes, no, or later." \
        in day.said()


def test_a_question_nobody_answers_does_not_hold_a_reminder_back(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:58:00", ["check-in"], until_s=600)
    will_wait = next(event for event in day.of_kind("say") if event["text"].startswith("I will wait"))
    due = day.reminders(1)[0]
    assert day.local(due) == at("2026-03-28T18:00") and due["t"] > will_wait["t"]


def test_a_live_device_keeps_time_after_goodbye_where_machine_mode_ends(paris, models):
    book(paris).add(*breathing_at_six())
    introduced(paris)
    live = converse_at(paris, models, "2026-03-28T17:55:00", ["goodbye"], {1: [["no"]]}, until_s=900, stays=True)
    said = live.said()
    assert "Goodbye. Take good care of yourself." in said and DUE_BREATHING in said
    goodbye = next(event for event in live.of_kind("say") if event["text"].startswith("Goodbye"))
    assert not [text for text in (event["text"] for event in live.after(goodbye) if event["event"] == "say")
                if text.startswith(REPROMPTS)]
    assert live.states(1) == ["due", "spoken", "declined"]
    ended = converse_at(paris, models, "2026-03-29T17:55:00", ["goodbye"], until_s=900)
    assert ended.states(1) == [] and ended.of_kind("end")[0]["t"] < 60


def test_the_device_off_across_a_reminder(paris, models):
    introduced(paris)
    converse_at(paris, models, "2026-03-28T17:00:00", [SET_BREATHING, "yes"], until_s=60)
    too_late = converse_at(paris, models, "2026-03-28T19:30:00", until_s=120)
    assert too_late.states(1) == ["missed"] and not too_late.of_kind("tone")

    book(paris).add(Purpose(PLAIN, label="feed the cat"), Recurrence(time(18, 10), WEEK), True,
                    at("2026-03-28T19:31"), "caregiver")
    late = converse_at(paris, models, "2026-03-29T18:40:00", [], {2: [["thank you"]]}, until_s=120)
    assert late.states(1) == ["missed"]
    assert late.states(2) == ["due", "spoken", "accepted"]
    assert "Good evening. At ten past six in the evening, you had a reminder: feed the cat. " \
           "You can say thank you, or later." in late.said()
    assert len(late.of_kind("tone")) == 1


def test_a_daylight_saving_night_in_paris(paris, models):
    reminders = book(paris)
    reminders.add(Purpose(CHECKIN), Recurrence(time(9, 0), WEEK), True, at("2026-03-28T12:00"), "caregiver")
    reminders.add(Purpose(PLAIN, label="turn the heating down"), Recurrence(time(2, 30), WEEK), True,
                  at("2026-03-28T12:00"), "caregiver")
    introduced(paris)
    night = converse_at(paris, models, "2026-03-28T20:00:00", [], {1: [["no"]], 2: [["thank you"]]},
                        until_s=14 * 3600)
    skipped = night.reminders(2)[0]
    assert skipped["t"] == pytest.approx(6.5 * 3600, abs=1.0)
    assert night.local(skipped).isoformat() == "2026-03-29T03:30:00+02:00"
    morning = night.reminders(1)[0]
    assert morning["t"] == pytest.approx(12 * 3600, abs=1.0)
    assert night.local(morning).isoformat() == "2026-03-29T09:00:00+02:00"
    assert "Good morning. It's nine o'clock, time for your check-in. Shall we? You can say yes, no, or later." \
        in night.said()


def test_in_french_set_by_voice_and_said_at_its_time(paris, models):
    write_settings(paris, language="fr")
    day = converse_at(paris, models, "2026-03-28T07:50:00", ["rappelle-moi de prendre mes cachets à 8 heures", "oui"],
                      {1: [["merci"]]}, until_s=900, lang="fr")
    said = day.said()
    assert "Je vous le rappellerai tous les jours, à huit heures du matin : prendre vos cachets. " \
           "J'enregistre ce rappel ? Vous pouvez dire oui ou non." in said
    assert "C'est noté. Je vous le rappellerai tous les jours, à huit heures du matin." in said
    assert day.states(1) == ["due", "spoken", "accepted"]
    assert day.local(day.reminders(1)[0]) == at("2026-03-28T08:00")
    assert "Bonjour. Il est huit heures. Voici votre rappel : prendre vos cachets. Vous pouvez dire merci, " \
           "ou plus tard." in said
    assert book(paris).all()[0].purpose.label == "prendre mes cachets"


def test_in_french_plus_tard_then_the_list_and_cancel(paris, models):
    write_settings(paris, language="fr")
    book(paris).add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T17:59:00", [], {1: [["plus tard"], ["oui"]]}, until_s=2400,
                      lang="fr")
    assert day.states(1)[:6] == ["due", "spoken", "snoozed", "due", "spoken", "accepted"]
    said = day.said()
    assert "Bonsoir. Il est six heures, c'est l'heure de votre exercice de respiration. Voulez-vous le faire " \
           "maintenant ? Vous pouvez dire oui, non ou plus tard." in said
    assert "D'accord. Je vous le rappellerai dans une demi-heure." in said
    assert any(event["state"] == "started" for event in day.of_kind("exercise"))
    listing = converse_at(paris, models, "2026-03-28T20:00:00", ["quels sont mes rappels", "annule celui du soir",
                                                                 "oui"], until_s=120, lang="fr")
    assert "Vous avez un rappel." in listing.said()
    assert "Tous les jours, à six heures du soir : votre exercice de respiration." in listing.said()
    assert "C'est fait, je l'ai supprimé." in listing.said()
    assert book(paris).all() == []


@pytest.mark.parametrize("lang, answers", [
    ("en", {"daily_checkin": [["no thanks"], ["yes", "four", "skip", "skip"]], 1: [["later"], ["thank you"]],
            2: [[]]}),
    ("fr", {"daily_checkin": [["non merci"], ["oui", "quatre", "passer", "passer"]], 1: [["plus tard"], ["merci"]],
            2: [[]]}),
])
def test_a_whole_virtual_day_in_one_process(paris, models, lang, answers):
    """Two days' worth of reminders, check-ins and silences in one conversation: 07:00 to 11:00 the next day."""
    write_settings(paris, language=lang, **{"routines.checkin_at": "10:00"})

    reminders = book(paris)
    reminders.add(Purpose(PLAIN, label="call Anne" if lang == "en" else "appeler Anne"), Recurrence(time(15, 0), WEEK),
                  True, at("2026-03-28T06:00"), "caregiver")
    reminders.add(*breathing_at_six())
    introduced(paris)
    day = converse_at(paris, models, "2026-03-28T07:00:00", [], answers, until_s=28 * 3600, lang=lang)
    assert day.states("daily_checkin") == ["due", "spoken", "declined", "due", "spoken", "accepted"]
    assert day.states(1) == ["due", "spoken", "snoozed", "due", "spoken", "accepted"]
    assert day.states(2) == ["due", "spoken", "due", "spoken", "missed"]
    tones = [day.local(event).strftime("%d %H:%M") for event in day.of_kind("tone") if event["name"] == "reminder"]
    assert tones == ["28 10:00", "28 15:00", "28 15:30", "28 18:00", "28 18:05", "29 10:00"]
    assert not [event for event in day.of_kind("say")
                if at("2026-03-28T21:30") <= day.local(event) < at("2026-03-29T08:00")], "the quiet hours are quiet"
    checkin = day.of_kind("checkin")
    assert [(event["mood"], event["saved"]) for event in checkin] == [(4, True)]
