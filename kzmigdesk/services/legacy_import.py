"""Import of the legacy lists of persons that offices keep in Excel (reading the files:
legacy_files.py; the columns' fields and reading a row: legacy_fields.py).

An import is recorded in legacy_imports (the file's SHA-256, the mapping of its columns, the
options) and the outcome of each row in legacy_import_rows. Rows go in batches, one
transaction each, which writes the batch's persons and its rows' records together: after a
cancel or a crash, resuming skips every row that has a record, so no row is imported twice
(and the records' primary key, the import and the row number, refuses a second record).

Each row is checked as the registration form checks a person (validate_person,
validate_document; a document expired since is kept: the lists are old) and for duplicates as
find_duplicates does, in batches: the same IIN in the database or on an earlier row rejects
the row; a possible duplicate (the same document number, or the same date of birth and a
similar name) rejects it too, unless the clerk chose to import possible duplicates: then the
decision is kept as the form keeps it (DuplicateDecision).
"""

import csv
import datetime as dt
import functools
import io
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database, in_chunks
from kzmigdesk.domain.models import (
    DuplicateDecision,
    IdentityDocument,
    LegacyImport,
    LegacyImportRow,
    Person,
    ordered_uuid,
    utcnow,
)
from kzmigdesk.domain.search import name_tokens, normalise_document_number, sort_key
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import N_, _, format_date
from kzmigdesk.services import audit
from kzmigdesk.services.auth import Actor, Permission, require_in
from kzmigdesk.services.errors import FieldError, NotFound, ServiceError
from kzmigdesk.services.legacy_fields import (
    DOCUMENT_FIELDS,
    FIELDS,
    REQUIRED_FIELDS,
    RowData,
    Spellings,
    read_row,
    region_spellings,
)
from kzmigdesk.services.legacy_files import LegacyTable, cell_text
from kzmigdesk.services.name_index import write_tokens
from kzmigdesk.services.quotas import spellings_of_regions
from kzmigdesk.services.registration import (
    SIMILAR_NAME_SCORE,
    PersonInput,
    validate_document,
    validate_person,
)

BATCH_ROWS = 1000
PERSON_FIELDS = [f.name for f in fields(PersonInput)]
UNFINISHED, FINISHED, ABANDONED = "unfinished", "finished", "abandoned"
IMPORTED, REJECTED = "imported", "rejected"
SAME_DOCUMENT = N_("the same document number")
SIMILAR_NAME = N_("the same date of birth and a similar name")


class MappingError(ServiceError):
    def __init__(self, msgid: str, names: list[str]):
        super().__init__(msgid)
        self.names = names

    def message(self) -> str:
        return _(self.msgid).format(fields=", ".join(_(FIELDS[n]) for n in self.names))


def check_mapping(mapping: list[str | None]) -> None:
    chosen = [name for name in mapping if name]
    twice = [name for name in FIELDS if chosen.count(name) > 1]
    if twice:
        raise MappingError(N_("More than one column is chosen for: {fields}"), twice)
    missing = [name for name in REQUIRED_FIELDS if name not in chosen]
    if any(name in chosen for name in DOCUMENT_FIELDS):
        missing += [name for name in ("doc_type", "doc_number") if name not in chosen]
    if missing:
        raise MappingError(N_("Choose the columns of: {fields}"), missing)


@dataclass
class ImportSummary:
    import_id: uuid.UUID
    file_name: str
    total: int
    imported: int = 0
    rejected: int = 0
    duplicates: int = 0  # of the rejected
    finished: bool = False
    started_at: dt.datetime | None = None
    next_row: int | None = None  # the first row of the file not done yet

    @property
    def done(self) -> int:
        return self.imported + self.rejected


@dataclass
class ResumeInfo:
    summary: ImportSummary
    mapping: list[str | None]
    import_duplicates: bool


def start_import(session: Session, table: LegacyTable, mapping: list[str | None],
                 import_duplicates: bool = False) -> uuid.UUID:
    """Record a new import of `table` (any unfinished import of the same file is given up)."""
    actor = require_in(session, Permission.REGISTER)
    check_mapping(mapping)
    session.execute(update(LegacyImport)
                    .where(LegacyImport.file_sha256 == table.sha256,
                           LegacyImport.status == UNFINISHED)
                    .values(status=ABANDONED))
    record = LegacyImport(
        id=uuid.uuid4(), file_name=table.file_name, file_sha256=table.sha256,
        header=json.dumps(table.header, ensure_ascii=False), mapping=json.dumps(mapping),
        options=json.dumps({"import_duplicates": import_duplicates}),
        total_rows=len(table.rows), status=UNFINISHED, user_id=actor.user_id)
    session.add(record)
    session.flush()
    return record.id


