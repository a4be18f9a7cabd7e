"""The assistant's real voice and ears, all offline.

synthesis turns text into sound with espeak-ng and plays it on a speaker or
into a WAV file; models installs and checks the Vosk speech models;
recognition turns audio into text, narrowed to the expected answers when it
can; wav_inbox feeds a conversation from recorded WAV turns. wav holds the
WAV reading and resampling they share.
"""
