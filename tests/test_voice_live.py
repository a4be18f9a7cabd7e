"""The live loop (`assistant run`) on a PulseAudio null sink: real microphone and speaker
code, the real Vosk model, speech synthesised by espeak-ng and played into the microphone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from assistant.journal.store import Journal
from audio_fixtures import SPEAKER, MOUTH, live, pulse, speak  # noqa: F401  (fixtures)
from voice_fixtures import espeak, vosk_home, vosk_model_dir  # noqa: F401  (fixtures)


def returning_user(home: Path) -> None:
    """Skip the first-conversation introduction, to keep the tests short."""
    Journal(home / "journal.db").set_meta("introduced_at", "2026-01-01T00:00:00+00:00")


def is_event(kind: str, **fields: object):
    return lambda event: event["event"] == kind and all(event.get(key) == value for key, value in fields.items())


def test_a_spoken_check_in_end_to_end(live, home, tmp_path):
    returning_user(home)
    recording = tmp_path / "speaker.wav"
    recorder = subprocess.Popen(["parecord", f"--device={SPEAKER}.monitor", "--file-format=wav", str(recording)])
    try:
        assistant = live()
        start = assistant.listening("free")
        speak(espeak("I would like to do my check in", tmp_path / "checkin.wav", "en-gb", 130))
        asked = assistant.listening("number", after=start + 1)
        speak(espeak("four", tmp_path / "four.wav", "en-us", 120))
        energy = assistant.listening("number", after=asked + 1)
        speak(espeak("skip", tmp_path / "skip.wav", "en-gb", 130))
        sleep = assistant.listening("number", after=energy + 1)
        speak(espeak("skip", tmp_path / "skip.wav", "en-gb", 130))
        checkin = assistant.events[assistant.wait_for(is_event("checkin"), after=sleep)]
    finally:
        recorder.terminate()
        recorder.wait()
    assert (checkin["mood"], checkin["saved"]) == (4, True)
    assert [row["mood"] for row in Journal(home / "journal.db").checkins()] == [4]
    from assistant.voice.wav import read_wav

    assert abs(read_wav(recording).samples.astype(int)).max() > 1000, "the assistant was heard on the speaker"


def test_stop_interrupts_breathing_and_a_crisis_sentence_is_answered(live, home, tmp_path):
    returning_user(home)
    assistant = live()
    start = assistant.listening("free")
    speak(espeak("I would like to do some breathing", tmp_path / "breathing.wav", "en-gb", 130))
    begun = assistant.wait_for(is_event("exercise", state="started"), after=start)
    assistant.wait_for(is_event("say", text="Out"), after=begun)
    spoken_at = speak(espeak("stop", tmp_path / "stop.wav", "en-gb", 130))
    stopped = assistant.wait_for(is_event("exercise", state="stopped"), after=begun)
    assert assistant.arrivals[stopped] - spoken_at < 1.5 + 1.0, "stopped within a second of the end of the turn"

    again = assistant.listening("free", after=stopped)
    speak(espeak("breathing please", tmp_path / "again.wav", "en-gb", 130))
    begun = assistant.wait_for(is_event("exercise", state="started"), after=again)
    inhale = assistant.wait_for(is_event("say", text="In"), after=begun)
    assistant.wait_for(is_event("say", text="two"), after=inhale)  # counted breathing: said between the counts
    speak(espeak("I want to kill myself", tmp_path / "crisis.wav", "en-gb", 130))
    alarm = assistant.wait_for(is_event("safety", level="crisis"), after=begun)
    assert assistant.events[alarm - 1]["event"] in ("heard", "exercise")
    assert is_event("exercise", state="stopped")(assistant.events[alarm - 1]) or \
        any(is_event("exercise", state="stopped")(event) for event in assistant.events[begun:alarm])
    assert [event["kind"] for event in Journal(home / "journal.db").safety_events()] == ["explicit"]


def test_its_own_voice_is_not_taken_as_input_and_silence_brings_reprompts(live, home):
    """The speaker is looped back into the microphone: the assistant hears itself, and must ignore it."""
    loop = subprocess.run(["pactl", "load-module", "module-loopback", f"source={SPEAKER}.monitor", f"sink={MOUTH}",
                           "latency_msec=20"], check=True, capture_output=True, text=True).stdout.strip()
    try:
        assistant = live()
        first = assistant.listening("free")
        reprompt = assistant.wait_for(is_event("say", text="I am listening. For example, you can say: breathing."),
                                      after=first)
        assistant.listening("free", after=reprompt)
        assert not [event for event in assistant.events if event["event"] == "heard"]
        listen, said = assistant.events[first], assistant.events[reprompt]
        assert said["t"] - listen["t"] >= 12.0
    finally:
        subprocess.run(["pactl", "unload-module", loop], capture_output=True)


def run_assistant(home: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "run"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ASSISTANT_HOME": str(home), **env})


def test_no_speech_model_gives_the_command_to_run(home, pulse):
    result = run_assistant(home)
    assert result.returncode == 2
    assert "assistant models install en" in result.stderr


def test_no_audio_device_gives_a_clear_message(vosk_home):
    started = time.monotonic()
    result = run_assistant(vosk_home, PULSE_SERVER="unix:/nonexistent/pulse")
    assert result.returncode == 2
    assert "no microphone could be opened" in result.stderr
    assert time.monotonic() - started < 60


def test_a_crisis_said_over_the_assistant_is_answered_as_soon_as_it_stops(live, home, tmp_path):
    """Issue 9: what the user says while the assistant speaks is not dropped. Here, over the
    first-time introduction (about 18 s), which nothing else interrupts."""
    crisis = espeak("I want to kill myself", tmp_path / "crisis.wav", "en-gb", 130)
    assistant = live()
    intro = assistant.wait_for(is_event("say"))
    time.sleep(3.0)
    speak(crisis)
    listen = assistant.listening("free", after=intro)
    heard = assistant.wait_for(is_event("heard"), after=intro)
    assert heard == listen + 1, "answered at the first moment the assistant listens, before anything else"
    assert "kill myself" in assistant.events[heard]["text"]
    assert assistant.events[heard]["t"] - assistant.events[listen]["t"] < 0.5
    assistant.wait_for(is_event("safety", level="crisis"), after=heard)
    assert [event["kind"] for event in Journal(home / "journal.db").safety_events()] == ["explicit"]
