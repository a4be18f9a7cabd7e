"""The dialogue: Rasa models trained from nlu/, stories/, domain/ and config.yml, run in-process."""

import logging
import os

# Before any Rasa import: no telemetry (nothing leaves the device), quiet libraries.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")


def _import_skops_first() -> None:
    """Import skops.io while few modules are loaded: this is where Agent.load spent its time.

    The logistic-regression classifier loads through skops, whose import builds a
    table of trusted types by scanning every loaded module for each type. After
    Rasa has imported TensorFlow that scan took 8 to 10 s of the 10 s load; before,
    it takes about one second, and Agent.load itself about 0.2 s.
    """
    import skops.io  # noqa: F401


_import_skops_first()


def quiet_rasa() -> None:
    """Rasa logs every rule lookup at debug level unless told otherwise."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
