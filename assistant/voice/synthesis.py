"""The assistant's spoken voice: espeak-ng speech and WAV sounds, played on a speaker or into a file.

Speech is made into a WAV first, then played, so that every utterance's length is
known before it starts (the session times pauses and interruptions from it) and
the same samples can go to a sound card or to an output file for tests.

pyttsx3 drives espeak-ng in-process; when it fails, the espeak-ng program is run
instead: the same engine and voices, so the user hears no difference. MBROLA
voices ("mb-fr4") go through espeak-ng too, at their own sample rate (16 kHz for
most), which pyttsx3 does not write into the file's header: it is read from
espeak-ng and put right. A voice that cannot be used (an MBROLA voice not
installed on this machine) gives way to the language's usual espeak-ng voice,
and the caregiver is told: the assistant never falls silent for a voice.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence

import numpy as np

from assistant.languages import LANGUAGE_DATA
from assistant.session.clock import Clock
from assistant.messages import UserFacingError, message
from assistant.session.speech import Playback
from assistant.voice.wav import Audio, AudioFileUnreadable, read_wav, resample, scaled

OUTPUT_FILE_RATE_HZ = 16000
"""Sample rate of the output WAV file: the recogniser's rate, so the file can be fed back to it."""
FILE_SETTLE_TIMEOUT_S = 5.0
"""How long to wait for pyttsx3's WAV file to appear and stop growing."""
FILE_POLL_S = 0.02
"""How often to look at that file: two equal sizes in a row mean it is complete."""
MAX_CACHED_UTTERANCES = 256
"""Exercise cues repeat, so speech is kept in memory; bounded so a long day cannot fill it."""
SYNTHESIS_TIMEOUT_S = 60.0
"""Longest an espeak-ng run may take; the longest sentence takes well under a second."""
EXAMPLE_VOICES = {"en": "en-gb", "fr": "fr-fr"}
"""Voices known to exist in espeak-ng, suggested when the configured one fails."""


class SynthesisFailed(Exception):
    """One synthesiser could not make a WAV file (the next one is tried)."""


class VoiceUnavailable(SynthesisFailed):
    """The voice asked for does not exist here; the synthesiser itself works."""


class SpeechSynthesisFailed(UserFacingError):
    """No synthesiser could say the text: the caregiver has to change the voice."""

    def __init__(self, sentence: str, problem: str = ""):
        super().__init__(sentence)
        self.problem = problem
        """What went wrong, without the advice around it."""


# Outputs ---------------------------------------------------------------------


class AudioOutput(Protocol):
    """Where sound goes, started and stopped by the session on its clock."""

    def play(self, samples: np.ndarray, sample_rate_hz: int) -> None:
        """Start playing mono int16 `samples`, without waiting for the end."""

    def stop(self) -> None:
        """Stop what is playing now (the session plays one prepared sound at a time)."""


class SpeakerOutput:
    """The sound card, through sounddevice: each sound in a stream of its own.

    One stream for the whole run was tried and measured: cues started more evenly,
    but every underrun on a busy machine made PulseAudio lengthen the stream's
    buffer for good, so exercise cues drifted later and later (about 10 ms a
    minute); a fresh stream per sound starts from the default delay each time.
    Kept as thin as possible: nothing here can be tested without a sound device,
    so timing, volume and caching live outside it.
    """

    STREAM_RATE_HZ = 22050
    """espeak-ng's own rate: the rate checked when the speaker is opened."""

    def __init__(self, device: int | str | None = None):
        import sounddevice  # needs PortAudio: loaded only when a speaker is really used

        self._sounddevice = sounddevice
        self._device = device

    def play(self, samples: np.ndarray, sample_rate_hz: int) -> None:
        self._sounddevice.play(samples, samplerate=sample_rate_hz, device=self._device)

    def stop(self) -> None:
        self._sounddevice.stop()

    def close(self) -> None:
        self.stop()


