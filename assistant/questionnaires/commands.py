"""`assistant questionnaires list | enable ID [--every 14d] | disable ID | status`: the caregiver's switches.

Off by default: nothing is asked until a caregiver or clinic enables an
instrument (the setting `questionnaires.every`, also asked by `assistant
setup`). `status` shows, for each enabled one, when it was last completed,
whether it is due, and whether the person said "no more of these".
"""

from __future__ import annotations

import argparse
import json

from assistant.app import load_parts, open_journal
from assistant.messages import UserFacingError, message
from assistant.paths import Home
from assistant.questionnaires.loader import load_catalogue
from assistant.questionnaires.schedule import offer_decision, parse_every
from assistant.questionnaires.store import QuestionnaireStore
from assistant.session.clock import RealClock
from assistant.settings import with_value

DEFAULT_EVERY = "14d"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("questionnaires", help="list, enable, disable validated questionnaires, or see them")
    parser.add_argument("action", choices=("list", "enable", "disable", "status"))
    parser.add_argument("instrument", nargs="?", metavar="ID", help="for enable and disable: who5, phq2, gad2...")
    parser.add_argument("--every", default=DEFAULT_EVERY, help="for enable: how often it is due (14d, 2w, 30d)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, home: Home) -> int:
    parts = load_parts(home, args.lang)
    lang = parts.lang
    catalogue, _ = load_catalogue()
    clock = RealClock(parts.zone)
    store = QuestionnaireStore(open_journal(home, clock.local_time))
    if args.action == "list":
        for instrument in catalogue.instruments.values():
            print(json.dumps({"id": instrument.id, "title": instrument.title[lang], "items": len(instrument.items),
                              "licence": instrument.licence.get(lang) or next(iter(instrument.licence.values()))},
                             ensure_ascii=False))
        return 0
    every = dict(parts.settings.questionnaires.every)
    if args.action == "status":
        # Only the instruments switched on are listed; one switched off keeps its answers in the journal.
        now = clock.local_time()
        for schedule in store.schedules(every):
            print(json.dumps({
                "id": schedule.instrument_id, "every_days": schedule.every.days,
                "last_completed": schedule.last_completed_at.isoformat() if schedule.last_completed_at else None,
                "declined_by_the_user": schedule.declined_at is not None,
                "now": offer_decision(schedule, now).value}, ensure_ascii=False))
        return 0
    if args.instrument not in catalogue.instruments:
        raise UserFacingError(message("questionnaire_unknown", lang, id=args.instrument,
                                      choices=", ".join(catalogue.instruments)))
    if args.action == "enable":
        try:
            days = parse_every(args.every).days
        except ValueError:
            raise UserFacingError(message("questionnaire_bad_period", lang, every=args.every)) from None
        every[args.instrument] = f"{days}d"
        print(message("questionnaire_enabled", lang, id=args.instrument, days=days))
    else:
        every.pop(args.instrument, None)
        print(message("questionnaire_disabled", lang, id=args.instrument))
    parts.settings_store.save(with_value(parts.settings, "questionnaires.every", every))
    return 0
