"""One way to compare what people say: the text normaliser every matcher shares.

Speech recognition writes lower case without punctuation, a keyboard writes
"I didn’t mean it" with a curly apostrophe, French arrives with or without its
accents. The safety detector, the retraction phrases and the command words all
match against `fold(text)`, so a phrase written once matches every spelling.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u201b\u02bc\u2032\u00b4`"})
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})
_NOT_WORD = re.compile(r"[^a-z0-9']+")


def strip_accents(text: str) -> str:
    """'réveiller' -> 'reveiller', case and punctuation kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, anything else but letters and digits a space.

    Words are separated by single spaces, with no space at either end.
    """
    text = strip_accents(text.translate(_APOSTROPHES)).lower().translate(_LIGATURES)
    return " ".join(_NOT_WORD.sub(" ", text).split())
