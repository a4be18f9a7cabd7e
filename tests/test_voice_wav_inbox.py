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
from assistant.voice.models import END_OF_TURN_SILENCE_S
from assistant.voice.recognition import Recogniser
from assistant.voice.synthesis import EspeakVoice, WavFileOutput
from assistant.voice.wav import read_wav
from assistant.voice.wav_inbox import WavInbox
from voice_fixtures import espeak, vosk_model_dir, with_noise, write_wav  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def recogniser(vosk_model_dir: Path) -> Recogniser:  # noqa: F811
    return Recogniser(vosk_model_dir)


def test_each_file_is_one_turn_that_takes_its_time(recogniser: Recogniser, tmp_path: Path) -> None:
    first = espeak("four", tmp_path / "four.wav", "en-us", 130)
    second = espeak("I would like to do some breathing", tmp_path / "breathing.wav", "en-gb", 130)
    clock = VirtualClock()
    clock.sleep_until(10.0)
    inbox = WavInbox([first, second], recogniser, clock, "en")

    heard = inbox.listen(12.0, Expectation("number"))
    assert heard is not None
    assert heard.text == "four"
    assert heard.at == 10.0
    assert heard.confidence is not None and 0 < heard.confidence <= 1
    assert clock.now() == pytest.approx(10.0 + wav_seconds(first) + END_OF_TURN_SILENCE_S, abs=0.001)

    start = clock.now()
    heard = inbox.listen(12.0, Expectation("free"))
    assert heard is not None and "breathing" in heard.text
    assert clock.now() == pytest.approx(start + wav_seconds(second) + END_OF_TURN_SILENCE_S, abs=0.001)
    with pytest.raises(EndOfInput):
        inbox.listen(12.0)


def test_the_expectation_picks_the_grammar(recogniser: Recogniser, tmp_path: Path) -> None:
    """Freely, espeak-ng's "four" is heard as "for"; expecting a number, as "four"."""
    path = with_noise(espeak("four", tmp_path / "four.wav", "en-gb-x-rp", 150), 0.0)
    heard = [WavInbox([path], recogniser, VirtualClock(), "en").listen(12.0, Expectation(expect)).text
             for expect in ("free", "number")]
    assert heard == ["for", "four"]


def test_a_file_without_words_is_silence(recogniser: Recogniser, tmp_path: Path) -> None:
    quiet = write_wav(tmp_path / "quiet.wav", np.zeros(3 * 16000, np.int16), 16000)
    noise = with_noise(write_wav(tmp_path / "noise.wav", np.zeros(16000, np.int16), 16000), 0.005)
    clock = VirtualClock()
    inbox = WavInbox([quiet, noise], recogniser, clock, "en")
    assert inbox.listen(12.0, Expectation("yes_no")) is None
    assert clock.now() == 12.0
    assert inbox.listen(8.0, Expectation("yes_no")) is None
    assert clock.now() == 20.0


def test_files_are_deliberate_turns_never_interruptions(recogniser: Recogniser, tmp_path: Path) -> None:
    path = espeak("yes", tmp_path / "yes.wav")
    clock = VirtualClock()
    inbox = WavInbox([path], recogniser, clock, "en")
    inbox.drain()
    assert inbox.wait(30.0, "Breathe in, slowly.") is None
    assert inbox.wait(2.0) is None
    assert clock.now() == 32.0
    assert inbox.listen(12.0, Expectation("yes_no"), needs_wake=True).text == "yes"


def test_a_spoken_conversation_from_files(recogniser: Recogniser, tmp_path: Path) -> None:
    """The session speaks into a WAV file and hears WAV turns, all on the virtual clock."""
    clock = VirtualClock()
    stream = io.StringIO()
    answer = espeak("three", tmp_path / "three.wav", "en+f3", 120)
    with WavFileOutput(tmp_path / "assistant.wav", clock) as output:
        session = Session("en", clock, WavInbox([answer], recogniser, clock, "en"),
                          JsonlEvents(clock, stream), EspeakVoice(output, {"en": "en-gb", "fr": "fr-fr"}), Settings())
        session.say("How is your mood today, from one to five?")
        heard = session.listen(Expectation("number"), 12.0)
        session.say(f"{heard.text.capitalize()}. Thank you.")
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert heard.text == "three"
    assert [event["event"] for event in events] == ["say", "listen", "say"]
    prompt_end_s = events[1]["t"]
    reply_start_s = events[2]["t"]
    assert reply_start_s == pytest.approx(prompt_end_s + wav_seconds(answer) + END_OF_TURN_SILENCE_S, abs=0.01)
    recording = read_wav(tmp_path / "assistant.wav")
    assert recording.sample_rate_hz == 16000
    silent = recording.samples[int((prompt_end_s + 0.05) * 16000):int((reply_start_s - 0.05) * 16000)]
    assert np.all(silent == 0)
    assert recording.duration_s > reply_start_s + 1.0
    assert recogniser.transcribe_wav(tmp_path / "assistant.wav")["text"].startswith("how is your mood today")
