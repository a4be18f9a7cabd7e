"""Recognition with the real small English Vosk model, on speech made by espeak-ng."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.session.inbox import Expectation
from assistant.voice.grammars import Grammar, Grammars, Phrase, spell
from assistant.voice.models import END_OF_TURN_SILENCE_S, SpeechModelMissing
from assistant.voice.recognition import Ears, Recogniser, choose, words_confidence
from assistant.voice.wav import AudioFileUnreadable, read_wav, resample
from voice_fixtures import ears, espeak, make_ears, vosk_model_dir, with_noise  # noqa: F401  (fixtures)

SHORT_ANSWERS = [  # (said, expected answer kind, espeak-ng voice, words per minute, noise level)
    ("three", "number", "en-gb", 130, 0.0), ("four", "number", "en-us", 150, 0.01),
    ("three", "number", "en+f3", 110, 0.02), ("four", "number", "en-gb-x-rp", 170, 0.0),
    ("skip", "number", "en-us+m3", 130, 0.01), ("skip", "number", "en-gb", 110, 0.0),
    ("yes", "yes_no", "en-gb", 130, 0.02), ("yes", "yes_no", "en+f4", 150, 0.0),
    ("no", "yes_no", "en-us", 110, 0.01), ("no", "yes_no", "en-gb-x-rp", 170, 0.0),
    ("five", "number", "en-gb", 150, 0.0), ("two", "number", "en+f3", 130, 0.02),
]


@pytest.fixture(scope="module")
def recogniser(ears: Ears) -> Recogniser:  # noqa: F811
    return ears.recogniser


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

MENU = ("breathing", "check-in", "how have I been")
"""What the menu offers today ("You can say: breathing, check-in, or how have I been")."""


def test_grammar_phrases_are_data_for_both_languages() -> None:
    grammars = Grammars.load()
    for lang in ("en", "fr"):
        listening = grammars.for_model(lang, None, "hello companion")
        for expect in ("number", "yes_no"):
            phrases = [phrase.spoken for phrase in listening.grammar(Expectation(expect)).phrases]
            assert phrases and all(phrase == phrase.lower() for phrase in phrases)
            assert all(phrase.line > 0 and phrase.source.endswith("grammars.yml")
                       for phrase in listening.grammar(Expectation(expect)).phrases)
    english = grammars.for_model("en", None, "hello companion")
    assert {"one", "five", "skip", "stop", "repeat"} <= set(english.grammar(Expectation("number")).vosk_phrases())
    assert {"yes", "no", "help", "[unk]"} <= set(english.grammar(Expectation("yes_no")).vosk_phrases())
    french = grammars.for_model("fr", None, "bonjour compagnon")
    spoken = set(french.grammar(Expectation("number")).vosk_phrases()
                 + french.grammar(Expectation("yes_no")).vosk_phrases())
    assert {"un", "cinq", "oui", "non", "stop", "répète"} <= spoken


def test_free_and_unknown_expectations_mean_free_speech() -> None:
    listening = Grammars.load().for_model("fr", None, "bonjour compagnon")
    assert listening.grammar(Expectation("free")) is None
    assert listening.grammar(Expectation("minutes")) is None


def test_offered_phrases_make_a_grammar_first_then_the_commands(ears: Ears) -> None:  # noqa: F811
    grammar = ears.phrases.grammar(Expectation("free", MENU))
    assert [phrase.text for phrase in grammar.phrases[:3]] == list(MENU)
    assert [phrase.spoken for phrase in grammar.phrases[:3]] == ["breathing", "check in", "how have i been"]
    assert "stop" in grammar.vosk_phrases() and "one" not in grammar.vosk_phrases()
    assert Expectation("free", MENU).short_answer


def test_written_words_are_spelt_as_the_model_spells_them(ears: Ears) -> None:  # noqa: F811
    model = ears.recogniser
    assert spell("Check-in!", model) == (("check", "in"), None)
    assert spell("How have I been?", model) == (("how", "have", "i", "been"), None)
    assert spell("that\u2019s enough", model) == (("that's", "enough"), None)
    assert spell("humeur", model) == ((), "humeur")
    assert spell("Check-in", None) == (("check-in",), None)


def test_every_phrase_is_in_the_english_model_vocabulary(ears: Ears, vosk_model_dir: Path) -> None:  # noqa: F811
    """Vosk drops unknown words from a grammar with only a warning on stderr: none may be left."""
    assert Grammars.load().unknown_words("en", ears.recogniser, "hello companion") == []
    assert ears.phrases.unknown == []
    phrases = sorted(set(ears.phrases.grammar(Expectation("number")).vosk_phrases()
                         + ears.phrases.grammar(Expectation("yes_no", MENU)).vosk_phrases()
                         + ears.phrases.interruption_grammar().vosk_phrases()))
    code = ("import json, sys, vosk; vosk.SetLogLevel(0); m = vosk.Model(sys.argv[1]); "
            "vosk.KaldiRecognizer(m, 16000, sys.argv[2])")
    done = subprocess.run([sys.executable, "-c", code, str(vosk_model_dir), json.dumps(phrases)],
                          capture_output=True, text=True, check=True)
    assert "missing" not in done.stderr.lower(), done.stderr


def test_a_word_the_model_lacks_is_reported_with_its_line_and_left_out(vosk_model_dir: Path,  # noqa: F811
                                                                        tmp_path: Path, ears: Ears) -> None:
    grammars_file = tmp_path / "grammars.yml"
    text = Path("assistant/voice/grammars.yml").read_text(encoding="utf-8")
    grammars_file.write_text(text.replace("commands:\n  en: [help,", "commands:\n  en: [help, humeur,"),
                             encoding="utf-8")
    line = next(number for number, content in enumerate(grammars_file.read_text().splitlines(), 1)
                if "humeur" in content)
    grammars = Grammars.load(grammars_file)
    unknown = grammars.unknown_words("en", ears.recogniser, "hello wobblefrump")
    assert [(word.word, word.line) for word in unknown] == [("humeur", line), ("wobblefrump", 0)]
    assert unknown[0].source == str(grammars_file) and "settings" in unknown[1].source
    sentence = unknown[0].describe("en", "en")
    assert "humeur" in sentence and f"line {line}" in sentence and str(grammars_file) in sentence
    assert "ligne" in unknown[0].describe("fr", "en")
    listening = grammars.for_model("en", ears.recogniser, "hello companion")
    assert "humeur" not in listening.grammar(Expectation("number")).vosk_phrases()
    assert [word.word for word in listening.unknown] == ["humeur"]


def test_an_offered_phrase_the_model_cannot_hear_is_told_once_and_left_out(vosk_model_dir: Path) -> None:  # noqa: F811
    notices: list = []
    french_menu = make_ears(vosk_model_dir, notices=notices)
    for _ in range(2):
        grammar = french_menu.phrases.grammar(Expectation("free", ("humeur", "breathing")))
    assert [phrase.text for phrase in grammar.phrases[:1]] == ["breathing"]
    assert "humeur" not in grammar.vosk_phrases()
    assert notices == [("speech_offered_word_unknown", {"phrase": "humeur", "word": "humeur"})]


def phrase(text: str) -> Phrase:
    return Phrase(text, tuple(text.split()), "test")


ANSWERS = Grammar(tuple(map(phrase, ["yes", "no", "three", "check in", "stop"])))


def never_crisis(text: str) -> None:
    return None


@pytest.mark.parametrize("free, narrow, expected, by_grammar", [
    ("three", "three", "three", True),
    ("free", "three", "three", True),
    ("cherokee", "check in", "check in", True),
    ("the check in", "check in", "check in", True),
    ("", "yes", "yes", True),
    ("no", "yes", "no", False),  # the free text names another answer: not clear enough
    ("i don't want to do it today", "no", "i don't want to do it today", False),  # a sentence
    ("one goodbye", "one goodbye", "one goodbye", False),  # not exactly one phrase
    ("yes", "yes [unk]", "yes", False),
])
def test_the_grammar_wins_only_when_it_is_clearly_the_answer(free: str, narrow: str, expected: str,
                                                             by_grammar: bool) -> None:
    heard = choose({"text": free}, {"text": narrow}, ANSWERS, never_crisis)
    assert (heard.text, heard.by_grammar) == (expected, by_grammar)


def test_a_crisis_in_the_free_text_always_wins(ears: Ears) -> None:  # noqa: F811
    heard = choose({"text": "i want to die"}, {"text": "yes"}, ANSWERS, ears.is_crisis)
    assert (heard.text, heard.by_grammar) == ("i want to die", False)


def accuracy(ears: Ears, tmp_path: Path, use_grammar: bool) -> float:  # noqa: F811
    right = 0
    for index, (said, expect, voice, rate, noise) in enumerate(SHORT_ANSWERS):
        path = with_noise(espeak(said, tmp_path / f"{index}.wav", voice, rate), noise, seed=index)
        audio = ears.recogniser.read(path)
        heard = ears.hear(audio, Expectation(expect)) if use_grammar else ears.decode(audio, None)
        right += heard.text == said
    return right / len(SHORT_ANSWERS)


def test_grammar_is_at_least_as_accurate_as_free_recognition(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    free = accuracy(ears, tmp_path, use_grammar=False)
    grammar = accuracy(ears, tmp_path, use_grammar=True)
    assert grammar >= free
    assert grammar >= 0.9


MENU_SAID = [  # (said, espeak-ng voice, words per minute, noise level): the menu's words, spoken
    ("check in", "en-gb", 130, 0.0), ("check in", "en-us", 150, 0.02), ("check in", "en+f3", 110, 0.01),
    ("breathing", "en-gb", 130, 0.0), ("breathing", "en-us+m3", 150, 0.02), ("breathing", "en+f4", 110, 0.0),
]


def test_an_offered_phrase_is_understood_when_said(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """Freely, "check in" comes back as "cherokee", "turkey" or "your kid"; offered, as the menu says it."""
    for index, (said, voice, rate, noise) in enumerate(MENU_SAID):
        audio = ears.recogniser.read(with_noise(espeak(said, tmp_path / f"{index}.wav", voice, rate), noise, index))
        heard = ears.hear(audio, Expectation("free", MENU))
        assert (heard.text, heard.by_grammar) == ({"check in": "check-in"}.get(said, said), True), (voice, rate)


@pytest.mark.parametrize("sentence, expect", [("I want to die", Expectation("number")),
                                              ("I don't want to be here any more", Expectation("yes_no")),
                                              ("I want to kill myself", Expectation("free", MENU)),
                                              ("could you say that again please", Expectation("number"))])
def test_a_sentence_is_never_squeezed_into_an_answer(ears: Ears, tmp_path: Path,  # noqa: F811
                                                     sentence: str, expect: Expectation) -> None:
    audio = ears.recogniser.read(espeak(sentence, tmp_path / "sentence.wav", "en-gb", 130))
    heard = ears.hear(audio, expect)
    assert not heard.by_grammar or heard.text == "say that again"
    assert len(heard.text.split()) >= 3
    assert heard.confidence is not None


def test_a_command_is_heard_while_a_number_is_expected(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    audio = ears.recogniser.read(espeak("repeat", tmp_path / "repeat.wav", "en-gb", 130))
    assert ears.hear(audio, Expectation("number")).text == "repeat"


def test_stream_gives_words_with_confidences(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    audio = ears.recogniser.read(espeak("four", tmp_path / "four.wav", "en-gb", 130))
    stream = ears.recogniser.stream(ears.phrases.grammar(Expectation("number")))
    stream.AcceptWaveform(audio.tobytes())
    result = json.loads(stream.FinalResult())
    assert result["text"] == "four"
    assert {"word", "conf", "start", "end"} <= set(result["result"][0])


def test_words_confidence() -> None:
    assert words_confidence({"text": ""}) is None
    assert words_confidence({"result": [{"word": "a", "conf": 0.5}, {"word": "b", "conf": 1.0}]}) == 0.75


def test_silence_gives_no_text(ears: Ears) -> None:  # noqa: F811
    heard = ears.hear(np.zeros(32000, np.int16), Expectation("yes_no"))
    assert (heard.text, heard.confidence) == ("", None)


# End of turn ---------------------------------------------------------------------------


def speech_with_pause(tmp_path: Path, pause_s: float) -> np.ndarray:
    """ "I would like to ... do some breathing" at 16 kHz, with `pause_s` in the middle and 3 s of silence after."""
    first = espeak("I would like to", tmp_path / "first.wav", "en-gb", 130)
    second = espeak("do some breathing", tmp_path / "second.wav", "en-gb", 130)
    parts = [resample(read_wav(path).samples, 22050, 16000) for path in (first, second)]
    return np.concatenate([parts[0], np.zeros(int(pause_s * 16000), np.int16), parts[1],
                           np.zeros(3 * 16000, np.int16)])


def endpoints(recogniser: Recogniser, audio: np.ndarray, grammar: Grammar | None = None) -> list[float]:
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
    assert recogniser.recognise(audio)["text"].endswith("like to do some breathing")


def test_a_long_turn_is_not_cut_at_twenty_seconds(recogniser: Recogniser, tmp_path: Path) -> None:
    """Kaldi's default rule5 ends any turn at 20 s; a slow speaker's long turn must go on."""
    story = ("when I was young we lived by the sea and every morning my father took us down to the harbour "
             "to watch the boats come in and we would count the gulls and buy bread from the baker on the corner "
             "and my mother would sing as she hung the washing out in the garden while my little brother "
             "chased the cat around the apple tree until it was time for school")
    audio = recogniser.read(espeak(story, tmp_path / "story.wav", "en-gb", 110))
    assert len(audio) / 16000 > 22
    assert endpoints(recogniser, audio) in ([], [pytest.approx(len(audio) / 16000, abs=0.1)])


def test_phrases_offered_by_the_dialogue_are_checked_with_their_file_and_line(ears: Ears,  # noqa: F811
                                                                              tmp_path: Path) -> None:
    """The French menu offers "humeur": a response's `metadata.offers` is looked up like the grammar files."""
    for lang, offers in (("en", '["breathing", "check-in"]'), ("fr", '["respiration", "humeur"]')):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "core.yml").write_text(
            'version: "3.1"\nresponses:\n  utter_greet:\n    - text: "Hello."\n      metadata:\n'
            f"        offers: {offers}\n", encoding="utf-8")
    grammars = Grammars.load(responses_dir=tmp_path)
    assert grammars.unknown_words("en", ears.recogniser) == []
    unknown = grammars.unknown_words("fr", ears.recogniser)
    humeur = next(word for word in unknown if word.word == "humeur")
    assert (humeur.line, humeur.source) == (6, str(tmp_path / "fr" / "core.yml"))
