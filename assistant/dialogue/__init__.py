"""The dialogue: Rasa models trained from nlu/, stories/, domain/ and config.yml, run in-process."""

import logging
import os

# Before any Rasa import: no telemetry (nothing leaves the device), quiet libraries.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")


def quiet_rasa() -> None:
    """Rasa logs every rule lookup at debug level unless told otherwise."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
