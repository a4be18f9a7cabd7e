"""The feelings responses (domain/responses/<lang>/feelings.yml) hold the same promises
in both languages: the same names, the same placeholders in every variant (the
executor fills them whichever variant it picks), enough variants to rotate, offers
that say what answer they expect, and French that says "vous" with its spaces
before ? ! : ;.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.text import fold

RESPONSES_DIR = Path(__file__).resolve().parents[1] / "domain" / "responses"
LANGUAGES = ("en", "fr")
PLACEHOLDERS = {"contact_name", "contact_phone", "clinician", "health_line", "choices"}
MIN_VARIANTS = {"utter_reflect_": 5, "utter_cannot_do": 5}
MAX_REFLECTION_WORDS = 20
FREE_OFFERS = {"utter_offer_talk"}
"""Offers answered in the person's own words rather than yes or no."""


def responses(lang: str) -> dict[str, list[dict]]:
    return yaml.safe_load((RESPONSES_DIR / lang / "feelings.yml").read_text(encoding="utf-8"))["responses"]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_both_languages_have_the_same_responses() -> None:
    assert set(responses("en")) == set(responses("fr"))


@pytest.mark.parametrize("name", sorted(responses("en")))
def test_placeholders_match_in_every_variant_and_language(name: str) -> None:
    found = {(lang, index): placeholders(variant["text"])
             for lang in LANGUAGES for index, variant in enumerate(responses(lang)[name])}
    assert len(set(map(frozenset, found.values()))) == 1, f"{name}: {found}"
    assert set().union(*found.values()) <= PLACEHOLDERS, f"{name}: unknown placeholder"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enough_variants_to_rotate(lang: str) -> None:
    thin = {name: len(variants) for name, variants in responses(lang).items()
            for prefix, least in MIN_VARIANTS.items() if name.startswith(prefix) and len(variants) < least}
    assert not thin, f"[{lang}] too few variants: {thin}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reflections_are_short(lang: str) -> None:
    long = [variant["text"] for name, variants in responses(lang).items() if name.startswith("utter_reflect_")
            for variant in variants if len(variant["text"].split()) > MAX_REFLECTION_WORDS]
    assert not long, f"[{lang}] reflections over {MAX_REFLECTION_WORDS} words: {long}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_offers_say_what_answer_they_expect(lang: str) -> None:
    for name, variants in responses(lang).items():
        if not name.startswith("utter_offer_") or name == "utter_offer_declined":
            continue
        expected = "free" if name in FREE_OFFERS else "yes_no"
        kinds = {(variant.get("metadata") or {}).get("expect") for variant in variants}
        assert kinds == {expected}, f"[{lang}] {name}: expect {kinds}, wanted {expected}"


def test_french_says_vous_and_spaces_its_punctuation() -> None:
    for name, variants in responses("fr").items():
        for variant in variants:
            text = variant["text"]
            assert not re.search(r"\S[?!:;]", text), f"{name}: no space before ? ! : ; in {text!r}"
            assert not set(fold(text).split()) & {"tu", "toi", "ton", "ta", "tes", "te"}, f"{name}: tu in {text!r}"
