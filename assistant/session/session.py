"""One conversation's senses and voice: say, pause, play a tone, listen.

Every timed thing goes through here, on the injected clock, and every one of
them can be interrupted: while the assistant speaks or pauses, the inbox is
watched, and what the user says is handed back to the caller at once. What the
caller does not deal with (an exercise does, a sentence does not) waits in a
queue and is answered at the next listen, oldest first: nothing the user says
is lost, however many lines come while the assistant is talking.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Any

from assistant.session.clock import Clock
from assistant.session.events import EventSink
from assistant.session.inbox import Expectation, Inbox, Utterance
from assistant.paths import AUDIO_DIR
from assistant.settings import RATE_LIMITS_WPM, RATE_STEP, VOLUME_STEP, Settings, SettingsStore
from assistant.session.speech import Playback, Voice

NUMBER_RATE_WPM = 120.0
"""Phone numbers and other things to write down are said at this rate at most."""


class Session:
    """The assistant's mouth and ears for one conversation in one language."""

    def __init__(self, lang: str, clock: Clock, inbox: Inbox, events: EventSink, voice: Voice,
                 settings: Settings, settings_store: SettingsStore | None = None):
        self.lang = lang
        self.clock = clock
        self.inbox = inbox
        self.events = events
        self.voice = voice
        self.settings = settings
        self._settings_store = settings_store
        self._since_listen: list[str] = []
        self.last_prompt: list[str] = []
        """What was said before the assistant last listened: what "repeat" says again."""
        self.last_said = ""
        """The last sentence said, remembered or not: what "repeat" says again in the middle of an exercise."""
        self._unanswered: deque[Utterance] = deque()
        """What the user said over the assistant's speech or pauses and nobody answered yet, oldest first."""

    # Output ---------------------------------------------------------------

    def say(self, text: str, slow: bool = False, remember: bool = True, rate_scale: float = 1.0,
            volume_scale: float = 1.0, lang: str | None = None) -> Utterance | None:
        """Speak `text`; `slow` for numbers to write down; `remember` it for "repeat"; `lang`: when not the
        conversation's (the user just asked for another language).

        `rate_scale` and `volume_scale` are fractions of the user's own rate and
        volume, for an exercise that fades (the sleep wind-down gets slower and
        softer); the user's settings stay as they are. Returns what the user said
        meanwhile, or else the oldest thing still unanswered, if any.
        """
        rate = self.settings.voice.rate_wpm * rate_scale
        if slow:
            rate = min(rate, NUMBER_RATE_WPM)
        lang = lang or self.lang
        playback = self.voice.speech(text, lang, rate, self.settings.voice.volume * volume_scale)
        self.events.emit("say", text=text, lang=lang)
        self.last_said = text
        if remember:
            self._since_listen.append(text)
        return self._play(playback, text)

    def pause(self, seconds: float) -> Utterance | None:
        """Deliberate silence; returns an interruption, if any.

        Something still unanswered cuts the silence before it starts: an exercise
        hears a "stop" said while it was answering "help".
        """
        if seconds <= 0 or self._unanswered:
            return self._oldest_unanswered()
        self.events.emit("pause", seconds=round(seconds, 3))
        return self._queued(self.inbox.wait(seconds))

    def tone(self, name: str, volume_scale: float = 1.0) -> Utterance | None:
        """Play the sound audio/<name>.wav, `volume_scale` times the user's volume; returns an interruption, if any."""
        playback = self.voice.sound(AUDIO_DIR / f"{name}.wav", self.settings.voice.volume * volume_scale)
        self.events.emit("tone", name=name)
        return self._play(playback, "")

    def emit(self, event: str, **fields: Any) -> None:
        self.events.emit(event, **fields)

    def _play(self, playback: Playback, speech: str) -> Utterance | None:
        playback.start()
        interruption = self.inbox.wait(playback.duration_s, speech)
        if interruption is not None:
            playback.stop()
        return self._queued(interruption)

    def _queued(self, interruption: Utterance | None) -> Utterance | None:
        """Keep `interruption` until it is answered; what the caller gets: it, or what was there before."""
        if interruption is not None:
            self._unanswered.append(interruption)
        return self._oldest_unanswered()

    def _oldest_unanswered(self) -> Utterance | None:
        return self._unanswered[0] if self._unanswered else None

    def answered(self, utterance: Utterance) -> None:
        """The caller dealt with an interruption (an exercise control): do not answer it again."""
        for index, waiting in enumerate(self._unanswered):
            if waiting is utterance:
                del self._unanswered[index]
                return

    # Input ----------------------------------------------------------------

    def listen(self, expect: Expectation, timeout_s: float, needs_wake: bool = False) -> Utterance | None:
        """The user's next turn, or None after `timeout_s` of silence."""
        if self._since_listen:
            self.last_prompt, self._since_listen = self._since_listen, []
        self.events.emit("listen", expect=expect.kind, timeout=timeout_s)
        if self._unanswered:
            return self._unanswered.popleft()
        return self.inbox.listen(timeout_s, expect, needs_wake)

    # Speech settings --------------------------------------------------------

    def change_rate(self, faster: bool) -> bool:
        """One step slower or faster; False when already at the limit."""
        low, high = RATE_LIMITS_WPM
        current = self.settings.voice.rate_wpm
        wanted = current * RATE_STEP if faster else current / RATE_STEP
        new = round(min(high, max(low, wanted)), 1)
        return self._store_voice(rate_wpm=new) if new != current else False

    def change_volume(self, louder: bool) -> bool:
        """One step louder or quieter; False when already at the limit."""
        current = self.settings.voice.volume
        new = round(min(1.0, max(0.1, current + (VOLUME_STEP if louder else -VOLUME_STEP))), 2)
        return self._store_voice(volume=new) if new != current else False

    def _store_voice(self, **changes: float) -> bool:
        self.store_settings(replace(self.settings, voice=replace(self.settings.voice, **changes)))
        return True

    def store_settings(self, settings: Settings) -> None:
        """Use and keep settings the user changed by voice (the speech rate, the daily check-in turned off)."""
        self.settings = settings
        if self._settings_store is not None:
            self._settings_store.save(self.settings)
