"""The keys of encrypted SQLite databases (SQLCipher) and where they are kept.

A key is 256 random bits used as SQLCipher's raw key (`PRAGMA key = "x'…'"`: no key
derivation at each connection, so opening stays fast). It is kept in the operating system's
credential store through `keyring` (Windows: the Credential Manager of the office's Windows
account), under SERVICE and the database's identity: the 16 random bytes (SQLCipher's salt)
at the start of its file, which a copy of the file keeps, so a copy opens with the same
entry. A backup gets a salt of its own and its own entry, with the same key.

Where there is no credential store (a server without a desktop session, CI), the key may be
given in the environment variable KEY_ENV (hex); nothing is ever written to a file beside
the database. Without either, an encrypted database cannot be opened and a new database is
created plain, with a warning (services and the command line say so)."""

import logging
import os
import re
import secrets
from pathlib import Path

from kzmigdesk.errors import ServiceError
from kzmigdesk.i18n import N_

SERVICE = "kzmigdesk database key"
KEY_ENV = "KZMIGDESK_DATABASE_KEY"
NEW_DATABASES_ENV = "KZMIGDESK_NEW_DATABASES"  # "encrypted" (the default) or "plain"
KEY_BYTES = 32
SALT_BYTES = 16
SQLITE_HEADER = b"SQLite format 3\x00"

log = logging.getLogger(__name__)


class NoKeyStore(ServiceError):
    """There is no credential store on this computer (keyring has no backend)."""

    def __init__(self):
        super().__init__(N_("This computer has no credential store to keep the database's "
                            "key in: give the key in the environment variable "
                            "KZMIGDESK_DATABASE_KEY, or make a database that is not "
                            "encrypted."))


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_for_new_database() -> bytes:
    """The key of a database about to be made: KEY_ENV's if set, else a new random one."""
    env = os.environ.get(KEY_ENV)
    return parse_key(env) if env else new_key()


def pragma(key: bytes) -> str:
    """The statement that opens a SQLCipher database with `key` (a raw key)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


# How SQLCipher protects each page (pragmas after the key); a file is read only with the
# settings it was written with (they are not in the file), so it is opened with the first of
# CIPHER_SETTINGS that reads it. New files: HMAC-SHA256, which current CPUs compute with their
# SHA instructions, so a page is decrypted and checked ~1.5× faster than with SQLCipher 4's
# default HMAC-SHA512 (benchmarks/RESULTS.md); files encrypted before keep that default.
NEW_FILES = (("cipher_hmac_algorithm", "HMAC_SHA256"),)
EARLIER_FILES = ()
CIPHER_SETTINGS = (NEW_FILES, EARLIER_FILES)


def settings_pragmas(settings: tuple[tuple[str, str], ...], schema: str = "main") -> list[str]:
    """The statements that give a connection's database `schema` the cipher `settings`."""
    return [f"PRAGMA {schema}.{name} = {value}" for name, value in settings]


def open_encrypted(connect, key: bytes, settings: tuple[tuple[str, str], ...] | None = None):
    """(connection, its settings): a new SQLCipher connection from connect() opened with
    `key` and `settings`, or else with the first of CIPHER_SETTINGS that reads the file (an
    empty file takes NEW_FILES). sqlcipher3's DatabaseError when none does: not this key."""
    import sqlcipher3

    failure = None
    for tried in CIPHER_SETTINGS if settings is None else (settings,):
        connection = connect()
        try:
            connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key: no stderr
            connection.execute(pragma(key))
            for statement in settings_pragmas(tried):
                connection.execute(statement)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return connection, tried
        except sqlcipher3.DatabaseError as error:
            connection.close()
            if isinstance(error, sqlcipher3.OperationalError):  # locked, unreadable: not keys
                raise
            failure = error
        except BaseException:
            connection.close()
            raise
    raise failure


def identity(path: Path) -> str | None:
    """A database file's identity in the store: its salt in hex (None: not an encrypted
    file, or not readable)."""
    try:
        with Path(path).open("rb") as file:
            head = file.read(SALT_BYTES)
    except OSError:
        return None
    if len(head) < SALT_BYTES or head == SQLITE_HEADER:
        return None
    return head.hex()


def looks_encrypted(path: Path) -> bool:
    """Whether `path` may be a SQLCipher database: not SQLite's header, whole pages of at
    least 512 bytes (the file's first bytes are random)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return False
    return identity(path) is not None and size >= 1024 and size % 512 == 0


def available() -> bool:
    """Whether a credential store (or KEY_ENV) can keep a new database's key."""
    if os.environ.get(KEY_ENV):
        return True
    try:
        _backend()
    except NoKeyStore:
        return False
    return True


def encrypt_new_databases() -> bool:
    """Whether a new SQLite database is made encrypted: yes unless NEW_DATABASES_ENV says
    "plain", or there is no place to keep its key (then a warning is logged)."""
    if os.environ.get(NEW_DATABASES_ENV, "encrypted").strip().lower() == "plain":
        return False
    if not available():
        log.warning("No credential store on this computer: the new database is not "
                    "encrypted (see the README, Encryption and the audit trail)")
        return False
    return True


def _backend():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise NoKeyStore()
    return backend


def stored_key(path: Path) -> bytes | None:
    """The key of the encrypted database at `path`: KEY_ENV if set, else the store's entry
    for its identity (None: none is known). NoKeyStore when there is no store at all."""
    env = os.environ.get(KEY_ENV)
    if env:
        return parse_key(env)
    name = identity(path)
    if name is None:
        return None
    from keyring.errors import KeyringError

    try:
        value = _backend().get_password(SERVICE, name)
    except KeyringError as error:
        raise NoKeyStore() from error
    return parse_key(value) if value else None


def store_key(path: Path, key: bytes) -> None:
    """Keep `key` for the encrypted database at `path` (its identity must exist already)."""
    if os.environ.get(KEY_ENV):
        return  # the environment gives the key; nothing to keep
    name = identity(path)
    if name is None:
        raise ValueError(f"{path} is not an encrypted database")
    from keyring.errors import KeyringError

    try:
        _backend().set_password(SERVICE, name, key.hex())
    except KeyringError as error:
        raise NoKeyStore() from error


# --- the key as a person reads and types it (the recovery sheet) ---------------------------

GROUP = 4


def key_groups(key: bytes) -> list[str]:
    """The key as 16 groups of 4 capital hex digits, for the recovery sheet."""
    text = key.hex().upper()
    return [text[i:i + GROUP] for i in range(0, len(text), GROUP)]


def format_key(key: bytes) -> str:
    return " ".join(key_groups(key))


def parse_key(text: str) -> bytes:
    """A key as typed from the sheet: 64 hex digits, any spaces, dashes or case; ValueError
    otherwise."""
    digits = re.sub(r"[\s\-:]", "", text or "")
    if not re.fullmatch(r"[0-9a-fA-F]{64}", digits):
        raise ValueError("not a key of 64 hexadecimal digits")
    return bytes.fromhex(digits)