def import_summary(session: Session, import_id: uuid.UUID,
                   table: LegacyTable | None = None) -> ImportSummary:
    record = session.get(LegacyImport, import_id)
    if record is None:
        raise NotFound(N_("The import no longer exists."))
    summary = ImportSummary(record.id, record.file_name, record.total_rows,
                            finished=record.status == FINISHED, started_at=record.started_at)
    counts = session.execute(
        select(LegacyImportRow.outcome, LegacyImportRow.duplicate, func.count())
        .where(LegacyImportRow.import_id == import_id)
        .group_by(LegacyImportRow.outcome, LegacyImportRow.duplicate))
    for outcome, duplicate, count in counts:
        if outcome == IMPORTED:
            summary.imported += count
        else:
            summary.rejected += count
            summary.duplicates += count if duplicate else 0
    if table is not None:
        done = _done_rows(session, import_id)
        summary.next_row = next((n for n, _cells in table.rows if n not in done), None)
    return summary


def find_unfinished(session: Session, table: LegacyTable) -> ResumeInfo | None:
    """The latest unfinished import of this very file (the same SHA-256), to resume."""
    record = session.scalars(
        select(LegacyImport)
        .where(LegacyImport.file_sha256 == table.sha256, LegacyImport.status == UNFINISHED)
        .order_by(LegacyImport.started_at.desc()).limit(1)).first()
    if record is None:
        return None
    return ResumeInfo(import_summary(session, record.id, table), json.loads(record.mapping),
                      json.loads(record.options).get("import_duplicates", False))


def _done_rows(session: Session, import_id: uuid.UUID, rows: Iterable[int] | None = None,
               ) -> set[int]:
    query = select(LegacyImportRow.row_number).where(LegacyImportRow.import_id == import_id)
    if rows is not None:
        numbers = list(rows)
        query = query.where(LegacyImportRow.row_number.between(min(numbers), max(numbers)))
    return set(session.scalars(query))


def _reason(label: str | None, problem: str, **params) -> dict:
    return {"label": label, "problem": problem, "params": params}


def reason_text(reason: dict) -> str:
    """A stored reason in the current language."""
    params = {}
    for key, value in reason["params"].items():
        if key == "birth_date":
            value = format_date(dt.date.fromisoformat(value))
        elif key == "reason":
            value = _(value)
        params[key] = value
    problem = _(reason["problem"]).format(**params)
    if reason["label"]:
        return _("{field}: {problem}").format(field=_(reason["label"]), problem=problem)
    return problem


@dataclass
class _Known:
    """A person a row may duplicate: in the database, or imported from an earlier row."""

    person_id: uuid.UUID
    name: str
    birth_date: dt.date
    keys: tuple[str, ...]  # name keys compared, as find_duplicates compares them
    row: int | None = None


@functools.lru_cache(maxsize=50_000)
def _tokens(name: str | None) -> frozenset[str]:
    """A name's search tokens; lists repeat names, and folding one costs."""
    return frozenset(name_tokens(name))


@functools.lru_cache(maxsize=50_000)
def _keys(surname, given_name, surname_latin, given_name_latin) -> tuple[str, str, str]:
    """The name keys find_duplicates compares (registration._name_key): of the names, of the
    Latin names, of both; made from each name's tokens."""
    native = _tokens(surname) | _tokens(given_name)
    latin = _tokens(surname_latin) | _tokens(given_name_latin)
    return " ".join(sorted(native)), " ".join(sorted(latin)), " ".join(sorted(native | latin))


def _known(person_id, surname, given_name, patronymic, surname_latin, given_name_latin,
           birth_date, row=None) -> _Known:
    name = " ".join(p for p in (surname, given_name, patronymic) if p)
    keys = _keys(surname, given_name, surname_latin, given_name_latin)
    return _Known(person_id, name, birth_date, keys, row)


