"""The command-line contracts (CONTRACTS.md), run as a user would: `python -m assistant ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def assistant(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          env={"ASSISTANT_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=300)


def test_nlu_single_text_and_stdin_batch(home):
    single = assistant(home, "nlu", "could you say that again dear")
    assert single.returncode == 0, single.stderr
    result = json.loads(single.stdout)
    assert set(result) == {"text", "lang", "intent", "confidence", "entities", "safety"}
    assert (result["intent"], result["lang"], result["safety"]) == ("repeat", "en", None)

    batch = assistant(home, "--lang", "fr", "nlu", stdin="plutôt bien\nje veux mourir\n")
    first, second = [json.loads(line) for line in batch.stdout.splitlines()]
    assert first["intent"] == "report_mood" and {"entity": "mood_score", "value": "4"} in first["entities"]
    assert second["safety"] == "crisis" and second["lang"] == "fr"


def test_machine_mode_with_an_interruption(home):
    lines = ["hello", "breathing please", json.dumps({"text": "stop", "after": 42})]
    run = assistant(home, "chat", "--jsonl", "--clock", "virtual", stdin="\n".join(lines) + "\n")
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert all("t" in event and "event" in event for event in events)
    assert events[0]["event"] == "say" and events[-1]["event"] == "end"
    states = [event["state"] for event in events if event["event"] == "exercise"]
    assert states == ["started", "stopped"]
    stopped = next(event for event in events if event["event"] == "exercise" and event["state"] == "stopped")
    assert 42 <= stopped["t"] - next(e["t"] for e in events if e["event"] == "heard" and e["text"] == "breathing please") < 43


def test_unknown_language_code_is_a_clear_message(home):
    run = assistant(home, "--lang", "de", "chat", "--jsonl")
    assert run.returncode == 2
    assert "I do not know the language code 'de'" in run.stderr and "en, fr" in run.stderr
    assert "Je ne connais pas le code de langue" in run.stderr


def test_a_broken_settings_file_is_kept_and_the_conversation_still_runs(home):
    (home / "settings.json").write_text("{ this is not json")
    run = assistant(home, "chat", "--jsonl", "--clock", "virtual", stdin="hello\n")
    assert run.returncode == 0
    assert "is damaged" in run.stderr
    assert list(home.glob("settings.json.damaged-*"))[0].read_text() == "{ this is not json"
    assert any(json.loads(line)["event"] == "say" for line in run.stdout.splitlines())


def test_settings_set_checks_the_value(home):
    assert assistant(home, "settings", "set", "region", "FR").returncode == 0
    assert json.loads((home / "settings.json").read_text())["region"] == "FR"
    refused = assistant(home, "settings", "set", "region", "Mars")
    assert refused.returncode == 2 and "it must be one of FR, GB, US, BE, CH, CA" in refused.stderr
    assert "Nothing was changed" in refused.stderr and "J'utilise" not in refused.stderr
    assert assistant(home, "settings", "set", "language", "FR").returncode == 0
    french = assistant(home, "settings", "set", "contact.phone", "abc")
    assert french.returncode == 2 and "numéro de téléphone" in french.stderr and "Rien n'a été modifié" in french.stderr
    assert assistant(home, "settings", "set", "listening.wake_phrase_en", "Hello Friend").returncode == 0
    stored = json.loads((home / "settings.json").read_text())
    assert stored["language"] == "fr" and stored["listening"]["wake_phrase"]["en"] == "hello friend"
    unknown = assistant(home, "settings", "set", "colour", "blue")
    assert unknown.returncode == 2 and "pas de réglage nommé « colour »" in unknown.stderr
