"""Validated questionnaires (WHO-5, PHQ-2, GAD-2, GDS-15, mini-GDS, UCLA-3) asked by voice.

The instruments are data (questionnaires/*.yml, with their published wording and
sources); this package loads and checks them, says them (`spoken`), understands
the answers (`answers`), scores a run (`scoring`, `run`) and decides when one is
offered (`schedule`). The conversation drives it; nothing here talks or stores.

    catalogue, errors = load_catalogue()            # once at start; errors name file and line
    instrument = catalogue.instruments["who5"]
    voice = SpokenQuestionnaire(instrument, "fr", catalogue, GrammaticalForm.FEMININE)
    matcher = AnswerMatcher(instrument, "fr", catalogue)
    run = Run(instrument, "fr", started_at=now)
    match = matcher.match("la plupart du temps")    # AnswerMatch(option, EXACT) or None
    run = run.answered(match.option, match.confidence, now)
"""

from assistant.questionnaires.answers import AnswerMatch, AnswerMatcher, Confidence
from assistant.questionnaires.catalogue import Catalogue, GrammaticalForm
from assistant.questionnaires.instruments import Instrument, Item, Option, Threshold
from assistant.questionnaires.datafile import QuestionnaireDataError
from assistant.questionnaires.loader import load_catalogue
from assistant.questionnaires.run import Answer, Run
from assistant.questionnaires.scoring import Change, ItemScore, RunScore, change_between, score_run
from assistant.questionnaires.spoken import SpokenQuestionnaire

__all__ = [
    "Answer", "AnswerMatch", "AnswerMatcher", "Catalogue", "Change", "Confidence", "GrammaticalForm", "Instrument", "Item",
    "ItemScore", "Option", "QuestionnaireDataError", "Run", "RunScore", "SpokenQuestionnaire", "Threshold",
    "change_between", "load_catalogue", "score_run",
]
