"""The one-folder bundle of build_installer.spec, once built (tools/build_bundle.sh): set
KZMIGDESK_TEST_BUNDLE to its folder (dist/kzmigdesk) to run these tests. The frozen programs
run from a temporary folder, away from the checkout, with their own user folders."""

import contextlib
import gettext
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kzmigdesk.db.migrate import head_revision

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = os.environ.get("KZMIGDESK_TEST_BUNDLE")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BUNDLE, reason="KZMIGDESK_TEST_BUNDLE (a built bundle) not set"),
]


@pytest.fixture
def bundle() -> Path:
    return Path(BUNDLE).resolve()


def program(bundle: Path, name: str) -> str:
    return str(bundle / (f"{name}.exe" if os.name == "nt" else name))


def frozen_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("KZMIGDESK_", "PYTHON", "VIRTUAL_ENV"))}
    return {**env, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "APPDATA": str(tmp_path / "appdata"), "LOCALAPPDATA": str(tmp_path / "appdata"),
            **extra}


def test_frozen_self_check_uses_the_bundled_folders(bundle, tmp_path):
    result = subprocess.run([program(bundle, "kzmigdesk"), "self-check"], cwd=tmp_path,
                            env=frozen_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "self-check OK" in result.stdout
    assert f"migrations to {head_revision()}" in result.stdout
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines()[:-1])
    assert set(lines) == {"ui", "migrations", "locales", "resources"}
    for folder in lines.values():
        assert Path(folder).is_relative_to(bundle), folder


def test_bundle_carries_the_data_folders(bundle):
    internal = bundle / "_internal"
    forms = sorted(path.name for path in (ROOT / "ui").glob("*.ui"))
    assert forms and sorted(path.name for path in (internal / "ui").glob("*.ui")) == forms
    assert (internal / "migrations" / "env.py").is_file()
    versions = sorted(path.name for path in (ROOT / "migrations" / "versions").glob("*.py"))
    assert sorted(path.name for path in (internal / "migrations" / "versions").glob("*.py")) \
        == versions
    for lang in ("kk", "ru", "en"):
        folder = internal / "locales" / lang / "LC_MESSAGES"
        assert not (folder / "messages.po").exists()  # the compiled catalog only
        with (folder / "messages.mo").open("rb") as mo_file:
            catalog = gettext.GNUTranslations(mo_file)
        assert catalog.gettext("Persons") != "Persons" or lang == "en"
    for font in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (internal / "resources" / "fonts" / font).is_file()
    for table in ("names.json", "places.json", "texts.json"):
        assert (internal / "kzmigdesk" / "demo" / "data" / table).is_file()


def test_frozen_help_and_version(bundle, tmp_path):
    env = frozen_env(tmp_path)
    result = subprocess.run([program(bundle, "kzmigdesk"), "--help"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    assert "self-check" in result.stdout
    result = subprocess.run([program(bundle, "kzmigdesk"), "--version"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    from kzmigdesk import __version__

    assert result.stdout.strip() == f"kzmigdesk {__version__}"


def test_frozen_postgres_driver_loads(bundle, tmp_path):
    """psycopg with its own libpq (psycopg-binary) is bundled: connecting to a closed port
    fails in the driver (libpq's own words, on one line), not for a missing module."""
    if not (bundle / "_internal" / "psycopg_binary").is_dir():
        pytest.skip("bundle built without psycopg")
    result = subprocess.run(
        [program(bundle, "kzmigdesk"), "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none",
         "db", "upgrade"],
        cwd=tmp_path, env=frozen_env(tmp_path, PSYCOPG_IMPL="binary"), capture_output=True,
        text=True, timeout=120)
    assert result.returncode != 0
    assert "connection to server" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "No module named" not in result.stderr and "ImportError" not in result.stderr


def start_gui(bundle: Path, tmp_path: Path, until, seconds: float = 120) -> tuple[bool, str]:
    """Starts the frozen desktop program, waits until `until()` holds (or the program ends, or
    `seconds` pass), and tells whether it was still running then, with what it printed."""
    gui = subprocess.Popen([program(bundle, "kzmigdesk-gui")], cwd=tmp_path,
                           env=frozen_env(tmp_path), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + seconds
        while not until() and gui.poll() is None and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(2)  # into the dialog it waits in
        running = gui.poll() is None
    finally:
        gui.terminate()
        output = gui.communicate(timeout=30)[0]
    return running, output


@pytest.mark.skipif(sys.platform == "win32", reason="looks for the database in XDG_DATA_HOME")
def test_frozen_gui_starts(bundle, tmp_path):
    """On a new computer the desktop program first waits for the language, before it creates
    anything; once a language is saved it migrates its new database and waits in the next
    first-start dialog (creating the administrator) until it is stopped."""
    database = tmp_path / "data" / "kzmigdesk" / "kzmigdesk.sqlite3"
    running, output = start_gui(bundle, tmp_path, until=lambda: False, seconds=8)
    assert running, output
    assert not database.exists(), output

    settings = tmp_path / "config" / "kzmigdesk" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"language": "kk"}', encoding="utf-8")  # as the chooser saves it
    running, output = start_gui(bundle, tmp_path,
                                until=lambda: database_revision(database) == head_revision())
    assert running, output
    assert database_revision(database) == head_revision(), output


def database_revision(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:  # not created yet, or being written
        return None
    return row[0] if row else None
