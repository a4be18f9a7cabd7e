"""Routing a turn: understanding (safety first, then NLU), universal commands, the dialogue, the executor's actions."""