@dataclass
class _Lookups:
    by_iin: dict[str, _Known] = field(default_factory=dict)
    by_document: dict[str, list[_Known]] = field(default_factory=dict)
    by_birth_date: dict[dt.date, list[_Known]] = field(default_factory=dict)

    def add(self, known: _Known, iin: str | None = None, document: str | None = None):
        if iin:
            self.by_iin.setdefault(iin, known)
        if document:
            self.by_document.setdefault(document, []).append(known)
        self.by_birth_date.setdefault(known.birth_date, []).append(known)


NAME_COLUMNS = (Person.id, Person.surname, Person.given_name, Person.patronymic,
                Person.surname_latin, Person.given_name_latin, Person.birth_date)


def _database_lookups(session: Session, rows: list[RowData]) -> _Lookups:
    """The persons of the database that the rows may duplicate, in a few queries. Deleted
    persons are left out, as find_duplicates leaves them out, except for their IINs: the
    unique index still holds them."""
    found = _Lookups()
    iins = sorted({r.person.iin for r in rows if r.person.iin})
    numbers = sorted({normalise_document_number(r.document.number) for r in rows
                      if r.document and r.document.number})
    dates = sorted({r.person.birth_date for r in rows})
    for chunk in in_chunks(iins):
        query = select(*NAME_COLUMNS, Person.iin).where(Person.iin.in_(chunk))
        for row in session.execute(query.execution_options(include_deleted=True)):
            found.by_iin[row.iin] = _known(*row[:7])
    for chunk in in_chunks(numbers):
        query = select(*NAME_COLUMNS, IdentityDocument.number).join(
            IdentityDocument, IdentityDocument.person_id == Person.id).where(
            IdentityDocument.number.in_(chunk))
        for row in session.execute(query):
            found.by_document.setdefault(row.number, []).append(_known(*row[:7]))
    for chunk in in_chunks(dates):
        for row in session.execute(select(*NAME_COLUMNS).where(Person.birth_date.in_(chunk))):
            found.by_birth_date.setdefault(row.birth_date, []).append(_known(*row))
    return found


@dataclass
class _Candidate:
    known: _Known
    reason: str
    score: float


def _possible(row: _Known, number: str | None, lookups: _Lookups) -> list[_Candidate]:
    found: dict[uuid.UUID, _Candidate] = {}
    for known in lookups.by_document.get(number, []) if number else []:
        found.setdefault(known.person_id, _Candidate(known, SAME_DOCUMENT, 100.0))
    key = row.keys[2]
    for known in lookups.by_birth_date.get(row.birth_date, []):
        score = max(fuzz.token_sort_ratio(key, k) for k in known.keys)
        if score >= SIMILAR_NAME_SCORE:
            found.setdefault(known.person_id, _Candidate(known, SIMILAR_NAME, score))
    return sorted(found.values(), key=lambda c: -c.score)


