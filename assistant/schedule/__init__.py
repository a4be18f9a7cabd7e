"""Speaking first: reminders and the daily routines at set times, set by voice or by a caregiver.

recurrence.py (when a reminder comes back, in local time; quiet hours), store.py
(the reminders in the journal, the routines of the settings), words.py, spoken.py
and purpose.py (what people say about when and what, from schedule/*.yml),
agenda.py (what is due now: retries, snoozes, quiet hours, what was missed),
describe.py (how a reminder is said), setting.py (reminders by voice),
speaking.py (a reminder at its time, and the answer to it), flows.py (both put
together for a conversation), commands.py and service.py (the caregiver's
`assistant reminders` and `assistant service`).
"""
