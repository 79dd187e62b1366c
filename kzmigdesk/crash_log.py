"""The log file where an unexpected error leaves its traceback, with the version: rotating, in
the user's data folder (in the temporary folder when that cannot be written)."""

import logging
import logging.handlers
import platform
import tempfile
from pathlib import Path

from kzmigdesk import __version__
from kzmigdesk.paths import user_data_dir

LOG_NAME = "kzmigdesk.log"
MAX_BYTES = 1_000_000
KEPT_FILES = 3


def log_path() -> Path:
    try:
        folder = user_data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return folder / LOG_NAME


def log_exception(error: BaseException, context: str) -> Path:
    """Append `error`'s traceback to the log and return the log's path."""
    path = log_path()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                   backupCount=KEPT_FILES, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("kzmigdesk.crash")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.error("kzmigdesk %s, Python %s, %s: %s", __version__,
                     platform.python_version(), platform.platform(), context,
                     exc_info=(type(error), error, error.__traceback__))
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path
