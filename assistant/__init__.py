"""An offline, voice-first wellbeing companion in English and French.

The path of one utterance reads like the folder list: session (what the user
said, on the assistant's clock) -> conversation (safety first, then the
dialogue: Rasa decides what) -> exercises and the executor's actions (how and
when) -> session again (what the user hears), with the journal beside them.
"""

LANGUAGES = ("en", "fr")
