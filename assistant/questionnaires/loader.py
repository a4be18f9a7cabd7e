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

from pathlib import Path
from typing import Any, Callable

from assistant import LANGUAGES
from assistant.paths import QUESTIONNAIRES_DIR
from assistant.questionnaires.answers import PhraseClash, phrase_table
from assistant.questionnaires.catalogue import Catalogue
from assistant.questionnaires.instruments import (
    Comparison, Instrument, Item, MeaningfulChange, Measure, Option, Published, Scoring, Status, Threshold,
)
from assistant.questionnaires.datafile import Checker, QuestionnaireDataError, line_of, read_yaml, where
from assistant.questionnaires.shared import Forbidden, load_answer_words, load_voice
from assistant.questionnaires.spoken import inclusive_forms_in
from assistant.text import fold

COMMON = "common"
INSTRUMENT_KEYS = {"id", "version", "title", "recall", "minutes", "instructions", "item_lead", "scale",
                   "options", "items", "scoring", "thresholds", "licence", "source", "published"}
REQUIRED_KEYS = INSTRUMENT_KEYS - {"item_lead", "recall"}
PUBLISHED_KEYS = {"status", "source", "url", "wording_checked", "checked_against", "note", "unchecked",
                  "instructions", "item_lead", "administration", "options", "items"}


class _InstrumentChecker(Checker):
    def __init__(self, path: Path, shared: Catalogue, forbidden: Forbidden):
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
        items = self.items(node, options)
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

    def items(self, node: dict, options: tuple[Option, ...]) -> tuple[Item, ...]:
        items = []
        entries = self.listing(node["items"], "'items'", node)
        for position, entry in enumerate(entries, start=1):
            entry = self.mapping(entry, "an item", {"id", "text", "reversed", "source_item", "distress_on"},
                                 {"id", "text"}, entries)
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
            distress_on = entry.get("distress_on")
            if distress_on is not None and str(distress_on) not in {option.key for option in options}:
                raise self.fail(entry, f"item '{item_id}': 'distress_on' must be one of the options' keys")
            items.append(Item(id=item_id, position=position, text=text, reversed=reversed_, source_item=source_item,
                              distress_on=str(distress_on) if distress_on is not None else None))
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
            keys = {"measure", "points", "better", "source"}
            entry = self.mapping(scoring["meaningful_change"], "'meaningful_change'", keys, keys, scoring)
            if entry["better"] not in ("higher", "lower"):
                raise self.fail(entry, f"'better' must be higher or lower, not {entry['better']!r}")
            change = MeaningfulChange(measure=self.measure(entry, multiplier), points=self.integer(entry, "points", "'points'", 1),
                                      higher_is_better=entry["better"] == "higher",
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


def _same(check: Checker, where: Any, what: str, said: str, published: str) -> None:
    if said != published:
        raise check.fail(where, f"{what} differs from its published text: said \"{said}\", published \"{published}\"")


# Everything -------------------------------------------------------------------------


def load_shared(folder: Path = QUESTIONNAIRES_DIR) -> tuple[Catalogue, Callable[[Path], Instrument]]:
    """The shared data (raises QuestionnaireDataError naming the file and line), and a loader of one instrument."""
    common = folder / COMMON
    words, scales = load_answer_words(common / "answers.yml")
    shared = Catalogue(instruments={}, words=words, scales=scales, voice=load_voice(common / "voice.yml"))
    forbidden = Forbidden(common / "forbidden.yml")

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
