"""The instrument files load in both languages, and every mistake names its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import LANGUAGES
from assistant.paths import QUESTIONNAIRES_DIR
from assistant.questionnaires import QuestionnaireDataError, load_catalogue
from assistant.questionnaires.instruments import Status
from assistant.questionnaires.shared import VOICE_PLACEHOLDERS
from assistant.questionnaires.spoken import INTRODUCTION_VARIANTS

INSTRUMENTS = {"who5": 5, "phq2": 2, "gad2": 2, "gds15": 15, "mini_gds": 4, "ucla3": 3}
"""Each shipped instrument and its number of items."""


def test_every_shipped_instrument_loads_in_both_languages():
    catalogue, errors = load_catalogue()
    assert errors == []
    assert {key: len(instrument.items) for key, instrument in catalogue.instruments.items()} == INSTRUMENTS
    for instrument in catalogue.instruments.values():
        assert set(instrument.published) == set(LANGUAGES)
        for lang in LANGUAGES:
            assert instrument.title[lang] and instrument.instructions[lang] and instrument.licence[lang]
            assert all(item.text[lang] for item in instrument.items)
            assert all(option.text[lang] for option in instrument.options)


def test_each_language_says_where_its_wording_comes_from():
    catalogue, _ = load_catalogue()
    status = {(key, lang): instrument.published[lang].status
              for key, instrument in catalogue.instruments.items() for lang in LANGUAGES}
    assert status[("mini_gds", "fr")] is Status.ORIGINAL and status[("mini_gds", "en")] is Status.TRANSLATION
    assert status[("ucla3", "fr")] is Status.PROJECT_TRANSLATION
    assert status[("who5", "fr")] is Status.OFFICIAL_TRANSLATION and status[("phq2", "fr")] is Status.OFFICIAL_TRANSLATION
    unconfirmed = sorted((key, lang, item.id) for key, instrument in catalogue.instruments.items()
                         for lang in LANGUAGES for item in instrument.items
                         if not instrument.published[lang].item_checked(item.id))
    # What could not be checked against a stored copy of the published text (see the files' notes).
    assert unconfirmed == [("ucla3", "fr", "ucla3_1"), ("ucla3", "fr", "ucla3_2"), ("ucla3", "fr", "ucla3_3"),
                           ("who5", "fr", "who5_4")]


def test_the_voice_file_is_checked_for_every_introduction_the_code_says():
    assert set(VOICE_PLACEHOLDERS["introduction"]) == INTRODUCTION_VARIANTS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of questionnaires/ to break."""
    copy = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES_DIR, copy)
    return copy


