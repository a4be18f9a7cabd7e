"""Recognition with the real small English Vosk model, on speech made by espeak-ng."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.voice.models import END_OF_TURN_SILENCE_S, SpeechModelMissing
from assistant.voice.recognition import Recogniser, grammar_for, words_confidence, _grammars
from assistant.voice.wav import AudioFileUnreadable, read_wav, resample
from voice_fixtures import espeak, vosk_model_dir, with_noise  # noqa: F401  (a fixture)

SHORT_ANSWERS = [  # (said, expected answer kind, espeak-ng voice, words per minute, noise level)
    ("three", "number", "en-gb", 130, 0.0), ("four", "number", "en-us", 150, 0.01),
    ("three", "number", "en+f3", 110, 0.02), ("four", "number", "en-gb-x-rp", 170, 0.0),
    ("skip", "number", "en-us+m3", 130, 0.01), ("skip", "number", "en-gb", 110, 0.0),
    ("yes", "yes_no", "en-gb", 130, 0.02), ("yes", "yes_no", "en+f4", 150, 0.0),
    ("no", "yes_no", "en-us", 110, 0.01), ("no", "yes_no", "en-gb-x-rp", 170, 0.0),
    ("five", "number", "en-gb", 150, 0.0), ("two", "number", "en+f3", 130, 0.02),
]


@pytest.fixture(scope="module")
def recogniser(vosk_model_dir: Path) -> Recogniser:  # noqa: F811
    return Recogniser(vosk_model_dir)


# The transcribe contract -------------------------------------------------------------


def test_transcribe_returns_the_contract_json(recogniser: Recogniser, tmp_path: Path) -> None:
    path = espeak("I would like to do some breathing", tmp_path / "turn.wav", "en-us", 130)
    result = recogniser.transcribe_wav(path)
    assert set(result) == {"text", "audio_seconds", "decode_seconds"}
    json.dumps(result)
    assert {"like", "some", "breathing"} <= set(result["text"].split())
    assert result["audio_seconds"] == pytest.approx(2.6, abs=0.5)
    assert 0 < result["decode_seconds"] < 10


def test_transcribe_resamples_stereo_and_other_rates(recogniser: Recogniser, tmp_path: Path) -> None:
    mono = espeak("I would like to do some breathing", tmp_path / "mono.wav", "en-gb", 130)
    stereo = tmp_path / "stereo.wav"
    subprocess.run(["sox", str(mono), "-r", "44100", "-c", "2", str(stereo)], check=True)
    result = recogniser.transcribe_wav(stereo)
    assert "breathing" in result["text"]
    assert result["audio_seconds"] == pytest.approx(recogniser.transcribe_wav(mono)["audio_seconds"], abs=0.01)


@pytest.mark.parametrize("content", [b"ID3 not a wav at all", b""])
def test_transcribe_refuses_a_file_that_is_not_wav(recogniser: Recogniser, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "voice.mp3"
    path.write_bytes(content)
    with pytest.raises(AudioFileUnreadable) as raised:
        recogniser.transcribe_wav(path)
    assert str(path) in str(raised.value)
    assert "WAV" in str(raised.value)


def test_transcribe_refuses_floating_point_wav_with_a_hint(recogniser: Recogniser, tmp_path: Path) -> None:
    source = espeak("hello", tmp_path / "hello.wav")
    floating = tmp_path / "float.wav"
    subprocess.run(["sox", str(source), "-e", "floating-point", "-b", "32", str(floating)], check=True)
    with pytest.raises(AudioFileUnreadable, match="sox INPUT -b 16 OUTPUT.wav"):
        recogniser.transcribe_wav(floating)


def test_transcribe_command_line_contract(vosk_model_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    """What `assistant transcribe FILE.wav` prints: one JSON object on stdout, nothing else."""
    path = espeak("good morning", tmp_path / "turn.wav")
    code = ("import json, sys; from pathlib import Path; from assistant.voice.recognition import Recogniser; "
            "print(json.dumps(Recogniser(Path(sys.argv[1])).transcribe_wav(Path(sys.argv[2]))))")
    done = subprocess.run([sys.executable, "-c", code, str(vosk_model_dir), str(path)],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["text"] == "good morning"


def test_a_model_that_cannot_load_says_how_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(SpeechModelMissing) as raised:
        Recogniser(tmp_path / "nowhere", lang="fr")
    assert "Réinstallez-le : assistant models install fr" in str(raised.value)


# Grammars -------------------------------------------------------------------------


def test_grammar_phrases_are_data_for_both_languages() -> None:
    grammars = _grammars()
    for lang in ("en", "fr"):
        assert lang in grammars["commands"]
        for expect in ("number", "yes_no"):
            phrases = grammar_for(expect, lang)
            assert phrases and all(isinstance(phrase, str) and phrase == phrase.lower() for phrase in phrases)
            assert len(phrases) == len(set(phrases))
    assert {"one", "five", "skip", "stop", "repeat"} <= set(grammar_for("number", "en"))
    assert {"yes", "no", "help"} <= set(grammar_for("yes_no", "en"))
    assert {"un", "cinq", "oui", "non", "stop", "répète"} <= set(grammar_for("number", "fr") + grammar_for("yes_no", "fr"))


def test_free_and_unknown_expectations_mean_free_speech() -> None:
    assert grammar_for("free", "en") is None
    assert grammar_for("minutes", "fr") is None


def test_every_english_grammar_word_is_in_the_model_vocabulary(vosk_model_dir: Path) -> None:  # noqa: F811
    """Vosk drops unknown words from a grammar with only a warning on stderr."""
    phrases = sorted(set(grammar_for("number", "en") + grammar_for("yes_no", "en")))
    code = ("import json, sys, vosk; vosk.SetLogLevel(-1); m = vosk.Model(sys.argv[1]); "
            "vosk.KaldiRecognizer(m, 16000, sys.argv[2])")
    done = subprocess.run([sys.executable, "-c", code, str(vosk_model_dir), json.dumps(phrases + ["[unk]"])],
                          capture_output=True, text=True, check=True)
    assert "missing in vocabulary" not in done.stderr, done.stderr


def accuracy(recogniser: Recogniser, tmp_path: Path, use_grammar: bool) -> float:
    right = 0
    for index, (said, expect, voice, rate, noise) in enumerate(SHORT_ANSWERS):
        path = with_noise(espeak(said, tmp_path / f"{index}.wav", voice, rate), noise, seed=index)
        text, _ = recogniser.decode(recogniser.read(path), grammar_for(expect, "en") if use_grammar else None)
        right += text == said
    return right / len(SHORT_ANSWERS)


def test_grammar_is_at_least_as_accurate_as_free_recognition(recogniser: Recogniser, tmp_path: Path) -> None:
    free = accuracy(recogniser, tmp_path, use_grammar=False)
    grammar = accuracy(recogniser, tmp_path, use_grammar=True)
    assert grammar >= free
    assert grammar >= 0.9


@pytest.mark.parametrize("sentence, expect", [("I want to die", "number"),
                                              ("I don't want to be here any more", "yes_no"),
                                              ("could you say that again please", "number")])
def test_a_sentence_is_never_squeezed_into_an_answer(recogniser: Recogniser, tmp_path: Path,
                                                     sentence: str, expect: str) -> None:
    audio = recogniser.read(espeak(sentence, tmp_path / "sentence.wav", "en-gb", 130))
    grammar = grammar_for(expect, "en")
    text, confidence = recogniser.decode(audio, grammar)
    assert text not in grammar
    assert len(text.split()) >= 3
    assert confidence is not None


def test_a_command_is_heard_while_a_number_is_expected(recogniser: Recogniser, tmp_path: Path) -> None:
    audio = recogniser.read(espeak("repeat", tmp_path / "repeat.wav", "en-gb", 130))
    assert recogniser.decode(audio, grammar_for("number", "en"))[0] == "repeat"


def test_stream_gives_words_with_confidences(recogniser: Recogniser, tmp_path: Path) -> None:
    audio = recogniser.read(espeak("four", tmp_path / "four.wav", "en-gb", 130))
    stream = recogniser.stream(grammar_for("number", "en"))
    stream.AcceptWaveform(audio.tobytes())
    result = json.loads(stream.FinalResult())
    assert result["text"] == "four"
    assert {"word", "conf", "start", "end"} <= set(result["result"][0])


def test_words_confidence() -> None:
    assert words_confidence({"text": ""}) is None
    assert words_confidence({"result": [{"word": "a", "conf": 0.5}, {"word": "b", "conf": 1.0}]}) == 0.75


def test_silence_gives_no_text(recogniser: Recogniser) -> None:
    assert recogniser.decode(np.zeros(32000, np.int16), grammar_for("yes_no", "en")) == ("", None)


# End of turn ---------------------------------------------------------------------------


def speech_with_pause(tmp_path: Path, pause_s: float) -> np.ndarray:
    """ "I would like to ... do some breathing" at 16 kHz, with `pause_s` in the middle and 3 s of silence after."""
    first = espeak("I would like to", tmp_path / "first.wav", "en-gb", 130)
    second = espeak("do some breathing", tmp_path / "second.wav", "en-gb", 130)
    parts = [resample(read_wav(path).samples, 22050, 16000) for path in (first, second)]
    return np.concatenate([parts[0], np.zeros(int(pause_s * 16000), np.int16), parts[1],
                           np.zeros(3 * 16000, np.int16)])


def endpoints(recogniser: Recogniser, audio: np.ndarray, grammar: list[str] | None = None) -> list[float]:
    """The moments (seconds into `audio`) at which the model's rules end a turn."""
    stream = recogniser.stream(grammar)
    chunk = 1600
    found = []
    for start in range(0, len(audio), chunk):
        if stream.AcceptWaveform(audio[start:start + chunk].tobytes()):
            found.append((start + chunk) / 16000)
            stream.Result()
    return found