class _Run:
    """One run of an import: its batches, and what the rows of this run imported so far
    (to find duplicates within the file)."""

    def __init__(self, record: LegacyImport, table: LegacyTable, spellings: Spellings,
                 today: dt.date):
        self.import_id, self.table, self.today = record.id, table, today
        self.mapping = json.loads(record.mapping)
        self.import_duplicates = json.loads(record.options).get("import_duplicates", False)
        self.spellings = spellings
        self.in_file = _Lookups()
        self.columns = len(table.header)

    def batch(self, session: Session, rows: list[tuple[int, list]]) -> int:
        """Import the rows not done yet; write a record of each. The number of rows done."""
        actor = require_in(session, Permission.REGISTER)
        done = _done_rows(session, self.import_id, (n for n, _cells in rows))
        records, valid = [], []
        for number, cells in rows:
            if number in done:
                continue
            reasons = self._problems(cells)
            if isinstance(reasons, RowData):
                valid.append((number, cells, reasons))
            else:
                records.append(self._rejected(number, cells, reasons))
        lookups = _database_lookups(session, [row for _n, _c, row in valid])
        persons, documents, decisions, tokens = [], [], [], {}
        for number, cells, row in valid:
            person_id, data = ordered_uuid(), row.person
            known = _known(person_id, data.surname, data.given_name, data.patronymic,
                           data.surname_latin, data.given_name_latin, data.birth_date, number)
            document = normalise_document_number(row.document.number) if row.document else None
            reasons, candidates, duplicate = self._duplicates(data.iin, document, known,
                                                              lookups)
            if reasons:
                records.append(self._rejected(number, cells, reasons, duplicate))
                continue
            persons.append(self._person(person_id, data, actor))
            tokens[person_id] = set(known.keys[2].split()) | _tokens(data.patronymic)
            if row.document:
                documents.append(self._document(person_id, row))
            decisions += [DuplicateDecision(person_id=person_id, candidate_id=c.known.person_id,
                                            reason=c.reason, score=c.score,
                                            user_id=actor.user_id) for c in candidates]
            records.append(dict(import_id=self.import_id, row_number=number, outcome=IMPORTED,
                                person_id=person_id, duplicate=False, reasons=None,
                                cells=None))
            self.in_file.add(known, data.iin, document)
        for model, values in ((Person, persons), (IdentityDocument, documents)):
            if values:  # bulk inserts, audited as the flush audits a new entity
                session.execute(insert(model.__table__), values)
                audit.record_many(session, "create", model.__tablename__, [
                    (row["id"], {key: [None, audit.jsonable(value)] for key, value in row.items()
                                 if value is not None and key not in audit.NOT_AUDITED})
                    for row in values])
        session.add_all(decisions)
        session.flush()
        write_tokens(session, tokens, new=True)
        if records:
            session.execute(insert(LegacyImportRow.__table__), records)
        return len(records)

    def _problems(self, cells: list) -> RowData | list[dict]:
        """The row read, or why it cannot be imported."""
        if len(cells) != self.columns:
            return [_reason(None, N_("has {cells} cells where the header has {columns}"),
                            cells=len(cells), columns=self.columns)]
        row = read_row(cells, self.mapping, self.spellings)
        problems: list[FieldError] = row.problems
        unreadable = {p.field for p in problems}
        problems += [e for e in validate_person(row.person, self.today)
                     if e.field not in unreadable]
        if row.document:
            problems += [e for e in validate_document(row.document, 0, self.today,
                                                      check_expiry=False)
                         if e.field not in unreadable]
        if problems:
            return [_reason(p.label, p.problem, **p.params) for p in problems]
        return row

    def _duplicates(self, iin: str | None, document: str | None, row: _Known,
                    lookups: _Lookups):
        """(reasons to reject the row, possible duplicates to record, whether a duplicate)."""
        if iin and iin in lookups.by_iin:
            known = lookups.by_iin[iin]
            return [_reason(FIELDS["iin"], N_("is already registered: {name}, born "
                                              "{birth_date}"), name=known.name,
                            birth_date=known.birth_date.isoformat())], [], True
        if iin and iin in self.in_file.by_iin:
            return [_reason(FIELDS["iin"], N_("is the same as on row {row}"),
                            row=self.in_file.by_iin[iin].row)], [], True
        candidates = (_possible(row, document, lookups)
                      + _possible(row, document, self.in_file))
        if not candidates or self.import_duplicates:
            return [], candidates, False
        best = candidates[0]
        if best.known.row is not None:
            return [_reason(None, N_("possible duplicate of row {row} ({reason})"),
                            row=best.known.row, reason=best.reason)], [], True
        return [_reason(None, N_("possible duplicate of {name}, born {birth_date} ({reason})"),
                        name=best.known.name, birth_date=best.known.birth_date.isoformat(),
                        reason=best.reason)], [], True

    def _rejected(self, number: int, cells: list, reasons: list[dict],
                  duplicate: bool = False) -> dict:
        return dict(import_id=self.import_id, row_number=number, outcome=REJECTED,
                    person_id=None, duplicate=duplicate,
                    reasons=json.dumps(reasons, ensure_ascii=False),
                    cells=json.dumps([cell_text(c) for c in cells], ensure_ascii=False))

    @staticmethod
    def _person(person_id: uuid.UUID, data: PersonInput, actor: Actor) -> dict:
        values = {name: getattr(data, name) for name in PERSON_FIELDS}
        values.update(id=person_id, office_id=actor.office_id,
                      sort_name=sort_key(data.surname, data.given_name, data.patronymic))
        return values

    @staticmethod
    def _document(person_id: uuid.UUID, row: RowData) -> dict:
        doc = row.document
        return dict(id=ordered_uuid(), person_id=person_id, doc_type=doc.doc_type,
                    number=normalise_document_number(doc.number),
                    issuing_country=(doc.issuing_country or "").upper() or None,
                    issued_by=doc.issued_by, issue_date=doc.issue_date,
                    expiry_date=doc.expiry_date)


