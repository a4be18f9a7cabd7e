"""The dialogue: Rasa models trained from nlu/, stories/, domain/ and config.yml, run in-process."""

from __future__ import annotations

import logging
import os


def prepare_rasa() -> None:
    """Call before the first Rasa import: no telemetry (nothing leaves the device), quiet libraries.

    Also imports skops.io while few modules are loaded: this is where Agent.load spent
    its time. The logistic-regression classifier loads through skops, whose import builds
    a table of trusted types by scanning every loaded module for each type. After Rasa
    has imported TensorFlow that scan took 8 to 10 s of the 10 s load; before, it takes
    about one second, and Agent.load itself about 0.2 s.
    """
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    import skops.io  # noqa: F401

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every rule lookup at debug level unless told otherwise.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
