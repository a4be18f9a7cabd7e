"""The voice command-line contracts (CONTRACTS.md), run as a user would: `python -m assistant ...`
with the real small English Vosk model, and user turns spoken by espeak-ng.

Each `chat` loads Rasa (about ten seconds), so one spoken conversation carries
most of the checks: events, the speech file on the clock's time line, and a
crisis said aloud.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import wave
import zipfile
from pathlib import Path

import numpy as np
import pytest

from assistant.session.speech import wav_seconds
from assistant.voice.models import SHORT_ANSWER_SILENCE_S
from assistant.voice.wav import read_wav
from voice_fixtures import MODEL_AAR, espeak, vosk_home, vosk_model_dir, write_wav  # noqa: F401  (fixtures)

SILENCE_PEAK = 100
"""Largest sample allowed where the output file must be silent (full scale is 32767)."""
SPEECH_PEAK = 1000
"""Smallest peak that counts as the assistant speaking."""
EDGE_S = 0.1
"""Margin around event times, for rounding of clock stamps to samples."""


def assistant(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env={**os.environ, "ASSISTANT_HOME": str(home)}, timeout=300)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def assert_clear_message(run: subprocess.CompletedProcess, *phrases: str) -> None:
    """A caregiver-facing failure: non-zero exit, the given phrases on stderr, no traceback."""
    assert run.returncode != 0, run.stdout
    assert "Traceback" not in run.stderr, run.stderr
    for phrase in phrases:
        assert phrase in run.stderr, run.stderr


def samples_between(samples: np.ndarray, rate_hz: int, start_s: float, end_s: float) -> np.ndarray:
    return samples[int(start_s * rate_hz):int(end_s * rate_hz)].astype(np.int32)


@pytest.mark.vosk
def test_a_spoken_conversation_from_wav_files(vosk_home, tmp_path):
    turns = ["I would like to do my check in", "three", "skip", "skip", "I want to kill myself"]
    paths = [espeak(text, tmp_path / f"turn-{index}.wav") for index, text in enumerate(turns)]
    out = tmp_path / "speech.wav"
    run = assistant(vosk_home, "chat", "--audio-in", *map(str, paths), "--audio-out", str(out))
    assert run.returncode == 0, run.stderr

    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert all("t" in event and "event" in event for event in events)
    assert events[-1]["event"] == "end"
    heard = [event for event in events if event["event"] == "heard"]
    assert len(heard) == len(turns), heard
    assert "check" in heard[0]["text"] and [turn["text"] for turn in heard[1:4]] == ["three", "skip", "skip"]
    checkins = [event for event in events if event["event"] == "checkin"]
    assert [(event["mood"], event["saved"]) for event in checkins] == [(3, True)]
    safety = [event for event in events if event["event"] == "safety"]
    assert [event["level"] for event in safety] == ["crisis"]
    assert safety[0]["t"] == heard[4]["t"], "the crisis is answered as soon as it is heard"

    with wave.open(str(out), "rb") as sound:
        assert (sound.getframerate(), sound.getnchannels(), sound.getsampwidth()) == (16000, 1, 2)
    audio = read_wav(out)
    rate = audio.sample_rate_hz
    says = [event for event in events if event["event"] == "say"]
    assert audio.duration_s > says[-1]["t"], "the file reaches the last thing said"
    for say in says:
        start = say["t"]
        assert np.abs(samples_between(audio.samples, rate, start, start + 1.0)).max() > SPEECH_PEAK, \
            f"speech at {start:.2f} s: {say['text']!r}"
    for turn in heard:
        listen = max((event for event in events if event["event"] == "listen" and event["t"] <= turn["t"]),
                     key=lambda event: event["t"])
        quiet = samples_between(audio.samples, rate, listen["t"] + EDGE_S, turn["t"] - EDGE_S)
        assert len(quiet) and np.abs(quiet).max() < SILENCE_PEAK, \
            f"silence while the user says {turn['text']!r} ({listen['t']:.2f} to {turn['t']:.2f} s)"

    first_listen = next(event["t"] for event in events if event["event"] == "listen")
    greeting = write_wav(tmp_path / "greeting.wav", samples_between(audio.samples, rate, 0.0, first_listen), rate)
    transcribed = assistant(vosk_home, "transcribe", str(greeting))
    assert transcribed.returncode == 0, transcribed.stderr
    heard_words = words(json.loads(transcribed.stdout)["text"])
    said_words = words(says[0]["text"])
    assert said_words[:2] in (["hello", "again"], ["hello", "i"]), says[0]["text"]
    assert len(set(heard_words[:8]) & set(said_words[:8])) >= 3, (heard_words, said_words)


@pytest.mark.vosk
def test_transcribe_prints_the_text_and_timings(vosk_home, tmp_path):
    path = espeak("I would like to do some breathing", tmp_path / "breathing.wav")
    run = assistant(vosk_home, "transcribe", str(path))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    result = json.loads(lines[0])
    assert set(result) == {"text", "audio_seconds", "decode_seconds"}
    assert "breathing" in words(result["text"]), result
    assert result["audio_seconds"] == pytest.approx(read_wav(path).duration_s, abs=0.01)
    assert 0 < result["decode_seconds"] < result["audio_seconds"]


@pytest.mark.vosk
def test_transcribe_refuses_what_is_not_a_wav_file(vosk_home, tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("these are notes, not sound\n")
    assert_clear_message(assistant(vosk_home, "transcribe", str(text)), "cannot read", "notes.wav")
    assert_clear_message(assistant(vosk_home, "transcribe", str(tmp_path / "missing.wav")),
                         "cannot read", "missing.wav")


@pytest.mark.vosk
def test_models_list_and_verify_the_installed_model(vosk_home):
    listed = assistant(vosk_home, "models", "list")
    assert listed.returncode == 0, listed.stderr
    entries = {entry["lang"]: entry for entry in map(json.loads, listed.stdout.splitlines())}
    assert {lang: entry["installed"] for lang, entry in entries.items()} == {"en": True, "fr": False}

    verified = assistant(vosk_home, "models", "verify", "en")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "unchanged" in verified.stdout


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with its own copy of the English model, installed from the .aar: safe to tamper with.

    The shared cached model must never be changed, since every voice test links to it.
    """
    if not MODEL_AAR.is_file():
        pytest.fail(f"the small English Vosk model is not at {MODEL_AAR}: scripts/setup.sh --tests fetches it")
    home = tmp_path_factory.mktemp("installed-copy")
    run = assistant(home, "models", "install", "en", "--from", str(MODEL_AAR))
    assert run.returncode == 0, run.stderr
    return home


