"""Spoken answers to options: words, paraphrases and numbers in both languages, and what is not an answer."""

from __future__ import annotations

import json

import pytest

from assistant.questionnaires import AnswerMatcher, Confidence, load_catalogue
from voice_fixtures import vosk_model_dir  # noqa: F401  (a fixture)

EXACT, CLOSE = Confidence.EXACT, Confidence.CLOSE


@pytest.fixture(scope="module")
def catalogue():
    catalogue, errors = load_catalogue()
    assert errors == []
    return catalogue


ANSWERS = [
    # The option's own words, as recognition writes them or typed with capitals.
    ("phq2", "en", "more than half the days", "more_than_half_the_days", EXACT),
    ("phq2", "en", "Nearly every day.", "nearly_every_day", EXACT),
    ("phq2", "fr", "presque tous les jours", "nearly_every_day", EXACT),
    ("phq2", "fr", "Plus de la moitié du temps", "more_than_half_the_days", EXACT),
    ("phq2", "fr", "plus de la moitie du temps", "more_than_half_the_days", EXACT),
    ("who5", "en", "most of the time", "most_of_the_time", EXACT),
    ("who5", "fr", "la plupart du temps", "most_of_the_time", EXACT),
    ("who5", "fr", "jamais", "at_no_time", EXACT),
    ("gad2", "en", "not at all", "not_at_all", EXACT),
    ("gad2", "fr", "jamais", "not_at_all", EXACT),
    ("ucla3", "en", "hardly ever", "hardly_ever", EXACT),
    ("gds15", "en", "yes", "yes", EXACT),
    ("gds15", "en", "No.", "no", EXACT),
    ("gds15", "fr", "oui", "yes", EXACT),
    ("mini_gds", "fr", "non", "no", EXACT),
    # Fillers around the words do not make them unsure.
    ("phq2", "en", "um I'd say several days", "several_days", EXACT),
    ("phq2", "en", "nearly every day I think", "nearly_every_day", EXACT),
    ("who5", "fr", "euh je dirais la plupart du temps", "most_of_the_time", EXACT),
    ("gds15", "fr", "oui merci", "yes", EXACT),
    # Equivalents: the same answer said another way.
    ("gds15", "en", "yeah", "yes", EXACT),
    ("gds15", "en", "nope", "no", EXACT),
    ("mini_gds", "fr", "ouais", "yes", EXACT),
    ("who5", "en", "all the time", "all_of_the_time", EXACT),
    # Numbers: words, digits, "number two", "la deux".
    ("phq2", "en", "three", "nearly_every_day", EXACT),
    ("phq2", "en", "3", "nearly_every_day", EXACT),
    ("phq2", "en", "number two", "more_than_half_the_days", EXACT),
    ("phq2", "en", "zero", "not_at_all", EXACT),
    ("phq2", "fr", "trois", "nearly_every_day", EXACT),
    ("phq2", "fr", "la deux", "more_than_half_the_days", EXACT),
    ("phq2", "fr", "numéro un", "several_days", EXACT),
    ("who5", "en", "five", "all_of_the_time", EXACT),
    ("who5", "fr", "cinq", "all_of_the_time", EXACT),
    ("who5", "fr", "un", "some_of_the_time", EXACT),
    ("ucla3", "en", "two", "some_of_the_time", EXACT),
    ("ucla3", "fr", "trois", "often", EXACT),
    ("who5", "en", "three more than half of the time", "more_than_half_of_the_time", EXACT),
    # Paraphrases: close, confirmed by the conversation.
    ("phq2", "en", "most days", "more_than_half_the_days", CLOSE),
    ("phq2", "en", "every day", "nearly_every_day", CLOSE),
    ("phq2", "en", "sometimes", "several_days", CLOSE),
    ("phq2", "fr", "pas du tout", "not_at_all", CLOSE),
    ("phq2", "fr", "tous les jours", "nearly_every_day", CLOSE),
    ("gad2", "fr", "plus de la moitié des jours", "more_than_half_the_days", EXACT),
    ("who5", "en", "more than half the days", "more_than_half_of_the_time", CLOSE),
    ("who5", "en", "almost always", "most_of_the_time", CLOSE),
    ("who5", "en", "rarely", "some_of_the_time", CLOSE),
    ("who5", "en", "never", "at_no_time", CLOSE),
    ("who5", "fr", "plus de la moitié", "more_than_half_of_the_time", CLOSE),
    ("who5", "fr", "presque toujours", "most_of_the_time", CLOSE),
    ("who5", "fr", "un peu", "some_of_the_time", CLOSE),
    ("ucla3", "en", "not often", "hardly_ever", CLOSE),
    ("ucla3", "en", "rarely", "hardly_ever", CLOSE),
    ("ucla3", "fr", "de temps en temps", "some_of_the_time", CLOSE),
    ("gds15", "en", "not really", "no", CLOSE),
    ("gds15", "en", "I do not", "no", CLOSE),
    ("gds15", "en", "no not really", "no", CLOSE),
    ("gds15", "fr", "je ne pense pas", "no", CLOSE),
    ("gds15", "fr", "tout à fait", "yes", CLOSE),
    # The option's words inside a longer sentence: close.
    ("phq2", "en", "oh it's been several days this fortnight", "several_days", CLOSE),
    ("who5", "fr", "je dirais plutôt la plupart du temps", "most_of_the_time", CLOSE),
]