def _edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def _line(text: str, fragment: str) -> int:
    """The line (1-based) of the first line holding `fragment`."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


BROKEN = [
    pytest.param("who5.yml", '      fr: "Je me suis senti(e) calme et tranquille"\n', "",
                 '      en: "I have felt calm and relaxed"', "item 'who5_2' has no fr text", id="missing-language"),
    pytest.param("phq2.yml", "    number: 3\n    score: 3\n", "    number: 3\n    score: 4\n",
                 "range: [0, 6]", "2 items scoring 0 to 4 give 0 to 8", id="option-score-outside-range"),
    pytest.param("phq2.yml", "    at_least: 3\n", "    at_least: 7\n",
                 "- id: positive_screen", "threshold 'positive_screen' (at least 7) is outside the raw score range 0 to 6",
                 id="threshold-outside-range"),
    pytest.param("who5.yml", "    below: 50\n", "    below: 120\n",
                 "- id: poor_wellbeing", "outside the percentage score range 0 to 100", id="percentage-threshold"),
    pytest.param("gad2.yml", "      gad2_2: \"Une incapacité à arrêter de s'inquiéter ou à contrôler ses inquiétudes\"\n", "",
                 "      gad2_1: \"Un sentiment", "item 'gad2_2' has no published text in fr", id="item-without-published-text"),
    pytest.param("mini_gds.yml", "découragé(e) et triste", "découragé(e) ou triste",
                 '      en: "Do you often feel downhearted and blue?"', "item 'mini_gds_1' in fr differs from its published text",
                 id="published-text-differs"),
    pytest.param("gad2.yml", "    text: {en: \"Several days\", fr: \"Plusieurs jours\"}",
                 "    text: {en: \"Some days\", fr: \"Plusieurs jours\"}", "text: {en: \"Some days\"",
                 "option 'several_days' in en differs from its published text", id="option-differs"),
    pytest.param("phq2.yml", "scoring:\n", "  - id: phq2_9\n    source_item: \"PHQ-9 item 9\"\n    text: {en: x, fr: x}\n"
                 "scoring:\n", "- id: phq2_9", "comes from PHQ-9 item 9, which is never asked by voice", id="phq9-item-9"),
    pytest.param("who5.yml", "scoring:\n", "  - id: who5_6\n    text: {en: \"I have wished I were dead\", fr: x}\nscoring:\n",
                 "text: {en: \"I have wished", "asks about death or self-harm ('dead' in en)", id="self-harm-wording"),
    pytest.param("ucla3.yml", "    note: \"No validated French wording", "    remark: \"No validated French wording",
                 "status: project_translation", "unknown keys: remark", id="unknown-key"),
    pytest.param("who5.yml", "id: who5\n", "id: who_five\n", "id: who_five", "must match the file name", id="id-mismatch"),
    pytest.param("gds15.yml", "scale: yes_no\n", "scale: agree_disagree\n", "scale: agree_disagree",
                 "scale 'agree_disagree' has no phrases", id="unknown-scale"),
    pytest.param("who5.yml", "minutes: 3\n", "minutes: [3\n", "minutes: [3", "not valid YAML", id="invalid-yaml"),
]


@pytest.mark.parametrize("name, old, new, at, problem", BROKEN)
def test_a_broken_instrument_names_its_file_line_and_problem(folder, name, old, new, at, problem):
    path = folder / name
    text = _edit(path, old, new)
    catalogue, errors = load_catalogue(folder)
    assert name.removesuffix(".yml") not in catalogue.instruments
    assert len(errors) == 1, errors
    message = str(errors[0])
    expected_line = _line(text, at) + (1 if problem == "not valid YAML" else 0)
    assert message.startswith(f"{path}, line {expected_line}: ") or problem == "not valid YAML", message
    assert f"{path}, line" in message
    assert problem in message


def test_an_unchecked_wording_must_say_why(folder):
    path = folder / "ucla3.yml"
    text = _edit(path, "    note: \"No validated French wording of the three-item scale", "    url: \"No validated French wording of the three-item scale")
    _, errors = load_catalogue(folder)
    assert [str(error) for error in errors] == [
        f"{path}, line {_line(text, 'status: project_translation')}: "
        "published fr: an unchecked wording needs a 'note' saying why"]


def test_a_paraphrase_meaning_two_answers_is_refused_where_it_is_written(folder):
    answers = folder / "common" / "answers.yml"
    text = _edit(answers, "      en: [some days, a few days,", "      en: [nearly every day, some days, a few days,")
    catalogue, errors = load_catalogue(folder)
    assert sorted(catalogue.instruments) == ["gds15", "mini_gds", "ucla3", "who5"]
    assert len(errors) == 2  # the two instruments on the PHQ scale
    for error in errors:
        assert str(error).startswith(f"{answers}, line {_line(text, 'en: [nearly every day, some days')}: ")
        assert "'nearly every day' would mean both 'several_days' and 'nearly_every_day'" in str(error)


def test_an_inclusive_form_the_voice_cannot_say_is_refused(folder):
    path = folder / "ucla3.yml"
    text = path.read_text(encoding="utf-8").replace("sentez-vous exclu(e) ?", "sentez-vous exclu(e) et abandonné(e) ?")
    path.write_text(text, encoding="utf-8")
    _, errors = load_catalogue(folder)
    assert [str(error) for error in errors] == [
        f"{path}, line {_line(text, 'How often do you feel left out?')}: "
        "'abandonné(e)' (fr) has no spoken forms in common/voice.yml inclusive_forms"]


def test_a_broken_file_is_left_out_and_the_others_still_load(folder):
    (folder / "phq2.yml").write_text("id: phq2\n: : :\n", encoding="utf-8")
    catalogue, errors = load_catalogue(folder)
    assert sorted(catalogue.instruments) == sorted(set(INSTRUMENTS) - {"phq2"})
    assert len(errors) == 1 and "phq2.yml" in str(errors[0])


@pytest.mark.parametrize("old, new, at, problem", [
    ('fr: "{clinic} vous propose {count} questions sur {recall}."', 'fr: "{clinic} vous propose {count} questions."',
     'en: "{count} questions from {clinic}, about {recall}."',
     "'introduction.clinic_recall' in fr must use {clinic}, {count}, {recall}, not clinic, count"),
    ('"seul(e)": {feminine: "seule", masculine: "seul"}', '"seul(e)": {feminine: "seule"}', '"seul(e)": {feminine: "seule"}',
     "'seul(e)' is missing masculine"),
])
def test_a_mistake_in_the_shared_voice_file_stops_the_loading_with_its_line(folder, old, new, at, problem):
    voice = folder / "common" / "voice.yml"
    text = _edit(voice, old, new)
    with pytest.raises(QuestionnaireDataError) as error:
        load_catalogue(folder)
    assert str(error.value) == f"{voice}, line {_line(text, at)}: {problem}"


def test_a_yes_that_yaml_reads_as_true_is_caught(folder):
    """YAML 1.1 reads a bare no as false: the checker says so instead of matching "false"."""
    answers = folder / "common" / "answers.yml"
    text = _edit(answers, 'negators: [not, never, "no",', "negators: [not, never, no,")
    with pytest.raises(QuestionnaireDataError) as error:
        load_catalogue(folder)
    assert str(error.value) == f"{answers}, line {_line(text, 'negators: [not, never, no,')}: each of en 'negators' must be a text"
