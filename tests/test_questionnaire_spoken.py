"""What is said around the validated items: introduction, options, question numbers, confirmation, closing."""

from __future__ import annotations

import pytest

from assistant.questionnaires import GrammaticalForm, SpokenQuestionnaire, load_catalogue


@pytest.fixture(scope="module")
def catalogue():
    catalogue, errors = load_catalogue()
    assert errors == []
    return catalogue


def _voice(catalogue, instrument_id, lang, form=GrammaticalForm.FEMININE):
    return SpokenQuestionnaire(catalogue.instruments[instrument_id], lang, catalogue, form)


@pytest.mark.parametrize("instrument_id, lang, clinic, expected", [
    ("who5", "en", "Cabinet Dupont", ["Five questions from Cabinet Dupont, about the last two weeks.",
                                      "It takes about three minutes."]),
    ("who5", "fr", "Cabinet Dupont", ["Cabinet Dupont vous propose cinq questions sur les deux dernières semaines.",
                                      "Cela prend environ trois minutes."]),
    ("phq2", "en", None, ["Two questions about the last two weeks.", "It takes about a minute."]),
    ("gds15", "fr", None, ["Voici quinze questions sur la semaine passée.", "Cela prend environ cinq minutes."]),
    ("ucla3", "en", "the memory clinic", ["Three questions from the memory clinic.", "It takes about a minute."]),
    ("ucla3", "fr", None, ["Voici trois questions.", "Cela prend environ une minute."]),
])
def test_the_introduction_says_who_asks_how_many_about_when_and_how_long(catalogue, instrument_id, lang, clinic, expected):
    assert _voice(catalogue, instrument_id, lang).introduction(clinic) == expected


def test_numbered_options_are_read_one_short_sentence_each(catalogue):
    assert _voice(catalogue, "phq2", "en").options() == [
        "You can answer with the words or a number.", "Zero: not at all.", "One: several days.",
        "Two: more than half the days.", "Three: nearly every day."]
    assert _voice(catalogue, "who5", "fr").options()[:3] == [
        "Vous pouvez répondre avec les mots ou avec un chiffre.", "Cinq : tout le temps.", "Quatre : la plupart du temps."]


def test_yes_no_options_are_one_sentence(catalogue):
    assert _voice(catalogue, "gds15", "en").options() == ["You can answer yes or no."]
    assert _voice(catalogue, "mini_gds", "fr").options() == ["Vous pouvez répondre oui ou non."]


def test_an_item_comes_with_its_number_and_may_come_with_its_published_heading(catalogue):
    who5 = catalogue.instruments["who5"]
    voice = _voice(catalogue, "who5", "fr", GrammaticalForm.MASCULINE)
    assert voice.item(who5.items[0], with_lead=True) == [
        "Question un sur cinq.", "Au cours des deux dernières semaines", "Je me suis senti bien et de bonne humeur"]
    assert _voice(catalogue, "gds15", "en").item(catalogue.instruments["gds15"].items[2]) == [
        "Question three of fifteen.", "Do you feel that your life is empty?"]


def test_instructions_are_the_published_stem_with_the_listeners_form(catalogue):
    assert _voice(catalogue, "phq2", "fr", GrammaticalForm.FEMININE).instructions() == (
        "Au cours des 2 dernières semaines, selon quelle fréquence avez-vous été gênée par les problèmes suivants ?")
    assert _voice(catalogue, "phq2", "en", None).instructions() == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?")


def test_french_with_inclusive_forms_needs_the_listeners_form(catalogue):
    voice = SpokenQuestionnaire(catalogue.instruments["mini_gds"], "fr", catalogue)
    with pytest.raises(ValueError, match="découragé\\(e\\)"):
        voice.item(catalogue.instruments["mini_gds"].items[0])
    assert voice.item(catalogue.instruments["mini_gds"].items[1])[-1] == "Avez-vous le sentiment que votre vie est vide ?"


def test_an_unsure_answer_is_confirmed_with_the_options_words(catalogue):
    phq2 = catalogue.instruments["phq2"]
    assert _voice(catalogue, "phq2", "en").confirm(phq2.option("more_than_half_the_days")) == (
        'That sounds like "more than half the days". Is that right?')
    assert _voice(catalogue, "phq2", "fr").confirm(phq2.option("more_than_half_the_days")) == (
        "Si je comprends bien : « plus de la moitié du temps ». C'est bien cela ?")


@pytest.mark.parametrize("clinic, shared, complete, passed, expected", [
    ("Cabinet Dupont", True, True, True, ["Thank you for answering these questions.",
                                         "Your answers will be in the report for Cabinet Dupont."]),
    ("Cabinet Dupont", True, True, False, ["Thank you for answering these questions.",
                                          "Your answers will be in the report for Cabinet Dupont."]),
    ("Cabinet Dupont", False, True, True, ["Thank you for answering these questions.",
                                          "Your answers stay on this device. You can choose to share them with "
                                          "Cabinet Dupont whenever you like."]),
    (None, False, True, True, ["Thank you for answering these questions.",
                               "If you would like to talk about how you have been feeling, your doctor is a good "
                               "person to talk to."]),
    (None, False, True, False, ["Thank you for answering these questions."]),
    (None, False, False, False, ["Thank you. We can do the other questions another time."]),
])
def test_the_closing_never_gives_a_verdict(catalogue, clinic, shared, complete, passed, expected):
    lines = _voice(catalogue, "who5", "en").closing(clinic, shared, complete, passed)
    assert lines == expected
    assert not any(word in " ".join(lines).lower() for word in ("score", "depress", "threshold", "result"))


def test_the_closing_in_french(catalogue):
    assert _voice(catalogue, "who5", "fr").closing("Cabinet Dupont", True, True, True) == [
        "Merci d'avoir répondu à ces questions.", "Vos réponses figureront dans le compte rendu pour Cabinet Dupont."]
