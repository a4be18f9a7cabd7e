"""The live listener (LiveInbox) with the real recogniser, fed by a scripted microphone on the virtual clock.

The microphone is the one part replaced: it hands out prepared audio (espeak-ng
speech, silences) block by block, moving the clock on as a real one would, so
that when a turn ends can be read off the audio exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.session.clock import VirtualClock
from assistant.session.inbox import Expectation
from assistant.voice.live_inbox import ECHO_GUARD_S, LiveInbox, TrailingSilence
from assistant.voice.models import END_OF_TURN_SILENCE_S, SHORT_ANSWER_SILENCE_S
from assistant.voice.recognition import Ears
from voice_fixtures import ScriptedMicrophone, at_16k, ears, espeak, vosk_model_dir  # noqa: F401

RATE_HZ = 16000
MENU = ("breathing", "check-in", "how have I been")


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE_HZ), np.int16)


def last_voiced_s(audio: np.ndarray, start_s: float = 0.0) -> float:
    """Where speech ends in `audio` (seconds), as the benchmarks measure it."""
    voiced = np.nonzero(np.abs(audio.astype(np.int32)) > 300)[0]
    return start_s + voiced[-1] / RATE_HZ


def said(tmp_path: Path, text: str, voice: str = "en-gb", rate_wpm: int = 130) -> np.ndarray:
    """`text` by espeak-ng at 16 kHz, without the silence espeak-ng leaves before and after (about 0.5 s)."""
    audio = at_16k(espeak(text, tmp_path / f"{abs(hash((text, voice, rate_wpm)))}.wav", voice, rate_wpm))
    voiced = np.nonzero(np.abs(audio.astype(np.int32)) > 300)[0]
    return audio[voiced[0]:voiced[-1] + 1]


def listener(ears: Ears, audio: np.ndarray) -> tuple[LiveInbox, ScriptedMicrophone, VirtualClock]:  # noqa: F811
    clock = VirtualClock()
    microphone = ScriptedMicrophone(clock, audio)
    return LiveInbox(microphone, ears, clock), microphone, clock


# When a turn ends ------------------------------------------------------------------


@pytest.mark.parametrize("answer, expect, heard", [
    ("three", Expectation("number"), "three"), ("yes", Expectation("yes_no"), "yes"),
    ("check in", Expectation("free", MENU), "check-in"), ("breathing", Expectation("free", MENU), "breathing"),
    ("repeat", Expectation("number"), "repeat")])
def test_an_expected_short_answer_ends_the_turn_after_a_short_silence(ears: Ears, tmp_path: Path,  # noqa: F811
                                                                    answer: str, expect: Expectation,
                                                                    heard: str) -> None:
    speech = said(tmp_path, answer)
    audio = np.concatenate([silence(0.5), speech, silence(4.0)])
    inbox, microphone, clock = listener(ears, audio)
    utterance = inbox.listen(12.0, expect)
    assert utterance is not None and utterance.text == heard
    ended_after_s = clock.now() - last_voiced_s(speech, 0.5)
    assert SHORT_ANSWER_SILENCE_S - 0.05 <= ended_after_s <= SHORT_ANSWER_SILENCE_S + 0.25, ended_after_s


def test_free_speech_keeps_the_full_end_of_turn_silence(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    speech = said(tmp_path, "good morning")
    inbox, _, clock = listener(ears, np.concatenate([silence(0.5), speech, silence(4.0)]))
    assert inbox.listen(12.0).text == "good morning"
    assert clock.now() - last_voiced_s(speech, 0.5) >= END_OF_TURN_SILENCE_S - 0.1


PAUSED_SENTENCES = [("I would like to", "do some breathing", [Expectation(), Expectation("free", MENU),
                                                                   Expectation("number"), Expectation("yes_no")]),
                    ("yes", "but only a short one please", [Expectation(), Expectation("free", MENU),
                                                            Expectation("number")])]


@pytest.mark.parametrize("first, second, expect", [(first, second, expect) for first, second, expectations
                                                   in PAUSED_SENTENCES for expect in expectations])
def test_a_pause_of_one_second_and_a_fifth_never_cuts_a_sentence(ears: Ears, tmp_path: Path,  # noqa: F811
                                                                   first: str, second: str,
                                                                   expect: Expectation) -> None:
    """Older speakers pause mid-sentence: only an expected short answer ends a turn early."""
    audio = np.concatenate([silence(0.3), said(tmp_path, first), silence(1.2), said(tmp_path, second), silence(4.0)])
    inbox, _, _ = listener(ears, audio)
    heard = inbox.listen(12.0, expect)
    words = heard.text.split() if heard is not None else []
    assert words[:len(first.split()) + 1] == (first.lower() + " " + second).split()[:len(first.split()) + 1], heard
    assert len(words) >= len((first + " " + second).split()) - 1, "both halves are one turn"


def test_what_follows_a_short_answer_is_kept_for_after_the_reply(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """After a yes/no question, "yes" and 1.2 s of silence is the answer; the rest is said over the reply."""
    audio = np.concatenate([silence(0.3), said(tmp_path, "yes"), silence(1.2),
                            said(tmp_path, "but only a short one please"), silence(4.0)])
    inbox, _, _ = listener(ears, audio)
    assert inbox.listen(12.0, Expectation("yes_no")).text == "yes"
    heard = inbox.wait(1.5, "All right.")
    assert heard is not None and heard.text.startswith("but only a short") and heard.text.endswith("please")


def test_nobody_speaking_is_silence_until_the_timeout(ears: Ears) -> None:  # noqa: F811
    inbox, _, clock = listener(ears, silence(1.0))
    assert inbox.listen(3.0, Expectation("number")) is None
    assert clock.now() == pytest.approx(3.0, abs=0.1)


def test_quiet_frames_are_counted_on_the_audio() -> None:
    tracker = TrailingSilence(RATE_HZ)
    rng = np.random.default_rng(0)
    tracker.feed((rng.normal(0, 300, RATE_HZ)).astype(np.int16))  # a noisy room
    tracker.feed((rng.normal(0, 6000, RATE_HZ // 2)).astype(np.int16))  # speech
    assert tracker.quiet_s == 0.0
    tracker.feed((rng.normal(0, 300, RATE_HZ // 2)).astype(np.int16))
    assert tracker.quiet_s == pytest.approx(0.5, abs=0.02)


# While the assistant speaks ----------------------------------------------------------


def test_a_crisis_said_over_the_assistant_is_handed_over_when_it_stops(ears: Ears,  # noqa: F811
                                                                       tmp_path: Path) -> None:
    crisis = said(tmp_path, "I want to kill myself", "en-us", 140)
    audio = np.concatenate([silence(1.0), crisis, silence(6.0)])
    inbox, _, clock = listener(ears, audio)
    heard = inbox.wait(6.0, "When I say in, breathe in gently through your nose. There is no need to hold your breath.")
    assert heard is not None and "kill myself" in heard.text
    assert ears.is_crisis(heard.text) is not None
    assert 1.0 <= heard.at <= 1.0 + len(crisis) / RATE_HZ, "when it was said"
    assert clock.now() == pytest.approx(6.0 + ECHO_GUARD_S, abs=0.1), "handed over as soon as the assistant stopped"


def test_a_sentence_still_being_said_when_the_assistant_stops_is_heard_to_its_end(ears: Ears,  # noqa: F811
                                                                                  tmp_path: Path) -> None:
    sentence = said(tmp_path, "I don't want to be here any more, I want to end my life", "en-gb", 120)
    audio = np.concatenate([silence(2.0), sentence, silence(5.0)])
    inbox, _, clock = listener(ears, audio)
    heard = inbox.wait(3.0, "Let's breathe together, slowly.")
    assert heard is not None and heard.text.endswith("my life"), heard
    assert clock.now() >= 2.0 + len(sentence) / RATE_HZ, "the user was let finish"


def test_the_assistants_own_voice_heard_back_is_not_taken_as_the_user(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    sentence = "When I say in, breathe in gently through your nose. When I say out, let the air go slowly."
    echo = said(tmp_path, sentence, "en-gb", 130)
    duration_s = len(echo) / RATE_HZ
    inbox, _, clock = listener(ears, np.concatenate([(echo * 0.5).astype(np.int16), silence(8.0)]))
    assert inbox.wait(duration_s, sentence) is None
    assert inbox.listen(3.0) is None, "the echo is not heard as a turn afterwards either"


def test_stop_said_over_the_assistant_interrupts_at_once(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    stop = said(tmp_path, "stop", "en-gb", 130)
    inbox, _, clock = listener(ears, np.concatenate([silence(2.0), stop, silence(10.0)]))
    heard = inbox.wait(10.0, "Let your shoulders soften, if it's comfortable.")
    assert heard is not None and heard.text == "stop"
    assert clock.now() < 2.0 + len(stop) / RATE_HZ + SHORT_ANSWER_SILENCE_S + 0.3


def test_a_pause_is_interrupted_by_a_command_after_a_short_silence(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    pause = said(tmp_path, "pause", "en-gb", 130)
    inbox, _, clock = listener(ears, np.concatenate([silence(1.0), pause, silence(10.0)]))
    heard = inbox.wait(8.0)
    assert heard is not None and heard.text == "pause"
    assert clock.now() < 1.0 + len(pause) / RATE_HZ + SHORT_ANSWER_SILENCE_S + 0.3


def test_words_that_sound_unfinished_get_two_seconds(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """ "I would like to ... (1.7 s) ... do some breathing" is one turn; after "good morning", 1.7 s ends it."""
    unfinished = np.concatenate([silence(0.3), said(tmp_path, "I would like to"), silence(1.7),
                                 said(tmp_path, "do some breathing"), silence(4.0)])
    inbox, _, _ = listener(ears, unfinished)
    assert inbox.listen(12.0).text.split()[-3:] == ["do", "some", "breathing"]
    finished = np.concatenate([silence(0.3), said(tmp_path, "good morning"), silence(1.7),
                               said(tmp_path, "do some breathing"), silence(4.0)])
    inbox, _, _ = listener(ears, finished)
    assert inbox.listen(12.0).text == "good morning"
    assert ears.phrases.sounds_unfinished("i would like to") and not ears.phrases.sounds_unfinished("good morning")


def test_a_phrase_of_several_words_is_not_ended_before_its_last_word(ears: Ears, tmp_path: Path) -> None:  # noqa: F811
    """ "very ... good": after "very" and a pause, the grammar may already say "very low"."""
    audio = np.concatenate([silence(0.3), said(tmp_path, "very"), silence(0.8), said(tmp_path, "good"), silence(4.0)])
    inbox, _, _ = listener(ears, audio)
    assert inbox.listen(12.0, Expectation("number")).text == "very good"
