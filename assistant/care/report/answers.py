"""The answers as CSV, one row per answer, and the data dictionary written beside it.

UTF-8, comma-separated, a header row. Timestamps are ISO-8601 local times with
their UTC offset, so a spreadsheet in any time zone reads the moment right. The
raw answer is what the user chose (the number of a check-in, the published
option of a questionnaire item, in the language it was asked in); the user's own
words are never stored, so never exported. The dictionary names every column,
every instrument and every item that appears, with the values allowed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from assistant.care.report.contents import CHECKIN_INSTRUMENT, CHECKIN_ITEMS, ReportContents
from assistant.messages import message
from assistant.questionnaires import Catalogue

COLUMNS = ("timestamp", "language", "instrument", "run", "item", "raw_answer", "score")
DICTIONARY_COLUMNS = ("section", "name", "description", "values")


def dictionary_path(csv_path: Path) -> Path:
    """answers.csv -> answers.dictionary.csv, beside it."""
    return csv_path.with_name(f"{csv_path.stem}.dictionary.csv")


def write_answers(contents: ReportContents, path: Path) -> int:
    """The CSV; returns the number of answers written."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for row in contents.answers:
            writer.writerow([row.at.isoformat(timespec="seconds"), row.lang, row.instrument, row.run, row.item,
                             row.raw_answer, "" if row.score is None else row.score])
    return len(contents.answers)


def write_dictionary(contents: ReportContents, catalogue: Catalogue, lang: str, path: Path) -> None:
    """What each column means, and each instrument and item the CSV holds, in `lang`."""
    rows = [("column", column, message(f"dictionary_{column}", lang), message(f"dictionary_{column}_values", lang))
            for column in COLUMNS]
    present = {(row.instrument, row.item) for row in contents.answers}
    instruments = sorted({instrument for instrument, _ in present})
    for instrument_id in instruments:
        if instrument_id == CHECKIN_INSTRUMENT:
            rows.append(("instrument", instrument_id, message("dictionary_checkin", lang), "1-5"))
            rows.extend(("item", item, message(f"dictionary_checkin_{item}", lang), "1-5")
                        for item in CHECKIN_ITEMS if (instrument_id, item) in present)
            continue
        instrument = catalogue.instruments[instrument_id]
        options = "; ".join(f"{option.text[lang]} = {option.score}" for option in instrument.options)
        low = min(option.score for option in instrument.options)
        high = max(option.score for option in instrument.options)
        rows.append(("instrument", instrument_id, f"{instrument.title[lang]} (version {instrument.version})",
                     options))
        rows.extend(("item", item.id, item.text[lang] + (f" ({message('dictionary_reversed', lang)})"
                                                         if item.reversed else ""), f"{low}-{high}")
                    for item in instrument.items if (instrument_id, item.id) in present)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(DICTIONARY_COLUMNS)
        writer.writerows(rows)