@pytest.mark.vosk
def test_verify_tells_a_changed_model_apart(installed_copy):
    assert assistant(installed_copy, "models", "verify", "en").returncode == 0
    with (installed_copy / "models" / "speech" / "en" / "conf" / "mfcc.conf").open("a") as conf:
        conf.write("--num-ceps=12\n")
    run = assistant(installed_copy, "models", "verify", "en")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr, run.stderr
    assert "has changed since it was installed (conf/mfcc.conf)" in run.stdout, run.stdout
    assert "assistant models install en" in run.stdout


def test_installing_from_a_broken_archive_changes_nothing(home, tmp_path):
    garbage = tmp_path / "broken.zip"
    garbage.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert_clear_message(assistant(home, "models", "install", "en", "--from", str(garbage)),
                         "does not hold a usable English speech model", "Nothing was changed")
    no_model = tmp_path / "no-model.zip"
    with zipfile.ZipFile(no_model, "w") as archive:
        archive.writestr("model/README", "a model that lost its files")
    assert_clear_message(assistant(home, "models", "install", "en", "--from", str(no_model)),
                         "does not hold a usable English speech model", "Nothing was changed")

    speech = home / "models" / "speech"
    assert not speech.exists() or list(speech.iterdir()) == [], "no partial model or staging folder is left"
    listed = [json.loads(line) for line in assistant(home, "models", "list").stdout.splitlines()]
    assert not any(entry["installed"] for entry in listed)


def test_audio_chat_without_a_speech_model_names_the_install_command(home, tmp_path):
    run = assistant(home, "--lang", "en", "chat", "--audio-in", str(espeak("hello", tmp_path / "hello.wav")))
    assert run.returncode == 2
    assert_clear_message(run, "assistant models install en")
    assert run.stdout == "", "nothing is said before everything is checked"