def run_import(database: Database, import_id: uuid.UUID, table: LegacyTable,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               batch_rows: int = BATCH_ROWS, today: dt.date | None = None) -> ImportSummary:
    """Import the rows of `table` not done yet, a batch per transaction. `cancelled()` is
    asked after each batch: the import stops there, to be resumed later."""
    with database.transaction() as session:
        require_in(session, Permission.REGISTER)
        record = session.get(LegacyImport, import_id)
        if record is None:
            raise NotFound(N_("The import no longer exists."))
        if record.file_sha256 != table.sha256:
            raise ServiceError(N_("The file is not the one this import began with."))
        if record.status != UNFINISHED:
            return import_summary(session, import_id, table)
        run = _Run(record, table, Spellings(region_spellings(spellings_of_regions(session))),
                   today or dt.date.today())
        done = _done_rows(session, import_id)
    todo = [row for row in table.rows if row[0] not in done]
    count, stopped = len(done), False
    for start in range(0, len(todo), batch_rows):
        with database.transaction() as session:
            count += run.batch(session, todo[start:start + batch_rows])
        if progress:
            progress(count, len(table.rows))
        if cancelled and cancelled() and start + batch_rows < len(todo):
            stopped = True
            break
    with database.transaction() as session:
        record = session.get(LegacyImport, import_id)
        if not stopped:
            record.status, record.finished_at = FINISHED, utcnow()
        summary = import_summary(session, import_id, table)
        audit.record(session, "import", "legacy_imports", import_id, {
            "file": record.file_name, "rows": summary.total, "imported": summary.imported,
            "rejected": summary.rejected, "duplicates": summary.duplicates,
            "status": record.status})
    return summary


@dataclass
class RejectedRow:
    row: int
    cells: list[str]
    reasons: list[str]  # in the current language


def rejected_rows(session: Session, import_id: uuid.UUID) -> tuple[list[str], list[RejectedRow]]:
    """The file's header and its rejected rows, in the order of the file."""
    require_in(session, Permission.REGISTER)
    record = session.get(LegacyImport, import_id)
    if record is None:
        raise NotFound(N_("The import no longer exists."))
    rows = session.scalars(select(LegacyImportRow).where(
        LegacyImportRow.import_id == import_id, LegacyImportRow.outcome == REJECTED)
        .order_by(LegacyImportRow.row_number))
    return json.loads(record.header), [
        RejectedRow(r.row_number, json.loads(r.cells), [reason_text(x) for x in
                                                        json.loads(r.reasons)]) for r in rows]


def write_rejected_csv(session: Session, import_id: uuid.UUID, path: Path) -> int:
    """Write the rejected rows (their number, the reasons, their cells) as a CSV file that
    Excel opens: UTF-8 with BOM, semicolons. The number of rows written."""
    header, rows = rejected_rows(session, import_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Row"), _("Reasons")] + header)
    for row in rows:
        writer.writerow([row.row, "; ".join(row.reasons)] + row.cells)
    write_atomically(path, out.getvalue().encode("utf-8-sig"))  # whole or not at all
    return len(rows)


# --- for the import window: the database in, read models out ---------------------------------


def begin_import(database: Database, table: LegacyTable, mapping: list[str | None],
                 import_duplicates: bool = False) -> uuid.UUID:
    """start_import in a transaction of its own; the rows then go in with run_import."""
    with database.transaction() as session:
        return start_import(session, table, mapping, import_duplicates)


def unfinished_import(database: Database, table: LegacyTable) -> ResumeInfo | None:
    with database.sessions() as session:
        return find_unfinished(session, table)


def rejected_rows_of(database: Database,
                     import_id: uuid.UUID) -> tuple[list[str], list[RejectedRow]]:
    with database.sessions() as session:
        return rejected_rows(session, import_id)


def save_rejected_csv(database: Database, import_id: uuid.UUID, path: Path) -> int:
    with database.sessions() as session:
        return write_rejected_csv(session, import_id, path)
