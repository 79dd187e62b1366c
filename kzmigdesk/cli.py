"""Command line: `kzmigdesk` alone starts the GUI; subcommands do the rest."""

import argparse
import sys
import tempfile
from pathlib import Path

from kzmigdesk import __version__, i18n, languages
from kzmigdesk.crash_log import log_exception
from kzmigdesk.i18n import N_, _
from kzmigdesk.i18n.words import document_languages

FORMATS = ("pdf", "xlsx", "csv")


def command_line_actor():
    """The command line acts as the machine's administrator: whoever runs it can read the
    database file anyway. Its actions are recorded under the name "command-line"."""
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services.auth import Actor

    return Actor(username="command-line", role=UserRole.ADMINISTRATOR)


class UsageError(Exception):
    """The command line was written wrong (argparse's message, which is in English)."""


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors become one line and exit code 2 in `main`."""

    def error(self, message: str):
        raise UsageError(message)


def at_least_one(text: str) -> int:
    """argparse's type of --keep and --persons: a whole number, 1 or more (its message
    becomes a usage error)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kzmigdesk",
        description="Case management for the migration offices of Kazakhstan. "
        "Without a command, starts the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"kzmigdesk {__version__}")
    parser.add_argument("--db", help="database file or URL (default: KZMIGDESK_DATABASE_URL, "
                        "else a SQLite file in the user's data folder)")
    parser.add_argument("--lang", choices=sorted(languages.codes()), help="interface language")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="start the desktop application (the default)")
    demo = commands.add_parser("demo", help="fill the database with synthetic demo data")
    demo.add_argument("--persons", type=at_least_one, default=300,
                      help="number of persons, at least 1 (default 300)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed")
    demo.add_argument("--force", action="store_true", help="add demo data to a non-empty database")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    init = db_commands.add_parser("init", help="create a new database (a file that does not "
                                  "exist yet, or an empty one), migrated to the newest revision")
    init.add_argument("path", nargs="?", help="the new database file or URL (default: --db, "
                      "else KZMIGDESK_DATABASE_URL, else the user's data folder)")
    db_commands.add_parser("upgrade", help="apply the migrations up to the newest revision "
                           "to an existing database")
    db_commands.add_parser("check", help="fail when the models and the migrations drift")
    init.add_argument("--plain", action="store_true", help="do not encrypt the new database")
    init.add_argument("--sheet", type=Path, help="write the new key's recovery sheet (PDF) "
                      "to this file")
    encrypt = db_commands.add_parser("encrypt", help="encrypt a plain SQLite database in "
                                     "place with a new key (the original is kept aside)")
    encrypt.add_argument("path", nargs="?", help="the database file (default: --db)")
    encrypt.add_argument("--sheet", type=Path, help="write the key's recovery sheet (PDF) to "
                         "this file")
    key = db_commands.add_parser("key", help="an encrypted database's key: show it (with its "
                                 "recovery sheet), or keep one typed from the sheet")
    key.add_argument("path", nargs="?", help="the database or backup file (default: --db)")
    key_action = key.add_mutually_exclusive_group(required=True)
    key_action.add_argument("--show", action="store_true", help="print the key")
    key_action.add_argument("--import", dest="import_key", action="store_true",
                            help="read the key from the recovery sheet (typed or pasted on "
                            "standard input) and keep it in this computer's credential store")
    key.add_argument("--sheet", type=Path, help="with --show: write the recovery sheet (PDF) "
                     "to this file")
    logins = db_commands.add_parser("logins", help="PostgreSQL: each person's own database "
                                    "login (per-user) or the one shared login (shared)")
    logins.add_argument("mode", choices=("per-user", "shared"))

    commands.add_parser("self-check", help="migrate a new database in a temporary folder, "
                        "load every language and form, render a PDF, and report")

    backup = commands.add_parser("backup", help="back up the SQLite database (online backup)")
    backup.add_argument("--to", type=Path, help="the folder (default: the automatic backups' "
                        "folder in the user's data folder)")
    backup.add_argument("--keep", type=at_least_one, help="keep only the newest N backups "
                        "there (N is 1 or more; the new backup is always kept)")
    verify = backup.add_subparsers(dest="backup_command", metavar="ACTION").add_parser(
        "verify", help="check backups against their SHA-256 checksum files")
    verify.add_argument("file", nargs="?", type=Path, help="one backup file")
    verify.add_argument("--folder", type=Path, help="every backup in this folder (default: "
                        "the automatic backups' folder)")
    restore = commands.add_parser("restore", help="replace the database by a backup (the "
                                  "current file is kept aside)")
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.add_argument("--no-checksum", action="store_true", help="restore a backup that has "
                         "no checksum file (made by an earlier version) after SQLite's "
                         "integrity check")

    exchange = commands.add_parser("exchange", help="offline exchange with other offices")
    exchange_commands = exchange.add_subparsers(dest="exchange_command", metavar="ACTION",
                                                required=True)
    name = exchange_commands.add_parser("name", help="set this office's exchange name")
    name.add_argument("name")
    peer = exchange_commands.add_parser("add-peer", help="register a peer office and the key "
                                        "you share (a new key is printed when none is given)")
    peer.add_argument("name")
    peer.add_argument("--key", help="the key the peer office gave you (base64, at least 128 "
                      "bits)")
    sends = exchange_commands.add_parser("sends", help="what a peer office is sent: every "
                                         "record, or only those registered here or there, or "
                                         "that came through it (a region to a district)")
    sends.add_argument("name")
    sends.add_argument("what", choices=("everything", "own"))
    exchange_commands.add_parser("peers", help="the peer offices, and when each last sent data")
    export = exchange_commands.add_parser("export", help="write a package of the changes since "
                                          "the last package to a peer")
    export.add_argument("--peer", required=True)
    export.add_argument("--out", required=True, type=Path)
    export.add_argument("--password", help="encrypt the package with this password")
    export.add_argument("--everything", action="store_true",
                        help="send every record again (when the peer's import says a package "
                             "was lost)")
    import_ = exchange_commands.add_parser("import", help="import a package from a peer")
    import_.add_argument("file", type=Path)
    import_.add_argument("--password", help="the package's password, if it has one")

    deadlines = commands.add_parser("deadlines", help="expire the certificates and permits "
                                    "past their dates (for a daily scheduled task)")
    deadlines_commands = deadlines.add_subparsers(dest="deadlines_command", metavar="ACTION",
                                                  required=True)
    deadlines_commands.add_parser("run", help="apply today's deadlines and say what changed")

    retention = commands.add_parser("retention", help="how long personal data are kept: the "
                                    "rules, the monthly purge proposal and the purge")
    retention_commands = retention.add_subparsers(dest="retention_command", metavar="ACTION",
                                                  required=True)
    rules = retention_commands.add_parser("rules", help="show the retention rules, or set some "
                                          "(TYPE=YEARS; 0 keeps without a limit)")
    rules.add_argument("set", nargs="*", metavar="TYPE=YEARS")
    retention_commands.add_parser("propose", help="list the persons due for purge today and the "
                                  "rule that makes each due")
    purge = retention_commands.add_parser("purge", help="anonymise the persons due today (a "
                                          "supervisor's approval of the proposal)")
    purge.add_argument("--yes", action="store_true", required=True,
                       help="confirm: the purge cannot be undone")

    sectors = commands.add_parser("sectors", help="the employers' economic sectors (ОКЭД)")
    sectors_commands = sectors.add_subparsers(dest="sectors_command", metavar="ACTION",
                                              required=True)
    sectors_commands.add_parser("unmapped", help="list the employers with no sector of the "
                                "classifier (their old free text matched no section's name)")
    audit = commands.add_parser("audit", help="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_verify = audit_commands.add_parser(
        "verify", help="check the hash chain and that it passes through every chain head "
        "sent to other offices; report the first entry that was changed, removed or inserted")
    audit_verify.add_argument("--peer", help="check instead the trail a peer office sent here "
                              "(through every chain head it sent)")

    report = commands.add_parser("report", help="reports")
    report_commands = report.add_subparsers(dest="report_command", metavar="REPORT",
                                            required=True)
    monthly = report_commands.add_parser("monthly", help="the monthly summary of a month")
    monthly.add_argument("--month", required=True, help="the month, as YYYY-MM")
    monthly.add_argument("--format", choices=FORMATS, default="pdf", help="file format")
    monthly.add_argument("--out", required=True, type=Path, help="the file to write")
    monthly.add_argument("--office", help="an office's code (default: all offices)")
    monthly.add_argument("--language", choices=document_languages(),
                         help="the report's language (default: --lang, else the settings)")
    # kandas support (issue 24): the norms and the index a supervisor sets, the payment register
    support = commands.add_parser("support", help="kandas support: norms, index, register")
    support_commands = support.add_subparsers(dest="support_command", metavar="ACTION",
                                              required=True)
    support_commands.add_parser("norms", help="list the measures' norms and the index by year")
    norm = support_commands.add_parser("norm", help="set a measure's norm from a day on")
    norm.add_argument("--measure", required=True, help="the measure's code (see: norms)")
    norm.add_argument("--from", dest="effective_from", required=True, help="YYYY-MM-DD")
    norm.add_argument("--head", type=int, required=True, help="indices per head of family")
    norm.add_argument("--member", type=int, required=True, help="indices per other member")
    index = support_commands.add_parser("index", help="set the monthly calculation index")
    index.add_argument("--year", type=int, required=True)
    index.add_argument("--value", type=int, required=True, help="tenge")
    register = support_commands.add_parser("register", help="the month's payment register "
                                           "(XLSX, and CSV beside it)")
    register.add_argument("--month", required=True, help="the month, as YYYY-MM")
    register.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; every failure is one line on stderr and an exit code: 1 when the command
    was refused or failed, 2 when it was written wrong. A traceback goes to the log file."""
    from kzmigdesk.services.errors import ServiceError

    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(argv)
    except UsageError as error:
        message, code = _("Wrong command line: {problem}. See: kzmigdesk --help").format(
            problem=error), 2
    except ServiceError as error:
        message, code = error.message(), 1
    except OSError as error:
        message, code = _("Cannot use {file}: {problem}").format(
            file=error.filename or "", problem=error.strerror or error), 1
    except KeyboardInterrupt:
        message, code = _("Stopped."), 1
    except Exception as error:
        log = log_exception(error, "kzmigdesk " + " ".join(argv))
        problem = (str(getattr(error, "orig", None) or error).splitlines() or [""])[0]
        message, code = _("An unexpected error stopped the command: {error}. The details are "
                          "in {log}.").format(error=problem, log=log), 1
    print(one_line(message), file=sys.stderr)
    return code


def one_line(text: str) -> str:
    """`text` as one line: its lines joined by "; ", other control characters (from the
    command line's own words) shown escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode()
                   for c in "; ".join(text.splitlines()))


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from kzmigdesk.gui.app import run_gui

        return run_gui(db=args.db, lang=args.lang)
    i18n.set_language(args.lang or "en")

    handler = {"demo": cmd_demo, "db": cmd_db, "self-check": cmd_self_check,
               "report": cmd_report, "audit": cmd_audit, "backup": cmd_backup,
               "restore": cmd_restore, "exchange": cmd_exchange,
               "deadlines": cmd_deadlines, "retention": cmd_retention,
               "support": cmd_support, "sectors": cmd_sectors}[args.command]
    return handler(args)