@pytest.mark.parametrize("instrument_id, lang, text, key, confidence", ANSWERS)
def test_an_answer_names_its_option_with_how_sure_we_are(catalogue, instrument_id, lang, text, key, confidence):
    match = AnswerMatcher(catalogue.instruments[instrument_id], lang, catalogue).match(text)
    assert match is not None, text
    assert (match.option.key, match.confidence) == (key, confidence)


NOT_ANSWERS = [
    ("phq2", "en", "what was the question"),
    ("phq2", "en", "I want to stop"),
    ("phq2", "en", "I don't know"),
    ("gds15", "en", "I don't know"),         # would otherwise hold "I don't", a way of saying no
    ("gds15", "en", "I'm not sure"),
    ("gds15", "fr", "je ne sais pas"),
    ("mini_gds", "fr", "je sais pas trop"),
    ("phq2", "fr", "c'était quoi la question"),
    ("phq2", "fr", "je veux arrêter"),
    ("who5", "en", "what are the choices"),
    ("who5", "fr", "quels sont les choix"),
    ("phq2", "en", "not several days"),           # a negation outside the option's words
    ("phq2", "en", "several days or nearly every day"),  # two options
    ("phq2", "en", "I had one bad day"),          # a number inside a sentence is not an answer
    ("phq2", "fr", "un peu"),                     # "a little" is between two PHQ answers
    ("phq2", "en", "most of the time"),           # not a PHQ answer: ambiguous there
    ("who5", "en", "hello"),
    ("who5", "en", ""),
    ("ucla3", "fr", "je ne me sens pas souvent exclue"),
    ("gds15", "en", "the weather is nice today"),
]


@pytest.mark.parametrize("instrument_id, lang, text", NOT_ANSWERS)
def test_what_is_not_clearly_one_answer_matches_nothing(catalogue, instrument_id, lang, text):
    assert AnswerMatcher(catalogue.instruments[instrument_id], lang, catalogue).match(text) is None


@pytest.mark.parametrize("instrument_id", ["who5", "phq2", "gad2", "gds15", "mini_gds", "ucla3"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_option_is_matched_exactly_by_its_own_words_and_number(catalogue, instrument_id, lang):
    instrument = catalogue.instruments[instrument_id]
    matcher = AnswerMatcher(instrument, lang, catalogue)
    words = catalogue.words[lang]
    for option in instrument.options:
        assert matcher.match(option.text[lang]).option == option
        if option.number is not None:
            for said in (str(option.number), words.spoken_number(option.number)):
                match = matcher.match(said)
                assert (match.option, match.confidence) == (option, EXACT)


def test_the_grammar_holds_the_options_as_a_small_model_hears_them(catalogue):
    phq2 = AnswerMatcher(catalogue.instruments["phq2"], "fr", catalogue).grammar()
    assert {"jamais", "plusieurs jours", "plus de la moitié du temps", "presque tous les jours",
            "zéro", "un", "deux", "trois"} <= set(phq2)
    gds = AnswerMatcher(catalogue.instruments["gds15"], "en", catalogue).grammar()
    assert {"yes", "no", "yeah", "not really", "i don't"} <= set(gds)
    assert not {"one", "two"} & set(gds)  # yes/no items have no numbers
    for instrument in catalogue.instruments.values():
        for lang in ("en", "fr"):
            for phrase in AnswerMatcher(instrument, lang, catalogue).grammar():
                assert phrase == phrase.lower() and not any(character.isdigit() for character in phrase)
                assert all(character.isalpha() or character in " '-" for character in phrase), phrase


@pytest.mark.vosk
def test_every_english_grammar_word_is_in_the_small_speech_model(catalogue, vosk_model_dir, capfd):  # noqa: F811
    """Vosk drops words it does not know from a grammar, with a warning: none may be dropped."""
    import vosk

    model = vosk.Model(str(vosk_model_dir))
    vosk.SetLogLevel(0)
    try:
        capfd.readouterr()
        for instrument in catalogue.instruments.values():
            grammar = AnswerMatcher(instrument, "en", catalogue).grammar()
            vosk.KaldiRecognizer(model, 16000, json.dumps(grammar + ["[unk]"]))
        warnings = capfd.readouterr().err
    finally:
        vosk.SetLogLevel(-1)
    assert "missing in vocabulary" not in warnings, [line for line in warnings.splitlines() if "missing" in line]
