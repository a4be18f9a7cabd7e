"""How well the care circle's requests are understood: phrasings written apart from the training data.

Each line is said as older people might, in English and French; the figure is
the share recognised as the intended intent, per language (and the misses,
printed). Run: .venv/bin/python benchmarks/bench_care_nlu.py (uses the trained models of ASSISTANT_HOME).
"""

from __future__ import annotations

from assistant.dialogue.training import model_path
from assistant.paths import Home

HELD_OUT = {
    "en": {
        "stop_sharing": ["please stop sharing my things with the doctor", "i'd like the sharing to stop now",
                         "don't tell my daughter anything else", "i've decided i don't want to share",
                         "cancel my permission to share", "stop sending my mood to anyone"],
        "share_with": ["i'm happy for my daughter to see my mood", "could you share how i'm doing with the clinic",
                       "i'd like my son to get my summary", "please let the psychologist see it",
                       "you have my permission to share with my doctor", "tell my doctor how i've been please"],
        "ask_about_sharing": ["can my son see what i tell you", "does the doctor get to see my moods",
                              "is my family able to see how i am", "who gets to see my check-ins"],
        "delete_my_data": ["please delete all my records", "i want you to wipe everything about me",
                           "remove my answers from this machine", "get rid of all my information",
                           "erase everything you've got about me", "i'd like all my data gone"],
        "change_language": ["could you talk in french", "i would like french please", "change to english",
                            "can you speak to me in french dear", "en français", "let's speak french"],
    },
    "fr": {
        "stop_sharing": ["arrêtez de tout partager avec le médecin", "je veux que le partage s'arrête",
                         "ne dites plus rien à ma fille", "j'ai décidé de ne plus partager",
                         "retirez ma permission de partager", "n'envoyez plus mon humeur à personne"],
        "share_with": ["je veux bien que ma fille voie mon humeur", "partagez comment je vais avec le cabinet",
                       "j'aimerais que mon fils reçoive mon résumé", "laissez la psychologue le voir",
                       "je vous autorise à partager avec mon médecin", "dites à mon médecin comment je vais"],
        "ask_about_sharing": ["mon fils peut voir ce que je vous dis", "est-ce que le docteur voit mon humeur",
                              "ma famille peut savoir comment je vais", "qui voit mes bilans"],
        "delete_my_data": ["effacez toutes mes données s'il vous plaît", "je veux que vous effaciez tout sur moi",
                           "supprimez mes réponses de cet appareil", "débarrassez-vous de mes informations",
                           "effacez tout ce que vous avez sur moi", "je voudrais que toutes mes données disparaissent"],
        "change_language": ["vous pouvez parler en anglais", "je voudrais l'anglais", "passez à l'anglais",
                            "parlez-moi anglais s'il vous plaît", "in english", "parlons anglais"],
    },
}


def main() -> None:
    from assistant.dialogue.engine import DialogueModel

    home = Home.from_environment()
    for lang, intents in HELD_OUT.items():
        model = DialogueModel(model_path(home, lang))
        total = right = 0
        misses = []
        for intent, texts in intents.items():
            for text in texts:
                parse = model.parse(text)
                total += 1
                if parse.intent == intent:
                    right += 1
                else:
                    misses.append(f"  {text!r}: {parse.intent} ({parse.confidence:.2f}), wanted {intent}")
        print(f"{lang}: {right} of {total} care requests understood ({right / total:.0%})")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