def cmd_demo(args) -> int:
    from kzmigdesk.demo import database_is_empty, generate_demo_data
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    database.actor = command_line_actor()
    try:
        with database.sessions() as session:
            empty = database_is_empty(session)
        if not empty and not args.force:
            print(_("The database already holds data; use --force to add demo data anyway."),
                  file=sys.stderr)
            return 1

        def progress(done: int, total: int) -> None:
            print(f"\r{i18n.format_number(done)} / {i18n.format_number(total)}", end="",
                  file=sys.stderr, flush=True)

        summary = generate_demo_data(database, persons=args.persons, seed=args.seed,
                                     progress=progress, force=args.force)
        print(file=sys.stderr)
        print(_("Demo data added: {persons} persons, {cases} repatriate cases, "
                "{permits} work permits, {services} service records.").format(
            persons=i18n.format_number(summary.persons),
            cases=i18n.format_number(summary.repatriate_cases),
            permits=i18n.format_number(summary.permits),
            services=i18n.format_number(summary.service_records)))
        return 0
    finally:
        database.close()


def cmd_db(args) -> int:
    from kzmigdesk.db import migrate
    from kzmigdesk.db.files import DatabaseFileError, sqlite_path
    from kzmigdesk.services.workspace import describe_url, open_database, resolve_database_url

    if args.db_command in ("encrypt", "key"):
        return cmd_db_key(args)
    if args.db_command == "logins":
        return cmd_db_logins(args)
    if args.db_command in ("init", "upgrade"):
        if args.db_command == "init":
            url = resolve_database_url(args.path or args.db)
            path = sqlite_path(url)
            if path is not None and path.is_file() and path.stat().st_size > 0:
                raise DatabaseFileError(path, N_("It already exists; nothing was changed. "
                                                 "Bring it up to date with: kzmigdesk db "
                                                 "upgrade"))
            database = open_database(url, create=True, encrypt=False if args.plain else None)
        else:
            database = open_database(args.db)
        try:
            print(_("Database {database} is at revision {revision}.").format(
                database=describe_url(database.url),
                revision=migrate.current_revision(database.engine)))
        finally:
            database.close()
        if database.created_key is not None:
            show_key(database.url, database.created_key, args.sheet)
        elif args.db_command == "init" and path is not None and not args.plain:
            print(_("The database is not encrypted: this computer has no credential store "
                    "to keep its key in."), file=sys.stderr)
        return 0
    drift = migrate.migrations_drift()
    if drift:
        print(_("The models and the migrations differ:"), file=sys.stderr)
        for difference in drift:
            print(f"  {difference}", file=sys.stderr)
        return 1
    print(_("No drift: the migrations match the models (head {revision}).").format(
        revision=migrate.head_revision()))
    return 0