def default_endpointing_copy(model: Path, tmp_path: Path) -> Path:
    """The same model with Vosk's shipped end-of-turn rules (0.5 / 0.75 / 1.0 s, 20 s turns)."""
    copy = tmp_path / "default-model"
    copy.mkdir()
    for entry in model.iterdir():
        if entry.name != "conf":
            (copy / entry.name).symlink_to(entry.resolve())
    (copy / "conf").mkdir()
    (copy / "conf" / "mfcc.conf").symlink_to((model / "conf" / "mfcc.conf").resolve())
    conf = [line for line in (model / "conf" / "model.conf").read_text().splitlines() if "endpoint.rule" not in line]
    conf += ["--endpoint.rule2.min-trailing-silence=0.5", "--endpoint.rule3.min-trailing-silence=0.75",
             "--endpoint.rule4.min-trailing-silence=1.0"]
    (copy / "conf" / "model.conf").write_text("\n".join(conf) + "\n")
    return copy


def test_a_mid_sentence_pause_does_not_end_the_turn(recogniser: Recogniser, vosk_model_dir: Path,  # noqa: F811
                                                    tmp_path: Path) -> None:
    audio = speech_with_pause(tmp_path, pause_s=1.2)
    ours = endpoints(recogniser, audio)
    assert len(ours) == 1
    speech_end_s = len(audio) / 16000 - 3
    assert speech_end_s + END_OF_TURN_SILENCE_S - 0.3 <= ours[0] <= speech_end_s + 2.5
    shipped = endpoints(Recogniser(default_endpointing_copy(vosk_model_dir, tmp_path)), audio)
    assert len(shipped) == 2, "the shipped rules cut the sentence at the pause"
    assert recogniser.decode(audio)[0].endswith("like to do some breathing")


def test_a_long_turn_is_not_cut_at_twenty_seconds(recogniser: Recogniser, tmp_path: Path) -> None:
    """Kaldi's default rule5 ends any turn at 20 s; a slow speaker's long turn must go on."""
    story = ("when I was young we lived by the sea and every morning my father took us down to the harbour "
             "to watch the boats come in and we would count the gulls and buy bread from the baker on the corner "
             "and my mother would sing as she hung the washing out in the garden while my little brother "
             "chased the cat around the apple tree until it was time for school")
    audio = recogniser.read(espeak(story, tmp_path / "story.wav", "en-gb", 110))
    assert len(audio) / 16000 > 22
    assert endpoints(recogniser, audio) in ([], [pytest.approx(len(audio) / 16000, abs=0.1)])