class WavFileOutput:
    """Everything played, written into one 16 kHz mono WAV file on the clock's time line.

    Sample n of the file is what a listener hears at clock time n / 16000: gaps are
    silence, a sound stopped early is cut at the moment it was stopped, and sounds
    that overlap are mixed. A sound stays in memory until the next one starts,
    because until then a stop may still cut it.
    """

    def __init__(self, path: Path, clock: Clock):
        self._clock = clock
        self._file = wave.open(str(path), "wb")
        self._file.setnchannels(1)
        self._file.setsampwidth(2)
        self._file.setframerate(OUTPUT_FILE_RATE_HZ)
        self._written_frames = 0
        self._pending = np.zeros(0, np.int32)
        """Sound not yet final, from frame `_written_frames` on (int32, so mixing cannot wrap)."""

    def _now_frame(self) -> int:
        return int(round(self._clock.now() * OUTPUT_FILE_RATE_HZ))

    def _commit(self, until_frame: int) -> None:
        """Write the file up to `until_frame`, padding with silence."""
        count = until_frame - self._written_frames
        if count <= 0:
            return
        chunk = np.zeros(count, np.int32)
        head = self._pending[:count]
        chunk[: len(head)] = head
        self._file.writeframes(np.clip(chunk, -32768, 32767).astype("<i2").tobytes())
        self._pending = self._pending[count:]
        self._written_frames = until_frame

    def play(self, samples: np.ndarray, sample_rate_hz: int) -> None:
        self._commit(self._now_frame())
        sound = resample(samples, sample_rate_hz, OUTPUT_FILE_RATE_HZ).astype(np.int32)
        if len(self._pending) < len(sound):
            self._pending = np.concatenate([self._pending, np.zeros(len(sound) - len(self._pending), np.int32)])
        self._pending[: len(sound)] += sound

    def stop(self) -> None:
        self._pending = self._pending[: max(0, self._now_frame() - self._written_frames)]

    def close(self) -> None:
        """Write what is left and finish the file."""
        self._commit(self._written_frames + len(self._pending))
        self._file.close()

    def __enter__(self) -> "WavFileOutput":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SoundPlayback:
    """One prepared sound, handed to the output when the session starts it."""

    def __init__(self, output: AudioOutput, audio: Audio):
        self._output = output
        self._audio = audio
        self.duration_s = audio.duration_s

    def start(self) -> None:
        self._output.play(self._audio.samples, self._audio.sample_rate_hz)

    def stop(self) -> None:
        self._output.stop()


# Synthesisers ----------------------------------------------------------------


class Synthesiser(Protocol):
    def to_wav(self, text: str, voice: str, rate_wpm: float, path: Path) -> None:
        """Write `text` spoken by espeak-ng voice `voice` at `rate_wpm` into the WAV file `path`."""


_PYTTSX3_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _pyttsx3_engine() -> Any:
    """The process's one pyttsx3 engine: its espeak driver can only initialise espeak once.

    A first empty run leaves the engine idle; until then pyttsx3 queues property
    changes instead of applying them.
    """
    import pyttsx3

    engine = pyttsx3.init("espeak")
    engine.runAndWait()
    return engine


def _wait_until_written(path: Path) -> None:
    """Return once `path` exists and has stopped growing.

    pyttsx3 2.99 on Linux can return from runAndWait before the file is complete.
    """
    deadline = time.monotonic() + FILE_SETTLE_TIMEOUT_S
    previous_size = -1
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        if size > 44 and size == previous_size:
            return
        previous_size = size
        time.sleep(FILE_POLL_S)
    raise SynthesisFailed(f"pyttsx3 did not finish writing {path.name} within {FILE_SETTLE_TIMEOUT_S:.0f} s")