def cmd_db_logins(args) -> int:
    from kzmigdesk.services import users
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    database.actor = command_line_actor()
    try:
        with database.transaction() as session:
            users.set_database_logins(session, args.mode == "per-user")
    finally:
        database.close()
    print(_("Per-person logins are on: saving an account with its password (File → Users…) "
            "creates its login.") if args.mode == "per-user" else
          _("Per-person logins are off: the accounts' logins are no longer kept."))
    return 0


def cmd_db_key(args) -> int:
    """`db encrypt` and `db key`: the key is printed once, with its recovery sheet."""
    from kzmigdesk.services import workspace

    db = args.path or args.db
    if args.db_command == "encrypt":
        done = workspace.encrypt_database(db)
        print(_("The database {database} is encrypted ({rows} rows copied and checked). The "
                "original, not encrypted, was kept as {kept}: delete it once the database "
                "opens.").format(database=done.path, rows=i18n.format_number(done.rows),
                                 kept=done.kept))
        show_key(str(done.path), done.key, args.sheet)
        return 0
    if args.import_key:
        if sys.stdin.isatty():
            print(_("Type the key from the recovery sheet: "), end="", flush=True)
        path = workspace.import_key(db, sys.stdin.readline())
        print(_("The key of {database} is kept in this computer's credential store.").format(
            database=path))
        return 0
    show_key(db, workspace.key_of(db), args.sheet)
    return 0


