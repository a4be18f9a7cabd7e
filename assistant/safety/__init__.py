"""Safety layer: every utterance passes through here before anything else.

`detector` decides, deterministically and from data files, whether an utterance
contains crisis language. Other modules of this package (the response, the event
record) build on its `SafetyFinding`. Kept free of imports so that importing one
part of the package never drags in the others.
"""
