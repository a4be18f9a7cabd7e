"""The spoken voice: real espeak-ng speech through pyttsx3 and the espeak-ng program, into WAV files."""

from __future__ import annotations

import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.session.clock import VirtualClock
from assistant.paths import AUDIO_DIR
from assistant.session.speech import wav_seconds
from assistant.voice import synthesis
from assistant.voice.synthesis import (EspeakNgCommand, EspeakVoice, Pyttsx3Synthesiser, SpeechSynthesisFailed,
                                       SynthesisFailed, WavFileOutput)
from assistant.voice.wav import read_wav

VOICES = {"en": "en-gb", "fr": "fr-fr"}
PROMPT = "How is your mood today, from one to five?"


class Recorder:
    """An AudioOutput that keeps what it is given."""

    def __init__(self) -> None:
        self.played: list[tuple[np.ndarray, int]] = []
        self.stops = 0

    def play(self, samples: np.ndarray, sample_rate_hz: int) -> None:
        self.played.append((samples, sample_rate_hz))

    def stop(self) -> None:
        self.stops += 1


class Counting:
    """A real synthesiser that counts its calls."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0

    def to_wav(self, text: str, voice: str, rate_wpm: float, path: Path) -> None:
        self.calls += 1
        self.inner.to_wav(text, voice, rate_wpm, path)


def tone(duration_s: float, rate_hz: int, level: int = 10000) -> np.ndarray:
    times = np.arange(int(duration_s * rate_hz)) / rate_hz
    return (level * np.sin(2 * np.pi * 440 * times)).astype(np.int16)


# Speech ---------------------------------------------------------------------


def test_speech_duration_is_the_real_wav_length() -> None:
    recorder = Recorder()
    playback = EspeakVoice(recorder, VOICES).speech(PROMPT, "en", 130, 1.0)
    playback.start()
    samples, rate_hz = recorder.played[0]
    assert rate_hz == 22050
    assert playback.duration_s == pytest.approx(len(samples) / rate_hz)
    assert 2.5 < playback.duration_s < 5.0


def test_speech_has_the_same_length_as_the_espeak_ng_program_makes(tmp_path: Path) -> None:
    made = EspeakNgCommand()
    made.to_wav(PROMPT, "en-gb", 130, tmp_path / "reference.wav")
    playback = EspeakVoice(Recorder(), VOICES, synthesisers=[Pyttsx3Synthesiser()]).speech(PROMPT, "en", 130, 1.0)
    assert playback.duration_s == pytest.approx(wav_seconds(tmp_path / "reference.wav"), rel=0.02)


@pytest.mark.parametrize("make", [Pyttsx3Synthesiser, EspeakNgCommand])
def test_a_slower_rate_gives_a_longer_wav(make) -> None:
    voice = EspeakVoice(Recorder(), VOICES, synthesisers=[make()])
    durations = [voice.speech(PROMPT, "en", rate, 1.0).duration_s for rate in (160, 130, 100, 130)]
    assert durations[0] < durations[1] < durations[2]
    assert durations[2] > 1.4 * durations[0]
    assert durations[3] == durations[1]


def test_each_language_uses_its_own_voice() -> None:
    voice = EspeakVoice(Recorder(), VOICES, synthesisers=[Pyttsx3Synthesiser()])
    french = voice.speech("Comment allez-vous aujourd'hui ?", "fr", 130, 1.0).duration_s
    english = voice.speech("Comment allez-vous aujourd'hui ?", "en", 130, 1.0).duration_s
    assert french > 0.5 and english > 0.5
    assert french != english


def test_voice_variants_are_accepted(tmp_path: Path) -> None:
    Pyttsx3Synthesiser().to_wav("Hello there.", "en+f3", 130, tmp_path / "variant.wav")
    assert wav_seconds(tmp_path / "variant.wav") > 0.5


def test_volume_is_applied_in_software() -> None:
    recorder = Recorder()
    voice = EspeakVoice(recorder, VOICES)
    voice.speech("Breathe in.", "en", 130, 1.0).start()
    voice.speech("Breathe in.", "en", 130, 0.5).start()
    loud, quiet = (samples.astype(np.int32) for samples, _ in recorder.played)
    assert np.abs(quiet - loud // 2).max() <= 1
    assert np.abs(loud).max() > 1000


def test_repeated_cues_are_synthesised_once() -> None:
    counting = Counting(EspeakNgCommand())
    voice = EspeakVoice(Recorder(), VOICES, synthesisers=[counting])
    for _ in range(3):
        voice.speech("Breathe out, slowly.", "en", 130, 0.8)
    voice.speech("Breathe out, slowly.", "en", 110, 0.8)
    assert counting.calls == 2


def test_pyttsx3_writes_nothing_on_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    EspeakVoice(Recorder(), VOICES, synthesisers=[Pyttsx3Synthesiser()]).speech("Hello.", "en", 130, 1.0)
    assert capfd.readouterr().out == ""


# Falling back to the espeak-ng program ------------------------------------------


def broken_engine():
    raise RuntimeError("could not initialize espeak")


def test_when_pyttsx3_fails_the_espeak_ng_program_speaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthesis, "_pyttsx3_engine", broken_engine)
    notices: list[tuple[str, dict]] = []
    fallback = Counting(EspeakNgCommand())
    voice = EspeakVoice(Recorder(), VOICES, synthesisers=[Pyttsx3Synthesiser(), fallback],
                        notice=lambda key, values: notices.append((key, values)))
    first = voice.speech(PROMPT, "en", 130, 1.0)
    voice.speech("Thank you.", "en", 130, 1.0)
    assert first.duration_s == pytest.approx(3.70, abs=0.05)
    assert fallback.calls == 2
    assert [key for key, _ in notices] == ["speech_engine_fallback"]
    assert "could not initialize espeak" in str(notices[0][1]["problem"])


def test_the_default_voice_falls_back_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthesis, "_pyttsx3_engine", broken_engine)
    assert EspeakVoice(Recorder(), VOICES).speech("Hello.", "en", 130, 1.0).duration_s > 0.3


def test_the_espeak_ng_program_makes_a_16_bit_mono_wav(tmp_path: Path) -> None:
    EspeakNgCommand().to_wav("-- not an option", "fr-fr", 120, tmp_path / "out.wav")
    with wave.open(str(tmp_path / "out.wav"), "rb") as sound:
        assert (sound.getnchannels(), sound.getsampwidth()) == (1, 2)
        assert sound.getnframes() / sound.getframerate() > 0.5


def test_an_unknown_voice_gives_way_to_the_usual_one_and_says_how_to_choose() -> None:
    notices: list[tuple[str, dict]] = []
    voice = EspeakVoice(Recorder(), {"en": "nosuchvoice"}, notice=lambda key, values: notices.append((key, values)))
    assert voice.speech("Hello.", "en", 130, 1.0).duration_s > 0.3
    voice.speech("Hello again.", "en", 130, 1.0)
    assert [(key, values["voice"], values["usual"]) for key, values in notices] == [
        ("speech_voice_fallback", "nosuchvoice", "en-gb")]
    assert "nosuchvoice" in notices[0][1]["problem"]


def test_when_even_the_usual_voice_fails_the_caregiver_is_told_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthesis, "_pyttsx3_engine", broken_engine)
    voice = EspeakVoice(Recorder(), {"en": "en-gb"}, synthesisers=[Pyttsx3Synthesiser(), Broken()])
    with pytest.raises(SpeechSynthesisFailed) as raised:
        voice.speech("Hello.", "en", 130, 1.0)
    assert "en-gb" in str(raised.value)
    assert "assistant settings set voice.name.en en-gb" in str(raised.value)


class Broken:
    def to_wav(self, text: str, voice: str, rate_wpm: float, path: Path) -> None:
        raise SynthesisFailed("espeak-ng: not installed")


MBROLA_VOICES = [("mb-us1", "en", 16000), ("mb-en1", "en", 16000), ("mb-fr1", "fr", 16000), ("mb-fr4", "fr", 22050)]


@pytest.mark.parametrize("name, lang, rate_hz", MBROLA_VOICES)
def test_an_mbrola_voice_speaks_at_its_own_rate(name: str, lang: str, rate_hz: int, tmp_path: Path) -> None:
    """pyttsx3 writes 22,050 Hz into the header for every voice; the real rate is put back.

    The length must match what the espeak-ng program makes (its header is right).
    """
    assert synthesis.mbrola_installed(synthesis.mbrola_database_name(name)), \
        f"the MBROLA voice {name} is not installed: assistant voices install {name}"
    text = "Bonjour, comment allez-vous aujourd'hui ?" if lang == "fr" else "Hello, how are you today?"
    Pyttsx3Synthesiser().to_wav(text, name, 130, tmp_path / "pyttsx3.wav")
    EspeakNgCommand().to_wav(text, name, 130, tmp_path / "program.wav")
    ours, program = read_wav(tmp_path / "pyttsx3.wav"), read_wav(tmp_path / "program.wav")
    assert ours.sample_rate_hz == program.sample_rate_hz == rate_hz
    assert ours.duration_s == pytest.approx(program.duration_s, rel=0.05)


def test_an_mbrola_voice_not_installed_gives_way_without_dropping_pyttsx3() -> None:
    notices: list[tuple[str, dict]] = []
    fast = Counting(Pyttsx3Synthesiser())
    voice = EspeakVoice(Recorder(), {"en": "mb-xx9"}, synthesisers=[fast, EspeakNgCommand()],
                        notice=lambda key, values: notices.append((key, values)))
    assert voice.speech("Hello.", "en", 130, 1.0).duration_s > 0.3
    assert [key for key, _ in notices] == ["speech_voice_fallback"]
    assert "assistant voices install mb-xx9" in notices[0][1]["problem"]
    assert fast.calls == 2, "pyttsx3 still speaks, with the usual voice"


def test_waits_for_a_file_still_being_written(tmp_path: Path) -> None:
    path = tmp_path / "late.wav"

    def write_slowly() -> None:
        time.sleep(0.1)
        with path.open("wb") as stream:
            for _ in range(5):
                stream.write(b"\0" * 1000)
                stream.flush()
                time.sleep(0.01)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    synthesis._wait_until_written(path)
    writer.join()
    assert path.stat().st_size == 5000


def test_gives_up_on_a_file_that_never_comes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthesis, "FILE_SETTLE_TIMEOUT_S", 0.1)
    with pytest.raises(SynthesisFailed):
        synthesis._wait_until_written(tmp_path / "never.wav")


# Sounds and the output file --------------------------------------------------


def test_sounds_play_at_their_own_rate_and_length() -> None:
    recorder = Recorder()
    playback = EspeakVoice(recorder, VOICES).sound(AUDIO_DIR / "chime.wav", 0.5)
    playback.start()
    playback.stop()
    assert playback.duration_s == pytest.approx(wav_seconds(AUDIO_DIR / "chime.wav"))
    assert recorder.played[0][1] == 22050
    assert recorder.stops == 1


def test_the_output_file_places_sounds_at_their_clock_time(tmp_path: Path) -> None:
    clock = VirtualClock()
    with WavFileOutput(tmp_path / "out.wav", clock) as output:
        clock.sleep_until(0.5)
        output.play(tone(1.0, 22050), 22050)
        clock.sleep_until(2.0)
        output.play(tone(0.5, 16000), 16000)
    audio = read_wav(tmp_path / "out.wav")
    assert audio.sample_rate_hz == 16000
    assert audio.duration_s == pytest.approx(2.5, abs=0.001)
    rms = [np.sqrt(np.mean(audio.samples[int(a * 16000):int(b * 16000)].astype(float) ** 2))
           for a, b in ((0.0, 0.49), (0.51, 1.49), (1.51, 1.99), (2.01, 2.49))]
    assert rms[0] == 0 and rms[2] == 0
    assert rms[1] > 5000 and rms[3] > 5000


def test_a_stopped_sound_is_cut_at_the_moment_of_stopping(tmp_path: Path) -> None:
    clock = VirtualClock()
    with WavFileOutput(tmp_path / "out.wav", clock) as output:
        output.play(tone(3.0, 16000), 16000)
        clock.sleep_until(1.25)
        output.stop()
        clock.sleep_until(2.0)
        output.play(tone(0.5, 16000), 16000)
        clock.sleep_until(4.0)
        output.stop()
    samples = read_wav(tmp_path / "out.wav").samples
    assert len(samples) == int(2.5 * 16000)
    assert np.all(samples[int(1.25 * 16000):int(2.0 * 16000)] == 0)
    assert np.abs(samples[int(1.2 * 16000):int(1.25 * 16000)]).max() > 5000


def test_overlapping_sounds_are_mixed(tmp_path: Path) -> None:
    clock = VirtualClock()
    with WavFileOutput(tmp_path / "out.wav", clock) as output:
        output.play(np.full(16000, 1000, np.int16), 16000)
        clock.sleep_until(0.5)
        output.play(np.full(16000, 2000, np.int16), 16000)
    samples = read_wav(tmp_path / "out.wav").samples
    assert len(samples) == 24000
    assert (samples[4000], samples[12000], samples[20000]) == (1000, 3000, 2000)


def test_speech_played_into_the_file_lasts_its_duration(tmp_path: Path) -> None:
    clock = VirtualClock()
    with WavFileOutput(tmp_path / "out.wav", clock) as output:
        playback = EspeakVoice(output, VOICES).speech(PROMPT, "en", 130, 0.8)
        playback.start()
        clock.sleep_until(playback.duration_s)
    assert wav_seconds(tmp_path / "out.wav") == pytest.approx(playback.duration_s, abs=0.001)