def show_key(db: str, key: bytes, sheet: Path | None) -> None:
    """Print an encrypted database's key, and write its recovery sheet when asked."""
    from kzmigdesk.db import keys
    from kzmigdesk.services.workspace import describe_url, resolve_database_url

    database = describe_url(resolve_database_url(db))
    print(_("The key of the encrypted database {database} (write it down or print the "
            "recovery sheet, and keep it locked away; without it the database cannot be "
            "opened on another computer):").format(database=database))
    print(keys.format_key(key))
    if sheet is not None:
        from kzmigdesk.files import write_atomically
        from kzmigdesk.i18n.words import Words
        from kzmigdesk.printing.recovery_sheet import recovery_sheet
        from kzmigdesk.services.workspace import recovery_sheet as sheet_data

        check_output(sheet)
        write_atomically(sheet, recovery_sheet(sheet_data(db, key),
                                               Words.of(i18n.current_language())))
        print(_("The recovery sheet was written to {file}.").format(file=sheet))


def cmd_self_check(args) -> int:
    """Migrate a scratch database, load every catalog and form, use the compiled libraries;
    exit 0 when all is well, and say where the data folders were found."""
    from kzmigdesk.db import migrate
    from kzmigdesk.domain.models import Region
    from kzmigdesk.paths import data_dir
    from kzmigdesk.services.workspace import open_database

    failures = []
    with tempfile.TemporaryDirectory(prefix="kzmigdesk-self-check-") as folder:
        database = open_database(str(Path(folder) / "self-check.sqlite3"), create=True,
                                 encrypt=False)  # the encrypted one: check_encrypted_database
        try:
            if migrate.needs_upgrade(database.engine):
                failures.append("database not at head revision after upgrade")
            with database.sessions() as session:
                if session.query(Region).count() != 20:
                    failures.append("reference data: expected 20 regions")
        finally:
            database.close()
    folders = {}
    for name in ("ui", "migrations", "locales", "resources"):
        try:
            folders[name] = data_dir(name)
        except FileNotFoundError as error:
            failures.append(str(error))
    failures += check_pdf_rendering()
    failures += check_native_libraries()
    failures += check_encrypted_database()
    failures += check_forms()
    failures += check_charts()
    for lang in languages.codes():
        i18n.set_language(lang)
        if lang != "en" and _("Persons") == "Persons":
            failures.append(f"catalog {lang}: not translated")
    i18n.set_language(args.lang or "en")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if not failures:
        for name, folder in folders.items():
            print(f"{name}: {folder}")
        print(f"kzmigdesk {__version__} self-check OK: migrations to "
              f"{migrate.head_revision()}, languages {', '.join(languages.codes())}")
    return 1 if failures else 0


