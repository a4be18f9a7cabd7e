"""Speaking first: reminders and the daily check-in, at set times, set by voice or by a caregiver.

recurrence.py (when a reminder comes back, quiet hours), store.py (the reminders
in the journal), spoken.py and purpose.py (what people say about when and what),
agenda.py (what is due now), flow.py (the reminder flow and what speaks first),
commands.py and service.py (the caregiver's commands).
"""