@pytest.mark.vosk
def test_interruptions_from_files_stop_an_exercise_and_a_crisis_is_answered(vosk_home, tmp_path):
    """`FILE@SECONDS`: "stop" 25 s into a breathing exercise, then a crisis sentence 30 s into the next one."""
    breathing = espeak("I would like to do some breathing", tmp_path / "breathing.wav")
    stop = espeak("stop", tmp_path / "stop.wav")
    crisis = espeak("I want to kill myself", tmp_path / "crisis.wav")
    run = assistant(vosk_home, "chat", "--audio-in", str(breathing), f"{stop}@25", str(breathing), f"{crisis}@30")
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    heard = [event for event in events if event["event"] == "heard"]
    assert [event["text"] for event in heard][1] == "stop", heard
    exercise = [(event["state"], event["t"]) for event in events if event["event"] == "exercise"]
    assert [state for state, _ in exercise] == ["started", "stopped", "started", "stopped"], exercise
    first_turn = next(event["t"] for event in events if event["event"] == "listen")
    assert exercise[1][1] == pytest.approx(first_turn + 25 + wav_seconds(stop) + SHORT_ANSWER_SILENCE_S, abs=0.2)
    second_turn = heard[2]["t"] - wav_seconds(breathing) - SHORT_ANSWER_SILENCE_S
    safety = [event for event in events if event["event"] == "safety"]
    assert [event["level"] for event in safety] == ["crisis"]
    assert exercise[2][1] < safety[0]["t"] <= second_turn + 30 + wav_seconds(crisis) + 2.0, (exercise, safety)


def test_a_bad_interruption_delay_is_refused_before_anything_is_said(vosk_home, tmp_path):
    stop = espeak("stop", tmp_path / "stop.wav")
    run = assistant(vosk_home, "chat", "--audio-in", f"{stop}@soon")
    assert_clear_message(run, "FILE@SECONDS")
    assert run.stdout == ""


@pytest.mark.vosk
def test_install_and_verify_look_up_every_phrase_in_the_model_vocabulary(home, tmp_path):
    """Tested on the English model with a word it does not know: here, in the wake phrase."""
    assert assistant(home, "settings", "set", "listening.wake_phrase.en", "hello wobblefrump").returncode == 0
    installed = assistant(home, "models", "install", "en", "--from", str(MODEL_AAR))
    assert installed.returncode == 0, installed.stderr
    assert 'the word "wobblefrump" of the phrase "hello wobblefrump" (settings: listening.wake_phrase.en' \
        in installed.stdout, installed.stdout
    assert "knows every word" not in installed.stdout
    verified = assistant(home, "models", "verify", "en")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "unchanged" in verified.stdout and "wobblefrump" in verified.stdout
    assert assistant(home, "settings", "set", "listening.wake_phrase.en", "hello companion").returncode == 0
    verified = assistant(home, "--lang", "fr", "models", "verify", "en")
    assert "connaît tous les mots" in verified.stdout, verified.stdout


def test_voices_are_listed_with_their_licence_and_one_is_chosen(home):
    listed = assistant(home, "voices", "list")
    assert listed.returncode == 0, listed.stderr
    voices = {entry["name"]: entry for entry in map(json.loads, listed.stdout.splitlines())}
    assert {"en-gb", "fr-fr", "mb-fr4", "mb-fr1", "mb-us1", "mb-en1"} <= set(voices)
    assert voices["en-gb"]["selected"] and not voices["mb-fr4"]["selected"]
    assert "may not be sold" in voices["mb-fr4"]["licence"]
    assert voices["mb-fr4"]["installed"], "scripts/setup.sh --tests installs the MBROLA voices"
    chosen = assistant(home, "voices", "install", "mb-fr4")
    assert chosen.returncode == 0, chosen.stderr
    assert "Licence: MBROLA fr4" in chosen.stdout and "French with the voice mb-fr4" in chosen.stdout
    settings = json.loads(assistant(home, "settings", "show").stdout)
    assert settings["voice"]["name"] == {"en": "en-gb", "fr": "mb-fr4"}
    unknown = assistant(home, "voices", "install", "mb-zz9")
    assert unknown.returncode == 2 and "There is no voice called 'mb-zz9'" in unknown.stderr