def check_pdf_rendering() -> list[str]:
    """Render a page with every Kazakh letter in the embedded font."""
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing.document import paragraph, render

    try:
        pdf = render([paragraph("Әә Ғғ Ққ Ңң Өө Ұұ Үү Һһ Іі")], "kzmigdesk", Words.of("kk"))
    except Exception as error:  # any failure to render is the finding
        return [f"PDF rendering: {error}"]
    if not pdf.startswith(b"%PDF") or b"DejaVuSans" not in pdf:
        return ["PDF rendering: no PDF with the embedded font"]
    return []


def check_native_libraries() -> list[str]:
    """Use the compiled libraries: argon2 (passwords), scrypt and cryptography (encrypted
    exchange packages), pdfium (the report preview)."""
    from kzmigdesk.gui.reports_page import first_page_png
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing.document import paragraph, render
    from kzmigdesk.services import exchange, users

    failures = []
    try:
        users.HASHER.verify(users.hash_password("self-check"), "self-check")
    except Exception as error:
        failures.append(f"argon2: {error}")
    try:
        if exchange.decrypt(exchange.encrypt(b"self-check", "pw"), "pw") != b"self-check":
            failures.append("package encryption: the data does not decrypt back")
    except Exception as error:
        failures.append(f"package encryption: {error}")
    try:
        if not first_page_png(render([paragraph("kzmigdesk")], "kzmigdesk", Words.of("en"))
                              ).startswith(b"\x89PNG"):
            failures.append("PDF preview: no PNG image")
    except Exception as error:
        failures.append(f"PDF preview: {error}")
    return failures


def check_charts() -> list[str]:
    """Draw a chart of the Flows section (Qt Charts, from PySide6-Addons) off screen as PNG."""
    import datetime as dt
    import os

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QApplication

    from kzmigdesk.domain.documents import FlowChart, Flows, FlowSeries

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    try:
        from PySide6.QtCharts import QChartView

        from kzmigdesk.gui.flows_page import build_chart

        flows = Flows((dt.date(2026, 1, 1),), 2026, None, (FlowChart(
            "category", "Arrivals by category", "Persons", (), (FlowSeries("kandas", (3,)),),
            stacked=True),))
        view = QChartView(build_chart(flows, flows.charts[0], app.palette()))
        view.resize(320, 200)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not view.grab().save(buffer, "PNG") or not bytes(data).startswith(b"\x89PNG"):
            return ["charts: no PNG image"]
    except Exception as error:
        return [f"charts: {error}"]
    return []


def check_encrypted_database() -> list[str]:
    """Make, migrate and reopen a SQLCipher database (its key given in the environment, so
    no credential store is needed), and make sure plain SQLite cannot read it."""
    import os
    import sqlite3

    from kzmigdesk.db import keys
    from kzmigdesk.domain.models import Region
    from kzmigdesk.services.workspace import open_database

    failures = []
    previous = os.environ.get(keys.KEY_ENV)
    os.environ[keys.KEY_ENV] = keys.new_key().hex()
    try:
        with tempfile.TemporaryDirectory(prefix="kzmigdesk-self-check-") as folder:
            path = Path(folder) / "encrypted.sqlite3"
            open_database(str(path), create=True, encrypt=True).close()
            database = open_database(str(path))
            try:
                with database.sessions() as session:
                    if session.query(Region).count() != 20:
                        failures.append("encrypted database: expected 20 regions")
            finally:
                database.close()
            try:
                sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
                failures.append("encrypted database: plain SQLite reads it")
            except sqlite3.DatabaseError:
                pass
    except Exception as error:
        message = error.message() if hasattr(error, "message") else error
        failures.append(f"encrypted database: {message}")
    finally:
        if previous is None:
            os.environ.pop(keys.KEY_ENV, None)
        else:
            os.environ[keys.KEY_ENV] = previous
    return failures


def check_forms() -> list[str]:
    """Load every Qt Designer form of ui/ and the window icon; off screen when no application
    runs yet (no display is needed)."""
    import os

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from kzmigdesk.gui.uiloader import load_ui
    from kzmigdesk.paths import data_dir

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])  # noqa: F841 (needed until the forms are loaded)
    failures = []
    forms = sorted(data_dir("ui").glob("*.ui"))
    if not forms:
        failures.append(f"no forms in {data_dir('ui')}")
    for form in forms:
        try:
            load_ui(form.stem)
        except Exception as error:
            failures.append(f"form {form.name}: {error}")
    icon = data_dir("resources") / "icons" / "kzmigdesk.svg"
    if QIcon(str(icon)).pixmap(32, 32).isNull():
        failures.append(f"window icon: {icon} does not render")
    from kzmigdesk.gui import qt_translations

    for code in ("kk", "ru"):  # Qt's own buttons in the interface's language
        if not qt_translations.apply(code):
            failures.append(f"Qt's translation qtbase_{code} not found in "
                            f"{qt_translations.qt_translations_dir()}")
    qt_translations.apply("en")
    return failures


