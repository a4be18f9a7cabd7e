"""The data every instrument shares (questionnaires/common/), checked as it loads.

answers.yml: how numbers are said and answers recognised in each language, and
the equivalents and paraphrases of each answer scale. voice.yml: the sentences
said around the items. forbidden.yml: what is never asked by voice. A mistake
here stops the loading, with its file and line: no instrument can be asked
without these.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from assistant import LANGUAGES
from assistant.questionnaires.catalogue import AnswerWords, GrammaticalForm, ScaleWords, VoiceText
from assistant.questionnaires.datafile import Checker, read_yaml
from assistant.questionnaires.spoken import inclusive_forms_in
from assistant.text import fold

VOICE_PLACEHOLDERS: dict[str, dict[str, set[str]]] = {
    "introduction": {"clinic_recall": {"count", "clinic", "recall"}, "clinic": {"count", "clinic"},
                     "recall": {"count", "recall"}, "plain": {"count"}},
    "duration": {"one": set(), "other": {"minutes"}},
    "options": {"numbered": set(), "option": {"number", "words"}, "unnumbered": {"options"}, "or": set()},
    "closing": {"thanks": set(), "thanks_incomplete": set(), "report_for_clinic": {"clinic"},
                "kept_on_device": {"clinic"}, "suggest_doctor": set()},
}
"""Each sentence of common/voice.yml and the placeholders the code fills in."""
VOICE_SENTENCES = {"item": {"number", "count"}, "confirm_close": {"words"}}


def load_answer_words(path: Path) -> tuple[dict[str, AnswerWords], dict[str, ScaleWords]]:
    """answers.yml: the answer words of each language, and the phrases of each scale."""
    check = Checker(path)
    node = check.mapping(read_yaml(path), "the file", {"languages", "equivalents", "paraphrases"},
                         {"languages", "paraphrases"})
    languages = check.mapping(node["languages"], "'languages'", parent=node)
    words = {}
    for lang in LANGUAGES:
        if lang not in languages:
            raise check.fail(languages, f"'languages' has no {lang} block")
        block = check.mapping(languages[lang], f"'{lang}'",
                              {"numbers", "number_prefixes", "fillers", "negators", "non_answers"},
                              {"numbers", "number_prefixes", "fillers", "negators", "non_answers"}, languages)
        numbers = check.mapping(block["numbers"], f"{lang} 'numbers'", parent=block)
        for number, spellings in numbers.items():
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise check.fail(numbers, f"{lang} 'numbers' keys must be whole numbers, not {number!r}")
            if not check.strings(spellings, f"{lang} number {number}", numbers):
                raise check.fail(numbers, f"{lang} number {number} needs at least one spelling")
        expected = set(range(len(numbers)))
        if set(numbers) != expected:
            raise check.fail(numbers, f"{lang} 'numbers' must run from 0 without gaps")
        words[lang] = AnswerWords(
            numbers={number: tuple(spellings) for number, spellings in numbers.items()},
            **{key: check.strings(block[key], f"{lang} '{key}'", block)
               for key in ("number_prefixes", "fillers", "negators", "non_answers")},
        )
    tables = {kind: _scale_phrases(check, node.get(kind, {}), kind, node) for kind in ("equivalents", "paraphrases")}
    scales = {scale: ScaleWords(equivalents=tables["equivalents"].get(scale, {}), paraphrases=tables["paraphrases"].get(scale, {}))
              for scale in set(tables["equivalents"]) | set(tables["paraphrases"])}
    return words, scales


def _scale_phrases(check: Checker, node: Any, kind: str, parent: Any) -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
    scales = check.mapping(node, f"'{kind}'", parent=parent)
    table: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    for scale, options in scales.items():
        options = check.mapping(options, f"{kind} of scale '{scale}'", parent=scales)
        table[scale] = {}
        for key, by_language in options.items():
            by_language = check.mapping(by_language, f"{kind} of '{key}'", set(LANGUAGES), parent=options)
            table[scale][key] = {lang: check.strings(phrases, f"{kind} of '{key}' in {lang}", by_language)
                                 for lang, phrases in by_language.items()}
    return table


def load_voice(path: Path) -> VoiceText:
    """voice.yml: every sentence in every language, with exactly the placeholders the code fills in."""
    check = Checker(path)
    sections = set(VOICE_PLACEHOLDERS) | set(VOICE_SENTENCES) | {"inclusive_forms"}
    node = check.mapping(read_yaml(path), "the file", sections, sections)

    def sentence(texts_node: Any, what: str, placeholders: set[str], parent: Any) -> dict[str, str]:
        texts = check.texts(texts_node, what, parent)
        for lang, text in texts.items():
            found = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            if found != placeholders:
                wanted = ", ".join("{" + name + "}" for name in sorted(placeholders)) or "no placeholder"
                raise check.fail(texts_node, f"{what} in {lang} must use {wanted}, not {', '.join(sorted(found)) or 'none'}")
        return texts

    grouped = {}
    for section, variants in VOICE_PLACEHOLDERS.items():
        block = check.mapping(node[section], f"'{section}'", set(variants), set(variants), node)
        grouped[section] = {name: sentence(block[name], f"'{section}.{name}'", placeholders, block)
                            for name, placeholders in variants.items()}
    single = {name: sentence(node[name], f"'{name}'", placeholders, node) for name, placeholders in VOICE_SENTENCES.items()}
    forms_node = check.mapping(node["inclusive_forms"], "'inclusive_forms'", set(LANGUAGES), parent=node)
    forms: dict[str, dict[str, dict[GrammaticalForm, str]]] = {}
    for lang, written_forms in forms_node.items():
        written_forms = check.mapping(written_forms, f"inclusive forms in {lang}", parent=forms_node)
        forms[lang] = {}
        for written, spoken in written_forms.items():
            if inclusive_forms_in(written) != [written]:
                raise check.fail(written_forms, f"'{written}' is not an inclusive form like 'senti(e)' or 'frais/fraîche'")
            wanted = {form.value for form in GrammaticalForm}
            spoken = check.mapping(spoken, f"'{written}'", wanted, wanted, written_forms)
            forms[lang][written] = {GrammaticalForm(form): check.text(spoken[form], f"'{written}' {form}", spoken)
                                    for form in wanted}
    return VoiceText(introduction=grouped["introduction"], duration=grouped["duration"], options=grouped["options"],
                     closing=grouped["closing"], item=single["item"], confirm_close=single["confirm_close"],
                     inclusive_forms=forms)


class Forbidden:
    """Items never asked by voice (common/forbidden.yml)."""

    def __init__(self, path: Path):
        check = Checker(path)
        node = check.mapping(read_yaml(path), "the file", {"source_items", "words"}, {"source_items", "words"})
        self.source_items = {fold(item) for item in check.strings(node["source_items"], "'source_items'", node)}
        words = check.mapping(node["words"], "'words'", set(LANGUAGES), set(LANGUAGES), node)
        self.words = {lang: [tuple(fold(word).split()) for word in check.strings(words[lang], f"words in {lang}", words)]
                      for lang in LANGUAGES}

    def word_in(self, text: str, lang: str) -> str | None:
        tokens = fold(text).split()
        for word in self.words[lang]:
            if any(tuple(tokens[index:index + len(word)]) == word for index in range(len(tokens))):
                return " ".join(word)
        return None
