"""Recognition of real people's speech: Debian's pocketsphinx-testdata (LibriVox and CMU recordings, 16 kHz).

espeak-ng's voices are one synthesiser's idea of speech; these recordings are
people. The figures themselves come from benchmarks/bench_recognition.py; here,
bounds that catch a regression.
"""

from __future__ import annotations

import pytest

from assistant.session.inbox import Expectation
from assistant.voice.recognition import Ears
from voice_fixtures import RealRecording, cut_words, ears, real_recordings, vosk_model_dir, word_errors  # noqa: F401

ANSWERS = {"one", "two", "three", "four", "five"}


@pytest.fixture(scope="module")
def recordings() -> list[RealRecording]:
    return real_recordings()


def test_the_corpus_is_there_with_its_transcripts(recordings: list[RealRecording]) -> None:
    by_corpus = {corpus: [r for r in recordings if r.corpus == corpus] for corpus in ("librivox", "cards", "cmu")}
    assert [len(found) for found in by_corpus.values()] == [5, 5, 2]
    assert all(len(r.samples) > 16000 and r.transcript for r in recordings)


def test_free_recognition_of_read_speech_stays_accurate(ears: Ears,  # noqa: F811
                                                        recordings: list[RealRecording]) -> None:
    """LibriVox: a woman reading Sense and Sensibility. Word error rate 5.6 % when this was written."""
    read = [r for r in recordings if r.corpus == "librivox"]
    errors = sum(word_errors(r.transcript, ears.recogniser.recognise(r.samples)["text"]) for r in read)
    words = sum(len(r.transcript.split()) for r in read)
    assert errors / words <= 0.10, f"word error rate {errors / words:.1%}"


def test_real_spoken_numbers_are_heard_as_answers(ears: Ears, recordings: list[RealRecording]) -> None:  # noqa: F811
    """Numbers cut out of real recordings (playing cards, a digit string) where an alignment places them.

    Freely, the card player's "four" is heard as "for"; expecting a number, as "four".
    """
    cuts = [cut for recording in recordings for cut in cut_words(ears.recogniser, recording, ANSWERS)]
    assert sorted(word for word, _ in cuts) == ["five", "five", "four", "four", "four", "three", "two"]
    heard = [(word, ears.hear(audio, Expectation("number")).text) for word, audio in cuts]
    assert all(word == text for word, text in heard), heard
    free = [ears.decode(audio, None).text for _, audio in cuts]
    assert sum(text == word for text, (word, _) in zip(free, cuts)) < len(cuts), "the grammar is what makes it work"
