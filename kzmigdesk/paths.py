"""Where the application's data folders and the user's files are.

The folders ui/, migrations/, locales/ and resources/ sit at the top of a checkout, inside the
package in an installed wheel, and inside the bundle of a PyInstaller build.
"""

import sys
from pathlib import Path

import platformdirs

from kzmigdesk import APP_NAME

PACKAGE_DIR = Path(__file__).resolve().parent


def _candidate_roots() -> list[Path]:
    roots = [PACKAGE_DIR]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle))
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        roots.append(checkout)
    return roots


def data_dir(name: str) -> Path:
    """The folder `name` (ui, migrations, locales or resources) wherever the app runs from."""
    for root in _candidate_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} not found near {PACKAGE_DIR}")


def user_data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return user_data_dir() / "kzmigdesk.sqlite3"
