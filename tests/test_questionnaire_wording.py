"""What is said is the published wording, word for word, and can never drift from it.

Three copies keep each other honest: the spoken `text` in the instrument file,
the `published` block of the same file (read here with plain YAML, not the
loader), and, for a few items per instrument, the wording pinned in this test.
"""

from __future__ import annotations

import re

import pytest
import yaml

from assistant import LANGUAGES
from assistant.paths import QUESTIONNAIRES_DIR
from assistant.questionnaires import GrammaticalForm, SpokenQuestionnaire, load_catalogue
from assistant.safety.detector import DISTRESS, SafetyDetector


@pytest.fixture(scope="module")
def catalogue():
    catalogue, errors = load_catalogue()
    assert errors == []
    return catalogue


def _raw(instrument_id: str) -> dict:
    return yaml.safe_load((QUESTIONNAIRES_DIR / f"{instrument_id}.yml").read_text(encoding="utf-8"))


CASES = [(instrument, lang) for instrument in ("who5", "phq2", "gad2", "gds15", "mini_gds", "ucla3") for lang in LANGUAGES]


@pytest.mark.parametrize("instrument_id, lang", CASES)
def test_every_spoken_item_option_and_instruction_is_its_published_text(instrument_id, lang):
    raw = _raw(instrument_id)
    published = raw["published"][lang]
    assert [item["text"][lang] for item in raw["items"]] == [published["items"][item["id"]] for item in raw["items"]]
    assert {option["key"]: option["text"][lang] for option in raw["options"]} == published["options"]
    if "instructions" in published:
        assert raw["instructions"][lang] == published["instructions"]
    if "item_lead" in raw:
        assert raw["item_lead"][lang] == published["item_lead"]


PINNED = {
    ("who5", "en", "who5_1"): "I have felt cheerful and in good spirits",
    ("who5", "en", "who5_5"): "My daily life has been filled with things that interest me",
    ("who5", "fr", "who5_1"): "Je me suis senti(e) bien et de bonne humeur",
    ("who5", "fr", "who5_3"): "Je me suis senti(e) plein(e) d'énergie et vigoureux(se)",
    ("phq2", "en", "phq2_1"): "Little interest or pleasure in doing things",
    ("phq2", "en", "phq2_2"): "Feeling down, depressed, or hopeless",
    ("phq2", "fr", "phq2_2"): "Être triste, déprimé(e) ou désespéré(e)",
    ("gad2", "en", "gad2_2"): "Not being able to stop or control worrying",
    ("gad2", "fr", "gad2_1"): "Un sentiment de nervosité, d'anxiété ou de tension",
    ("gds15", "en", "gds15_1"): "Are you basically satisfied with your life?",
    ("gds15", "en", "gds15_15"): "Do you think that most people are better off than you are?",
    ("gds15", "fr", "gds15_9"): "Préférez-vous rester seul(e) dans votre chambre plutôt que d’en sortir?",
    ("mini_gds", "fr", "mini_gds_1"): "Vous sentez-vous souvent découragé(e) et triste ?",
    ("mini_gds", "fr", "mini_gds_4"): "Avez-vous l'impression que votre situation est désespérée ?",
    ("ucla3", "en", "ucla3_1"): "How often do you feel that you lack companionship?",
}


@pytest.mark.parametrize("key", list(PINNED), ids=lambda key: "-".join(key))
def test_pinned_wordings_have_not_changed(catalogue, key):
    instrument_id, lang, item_id = key
    assert catalogue.instruments[instrument_id].item(item_id).text[lang] == PINNED[key]


def test_published_instructions_and_options_are_the_validated_ones(catalogue):
    phq, gad, who = (catalogue.instruments[name] for name in ("phq2", "gad2", "who5"))
    assert phq.instructions["en"] == "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    assert phq.instructions["fr"] == gad.instructions["fr"] == (
        "Au cours des 2 dernières semaines, selon quelle fréquence avez-vous été gêné(e) par les problèmes suivants ?")
    assert [option.text["fr"] for option in phq.options] == [
        "Jamais", "Plusieurs jours", "Plus de la moitié du temps", "Presque tous les jours"]
    assert [(option.number, option.text["en"]) for option in who.options] == [
        (5, "All of the time"), (4, "Most of the time"), (3, "More than half of the time"),
        (2, "Less than half of the time"), (1, "Some of the time"), (0, "At no time")]


@pytest.mark.parametrize("form", list(GrammaticalForm))
@pytest.mark.parametrize("instrument_id", ["who5", "phq2", "gad2", "gds15", "mini_gds", "ucla3"])
def test_french_inclusive_forms_are_voiced_without_touching_any_other_word(catalogue, instrument_id, form):
    instrument = catalogue.instruments[instrument_id]
    voice = SpokenQuestionnaire(instrument, "fr", catalogue, form)
    texts = [item.text["fr"] for item in instrument.items] + [instrument.instructions["fr"]]
    for written in texts:
        said = voice.say(written)
        assert "(" not in said and "/" not in said
        written_words, said_words = written.split(), said.split()
        assert len(written_words) == len(said_words)
        for before, after in zip(written_words, said_words):
            if before != after:
                assert re.search(r"\(|/", before), f"{before!r} became {after!r}"


def test_the_voice_says_each_form_as_written_for_it(catalogue):
    who5 = catalogue.instruments["who5"]
    feminine = SpokenQuestionnaire(who5, "fr", catalogue, GrammaticalForm.FEMININE)
    masculine = SpokenQuestionnaire(who5, "fr", catalogue, GrammaticalForm.MASCULINE)
    item = who5.item("who5_3")
    assert feminine.say(item.text["fr"]) == "Je me suis sentie pleine d'énergie et vigoureuse"
    assert masculine.say(item.text["fr"]) == "Je me suis senti plein d'énergie et vigoureux"
    assert feminine.say(who5.item("who5_4").text["fr"]) == "Je me suis réveillée fraîche et dispose"


def test_no_item_asks_about_self_harm_or_comes_from_phq9_item_9(catalogue):
    assert [item.source_item for item in catalogue.instruments["phq2"].items] == ["PHQ-9 item 1", "PHQ-9 item 2"]
    detectors = {lang: SafetyDetector.load(lang) for lang in LANGUAGES}
    flagged = set()
    for instrument in catalogue.instruments.values():
        for item in instrument.items:
            assert item.source_item is None or "item 9" not in item.source_item
            for lang in LANGUAGES:
                finding = detectors[lang].assess(item.text[lang])
                if finding:
                    flagged.add((item.id, lang, finding.level))
    # The items on emptiness ("Do you feel that your life is empty?") are read as
    # distress at most: a person answering "yes, my life is empty" is asked the
    # distress question, never given the crisis script for the question's words.
    assert flagged and {level for _, _, level in flagged} == {DISTRESS}
    assert {item for item, _, _ in flagged} <= {"gds15_3", "mini_gds_2"}


def test_the_reversed_items_are_those_scored_on_no(catalogue):
    def reversed_positions(name):
        return [item.position for item in catalogue.instruments[name].items if item.reversed]

    assert reversed_positions("gds15") == [1, 5, 7, 11, 13]
    assert reversed_positions("mini_gds") == [3]
    assert all(not reversed_positions(name) for name in ("who5", "phq2", "gad2", "ucla3"))
