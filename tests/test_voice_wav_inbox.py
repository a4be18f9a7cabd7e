"""User turns from WAV files, through the real recogniser, on the virtual clock."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.session.clock import VirtualClock
from assistant.session.inbox import Expectation
from assistant.session.events import JsonlEvents
from assistant.session.inbox import EndOfInput
from assistant.session.session import Session
from assistant.settings import Settings
from assistant.session.speech import wav_seconds
from assistant.voice.models import END_OF_TURN_SILENCE_S, SHORT_ANSWER_SILENCE_S
from assistant.voice.recognition import Ears
from assistant.voice.synthesis import EspeakVoice, WavFileOutput
from assistant.voice.wav import read_wav
from assistant.voice.wav_inbox import AudioTurnUnusable, WavInbox, WavTurn
from voice_fixtures import ears, espeak, vosk_model_dir, with_noise, write_wav  # noqa: F401  (fixtures)

MENU = ("breathing", "check-in", "how have I been")


def test_each_file_is_one_turn_that_takes_its_time(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """A recognised short answer ends after a short silence; free speech after the full end-of-turn silence."""
    first = espeak("four", tmp_path / "four.wav", "en-us", 130)
    second = espeak("I would like to do some breathing", tmp_path / "breathing.wav", "en-gb", 130)
    clock = VirtualClock()
    clock.sleep_until(10.0)
    inbox = WavInbox([first, second], ears, clock)

    heard = inbox.listen(12.0, Expectation("number"))
    assert heard is not None
    assert heard.text == "four"
    assert heard.at == 10.0
    assert heard.confidence is not None and 0 < heard.confidence <= 1
    assert clock.now() == pytest.approx(10.0 + wav_seconds(first) + SHORT_ANSWER_SILENCE_S, abs=0.001)

    start = clock.now()
    heard = inbox.listen(12.0, Expectation("free"))
    assert heard is not None and "breathing" in heard.text
    assert clock.now() == pytest.approx(start + wav_seconds(second) + END_OF_TURN_SILENCE_S, abs=0.001)
    with pytest.raises(EndOfInput):
        inbox.listen(12.0)


def test_the_expectation_picks_the_grammar(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """Freely, espeak-ng's "four" is heard as "for"; expecting a number, as "four"."""
    path = with_noise(espeak("four", tmp_path / "four.wav", "en-gb-x-rp", 150), 0.0)
    heard = [WavInbox([path], ears, VirtualClock()).listen(12.0, Expectation(expect)).text
             for expect in ("free", "number")]
    assert heard == ["for", "four"]


