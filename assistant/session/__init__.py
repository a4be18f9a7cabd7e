"""One conversation's senses and time: say, pause, listen, the clock, the inbox, the events."""
