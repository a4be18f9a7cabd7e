"""The voice pipeline put together: microphone or WAV files in, speaker or WAV file out.

Everything that could be missing is checked before the first word, so the
assistant never starts half-working: a missing speech model, microphone or
speaker gives one clear sentence for the caregiver instead.
"""

from __future__ import annotations

import sys
from typing import Callable

from assistant.app import Parts, notice_printer
from assistant.session.clock import Clock
from assistant.messages import UserFacingError, message
from assistant.safety.detector import SafetyDetector
from assistant.voice.grammars import Grammars
from assistant.voice.models import SpeechModels
from assistant.voice.live_inbox import LiveInbox, PushToTalk
from assistant.voice.microphone import Microphone
from assistant.voice.recognition import Ears, Recogniser
from assistant.voice.synthesis import AudioOutput, EspeakVoice, SpeakerOutput


class SpeakerMissing(UserFacingError):
    """No output device could be opened."""


def recogniser_for(parts: Parts) -> Recogniser:
    """The installed speech model of the conversation's language, or a clear error."""
    return Recogniser(SpeechModels(parts.home.speech_models).require(parts.lang, parts.lang), lang=parts.lang)


def ears_for(parts: Parts, recogniser: Recogniser | None = None) -> Ears:
    """Hearing in the conversation's language: the model, its phrases spelt for it, and the safety check.

    Phrases the model cannot recognise are left out; the caregiver is told about
    offered ones as they come (`assistant models verify` lists the others).
    """
    recogniser = recogniser or recogniser_for(parts)
    wake = parts.settings.listening.wake_phrase[parts.lang]
    phrases = Grammars.load().for_model(parts.lang, recogniser, wake, notice_printer(parts.lang))
    return Ears(recogniser, phrases, SafetyDetector.load(parts.lang).assess)


def voice_for(parts: Parts, output: AudioOutput) -> EspeakVoice:
    return EspeakVoice(output, parts.settings.voice.name, notice=notice_printer(parts.lang))


def open_speaker(lang: str) -> SpeakerOutput:
    import sounddevice

    try:
        sounddevice.check_output_settings(samplerate=SpeakerOutput.STREAM_RATE_HZ, channels=1, dtype="int16")
        return SpeakerOutput()
    except (sounddevice.PortAudioError, ValueError) as error:
        raise SpeakerMissing(message("speaker_missing", lang, problem=error)) from error


def _terminal_key_reader() -> Callable[[], str]:
    """Key presses from the terminal, one at a time, without waiting for Enter.

    The terminal's settings are put back when the assistant exits.
    """
    import atexit
    import termios
    import tty

    if not sys.stdin.isatty():
        return sys.stdin.read
    descriptor = sys.stdin.fileno()
    saved = termios.tcgetattr(descriptor)
    atexit.register(termios.tcsetattr, descriptor, termios.TCSADRAIN, saved)
    tty.setcbreak(descriptor, termios.TCSANOW)
    return lambda: sys.stdin.read(1)


def live_inbox(parts: Parts, clock: Clock) -> LiveInbox:
    """The microphone, recognised live; checks the model first, then the device."""
    ears = ears_for(parts)
    microphone = Microphone(parts.lang, clock.now)
    push_to_talk = PushToTalk(_terminal_key_reader()) if parts.settings.listening.push_to_talk else None
    return LiveInbox(microphone, ears, clock, push_to_talk)
