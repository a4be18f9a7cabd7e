"""`assistant setup`: a caregiver or clinic answers one plain question at a time.

Plain lines in, plain lines out: no full-screen interface, so it works over SSH,
in a basic terminal and with a screen reader. Each question shows the current
value in brackets (Enter keeps it, "-" clears it), each answer goes through the
same check as `settings set`, and a refused answer is explained and asked
again. Nothing is saved until the caregiver has seen the summary and said yes.

The questions are asked in the caregiver's language: `--lang` if given, else
the language chosen in the first question. The speech rate is tried aloud, in
the user's language, until the caregiver finds it right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

from assistant import LANGUAGES
from assistant.languages import LANGUAGE_DATA
from assistant.messages import message
from assistant.safety.response import SafetyTexts
from assistant.settings import (HEALTH_FLAGS, RATE_LIMITS_WPM, RATE_STEP, REGIONS, Settings, checked,
                                describe_problem, flag, get_value, questionnaire_ids, with_value)
from assistant.text import fold

CLEAR = "-"
"""Typed to clear an optional value."""


class Terminal(Protocol):
    def ask(self, prompt: str) -> str:
        """One line typed after `prompt`; EOFError when the input ends."""

    def tell(self, line: str) -> None:
        """One plain line."""


class SpeechTrial(Protocol):
    def say(self, text: str, lang: str, rate_wpm: float, volume: float, voices: dict[str, str]) -> bool:
        """Say `text` aloud and wait until it is said; False when there is nothing to say it with."""


class SetupStopped(Exception):
    """The input ended before the setup did: nothing is saved."""


@dataclass(frozen=True)
class Question:
    key: str
    """The setting asked for (settings.CHECKS)."""
    ask: str
    """Message name of the question (messages/care.yml)."""
    applies: Callable[[Settings], bool] = lambda settings: True
    """Whether to ask it, given the answers so far."""


def _questions(lang: str) -> tuple[Question, ...]:
    """Everything setup asks, in order, for a conversation in `lang`."""
    return (
        Question("region", "setup_ask_region"),
        Question("contact.name", "setup_ask_contact_name"),
        Question("contact.phone", "setup_ask_contact_phone", lambda settings: bool(settings.contact.name)),
        Question(f"listening.wake_phrase.{lang}", "setup_ask_wake_phrase"),
        Question("listening.push_to_talk", "setup_ask_push_to_talk"),
        *(Question(f"health.{flag}", f"setup_ask_health_{flag}") for flag in HEALTH_FLAGS),
        Question("routines.checkin_at", "setup_ask_checkin_at"),
        Question("routines.exercise_at", "setup_ask_exercise_at"),
        Question("questionnaires.every", "setup_ask_questionnaires"),
        Question("clinic.mode", "setup_ask_clinic_mode"),
        Question("clinic.name", "setup_ask_clinic_name"),
        Question("clinic.clinician", "setup_ask_clinician", lambda settings: bool(settings.clinic.name)),
        Question("clinic.report_language", "setup_ask_report_language", lambda settings: bool(settings.clinic.name)),
        Question("time_zone", "setup_ask_time_zone"),
    )


def shown(settings: Settings, key: str, lang: str) -> str:
    """A setting's value as the caregiver reads it: "yes", "-" for none, "who5 14d"."""
    value = get_value(settings, key)
    if key == "region" and value is None:
        return message("setup_region_from_language", lang, code=settings.region_in_use)
    if isinstance(value, bool):
        return message("setup_yes" if value else "setup_no", lang)
    if isinstance(value, dict):
        return ", ".join(f"{name} {period}" for name, period in value.items()) or CLEAR
    if isinstance(value, float):
        return LANGUAGE_DATA[lang].number(value)
    return CLEAR if value in (None, "") else str(value)


def helplines_line(settings: Settings, lang: str, helplines: dict[str, Any]) -> str:
    """The helplines that follow from the region, read back to the caregiver."""
    region = settings.region_in_use
    numbers = helplines[region]
    return message("setup_helplines", lang, country=message(f"region_{region}", lang),
                   line_name=numbers["crisis_line"]["name"][lang], line=numbers["crisis_line"]["number"],
                   emergency=numbers["emergency"]["number"], text_line=numbers["text_line"]["spoken"][lang])


def summary_lines(settings: Settings, lang: str, helplines: dict[str, Any]) -> list[str]:
    """Every setting setup asks about, one plain line each (also `assistant setup --show`)."""
    conversation = settings.language
    lines = [message("setup_show_language", lang, value=LANGUAGE_DATA[conversation].names[lang], code=conversation),
             message("setup_show_rate", lang, value=shown(settings, "voice.rate_wpm", lang),
                     volume=round(settings.voice.volume * 100)),
             helplines_line(settings, lang, helplines)]
    for question in _questions(conversation):
        if question.applies(settings):
            lines.append(message("setup_show_line", lang, label=message(f"setup_label_{_label(question.key)}", lang),
                                 value=shown(settings, question.key, lang)))
    return lines


