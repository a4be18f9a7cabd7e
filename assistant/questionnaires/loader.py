"""The questionnaire files, checked as they load.

questionnaires/*.yml hold one validated instrument each; questionnaires/common/
holds what they share. Every mistake is reported with the file and line, and a
broken instrument is left out while the others load. The shared files are
needed by all of them: a mistake there stops the loading.

What is checked, beyond the shape of the data: every text exists in every
language; the spoken items, options and instructions are word for word their
published text; option scores add up to the scoring range and every threshold
lies inside it; no item comes from a self-harm question or asks about death or
self-harm; every French inclusive form ("senti(e)") can be voiced; and no spoken
phrase could mean two different answers.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Callable

from assistant import LANGUAGES
from assistant.paths import QUESTIONNAIRES_DIR
from assistant.questionnaires.answers import PhraseClash, phrase_table
from assistant.questionnaires.catalogue import AnswerWords, Catalogue, GrammaticalForm, ScaleWords, VoiceText
from assistant.questionnaires.instruments import (
    Comparison, Instrument, Item, MeaningfulChange, Measure, Option, Published, Scoring, Status, Threshold,
)
from assistant.questionnaires.lines import QuestionnaireDataError, fail, line_of, read_yaml, where
from assistant.questionnaires.spoken import INTRODUCTION_VARIANTS, inclusive_forms_in
from assistant.text import fold

COMMON = "common"
INSTRUMENT_KEYS = {"id", "version", "title", "recall", "minutes", "instructions", "item_lead", "scale",
                   "options", "items", "scoring", "thresholds", "licence", "source", "published"}
REQUIRED_KEYS = INSTRUMENT_KEYS - {"item_lead", "recall"}
PUBLISHED_KEYS = {"status", "source", "url", "wording_checked", "checked_against", "note", "unchecked",
                  "instructions", "item_lead", "administration", "options", "items"}

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
assert set(VOICE_PLACEHOLDERS["introduction"]) == INTRODUCTION_VARIANTS


class _Checker:
    """Reads one file's data, failing with the file and line of the first mistake."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node: Any, problem: str) -> QuestionnaireDataError:
        return fail(self.path, node, problem)

    def mapping(self, node: Any, what: str, keys: set[str] | None = None, required: set[str] = frozenset(),
                parent: Any = None) -> dict:
        if not isinstance(node, dict):
            raise self.fail(node if line_of(node) else parent, f"{what} must be a mapping")
        if keys is not None and set(node) - keys:
            raise self.fail(node, f"{what} has unknown keys: {', '.join(sorted(map(str, set(node) - keys)))}")
        missing = required - set(node)
        if missing:
            raise self.fail(node, f"{what} is missing {', '.join(sorted(missing))}")
        return node

    def listing(self, node: Any, what: str, parent: Any, allow_empty: bool = False) -> list:
        if not isinstance(node, list) or (not node and not allow_empty):
            raise self.fail(node if line_of(node) else parent, f"{what} must be a{'' if allow_empty else ' non-empty'} list")
        return node

    def text(self, node: Any, what: str, parent: Any) -> str:
        if not isinstance(node, str) or not node.strip():
            raise self.fail(node if line_of(node) else parent, f"{what} must be a text")
        return node

    def strings(self, node: Any, what: str, parent: Any) -> tuple[str, ...]:
        return tuple(self.text(value, f"each of {what}", node) for value in self.listing(node, what, parent, allow_empty=True))

    def texts(self, node: Any, what: str, parent: Any) -> dict[str, str]:
        """A text in every language, and in no other."""
        if not isinstance(node, dict):
            raise self.fail(parent, f"{what} needs a text for each language ({', '.join(LANGUAGES)})")
        for lang in LANGUAGES:
            if not isinstance(node.get(lang), str) or not node[lang].strip():
                raise self.fail(node, f"{what} has no {lang} text")
        extra = set(node) - set(LANGUAGES)
        if extra:
            raise self.fail(node, f"{what} has unknown languages: {', '.join(sorted(map(str, extra)))}")
        return {lang: node[lang] for lang in LANGUAGES}

    def integer(self, node: dict, key: str, what: str, minimum: int | None = None) -> int:
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
            bound = f" of at least {minimum}" if minimum is not None else ""
            raise self.fail(node, f"{what} must be a whole number{bound}, not {value!r}")
        return value