def cmd_report(args) -> int:
    from sqlalchemy import select

    from kzmigdesk.domain.models import Office
    from kzmigdesk.files import write_atomically
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing.summary_files import export_summary
    from kzmigdesk.services.office_profile import ProfileMissing, letterhead_of
    from kzmigdesk.services.reports import monthly_summary, parse_month, record_export
    from kzmigdesk.services.workspace import open_database
    from kzmigdesk.settings import load_settings

    try:
        month = parse_month(args.month)
    except ValueError:
        print(_("The month must be given as YYYY-MM, for example 2026-10."), file=sys.stderr)
        return 2
    words = Words.of(args.language or args.lang or load_settings().language)
    check_output(args.out)
    database = open_database(args.db)
    database.actor = command_line_actor()
    try:
        with database.sessions() as session:
            office_id = None
            if args.office:
                office_id = session.scalars(
                    select(Office.id).where(Office.code == args.office)).one_or_none()
                if office_id is None:
                    print(_("No office has the code {code}.").format(code=args.office),
                          file=sys.stderr)
                    return 2
            # the office's letterhead (else this database's own office's): none, no report
            try:
                letterhead = letterhead_of(session, office_id)
            except ProfileMissing:
                if office_id is None:
                    raise
                letterhead = letterhead_of(session)
            summary = monthly_summary(session, month, words, office_id)
        data = export_summary(summary, args.format, words, letterhead)

        def record() -> None:
            with database.transaction() as session:
                record_export(session, summary, args.format, office_id)

        write_atomically(args.out, data, record)  # the file first, then its audit entry
    finally:
        database.close()
    print(_("Monthly summary for {month} written to {file}.").format(
        month=args.month, file=args.out))
    return 0


def cmd_support(args) -> int:
    """Kandas support (issue 24): list or set the norms and the index, write the register."""
    import datetime as dt

    from sqlalchemy import select

    from kzmigdesk.domain.models import SupportMeasure
    from kzmigdesk.services import support
    from kzmigdesk.services.reports import parse_month
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    database.actor = command_line_actor()
    try:
        if args.support_command == "norms":
            with database.sessions() as session:
                for measure in support.measures(session, active_only=False):
                    print(f"{measure.code}\t{measure.name}\t{measure.deadline_months}")
            norms = support.load_norms(database)
            for row in norms.norms:
                print(f"{row.measure}\t{row.effective_from.isoformat()}\t"
                      f"{row.head_indices}\t{row.member_indices}")
            for year, value in norms.indices:
                print(f"{year}\t{value}")
        elif args.support_command == "norm":
            try:
                effective_from = dt.date.fromisoformat(args.effective_from)
            except ValueError:
                raise UsageError("--from YYYY-MM-DD") from None
            with database.transaction() as session:
                measure = session.scalars(select(SupportMeasure).where(
                    SupportMeasure.code == args.measure)).one_or_none()
                if measure is None:
                    raise UsageError(f"--measure {args.measure}")
                support.set_norm(session, measure.id, effective_from, args.head, args.member)
        elif args.support_command == "index":
            support.change_index(database, args.year, args.value)
        else:
            try:
                month = parse_month(args.month)
            except ValueError:
                raise UsageError("--month YYYY-MM") from None
            check_output(args.out)
            xlsx, csv_bytes = support.export_register(database, month.year, month.month)
            args.out.write_bytes(xlsx)
            args.out.with_suffix(".csv").write_bytes(csv_bytes)
            print(_("Saved {xlsx} and {csv}.").format(xlsx=args.out,
                                                      csv=args.out.with_suffix(".csv")))
    finally:
        database.close()
    return 0


def check_output(path: Path) -> None:
    """Refuse, before any work, a file that cannot be written: its folder is missing, or it
    is a folder itself."""
    from kzmigdesk.errors import ServiceError

    if path.is_dir():
        raise ServiceError(N_("{file} is a folder; give the name of a file to write."),
                           file=str(path))
    if not path.absolute().parent.is_dir():
        raise ServiceError(N_("The folder {folder} does not exist; nothing was written."),
                           folder=str(path.absolute().parent))


def cmd_deadlines(args) -> int:
    from kzmigdesk.services.deadlines import run_deadlines
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    try:
        print(run_deadlines(database).message())
    finally:
        database.close()
    return 0