def _label(key: str) -> str:
    return "wake_phrase" if key.startswith("listening.wake_phrase.") else key.replace(".", "_")


class Setup:
    """One run of the questions, on a terminal, with the speech tried aloud."""

    def __init__(self, settings: Settings, terminal: Terminal, trial: SpeechTrial, lang: str | None):
        """`lang`: the caregiver's language if chosen (--lang); else the answer to the first question."""
        self.settings = settings
        self._terminal = terminal
        self._trial = trial
        self._fixed_lang = lang
        self._helplines = SafetyTexts.load().helplines

    @property
    def lang(self) -> str:
        return self._fixed_lang or self.settings.language

    def run(self) -> Settings | None:
        """The settings as answered, or None when the caregiver chose not to save them."""
        self._tell("setup_welcome")
        self._language()
        for question in _questions(self.settings.language):
            if question.applies(self.settings):
                self._ask(question)
                if question.key == "region":
                    self._terminal.tell(helplines_line(self.settings, self.lang, self._helplines))
                if question.key == "listening.push_to_talk":
                    self._speech_rate()
        for line in summary_lines(self.settings, self.lang, self._helplines):
            self._terminal.tell(line)
        return self.settings if self._yes("setup_ask_save", True) else None

    # Asking -------------------------------------------------------------------------

    def _tell(self, name: str, **values: Any) -> None:
        self._terminal.tell(message(name, self.lang, **values))

    def _read(self, prompt: str) -> str:
        try:
            return self._terminal.ask(prompt).strip()
        except EOFError as error:
            raise SetupStopped from error

    def _language(self) -> None:
        """The first question, in both languages until one is chosen."""
        prompt = " / ".join(message("setup_ask_language", shown_in, choices=", ".join(LANGUAGES))
                            for shown_in in ([self._fixed_lang] if self._fixed_lang else LANGUAGES))
        self._ask(Question("language", ""), prompt)

    def _ask(self, question: Question, prompt: str | None = None) -> None:
        current = shown(self.settings, question.key, self.lang)
        values = {"choices": ", ".join(REGIONS) if question.key == "region" else ", ".join(LANGUAGES),
                  "names": ", ".join(f"{code} {message(f'region_{code}', self.lang)}" for code in REGIONS),
                  "instruments": ", ".join(questionnaire_ids()),
                  "language": LANGUAGE_DATA[self.settings.language].names[self.lang],
                  "contact": self.settings.contact.name}
        while True:
            text = prompt or message(question.ask, self.lang, **values)
            answer = self._read(message("setup_prompt", self.lang, question=text, current=current))
            if not answer:
                return
            value, problem = checked(question.key, "" if answer == CLEAR else answer)
            if problem is None:
                self.settings = with_value(self.settings, question.key, value)
                return
            self._tell("setup_refused", problem=describe_problem(problem, self.lang), current=current)

    def _yes(self, name: str, default: bool) -> bool:
        current = message("setup_yes" if default else "setup_no", self.lang)
        while True:
            answer = self._read(message("setup_prompt", self.lang, question=message(name, self.lang),
                                        current=current))
            if not answer:
                return default
            said = flag(answer)
            if said is not None:
                return said
            self._tell("setup_refused", problem=message("setting_problem_flag", self.lang), current=current)

    def _speech_rate(self) -> None:
        """The rate tried aloud: "Is this a good speed?" until the caregiver says yes."""
        low, high = RATE_LIMITS_WPM
        lang = self.settings.language
        while True:
            rate = self.settings.voice.rate_wpm
            sample = message("setup_rate_sample", lang)
            self._tell("setup_rate_trying", rate=LANGUAGE_DATA[self.lang].number(rate), sample=sample)
            if not self._trial.say(sample, lang, rate, self.settings.voice.volume, dict(self.settings.voice.name)):
                self._tell("setup_rate_no_speaker")
            wanted = self._rate_answer(rate, low, high)
            if wanted is None:
                return
            self.settings = with_value(self.settings, "voice.rate_wpm", wanted)

    def _rate_answer(self, rate: float, low: float, high: float) -> float | None:
        """The rate to try next, or None when the caregiver is happy with this one."""
        while True:
            answer = self._read(message("setup_prompt", self.lang, question=message("setup_ask_rate", self.lang),
                                        current=message("setup_yes", self.lang)))
            if not answer or flag(answer) is True:
                return None
            step = self._rate_step(answer)
            if step is not None:
                wanted = round(min(high, max(low, rate * step)), 1)
                if wanted == rate:
                    self._tell("setup_rate_limit")
                return wanted
            value, problem = checked("voice.rate_wpm", answer)
            if problem is None:
                return value
            self._tell("setup_rate_refused", low=low, high=high)

    def _rate_step(self, answer: str) -> float | None:
        """"slower" -> divide the rate by RATE_STEP, "faster" -> multiply; None for anything else."""
        for name, step in (("setup_slower", 1 / RATE_STEP), ("setup_faster", RATE_STEP)):
            if fold(answer) in {fold(word) for word in message(name, self.lang).split(",")}:
                return step
        return None