# Shared data (questionnaires/common) ----------------------------------------------


def _answer_words(path: Path) -> tuple[dict[str, AnswerWords], dict[str, ScaleWords]]:
    check = _Checker(path)
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


def _scale_phrases(check: _Checker, node: Any, kind: str, parent: Any) -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
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


def _voice(path: Path) -> VoiceText:
    check = _Checker(path)
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


class _Forbidden:
    """Items never asked by voice (common/forbidden.yml)."""

    def __init__(self, path: Path):
        check = _Checker(path)
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


# One instrument --------------------------------------------------------------------


class _InstrumentChecker(_Checker):
    def __init__(self, path: Path, shared: Catalogue, forbidden: _Forbidden):
        super().__init__(path)
        self.shared = shared
        self.forbidden = forbidden

    def instrument(self, node: Any) -> Instrument:
        node = self.mapping(node, "the file", INSTRUMENT_KEYS, REQUIRED_KEYS)
        if node["id"] != self.path.stem:
            raise self.fail(node, f"id '{node['id']}' must match the file name '{self.path.stem}'")
        if node["scale"] not in self.shared.scales:
            raise self.fail(node["scale"], f"scale '{node['scale']}' has no phrases in {COMMON}/answers.yml")
        options = self.options(node)
        items = self.items(node)
        scoring = self.scoring(node, options, len(items))
        source = self.mapping(node["source"], "'source'", {"citation", "url", "translations_url"}, {"citation"}, node)
        recall = node.get("recall")
        instrument = Instrument(
            id=node["id"], version=self.integer(node, "version", "'version'", minimum=1),
            title=self.texts(node["title"], "'title'", node),
            recall=self.texts(recall, "'recall'", node) if recall is not None else None,
            minutes=self.integer(node, "minutes", "'minutes'", minimum=1),
            instructions=self.texts(node["instructions"], "'instructions'", node),
            item_lead=self.texts(node["item_lead"], "'item_lead'", node) if "item_lead" in node else None,
            scale=node["scale"], options=options, items=items, scoring=scoring,
            thresholds=self.thresholds(node, scoring),
            licence=self.texts(node["licence"], "'licence'", node),
            citation=self.text(source["citation"], "'citation'", source), url=source.get("url"),
            published=self.published(node, options, items), source_file=self.path,
        )
        self.matches_published(node, instrument)
        self.speakable(node, instrument)
        return instrument

    def options(self, node: dict) -> tuple[Option, ...]:
        options = []
        for entry in self.listing(node["options"], "'options'", node):
            entry = self.mapping(entry, "an option", {"key", "number", "score", "text"}, {"key", "score", "text"}, node["options"])
            number = self.integer(entry, "number", "an option's 'number'", minimum=0) if "number" in entry else None
            options.append(Option(key=self.text(entry["key"], "an option's 'key'", entry), number=number,
                                  score=self.integer(entry, "score", "an option's 'score'"),
                                  text=self.texts(entry["text"], f"option '{entry['key']}'", entry)))
        keys = [option.key for option in options]
        if len(set(keys)) != len(keys):
            raise self.fail(node["options"], "two options have the same key")
        numbers = [option.number for option in options if option.number is not None]
        if numbers and len(numbers) != len(options):
            raise self.fail(node["options"], "give every option a number, or none (yes/no)")
        if len(set(numbers)) != len(numbers):
            raise self.fail(node["options"], "two options have the same number")
        scale = self.shared.scales[node["scale"]]
        unknown = (set(scale.equivalents) | set(scale.paraphrases)) - set(keys)
        if unknown:
            raise self.fail(node["options"], f"scale '{node['scale']}' has phrases for {', '.join(sorted(unknown))}, "
                                             f"which are not options here")
        return tuple(options)

    def items(self, node: dict) -> tuple[Item, ...]:
        items = []
        entries = self.listing(node["items"], "'items'", node)
        for position, entry in enumerate(entries, start=1):
            entry = self.mapping(entry, "an item", {"id", "text", "reversed", "source_item"}, {"id", "text"}, entries)
            item_id = self.text(entry["id"], "an item's 'id'", entry)
            reversed_ = entry.get("reversed", False)
            if not isinstance(reversed_, bool):
                raise self.fail(entry, f"item '{item_id}': 'reversed' must be true or false")
            source_item = entry.get("source_item")
            if source_item is not None and fold(self.text(source_item, "'source_item'", entry)) in self.forbidden.source_items:
                raise self.fail(entry, f"item '{item_id}' comes from {source_item}, which is never asked by voice "
                                       f"(nobody responds live; see {COMMON}/forbidden.yml)")
            text = self.texts(entry["text"], f"item '{item_id}'", entry)
            for lang, said in text.items():
                word = self.forbidden.word_in(said, lang)
                if word:
                    raise self.fail(entry["text"], f"item '{item_id}' asks about death or self-harm ('{word}' in {lang}): "
                                                   f"such items are never asked by voice ({COMMON}/forbidden.yml)")
            items.append(Item(id=item_id, position=position, text=text, reversed=reversed_, source_item=source_item))
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise self.fail(entries, "two items have the same id")
        return tuple(items)

    def scoring(self, node: dict, options: tuple[Option, ...], item_count: int) -> Scoring:
        scoring = self.mapping(node["scoring"], "'scoring'", {"range", "percentage_multiplier", "meaningful_change"},
                               {"range"}, node)
        bounds = scoring["range"]
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(value, int) and not isinstance(value, bool) for value in bounds)):
            raise self.fail(scoring, "'range' must be [lowest, highest] total score")
        scores = [option.score for option in options]
        expected = [item_count * min(scores), item_count * max(scores)]
        if list(bounds) != expected:
            raise self.fail(bounds, f"the scoring range {bounds[0]} to {bounds[1]} does not match the options: "
                                    f"{item_count} items scoring {min(scores)} to {max(scores)} give "
                                    f"{expected[0]} to {expected[1]}")
        multiplier = self.integer(scoring, "percentage_multiplier", "'percentage_multiplier'", minimum=1) \
            if "percentage_multiplier" in scoring else None
        change = None
        if "meaningful_change" in scoring:
            entry = self.mapping(scoring["meaningful_change"], "'meaningful_change'", {"measure", "points", "source"},
                                 {"measure", "points", "source"}, scoring)
            change = MeaningfulChange(measure=self.measure(entry, multiplier), points=self.integer(entry, "points", "'points'", 1),
                                      source=self.text(entry["source"], "'source'", entry))
        return Scoring(minimum=bounds[0], maximum=bounds[1], percentage_multiplier=multiplier, meaningful_change=change)

    def measure(self, entry: dict, multiplier: int | None) -> Measure:
        try:
            measure = Measure(entry["measure"])
        except ValueError:
            raise self.fail(entry, f"'measure' must be raw or percentage, not {entry['measure']!r}") from None
        if measure is Measure.PERCENTAGE and multiplier is None:
            raise self.fail(entry, "a percentage needs 'percentage_multiplier' in 'scoring'")
        return measure

    def thresholds(self, node: dict, scoring: Scoring) -> tuple[Threshold, ...]:
        thresholds = []
        comparisons = {comparison.value for comparison in Comparison}
        for entry in self.listing(node["thresholds"], "'thresholds'", node, allow_empty=True):
            entry = self.mapping(entry, "a threshold", {"id", "measure", "meaning", "source"} | comparisons,
                                 {"id", "measure", "meaning", "source"}, node["thresholds"])
            given = comparisons & set(entry)
            if len(given) != 1:
                raise self.fail(entry, f"threshold '{entry['id']}' needs exactly one of {', '.join(sorted(comparisons))}")
            comparison = Comparison(given.pop())
            measure = self.measure(entry, scoring.percentage_multiplier)
            value = self.integer(entry, comparison.value, f"threshold '{entry['id']}'")
            factor = scoring.percentage_multiplier if measure is Measure.PERCENTAGE else 1
            low, high = scoring.minimum * factor, scoring.maximum * factor
            if comparison is Comparison.BELOW:
                low += 1
            if not low <= value <= high:
                raise self.fail(entry, f"threshold '{entry['id']}' ({comparison.value.replace('_', ' ')} {value}) is outside "
                                       f"the {measure.value} score range {scoring.minimum * factor} to {high}")
            thresholds.append(Threshold(id=entry["id"], measure=measure, comparison=comparison, value=value,
                                        meaning=self.texts(entry["meaning"], f"threshold '{entry['id']}' meaning", entry),
                                        source=self.text(entry["source"], "'source'", entry)))
        return tuple(thresholds)

    def published(self, node: dict, options: tuple[Option, ...], items: tuple[Item, ...]) -> dict[str, Published]:
        published = self.mapping(node["published"], "'published'", set(LANGUAGES), parent=node)
        result = {}
        for lang in LANGUAGES:
            if lang not in published:
                raise self.fail(published, f"'published' has no {lang} block: every language needs its source text")
            block = self.mapping(published[lang], f"published {lang}", PUBLISHED_KEYS,
                                 {"status", "source", "wording_checked", "options", "items"}, published)
            try:
                status = Status(block["status"])
            except ValueError:
                raise self.fail(block, f"published {lang} 'status' must be one of "
                                       f"{', '.join(status.value for status in Status)}") from None
            checked = block["wording_checked"]
            if not isinstance(checked, bool):
                raise self.fail(block, f"published {lang} 'wording_checked' must be true or false")
            against = self.strings(block.get("checked_against", []), "'checked_against'", block)
            if checked and not against:
                raise self.fail(block, f"published {lang}: say in 'checked_against' what the wording was checked against")
            if not checked and "note" not in block:
                raise self.fail(block, f"published {lang}: an unchecked wording needs a 'note' saying why")
            published_items = self.mapping(block["items"], f"published {lang} items", parent=block)
            for item in items:
                if item.id not in published_items:
                    raise self.fail(published_items, f"item '{item.id}' has no published text in {lang}")
            extra = set(published_items) - {item.id for item in items}
            if extra:
                raise self.fail(published_items, f"published {lang} items has unknown items: {', '.join(sorted(extra))}")
            published_options = self.mapping(block["options"], f"published {lang} options", parent=block)
            missing = {option.key for option in options} - set(published_options)
            if missing:
                raise self.fail(published_options, f"options without published text in {lang}: {', '.join(sorted(missing))}")
            unchecked = self.mapping(block.get("unchecked", {}), f"published {lang} unchecked", parent=block)
            if set(unchecked) - {item.id for item in items}:
                raise self.fail(unchecked, f"'unchecked' names unknown items: {', '.join(sorted(set(unchecked) - set(published_items)))}")
            optional = {key: self.text(block[key], f"published {lang} '{key}'", block)
                        for key in ("instructions", "item_lead", "administration", "note", "url") if key in block}
            result[lang] = Published(
                status=status, source=self.text(block["source"], "'source'", block), wording_checked=checked,
                checked_against=against,
                items={key: self.text(value, f"published {lang} '{key}'", published_items) for key, value in published_items.items()},
                options={key: self.text(value, f"published {lang} '{key}'", published_options)
                         for key, value in published_options.items()},
                unchecked={key: self.text(value, f"unchecked '{key}'", unchecked) for key, value in unchecked.items()},
                **optional,
            )
        return result

    def matches_published(self, node: dict, instrument: Instrument) -> None:
        """Every validated text said is its published text, word for word."""
        entries = {entry["id"]: entry for entry in node["items"]}
        option_entries = {entry["key"]: entry for entry in node["options"]}
        for lang in LANGUAGES:
            published = instrument.published[lang]
            for item in instrument.items:
                _same(self, entries[item.id]["text"], f"item '{item.id}' in {lang}", item.text[lang], published.items[item.id])
            for option in instrument.options:
                _same(self, option_entries[option.key]["text"], f"option '{option.key}' in {lang}",
                      option.text[lang], published.options[option.key])
            if published.instructions is not None:
                _same(self, node["instructions"], f"'instructions' in {lang}", instrument.instructions[lang],
                      published.instructions)
            if instrument.item_lead is not None:
                if published.item_lead is None:
                    raise self.fail(node["item_lead"], f"'item_lead' is said before items, so it must be published text: "
                                                       f"add it to published {lang}")
                _same(self, node["item_lead"], f"'item_lead' in {lang}", instrument.item_lead[lang], published.item_lead)

    def speakable(self, node: dict, instrument: Instrument) -> None:
        """Every inclusive form can be voiced, every number said, no phrase means two answers."""
        for lang in LANGUAGES:
            known = self.shared.voice.inclusive_forms.get(lang, {})
            texts = [(node["instructions"], instrument.instructions[lang])]
            texts += [(entry["text"], entry["text"][lang]) for entry in node["items"]]
            texts += [(entry["text"], entry["text"][lang]) for entry in node["options"]]
            if instrument.item_lead:
                texts.append((node["item_lead"], instrument.item_lead[lang]))
            for place, text in texts:
                for form in inclusive_forms_in(text):
                    if form not in known:
                        raise self.fail(place, f"'{form}' ({lang}) has no spoken forms in {COMMON}/voice.yml inclusive_forms")
            words = self.shared.words[lang]
            needed = [len(instrument.items), instrument.minutes] + [option.number for option in instrument.options if option.number is not None]
            missing = [number for number in needed if number not in words.numbers]
            if missing:
                raise self.fail(node, f"no {lang} number words for {', '.join(map(str, missing))} in {COMMON}/answers.yml")
            try:
                phrase_table(instrument, lang, words, self.shared.scales[instrument.scale])
            except PhraseClash as clash:
                # Point at the shared phrase when there is one: the option words are published text.
                culprit, other = sorted(clash.phrases, key=lambda phrase: (getattr(phrase, "path", None) == self.path,
                                                                          not line_of(phrase)))
                raise self.fail(culprit, f"in {lang}, {clash} (scale '{instrument.scale}'; "
                                         f"the other is at {where(self.path, other)})") from None


