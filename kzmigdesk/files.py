"""Files written whole or not at all (a leaf module): the data goes to a temporary file in the
same folder, is flushed to disk and renamed into place; only then is the caller's `commit`
run (its audit entry, say). A failed write leaves no file and runs no commit; a failed commit
removes the file again. Either way nothing half-done is left."""

import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_atomically(path: Path, data: bytes, commit: Callable[[], T] | None = None) -> T | None:
    """Write `data` to `path` atomically, then return `commit()` (None without one)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        with open(temporary, "xb") as out:  # "x": never another file; the umask applies
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename == str(temporary):
            error.filename = str(path)  # the message names the file the user asked for
        raise
    if commit is None:
        return None
    try:
        return commit()
    except BaseException:
        with suppress(OSError):
            path.unlink(missing_ok=True)
        raise