class Pyttsx3Synthesiser:
    """espeak-ng in-process, through pyttsx3: no process to start for each sentence."""

    def __init__(self) -> None:
        self._voice_ids: dict[str, str] = {}

    def _voice_id(self, engine: Any, name: str) -> str:
        """The pyttsx3 voice id for an espeak-ng voice name such as "en-gb", "fr-fr" or "en+f3".

        pyttsx3 silently keeps the previous voice when given a name it does not know,
        so names are matched against its voice list (id, language, then display name).
        """
        if name not in self._voice_ids and name.lower().startswith("mb-"):
            database = mbrola_database_name(name)
            if not mbrola_installed(database):
                raise VoiceUnavailable(f"the MBROLA voice {name} is not installed (assistant voices install {name})")
            self._voice_ids[name] = f"mb/{name.lower()}"
        if name not in self._voice_ids:
            base, plus, variant = name.lower().partition("+")
            voices = engine.getProperty("voices")
            candidates = itertools.chain(
                (voice.id for voice in voices if voice.id == base or voice.id.rsplit("/", 1)[-1] == base),
                (voice.id for voice in voices if base in (language.lower() for language in voice.languages)),
                (voice.id for voice in voices if voice.name.lower() == base),
            )
            found = next(candidates, None)
            if found is None:
                raise VoiceUnavailable(f"pyttsx3 has no espeak-ng voice called {name!r}")
            self._voice_ids[name] = found + plus + variant
        return self._voice_ids[name]

    def to_wav(self, text: str, voice: str, rate_wpm: float, path: Path) -> None:
        path.unlink(missing_ok=True)
        with _PYTTSX3_LOCK:
            try:
                from pyttsx3.drivers import _espeak

                engine = _pyttsx3_engine()
                voice_id = self._voice_id(engine, voice)
                rate = int(round(rate_wpm))
                engine.setProperty("voice", voice_id)
                engine.setProperty("rate", rate)
                engine.setProperty("volume", 1.0)
                # espeak runs asynchronously here: without this, a new voice or rate is
                # silently ignored and the previous one used (pyttsx3 2.99).
                _espeak.Synchronize()
                if (engine.getProperty("voice"), engine.getProperty("rate")) != (voice_id, rate):
                    raise SynthesisFailed(f"pyttsx3 did not switch to voice {voice!r} at {rate} words per minute")
                real_rate_hz = int(_espeak.dll.espeak_ng_GetSampleRate())
                # The driver prints "Audio saved to ..." on stdout, which carries machine-mode
                # events; only this thread writes events, and it is busy here.
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
            except SynthesisFailed:
                raise
            except Exception as error:  # pyttsx3 and its C driver raise anything
                raise SynthesisFailed(f"pyttsx3: {error}") from error
        _wait_until_written(path)
        _set_sample_rate(path, real_rate_hz)


def _set_sample_rate(path: Path, rate_hz: int) -> None:
    """Put the voice's real rate into the WAV header: pyttsx3 writes espeak-ng's start-up rate (22,050 Hz)
    even for a 16 kHz MBROLA voice, which would play a third too fast and high."""
    with wave.open(str(path), "rb") as sound:
        if sound.getframerate() == rate_hz:
            return
        params, frames = sound.getparams(), sound.readframes(sound.getnframes())
    with wave.open(str(path), "wb") as sound:
        sound.setparams(params._replace(framerate=rate_hz))
        sound.writeframes(frames)


MBROLA_DIR = Path("/usr/share/mbrola")
"""Where Debian's mbrola-* packages put the voice databases (espeak-ng looks there)."""


def mbrola_database_name(voice: str) -> str:
    """The MBROLA database an espeak-ng "mb-" voice uses: "mb-fr4" and "mb-fr4-en" both use fr4."""
    return voice.lower().removeprefix("mb-").split("-")[0]


def mbrola_installed(database: str, root: Path = MBROLA_DIR) -> bool:
    """Whether the mbrola program and `database` are installed where espeak-ng looks for them."""
    places = (root / database / database, root / database, root / "voices" / database)
    return shutil.which("mbrola") is not None and any(place.is_file() for place in places)