def _same(check: _Checker, where: Any, what: str, said: str, published: str) -> None:
    if said != published:
        raise check.fail(where, f"{what} differs from its published text: said \"{said}\", published \"{published}\"")


# Everything -------------------------------------------------------------------------


def load_shared(folder: Path = QUESTIONNAIRES_DIR) -> tuple[Catalogue, Callable[[Path], Instrument]]:
    """The shared data (raises QuestionnaireDataError naming the file and line), and a loader of one instrument."""
    common = folder / COMMON
    words, scales = _answer_words(common / "answers.yml")
    shared = Catalogue(instruments={}, words=words, scales=scales, voice=_voice(common / "voice.yml"))
    forbidden = _Forbidden(common / "forbidden.yml")

    def load_instrument(path: Path) -> Instrument:
        return _InstrumentChecker(path, shared, forbidden).instrument(read_yaml(path))

    return shared, load_instrument


def load_catalogue(folder: Path = QUESTIONNAIRES_DIR) -> tuple[Catalogue, list[QuestionnaireDataError]]:
    """Every instrument in `folder` by id with the shared data, and the errors of the instruments left out.

    A mistake in the shared files (common/) raises QuestionnaireDataError: no
    instrument can be asked without them.
    """
    shared, load_instrument = load_shared(folder)
    instruments: dict[str, Instrument] = {}
    errors: list[QuestionnaireDataError] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            instrument = load_instrument(path)
        except QuestionnaireDataError as error:
            errors.append(error)
        else:
            instruments[instrument.id] = instrument
    return Catalogue(instruments=instruments, words=shared.words, scales=shared.scales, voice=shared.voice), errors
