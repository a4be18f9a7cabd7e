"""The assistant's real voice and ears, all offline.

In the order an utterance goes: microphone captures audio; live_inbox (or
wav_inbox, from recorded files) decides when a turn ends and what was said over
the assistant's speech; recognition turns audio into text with Vosk, with the
grammars.py phrases (offered choices, short answers, commands) beside free
recognition; synthesis speaks with espeak-ng (or an MBROLA voice from voices.py)
on a speaker or into a WAV file. models installs and checks the Vosk speech
models; pipeline puts the parts together; wav holds the WAV reading and
resampling they share.
"""