class EspeakNgCommand:
    """The espeak-ng program: the fallback when pyttsx3 fails, with the same engine and voices.

    The text goes on stdin, so that no sentence can be mistaken for an option.
    """

    def to_wav(self, text: str, voice: str, rate_wpm: float, path: Path) -> None:
        path.unlink(missing_ok=True)
        command = ["espeak-ng", "-w", str(path), "-v", voice, "-s", str(int(round(rate_wpm))), "--stdin"]
        try:
            done = subprocess.run(command, input=text, text=True, capture_output=True, timeout=SYNTHESIS_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SynthesisFailed(f"espeak-ng: {error}") from error
        if done.returncode != 0 or not path.exists():
            problem = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit status {done.returncode}"
            unavailable = "voice" in problem.lower() and done.returncode != 0
            raise (VoiceUnavailable if unavailable else SynthesisFailed)(f"espeak-ng: {problem}")


# The voice -------------------------------------------------------------------


class EspeakVoice:
    """The `Voice` the user hears: espeak-ng speech and WAV sounds, at the user's volume.

    `voices` maps a language to an espeak-ng voice name ("en" -> "en-gb"), as in the
    settings. Synthesisers are tried in order; a failure of the first is reported
    once through `notice` and the next one is used from then on.
    """

    def __init__(self, output: AudioOutput, voices: Mapping[str, str],
                 synthesisers: Sequence[Synthesiser] | None = None,
                 notice: Callable[[str, dict], None] | None = None):
        self._output = output
        self._voices = dict(voices)
        self._synthesisers = list(synthesisers or (Pyttsx3Synthesiser(), EspeakNgCommand()))
        self._notice = notice or (lambda key, values: None)
        self._speech: OrderedDict[tuple[str, str, float], Audio] = OrderedDict()
        self._sounds: dict[Path, Audio] = {}
        self._workdir = tempfile.TemporaryDirectory(prefix="assistant-voice-")

    def speech(self, text: str, lang: str, rate_wpm: float, volume: float) -> Playback:
        key = (text, lang, rate_wpm)
        if key in self._speech:
            self._speech.move_to_end(key)
        else:
            self._speech[key] = self._synthesise(text, lang, rate_wpm)
            if len(self._speech) > MAX_CACHED_UTTERANCES:
                self._speech.popitem(last=False)
        return self._playback(self._speech[key], volume)

    def sound(self, path: Path, volume: float) -> Playback:
        if path not in self._sounds:
            self._sounds[path] = read_wav(path)
        return self._playback(self._sounds[path], volume)

    def _playback(self, audio: Audio, volume: float) -> Playback:
        return SoundPlayback(self._output, Audio(scaled(audio.samples, min(1.0, max(0.0, volume))),
                                                 audio.sample_rate_hz))

    def _synthesise(self, text: str, lang: str, rate_wpm: float) -> Audio:
        voice = self._voices.get(lang) or EXAMPLE_VOICES.get(lang, lang)
        usual = LANGUAGE_DATA[lang].voice if lang in LANGUAGE_DATA else EXAMPLE_VOICES.get(lang, "en-gb")
        try:
            return self._synthesise_with(text, lang, voice, rate_wpm)
        except SpeechSynthesisFailed as error:
            if voice == usual:
                raise
            self._notice("speech_voice_fallback", {"voice": voice, "usual": usual, "problem": error.problem,
                                                   "code": lang})
            self._voices[lang] = usual
            return self._synthesise_with(text, lang, usual, rate_wpm)

    def _synthesise_with(self, text: str, lang: str, voice: str, rate_wpm: float) -> Audio:
        path = Path(self._workdir.name) / "speech.wav"
        problems: list[str] = []
        for synthesiser in list(self._synthesisers):
            try:
                synthesiser.to_wav(text, voice, rate_wpm, path)
                return read_wav(path, lang)
            except (SynthesisFailed, AudioFileUnreadable) as error:
                problems.append(str(error))
                if synthesiser is not self._synthesisers[-1] and not isinstance(error, VoiceUnavailable):
                    self._synthesisers.remove(synthesiser)
                    self._notice("speech_engine_fallback", {"problem": error})
            finally:
                path.unlink(missing_ok=True)
        raise SpeechSynthesisFailed(message("speech_synthesis_failed", lang, voice=voice, code=lang,
                                            problem="; ".join(problems), example=EXAMPLE_VOICES.get(lang, "en-gb")),
                                    "; ".join(problems))