def cmd_retention(args) -> int:
    from kzmigdesk.services import retention
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    database.actor = command_line_actor()
    try:
        if args.retention_command == "rules":
            if args.set:
                years = {}
                for item in args.set:
                    key, _sep, value = item.partition("=")
                    if key not in retention.RECORD_TYPES or not value.strip().isdigit():
                        raise UsageError(f"not TYPE=YEARS with TYPE one of "
                                         f"{', '.join(retention.RECORD_TYPES)}: {item!r}")
                    years[key] = int(value)
                retention.save_rules(database, years)
            for rule in retention.rules(database):
                kept = (_("{years} years").format(years=rule.years) if rule.years
                        else _("without a limit"))
                print(f"{rule.record_type}: {kept} ({_(rule.label)})")
            return 0
        proposal = retention.proposal(database)
        if args.retention_command == "propose":
            for due in proposal.due:
                print(_("{name}, born {born}: due since {due} ({rule}, ended {ended})").format(
                    name=due.name, born=i18n.format_date(due.born),
                    due=i18n.format_date(due.due_on),
                    rule=_(retention.RECORD_TYPES[due.rule]),
                    ended=i18n.format_date(due.ended_on)))
            print(_("Due for purge today: {count} persons.").format(
                count=i18n.format_number(len(proposal.due))))
            return 0
        result = retention.approve_purge(database, [d.person_id for d in proposal.due])
        print(_("Purged: {persons} persons anonymised, {records} records changed or "
                "deleted.").format(persons=i18n.format_number(result.persons),
                                   records=i18n.format_number(result.records)))
    finally:
        database.close()
    return 0


def cmd_sectors(args) -> int:
    """`sectors unmapped`: the employers with no sector, a line each (BIN, name, the sector as
    registered, region, tab-separated), then how many."""
    from kzmigdesk.services.sectors import unmapped_of
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    try:
        rows = unmapped_of(database)
    finally:
        database.close()
    for row in rows:
        print("\t".join((row.bin, row.name, row.old_sector or "", row.region_name)))
    print(_("{count} employers have no economic sector.").format(count=len(rows)),
          file=sys.stderr)
    return 0


def cmd_audit(args) -> int:
    from kzmigdesk.services import audit
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    try:
        with database.sessions() as session:
            if args.peer:
                anchored = audit.verify_peer(session, args.peer)
            else:
                anchored = audit.verify_anchors(session)
    finally:
        database.close()
    check = anchored.chain
    if not check.intact:
        print(_("The audit trail is broken at entry {seq}: {reason}.").format(
            seq=check.first_broken, reason=_(check.reason)), file=sys.stderr)
        return 1
    if args.peer:
        print(_("The audit trail of {office}, as its packages brought it here, is intact: "
                "{count} entries.").format(office=args.peer,
                                           count=i18n.format_number(check.entries)))
    else:
        print(_("The audit trail is intact: {count} entries.").format(
            count=i18n.format_number(check.entries)))
    for office, seq, anchor in anchored.anchors:
        print(_("Chain head checked: {office}, entry {seq}, {hash}").format(
            office=office, seq=seq, hash=anchor[:16]))
    if anchored.failed is not None:
        office, seq, anchor = anchored.failed
        print(_("The audit trail does not pass through the chain head exchanged with {office} "
                "(entry {seq}, {hash}): {reason}.").format(
            office=office, seq=seq, hash=anchor[:16], reason=_(anchored.reason)),
            file=sys.stderr)
        return 1
    if not anchored.anchors:
        print(_("No chain head was exchanged with another office yet: a trail rewritten or "
                "cut short before now would pass this check."))
    return 0


def cmd_backup(args) -> int:
    from kzmigdesk.db.engine import resolve_database_url
    from kzmigdesk.services import backup
    from kzmigdesk.services.errors import ServiceError
    from kzmigdesk.services.workspace import ReadOnlyDatabase, open_database

    if args.backup_command == "verify":
        return verify_backups(args)
    url = resolve_database_url(args.db)
    open_database(args.db).close()  # refuses a file that is not a kzmigdesk database
    try:
        path = backup.backup(url, args.to, keep=args.keep)
    except (ServiceError, OSError) as error:
        text = error.message() if isinstance(error, ServiceError) else str(error)
        print(_("The backup failed: {error}").format(error=text), file=sys.stderr)
        return 1
    database = open_database(args.db)
    try:
        database.actor = command_line_actor()
        backup.record(database, "backup", path)
    except ReadOnlyDatabase:
        pass  # a read-only database is backed up all the same; its trail cannot note it
    finally:
        database.close()
    print(_("Backed up to {file}.").format(file=path))
    return 0


