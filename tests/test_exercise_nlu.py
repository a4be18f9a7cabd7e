"""Asking for exercises in both languages, through the really trained NLU: phrasings the
model was not trained on, with the intent and the entities each must give, and the
request the programme makes of them."""

from __future__ import annotations

from collections import defaultdict

import pytest

from assistant.exercises.programme import UserRecord, load_programme
from assistant.exercises.scripts import load_scripts

PROGRAMME = load_programme(load_scripts()[0])
MIN_ACCURACY = 0.85
"""Share of the held-out phrasings below whose intent must be right, per language."""

HELD_OUT = {
    "en": [
        ("could we do the box breathing now", "start_breathing", {"exercise": "box_breathing"}),
        ("i'd like the four seven eight one please", "start_breathing", {"exercise": "breathing_478"}),
        ("the cyclic sigh for five minutes", "start_breathing", {"exercise": "cyclic_sigh", "minutes": "5"}),
        ("can you do the pursed lip breathing for my chest", "start_breathing", {"exercise": "pursed_lip_breathing"}),
        ("a quick breathing one", "start_breathing", {"length": "short"}),
        ("gentle breathing please love", "start_breathing", {"exercise": "gentle_count"}),
        ("resonance breathing for twenty minutes", "start_breathing", {"exercise": "resonance_breathing", "minutes": "20"}),
        ("i'd like a body scan please", "start_meditation", {"exercise": "body_scan"}),
        ("a body scan for ten minutes", "start_meditation", {"exercise": "body_scan", "minutes": "10"}),
        ("meditation for ten minutes", "start_meditation", {"minutes": "10"}),
        ("the loving kindness meditation", "start_meditation", {"exercise": "loving_kindness"}),
        ("a short meditation would be nice", "start_meditation", {"length": "short"}),
        ("do the breath awareness with me", "start_meditation", {"exercise": "breath_awareness"}),
        ("can we do the five senses one", "start_grounding", {"exercise": "grounding_54321"}),
        ("grounding for five minutes please", "start_grounding", {"exercise": "grounding_54321", "minutes": "5"}),
        ("muscle relaxation please dear", "start_relaxation", {"exercise": "progressive_muscle_relaxation"}),
        ("the one where you tense and relax your muscles", "start_relaxation", {"exercise": "progressive_muscle_relaxation"}),
        ("can we do a relaxation for my body", "start_relaxation", {}),
        ("help me get off to sleep please", "start_sleep", {}),
        ("the sleep wind-down please", "start_sleep", {"exercise": "sleep_wind_down"}),
        ("something for bedtime to help me drift off", "start_sleep", {}),
        ("something to calm me down please", "exercise_for_need", {"need": "calm"}),
        ("my back is stiff is there something for that", "exercise_for_need", {"need": "tension"}),
        ("have you got something for when i'm anxious", "exercise_for_need", {"need": "worry"}),
        ("an exercise to cheer me up", "exercise_for_need", {"need": "low_mood"}),
        ("something gentle for my aching knees", "exercise_for_need", {"need": "pain"}),
        ("what exercises have you got", "exercise_menu", {}),
        ("which exercises could i do today", "exercise_menu", {}),
        ("that's a bit too long have you a shorter one", "shorter", {}),
        ("can we make this one shorter", "shorter", {}),
        ("i'd like it a bit longer today", "longer", {}),
        ("can we make it longer please", "longer", {}),
        ("no something else please", "something_else", {}),
        ("have you got another one", "something_else", {}),
        ("please don't suggest that one to me again", "dont_suggest", {}),
        ("i don't want that one offered again", "dont_suggest", {}),
        ("why did you suggest that to me", "why_suggested", {}),
        ("why that one then", "why_suggested", {}),
        ("i really liked that one", "liked_exercise", {}),
        ("that was lovely i enjoyed it", "liked_exercise", {}),
    ],
    "fr": [
        ("on peut faire la respiration carrée maintenant", "start_breathing", {"exercise": "box_breathing"}),
        ("je voudrais la respiration quatre sept huit", "start_breathing", {"exercise": "breathing_478"}),
        ("le soupir cyclique pendant cinq minutes", "start_breathing", {"exercise": "cyclic_sigh", "minutes": "5"}),
        ("vous pouvez faire la respiration lèvres pincées pour mes poumons", "start_breathing",
         {"exercise": "pursed_lip_breathing"}),
        ("une respiration rapide", "start_breathing", {"length": "short"}),
        ("la respiration douce s'il vous plaît", "start_breathing", {"exercise": "gentle_count"}),
        ("cohérence cardiaque pendant vingt minutes", "start_breathing", {"exercise": "resonance_breathing", "minutes": "20"}),
        ("je voudrais un scan corporel", "start_meditation", {"exercise": "body_scan"}),
        ("un scan corporel de dix minutes", "start_meditation", {"exercise": "body_scan", "minutes": "10"}),
        ("une méditation de dix minutes", "start_meditation", {"minutes": "10"}),
        ("la méditation de bienveillance s'il vous plaît", "start_meditation", {"exercise": "loving_kindness"}),
        ("une méditation courte ce serait bien", "start_meditation", {"length": "short"}),
        ("faites l'attention au souffle avec moi", "start_meditation", {"exercise": "breath_awareness"}),
        ("on peut faire celui des cinq sens", "start_grounding", {"exercise": "grounding_54321"}),
        ("l'ancrage pendant cinq minutes s'il vous plaît", "start_grounding", {"exercise": "grounding_54321", "minutes": "5"}),
        ("la relaxation musculaire s'il vous plaît", "start_relaxation", {"exercise": "progressive_muscle_relaxation"}),
        ("celle où on contracte et relâche les muscles", "start_relaxation",
         {"exercise": "progressive_muscle_relaxation"}),
        ("on peut faire une relaxation pour mon corps", "start_relaxation", {}),
        ("aidez-moi à m'endormir s'il vous plaît", "start_sleep", {}),
        ("la détente avant le sommeil s'il vous plaît", "start_sleep", {"exercise": "sleep_wind_down"}),
        ("quelque chose pour le coucher pour m'aider à dormir", "start_sleep", {}),
        ("quelque chose pour me calmer s'il vous plaît", "exercise_for_need", {"need": "calm"}),
        ("j'ai le dos raide vous avez quelque chose pour ça", "exercise_for_need", {"need": "tension"}),
        ("vous avez quelque chose pour quand je suis anxieuse", "exercise_for_need", {"need": "worry"}),
        ("un exercice pour me remonter le moral", "exercise_for_need", {"need": "low_mood"}),
        ("quelque chose de doux pour mon mal au dos", "exercise_for_need", {"need": "pain"}),
        ("quels exercices vous avez", "exercise_menu", {}),
        ("quels exercices je pourrais faire aujourd'hui", "exercise_menu", {}),
        ("c'est un peu trop long vous avez plus court", "shorter", {}),
        ("on peut le faire plus court", "shorter", {}),
        ("je le voudrais un peu plus long aujourd'hui", "longer", {}),
        ("on peut le faire plus long s'il vous plaît", "longer", {}),
        ("non autre chose s'il vous plaît", "something_else", {}),
        ("vous en avez un autre", "something_else", {}),
        ("s'il vous plaît ne me proposez plus jamais celui-là", "dont_suggest", {}),
        ("je ne veux plus qu'on me propose celui-là", "dont_suggest", {}),
        ("pourquoi vous m'avez proposé celui-là", "why_suggested", {}),
        ("pourquoi celui-là alors", "why_suggested", {}),
        ("celui-là m'a beaucoup plu", "liked_exercise", {}),
        ("c'était agréable j'ai bien aimé", "liked_exercise", {}),
    ],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_held_out_requests_get_their_intent(models, lang):
    wrong, per_intent = [], defaultdict(lambda: [0, 0])
    for text, intent, _ in HELD_OUT[lang]:
        parse = models[lang].parse(text)
        per_intent[intent][1] += 1
        if parse.intent == intent:
            per_intent[intent][0] += 1
        else:
            wrong.append(f"{text!r}: {parse.intent} ({parse.confidence:.2f}), expected {intent}")
    accuracy = 1 - len(wrong) / len(HELD_OUT[lang])
    assert accuracy >= MIN_ACCURACY, f"{lang} intent accuracy {accuracy:.0%}:\n" + "\n".join(wrong)
    assert all(right >= 1 for right, _ in per_intent.values()), dict(per_intent)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_held_out_requests_get_their_entities_and_the_programme_reads_them(models, lang):
    for text, intent, expected in HELD_OUT[lang]:
        parse = models[lang].parse(text)
        found = {item["entity"]: item["value"] for item in parse.entities if item["entity"] in ("exercise", "need", "length", "minutes")}
        for entity, value in expected.items():
            assert found.get(entity) == value, (text, parse.entities)
        if "exercise" not in expected:
            assert "exercise" not in found, (text, parse.entities)
        request = PROGRAMME.request(intent, parse.entities, text)
        if intent in PROGRAMME.rules.intents:
            assert request.exercise_id == expected.get("exercise")
            assert request.minutes == (int(expected["minutes"]) if "minutes" in expected else None)
            assert PROGRAMME.choose(request, UserRecord()) is not None, text


@pytest.mark.parametrize("lang, text", [("en", "the four seven eight breathing"), ("fr", "l'ancrage cinq quatre trois deux un")])
def test_numbers_in_an_exercise_name_are_not_a_length(models, lang, text):
    parse = models[lang].parse(text)
    request = PROGRAMME.request(parse.intent, parse.entities, text)
    assert request is not None and request.minutes is None and request.exercise_id is not None


def test_every_exercise_has_a_name_in_each_language():
    import yaml
    from assistant.paths import NLU_DIR

    for lang in ("en", "fr"):
        data = yaml.safe_load((NLU_DIR / lang / "exercises.yml").read_text(encoding="utf-8"))["nlu"]
        named = {item["synonym"] for item in data if "synonym" in item} & set(PROGRAMME.scripts)
        assert named == set(PROGRAMME.scripts), (lang, set(PROGRAMME.scripts) - named)