def test_a_file_without_words_is_silence(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    quiet = write_wav(tmp_path / "quiet.wav", np.zeros(3 * 16000, np.int16), 16000)
    noise = with_noise(write_wav(tmp_path / "noise.wav", np.zeros(16000, np.int16), 16000), 0.005)
    clock = VirtualClock()
    inbox = WavInbox([quiet, noise], ears, clock)
    assert inbox.listen(12.0, Expectation("yes_no")) is None
    assert clock.now() == 12.0
    assert inbox.listen(8.0, Expectation("yes_no")) is None
    assert clock.now() == 20.0


def test_plain_files_are_deliberate_turns_never_interruptions(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    path = espeak("yes", tmp_path / "yes.wav")
    clock = VirtualClock()
    inbox = WavInbox([path], ears, clock)
    inbox.drain()
    assert inbox.wait(30.0, "Breathe in, slowly.") is None
    assert inbox.wait(2.0) is None
    assert clock.now() == 32.0
    assert inbox.listen(12.0, Expectation("yes_no"), needs_wake=True).text == "yes"


def test_a_spoken_conversation_from_files(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """The session speaks into a WAV file and hears WAV turns, all on the virtual clock."""
    clock = VirtualClock()
    stream = io.StringIO()
    answer = espeak("three", tmp_path / "three.wav", "en+f3", 120)
    with WavFileOutput(tmp_path / "assistant.wav", clock) as output:
        session = Session("en", clock, WavInbox([answer], ears, clock),
                          JsonlEvents(clock, stream), EspeakVoice(output, {"en": "en-gb", "fr": "fr-fr"}), Settings())
        session.say("How is your mood today, from one to five?")
        heard = session.listen(Expectation("number"), 12.0)
        session.say(f"{heard.text.capitalize()}. Thank you.")
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert heard.text == "three"
    assert [event["event"] for event in events] == ["say", "listen", "say"]
    prompt_end_s = events[1]["t"]
    reply_start_s = events[2]["t"]
    assert reply_start_s == pytest.approx(prompt_end_s + wav_seconds(answer) + SHORT_ANSWER_SILENCE_S, abs=0.01)
    recording = read_wav(tmp_path / "assistant.wav")
    assert recording.sample_rate_hz == 16000
    silent = recording.samples[int((prompt_end_s + 0.05) * 16000):int((reply_start_s - 0.05) * 16000)]
    assert np.all(silent == 0)
    assert recording.duration_s > reply_start_s + 1.0
    assert ears.recogniser.transcribe_wav(tmp_path / "assistant.wav")["text"].startswith("how is your mood today")


def test_an_offered_phrase_is_heard_as_offered(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    path = espeak("check in", tmp_path / "check.wav", "en-us", 150)
    clock = VirtualClock()
    heard = WavInbox([path], ears, clock).listen(12.0, Expectation("free", MENU))
    assert heard.text == "check-in"
    assert clock.now() == pytest.approx(wav_seconds(path) + SHORT_ANSWER_SILENCE_S, abs=0.001)


@pytest.mark.parametrize("argument, expected", [
    ("stop.wav@30", WavTurn(Path("stop.wav"), 30.0)), ("a@b.wav@2.5", WavTurn(Path("a@b.wav"), 2.5)),
    ("turn.wav", WavTurn(Path("turn.wav"))), ("stop.wav@0", WavTurn(Path("stop.wav"), 0.0))])
def test_file_at_seconds_is_an_interruption(argument: str, expected: WavTurn) -> None:
    assert WavTurn.parse(argument) == expected


@pytest.mark.parametrize("argument", ["stop.wav@soon", "stop.wav@-1", "stop.wav@1e308", "stop.wav@nan"])
def test_a_bad_delay_is_refused_with_a_sentence(argument: str) -> None:
    with pytest.raises(AudioTurnUnusable, match="FILE@SECONDS"):
        WavTurn.parse(argument)
    with pytest.raises(AudioTurnUnusable, match="FICHIER@SECONDES"):
        WavTurn.parse(argument, "fr")


def test_an_interruption_is_heard_at_its_moment_whatever_is_said(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """ "stop" said 20 s after the turn that started breathing, in the middle of a 30 s wait; then a crisis."""
    begin = espeak("I would like to do some breathing", tmp_path / "begin.wav", "en-gb", 130)
    stop = espeak("stop", tmp_path / "stop.wav", "en-gb", 130)
    crisis = espeak("I want to kill myself", tmp_path / "crisis.wav", "en-us", 130)
    clock = VirtualClock()
    clock.sleep_until(5.0)
    inbox = WavInbox([WavTurn(begin), WavTurn(stop, 20.0), WavTurn(crisis, 15.0)], ears, clock)
    turn = inbox.listen(12.0)
    assert turn.at == 5.0 and "breathing" in turn.text
    inbox.drain()
    assert inbox.wait(4.0, "In") is None
    heard = inbox.wait(30.0, "Breathe out slowly.")
    assert (heard.text, heard.at) == ("stop", 25.0)
    assert clock.now() == pytest.approx(25.0 + wav_seconds(stop) + SHORT_ANSWER_SILENCE_S, abs=0.001)
    alarm = inbox.listen(30.0)
    assert alarm.at == 40.0 and "kill myself" in alarm.text, "counted from the interruption before it"
    assert clock.now() == pytest.approx(40.0 + wav_seconds(crisis) + END_OF_TURN_SILENCE_S, abs=0.001)
    with pytest.raises(EndOfInput):
        inbox.listen(12.0)


def test_an_interruption_due_after_the_wait_is_kept_for_later(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    stop = espeak("stop", tmp_path / "stop.wav", "en-gb", 130)
    clock = VirtualClock()
    inbox = WavInbox([WavTurn(stop, 50.0)], ears, clock)
    assert inbox.wait(30.0, "In") is None and clock.now() == 30.0
    assert inbox.listen(10.0) is None and clock.now() == 40.0
    assert inbox.listen(12.0).text == "stop"
