"""An offline, voice-first wellbeing companion in English and French.

The path of one utterance reads like the module list: inbox (what the user
said) -> safety -> dialogue (Rasa decides what) -> actions and exercise_runner
(the executor decides how and when) -> speech (what the user hears), with the
journal beside them.
"""

LANGUAGES = ("en", "fr")