def verify_backups(args) -> int:
    """`backup verify`: one line per backup (the bad ones on stderr); 1 if any is bad."""
    from kzmigdesk.services import backup

    if args.file and args.folder:
        raise UsageError("give a backup file or --folder, not both")
    folder = args.file if args.file and args.file.is_dir() else args.folder
    verdicts = ([backup.verify(args.file)] if args.file and not folder
                else backup.verify_folder(folder))
    if not verdicts:
        print(_("No backup was found in {folder}.").format(
            folder=folder or backup.default_folder()), file=sys.stderr)
        return 1
    for verdict in verdicts:
        if verdict.problem is None:
            print(_("{file}: intact").format(file=verdict.file))
        else:
            print(verdict.message(), file=sys.stderr)
    return 1 if any(verdict.problem for verdict in verdicts) else 0


def cmd_restore(args) -> int:
    from kzmigdesk.db.engine import describe_url, resolve_database_url
    from kzmigdesk.services import backup
    from kzmigdesk.services.errors import ServiceError
    from kzmigdesk.services.workspace import open_database

    url = resolve_database_url(args.db)
    check_restore_target(url, args.file)
    if not args.yes:
        print(_("Replace the database {database} by the backup {file}? The current file is "
                "kept aside. Type yes to go on: ").format(
            database=describe_url(url), file=args.file), end="", flush=True)
        if sys.stdin.readline().strip().lower() != "yes":
            print()  # after the question
            print(_("Nothing was changed."), file=sys.stderr)
            return 1
    try:
        kept = backup.restore(url, args.file, command_line_actor(),
                              without_checksum=args.no_checksum)
    except ServiceError as error:
        print(error.message(), file=sys.stderr)
        return 1
    database = open_database(args.db)
    try:
        database.actor = command_line_actor()
        backup.record(database, "restore", args.file)
    finally:
        database.close()
    print(_("Restored from {file}; the previous database was kept as {kept}.").format(
        file=args.file, kept=kept))
    return 0


def check_restore_target(url: str, backup_file: Path) -> None:
    """A restore replaces a damaged kzmigdesk database (or none) by another file, never a
    folder, another program's database or a newer version's: those are refused, untouched."""
    from kzmigdesk.db.files import FOREIGN, NEWER, DatabaseFileError, check_file, sqlite_path
    from kzmigdesk.errors import ServiceError

    path = sqlite_path(url)
    if path is None:
        return
    if path.exists() and backup_file.exists() and path.samefile(backup_file):
        raise ServiceError(N_("The backup {file} is the database itself; choose a backup."),
                           file=str(backup_file))
    check = check_file(path)
    if path.is_dir() or check.problem in (FOREIGN, NEWER):
        raise DatabaseFileError(path, check.problem)


def cmd_exchange(args) -> int:
    from kzmigdesk.services import exchange
    from kzmigdesk.services.errors import ServiceError
    from kzmigdesk.services.workspace import open_database

    database = open_database(args.db)
    database.actor = command_line_actor()
    try:
        with database.transaction() as session:
            if args.exchange_command == "name":
                exchange.set_office_name(session, args.name)
                print(_("This office exchanges as “{name}”.").format(name=args.name.strip()))
            elif args.exchange_command == "add-peer":
                peer = exchange.add_peer(session, args.name, args.key)
                print(_("Peer office “{name}” added. The key you share: {key}").format(
                    name=peer.name, key=peer.key))
            elif args.exchange_command == "sends":
                peer = exchange.set_sends(session, args.name, args.what)
                print((_("“{name}” is sent every record from now on.") if peer.sends ==
                       "everything" else _("“{name}” is sent from now on only the records "
                                           "registered here or there, or that came from "
                                           "there.")).format(name=peer.name))
            elif args.exchange_command == "peers":
                for peer in exchange.peers(session):
                    print(_("{name}: last package made {made}, imported {imported}; last sent "
                            "{sent}").format(
                        name=peer.name, made=i18n.format_datetime(peer.last_package_created_at),
                        imported=i18n.format_datetime(peer.last_import_at),
                        sent=i18n.format_datetime(peer.last_export_at)))
            elif args.exchange_command == "export":
                result = exchange.export_package(session, args.peer, args.password,
                                                 everything=args.everything)
                args.out.write_bytes(result.data)
                print(_("Package {file} written: {count} records.").format(
                    file=args.out, count=result.records))
            else:
                data = exchange.load_package(args.file)
                result = exchange.import_package(session, data, args.password)
                print(_("Imported from {sender}: {applied} records taken, {unchanged} "
                        "unchanged, {conflicts} conflicts kept for a supervisor.").format(
                    sender=result.sender, applied=result.applied, unchanged=result.unchanged,
                    conflicts=result.conflicts))
                if result.missing:
                    print(exchange.missing_message(result), file=sys.stderr)
    except (ServiceError, OSError) as error:
        print(error.message() if isinstance(error, ServiceError) else str(error),
              file=sys.stderr)
        return 1
    finally:
        database.close()
    return 0
