"""Exercises: the scripts (exercises/scripts/, checked on load), the runner that times them,
and the programme that lists, chooses, suggests and grows them (exercises/programme.yml)."""
