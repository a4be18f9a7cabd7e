"""`assistant setup` as a caregiver types it: through a pseudo-terminal, both languages, bad answers included."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

from pty_session import PtySession

REPO = Path(__file__).resolve().parents[1]


def _settings(home: Path) -> dict:
    return json.loads((home / "settings.json").read_text(encoding="utf-8"))


def _speech_seconds(text: str, lang: str, rate_wpm: float) -> float:
    """How long the real voice takes to say `text` (the trial's sample) at `rate_wpm`."""
    from assistant.voice.synthesis import EspeakVoice

    class Nowhere:
        def play(self, samples, sample_rate_hz):
            pass

        def stop(self):
            pass

    return EspeakVoice(Nowhere(), {"en": "en-gb", "fr": "fr-fr"}).speech(text, lang, rate_wpm, 0.8).duration_s


def test_setup_in_english_with_bad_answers_asked_again(tmp_path):
    home, trial = tmp_path / "home", tmp_path / "trial.wav"
    session = PtySession(home, "setup", "--audio-out", str(trial), cwd=REPO)
    session.answer("Langue de la conversation (en, fr) [en]: ", "de")
    assert "That cannot be used: it must be one of en, fr" in session.answer("[en]: ", "EN")
    session.answer("Country for the helplines (FR France, GB the United Kingdom", "be")
    shown = session.answer("Who can the user call?", "your daughter Ophelia")
    assert "Helplines for Belgium: the Suicide Prevention Centre 0800 32 123, emergencies 112" in shown
    session.answer("Phone number of your daughter Ophelia [-]: ", "abc")
    assert "it must be a phone number" in session.answer("[-]: ", "01.23.45.67.89")
    session.answer("Words that wake the assistant, in English [hello companion]: ", "Hello Friend")
    session.answer("(yes, no) [no]: ", "maybe")
    assert "it must be true or false" in session.answer("[no]: ", "yes")
    speed = "(yes, slower, faster, or words per minute) [yes]: "
    assert "Listen: speech at 130 words per minute" in session.answer(speed, "slower")
    assert "Listen: speech at 108.3 words per minute" in session.answer(speed, "very fast please")
    assert "Please answer yes, slower, faster" in session.answer(speed, "yes")
    session.answer("heart or lung condition", "yes")
    session.answer("pregnant", "")
    session.answer("surgery recently", "")
    session.answer("hearing aid", "no")
    session.answer("daily check-in?", "25:00")
    assert "it must be a time of day" in session.answer("[-]: ", "10h30")
    session.answer("breathing exercise each day?", "6 pm")
    session.answer("Questionnaires to offer", "who5 14d, phq2 2w")
    session.answer("(clinic mode)?", "no")
    session.answer("Name of the clinic or practice", "Cabinet Dupont")
    session.answer("Name of the clinician who reads the report", "Dr Claire Martin")
    session.answer("Language of the clinician report", "fr")
    session.answer("Time zone, for example Europe/London", "Mars/Olympus")
    assert "it must be a time zone name" in session.answer("[-]: ", "Europe/Brussels")
    summary = session.answer("Save these settings? (yes, no) [yes]: ", "")
    assert "Contact: your daughter Ophelia" in summary and "Clinician: Dr Claire Martin" in summary
    assert "Speech: 108.3 words per minute" in summary and "Questionnaires: who5 14d, phq2 14d" in summary
    assert session.finish() == 0
    assert f"Saved in {home / 'settings.json'}" in session.transcript

    stored = _settings(home)
    assert (stored["language"], stored["region"]) == ("en", "BE")
    assert stored["contact"] == {"name": "your daughter Ophelia", "phone": "01 23 45 67 89"}
    assert stored["listening"] == {"wake_phrase": {"en": "hello friend", "fr": "bonjour compagnon"}, "push_to_talk": True}
    assert stored["voice"]["rate_wpm"] == 108.3
    assert stored["health"] == {"heart_or_lung": True, "pregnancy": False, "recent_surgery": False,
                                "hearing_aid": False}
    assert stored["routines"] == {"checkin_at": "10:30", "exercise_at": "18:00"}
    assert stored["questionnaires"] == {"every": {"who5": "14d", "phq2": "14d"}}
    assert stored["clinic"] == {"name": "Cabinet Dupont", "clinician": "Dr Claire Martin", "report_language": "fr",
                                "mode": False}
    assert stored["time_zone"] == "Europe/Brussels"

    # The speed was tried aloud twice, at 130 then 108.3 words per minute, into the WAV file.
    sample = "Hello. This is how I will speak to you. Is this a good speed?"
    with wave.open(str(trial)) as sound:
        heard_s = sound.getnframes() / sound.getframerate()
    expected_s = _speech_seconds(sample, "en", 130.0) + _speech_seconds(sample, "en", 108.3)
    assert abs(heard_s - expected_s) < 0.05
    assert _speech_seconds(sample, "en", 108.3) > _speech_seconds(sample, "en", 130.0) * 1.1


def test_setup_in_french_keeps_the_defaults_and_tries_a_faster_speed(tmp_path):
    home = tmp_path / "home"
    session = PtySession(home, "--lang", "fr", "setup", "--audio-out", str(tmp_path / "essai.wav"), cwd=REPO)
    shown = session.answer("Langue de la conversation (en, fr) [en] : ", "Fr")
    assert "Appuyez sur Entrée pour garder la valeur entre crochets" in shown and "Language of" not in shown
    session.answer("Pays des numéros d'aide", "ch")
    assert "Numéros d'aide, Suisse : La Main Tendue 143" in session.answer("Qui la personne peut-elle appeler ?", "")
    session.answer("Mots qui réveillent l'assistant, en français [bonjour compagnon] : ", "Salut 2 Toi")
    assert "il faut un à quatre mots, en lettres seulement" in session.answer("[bonjour compagnon] : ", "")
    session.answer("(oui, non) [non] : ", "non")
    speed = "(oui, plus lent, plus vite, ou un nombre de mots par minute) [oui] : "
    assert "Écoutez : la voix à 130 mots par minute" in session.answer(speed, "plus vite")
    assert "la voix à 156 mots par minute" in session.answer(speed, "Oui")
    for question in ("cœur ou des poumons", "enceinte", "opérée récemment", "appareil auditif"):
        session.answer(question, "")
    session.answer("petit bilan chaque jour", "aucun")
    session.answer("exercice de respiration", "")
    session.answer("Questionnaires à proposer", "gds15 30d, xyz 3d")
    assert "disponibles : gad2, gds15, mini_gds, phq2, ucla3, who5" in session.answer("[-] : ", "gds15 30d")
    session.answer("(mode cabinet) ? (oui, non) [non] : ", "oui")
    session.answer("Nom du cabinet ou du service", "Cabinet Dupont")
    session.answer("Nom du ou de la professionnelle", "-")
    session.answer("Langue du rapport", "")
    session.answer("Fuseau horaire", "")
    summary = session.answer("Enregistrer ces réglages ? (oui, non) [oui] : ", "oui")
    assert "Langue de la conversation : français (fr)" in summary and "Mode cabinet : oui" in summary
    assert "Personne à appeler : -" in summary and "Numéro de cette personne" not in summary
    assert session.finish() == 0
    assert "Enregistré dans" in session.transcript and "Saved" not in session.transcript

    stored = _settings(home)
    assert (stored["language"], stored["region"], stored["voice"]["rate_wpm"]) == ("fr", "CH", 156.0)
    assert stored["listening"]["wake_phrase"]["fr"] == "bonjour compagnon"
    assert stored["questionnaires"]["every"] == {"gds15": "30d"}
    assert stored["clinic"] == {"name": "Cabinet Dupont", "clinician": "", "report_language": None, "mode": True}
    assert stored["routines"] == {"checkin_at": None, "exercise_at": None}


def test_setup_saves_nothing_when_the_caregiver_says_no_or_the_input_ends(tmp_path):
    home = tmp_path / "home"
    ended = subprocess.run([sys.executable, "-m", "assistant", "setup"], input="fr\n", capture_output=True, text=True,
                           env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=REPO, timeout=120)
    assert ended.returncode == 2 and "Le réglage s'est arrêté avant la fin : rien n'a été enregistré" in ended.stdout
    assert not (home / "settings.json").exists()
    answers = "\n" * 16 + "no\n"  # every question kept as it is (no contact, no clinic: 16 of them), then "no"
    declined = subprocess.run([sys.executable, "-m", "assistant", "setup", "--audio-out", str(tmp_path / "t.wav")],
                              input=answers, capture_output=True, text=True, cwd=REPO, timeout=120,
                              env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert declined.returncode == 0 and "Nothing was saved" in declined.stdout
    assert not (home / "settings.json").exists()


def test_a_profile_is_checked_field_by_field_then_applied_and_shown(tmp_path):
    home = tmp_path / "home"
    env = {"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}

    def assistant(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                              cwd=REPO, timeout=120)

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"language": "de", "colour": "blue", "contact": {"phone": "abc"},
                               "clinic": {"mode": "maybe"}}))
    refused = assistant("setup", "--profile", str(bad))
    assert refused.returncode == 2
    for field in ("'colour'", "language cannot be \"de\"", "contact.phone cannot be \"abc\"",
                  "clinic.mode cannot be \"maybe\""):
        assert field in refused.stderr
    assert "Nothing was changed" in refused.stderr and not (home / "settings.json").exists()
    broken = tmp_path / "broken.json"
    broken.write_text('{"language": "fr",\n "region": }')
    assert "line 2" in assistant("setup", "--profile", str(broken)).stderr

    profile = tmp_path / "clinic.json"
    profile.write_text(json.dumps({"language": "FR", "region": "be", "clinic.name": "Cabinet Dupont",
                                   "clinic": {"clinician": "Dr Claire Martin", "mode": "oui"},
                                   "listening": {"wake_phrase_fr": "Bonjour Ami"},
                                   "questionnaires": {"every": {"WHO5": "2w"}}, "health": {"hearing_aid": True}}))
    applied = assistant("setup", "--profile", str(profile))
    assert applied.returncode == 0, applied.stderr
    assert "Cabinet : Cabinet Dupont" in applied.stdout
    stored = _settings(home)
    assert (stored["language"], stored["region"], stored["clinic"]["mode"]) == ("fr", "BE", True)
    assert stored["listening"]["wake_phrase"]["fr"] == "bonjour ami"
    assert stored["questionnaires"]["every"] == {"who5": "14d"} and stored["health"]["hearing_aid"] is True
    assert json.loads((home / "clinic-profile.json").read_text())["clinic.name"] == "Cabinet Dupont"

    shown = assistant("setup", "--show")
    assert shown.returncode == 0
    assert "Numéros d'aide, Belgique : le Centre de Prévention du Suicide 0800 32 123" in shown.stdout
    assert "Professionnel ou professionnelle : Dr Claire Martin" in shown.stdout
    in_english = assistant("setup", "--show", "--lang", "en")
    assert "Clinic: Cabinet Dupont" in in_english.stdout and "Language of the conversation: French (fr)" in in_english.stdout
