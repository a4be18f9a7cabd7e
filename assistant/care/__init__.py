"""The care circle: caregiver setup, consent by voice, the clinician report, the user's own data, clinic mode.

setup.py and profile.py (`assistant setup`), consent.py (what the user agreed
to share, in the journal), report/ (the one-page PDF and the answers CSV),
data.py (export and real deletion), clinic.py (return and lend), flows/ (the
voice side: consent, "stop sharing", "delete everything you know about me",
"parle-moi en français") and commands.py (the command-line side).
"""
