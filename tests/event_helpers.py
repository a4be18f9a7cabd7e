"""Picking events out of a machine-mode transcript."""

from __future__ import annotations


def said(events: list[dict]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "say"]


def of_kind(events: list[dict], kind: str) -> list[dict]:
    return [event for event in events if event["event"] == kind]
