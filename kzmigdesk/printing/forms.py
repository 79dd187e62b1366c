"""The printable forms: the person registration card, the repatriate case summary, the work
permit register extract of an employer, the service referral letter, the quota usage
statement, the work permit of a worker and the kandas certificate.

Each form lays out the data the services gathered (the prints service, as the dataclasses of
kzmigdesk.domain.documents) and returns the PDF's bytes. Every label goes through the
document's own `Words` (its language, or kk and ru together), never the application's current
language.
"""

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from kzmigdesk.domain.documents import (
    CaseSummary,
    EmployerPermitsExtract,
    KandasCertificate,
    PersonCard,
    QuotaLine,
    QuotaStatement,
    ReferralLetter,
    RegisterJournal,
    WorkPermitDocument,
)
from kzmigdesk.domain.enums import (
    LABELS,
    DocumentType,
    HouseholdRelation,
    LegalBasis,
    PermitCategory,
    PermitStatus,
    PersonCategory,
    RepatriateStatus,
    Sex,
)
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import (
    GRID_COLOUR,
    HEADER_FILL,
    MARGIN,
    Letterhead,
    approval,
    fields,
    grid,
    heading,
    keep,
    long_date,
    paragraph,
    photo,
    render,
    styles,
    text,
)

# The width a table may take on an A4 page (portrait, landscape): between the 18 mm margins,
# less the frame's padding of 6 points on either side.
PAGE_WIDTH = A4[0] - 2 * MARGIN - 12
WIDE_PAGE_WIDTH = A4[1] - 2 * MARGIN - 12
CELL_PADDING = 3  # points, left and right, in the tables of many columns
WARNING_FILL = colors.HexColor("#fff1cc")
FULL_FILL = colors.HexColor("#f9d6d5")


# --- helpers --------------------------------------------------------------------------------


def day(words: Words, value: dt.date | None) -> str:
    """A date in a table or a card: 05.03.2026 (05/03/2026 in English), as on screen."""
    return words.date(value)


def citizenship(words: Words, code: str | None) -> str:
    return words.country(code) if code else words.t("stateless or unknown")


def label(words: Words, enum: type[StrEnum], value) -> str:
    """The label of a member of `enum`. A record the services have just written may hold the
    member's plain value (a str) until it is reloaded; an unknown value prints as it is."""
    if value is None or value == "":
        return ""
    try:
        return words.t(LABELS[enum][enum(value)])
    except ValueError:
        return str(value)


def person_status(words: Words, card: PersonCard) -> str:
    """The person's status: a case status for a kandas, a permit status otherwise."""
    kandas = card.category == PersonCategory.KANDAS
    return label(words, RepatriateStatus if kandas else PermitStatus, card.status)


def legal_basis_text(words: Words, card: PersonCard) -> str:
    """The basis, its date, reference and scan, and its withdrawal (issue 23)."""
    basis = card.legal_basis
    if basis is None:
        return words.t("not recorded")
    parts = [words.t("{basis}, since {date}",
                     basis=lambda one: label(one, LegalBasis, basis.basis),
                     date=lambda one: day(one, basis.since))]
    if basis.reference:
        parts.append(basis.reference)
    if basis.scan_name:
        parts.append(words.t("scan: {name}", name=basis.scan_name))
    if basis.withdrawn_on:
        parts.append(words.t("withdrawn on {date}",
                             date=lambda one: day(one, basis.withdrawn_on)))
    return "; ".join(parts)


def _longest_word(value, font: str, size: float) -> float:
    return max((stringWidth(word, font, size) for word in str(value).split()), default=0)


def column_widths(rows: Sequence[Sequence], header: Sequence[str], weights: Sequence[float],
                  width: float) -> list[float]:
    """Share `width` among the columns in proportion to `weights`, but give each column at
    least the width of its longest word (header or cell), so that no word is broken across
    lines, as long as the page allows."""
    s = styles()
    padding = 2 * CELL_PADDING + 1
    least = []
    for column, title in enumerate(header):
        longest = [_longest_word(title, s.cell_bold.fontName, s.cell_bold.fontSize)]
        longest += [_longest_word(row[column], s.cell.fontName, s.cell.fontSize)
                    for row in rows]
        least.append(max(longest) + padding)
    if sum(least) >= width:  # too many long words: they must break, in proportion
        return [width * w / sum(least) for w in least]
    fixed: dict[int, float] = {}
    while True:  # columns whose share is too narrow get their least width; the rest share
        free = [c for c in range(len(header)) if c not in fixed]
        room = width - sum(fixed.values())
        total = sum(weights[c] for c in free)
        narrow = {c: least[c] for c in free if room * weights[c] / total < least[c]}
        if not narrow:
            return [fixed.get(c, room * weights[c] / total) for c in range(len(header))]
        fixed.update(narrow)


def table(rows: Sequence[Sequence], header: Sequence[str], weights: Sequence[float],
          numeric: Sequence[int] = (), width: float = PAGE_WIDTH) -> Table:
    """A grid whose column widths follow `weights` and fit every word (column_widths)."""
    rows = [[str(cell) if cell is not None else "" for cell in row] for row in rows]
    result = grid(rows, header=header, widths=column_widths(rows, header, weights, width),
                  numeric=numeric)
    result.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]))
    return result


TAIL_ROWS = 2  # the rows a table's closing block (total, signatures) takes to its page


def table_closed_by(rows: Sequence[Sequence], header: Sequence[str], weights: Sequence[float],
                    closing: Sequence[Flowable], numeric: Sequence[int] = (),
                    width: float = PAGE_WIDTH) -> list[Flowable]:
    """`table` followed by `closing`, whose page always carries the table's last rows too:
    a signature block never stands alone on a page. The tail is a second grid with the
    same column widths, so the two read as one table."""
    rows = [[str(cell) if cell is not None else "" for cell in row] for row in rows]
    widths = column_widths(rows, header, weights, width)
    split = max(0, len(rows) - TAIL_ROWS)
    padding = TableStyle([("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                          ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING)])
    head = grid(rows[:split], header=header, widths=widths, numeric=numeric)
    tail = grid(rows[split:], header=None if split else header, widths=widths, numeric=numeric)
    for part in (head, tail):
        part.setStyle(padding)
    return [*([head] if split else []), keep(tail, *closing)]


def _left(flowable: Table) -> Table:
    flowable.hAlign = "LEFT"
    return flowable


def _numbered(rows: Sequence[Sequence]) -> list[list]:
    return [[str(number), *row] for number, row in enumerate(rows, start=1)]


def signatures(words: Words, signers: Sequence[str],
               width: float = PAGE_WIDTH) -> list[Flowable]:
    """A line to sign, a line for the name and one for the date, per signer (a label): to
    be kept together with what comes before them (`keep`; a KeepTogether inside another
    always breaks the page)."""
    s = styles()
    caption = s.small

    def under(msgid: str) -> Paragraph:
        return Paragraph(text(words.t(msgid)), caption)

    # label, signature, gap, name, gap, date
    widths = [0.24 * width, 0.26 * width, 0.03 * width, 0.30 * width, 0.03 * width,
              0.14 * width]
    rows, commands = [], [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    for signer in signers:
        line = len(rows)
        rows.append([Paragraph(text(signer), s.cell_bold), "", "", "", "", ""])
        rows.append(["", under(N_("Signature")), "", under(N_("Name")), "", under(N_("Date"))])
        for column in (1, 3, 5):
            commands.append(("LINEBELOW", (column, line), (column, line), 0.6, colors.black))
        commands.append(("VALIGN", (0, line + 1), (-1, line + 1), "TOP"))
    heights = [12 * mm if number % 2 == 0 else None for number in range(len(rows))]
    block = Table(rows, colWidths=widths, rowHeights=heights, hAlign="LEFT")
    block.setStyle(TableStyle(commands))
    return [Spacer(1, 8 * mm), block]


# --- 1. the person registration card --------------------------------------------------------


def person_card(person: PersonCard, words: Words,
                letterhead: Letterhead | None = None) -> bytes:
    """The registration card of a person: every field, the photo beside them when there is
    one, the identity documents, and lines for the clerk's and the person's signatures."""
    pairs = [
        (words.t("Surname"), person.surname),
        (words.t("Given name"), person.given_name),
        (words.t("Patronymic"), person.patronymic),
        (words.t("Surname in Latin letters"), person.surname_latin),
        (words.t("Given name in Latin letters"), person.given_name_latin),
        (words.t("Sex"), label(words, Sex, person.sex)),
        (words.t("Date of birth"), day(words, person.birth_date)),
        (words.t("IIN"), person.iin),
        (words.t("Citizenship"), citizenship(words, person.citizenship)),
        (words.t("Phone"), person.phone),
        (words.t("E-mail"), person.email),
        (words.t("Region"), words.name(person.region)),
        (words.t("District"), person.district),
        (words.t("Locality"), person.locality),
        (words.t("Address"), person.address),
        (words.t("Category"), label(words, PersonCategory, person.category)),
        (words.t("Status"), person_status(words, person)),
        (words.t("Date of registration"), day(words, person.registered_on)),
    ]
    if person.office is not None:
        pairs.append((words.t("Office"), person.office))
    if person.notes:
        pairs.append((words.t("Notes"), person.notes))
    pairs.append((words.t("Legal basis for processing"), legal_basis_text(words, person)))

    picture = photo(person.photo, width=34 * mm)
    if picture is None:
        card: Flowable = fields(pairs, width=PAGE_WIDTH)
    else:
        side = 40 * mm
        card = Table([[fields(pairs, width=PAGE_WIDTH - side), picture]],
                     colWidths=[PAGE_WIDTH - side, side])
        card.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))

    documents = person.documents
    story: list[Flowable] = [card, heading(words.t("Identity documents"))]
    if documents:
        story.append(table(
            [[label(words, DocumentType, d.doc_type), d.number, words.country(d.issuing_country),
              d.issued_by, day(words, d.issue_date), day(words, d.expiry_date)]
             for d in documents],
            header=[words.t("Document type"), words.t("Document number"),
                    words.t("Issuing country"), words.t("Issued by"), words.t("Date of issue"),
                    words.t("Expiry date")],
            weights=(40, 28, 26, 36, 22, 22)))
    else:
        story.append(paragraph(words.t("No identity documents are recorded.")))
    story.append(keep(*signatures(words, [words.t("Person")]),
                      *approval(words, letterhead, PAGE_WIDTH)))
    return render(story, words.t("Person registration card"), words, letterhead,
                  printed_on=person.today)


# --- 2. the repatriate case summary ---------------------------------------------------------


def case_summary(case: CaseSummary, words: Words,
                 letterhead: Letterhead | None = None) -> bytes:
    """A repatriate (kandas) case: its fields and certificate, the household members and the
    history of its statuses."""
    applicant = case.applicant
    pairs = [
        (words.t("Case number"), case.case_number),
        (words.t("Applicant"), applicant.full_name if applicant else ""),
        (words.t("Date of birth"), day(words, applicant.birth_date) if applicant else ""),
        (words.t("IIN"), applicant.iin if applicant else ""),
        (words.t("Country of origin"), words.country(case.country_of_origin)),
        (words.t("Application date"), day(words, case.application_date)),
        (words.t("Arrival date"), day(words, case.arrival_date)),
        (words.t("Status"), label(words, RepatriateStatus, case.status)),
        (words.t("Certificate number"), case.certificate_number),
        (words.t("Date of issue"), day(words, case.certificate_issue_date)),
        (words.t("Certificate expiry"), day(words, case.certificate_expiry_date)),
        (words.t("Region of resettlement"), words.name(case.resettlement_region)),
        (words.t("Quota year"), str(case.quota_year) if case.quota_year else ""),
    ]
    if case.office is not None:
        pairs.append((words.t("Office"), case.office))
    if case.quota_override_reason:
        pairs.append((words.t("Reason for going beyond the quota"), case.quota_override_reason))
    story: list[Flowable] = [fields(pairs, width=PAGE_WIDTH)]

    members = case.members
    story.append(heading(words.t("Household members")))
    if members:
        story.append(table(
            _numbered([[m.full_name, label(words, HouseholdRelation, m.relation),
                        day(words, m.birth_date), m.iin] for m in members]),
            header=[words.t("No."), words.t("Name"), words.t("Relation"),
                    words.t("Date of birth"), words.t("IIN")],
            weights=(1, 70, 41, 25, 29), numeric=(0,)))
    else:
        story.append(paragraph(words.t("No household members are recorded.")))

    history = case.history
    story.append(heading(words.t("Status history")))
    story.append(table(
        [[day(words, change.changed_on), label(words, RepatriateStatus, change.from_status),
          label(words, RepatriateStatus, change.to_status), change.comment] for change in history],
        header=[words.t("Date"), words.t("Previous status"), words.t("New status"),
                words.t("Comment")],
        weights=(1, 45, 45, 60)))
    if case.support:  # issue 24
        from kzmigdesk.domain.enums import SupportStatus

        story.append(heading(words.t("Kandas support")))
        story.append(table(
            [[words.name(s.measure), day(words, s.applied_on), str(s.persons),
              words.number(s.amount), label(words, SupportStatus, s.status),
              day(words, s.paid_on or s.decided_on)] for s in case.support],
            header=[words.t("Support measure"), words.t("Applied on"), words.t("Persons"),
                    words.t("Amount, tenge"), words.t("Status"), words.t("Date")],
            weights=(60, 25, 15, 25, 35, 25), numeric=(2, 3)))
    story.append(keep(*approval(words, letterhead, PAGE_WIDTH)))
    return render(story, words.t("Repatriate case summary"), words, letterhead,
                  printed_on=case.today)


# --- 3. the work permit register extract of an employer -------------------------------------


def employer_permits_extract(employer: EmployerPermitsExtract, words: Words,
                             letterhead: Letterhead | None = None) -> bytes:
    """The employer and every work permit issued for it (newest first), with their count;
    landscape, for the table's ten columns."""
    today = employer.today
    pairs = [
        (words.t("BIN"), employer.bin),
        (words.t("Employer name"), employer.name),
        (words.t("Address"), employer.address),
        (words.t("Region"), words.name(employer.region)),
    ]
    if employer.sector:
        pairs.append((words.t("Sector"), employer.sector if isinstance(employer.sector, str)
                      else words.name(employer.sector)))
    if employer.contact_person:
        pairs.append((words.t("Contact person"), employer.contact_person))
    if employer.phone:
        pairs.append((words.t("Phone"), employer.phone))
    permits = employer.permits
    rows = [[p.number, p.worker.full_name if p.worker else "",
             citizenship(words, p.worker.citizenship) if p.worker else "",
             label(words, PermitCategory, p.category), p.profession or "", words.name(p.region),
             day(words, p.valid_from), day(words, p.valid_to), label(words, PermitStatus, p.status)]
            for p in permits]
    story: list[Flowable] = [_left(fields(pairs, width=160 * mm)),
                             heading(words.t("Work permits"))]
    closing = [
        Spacer(1, 3 * mm),
        paragraph(words.t("Permits in total: {count}", count=words.number(len(permits)))),
        paragraph(words.t("Of them in force on {date}: {count}", date=day(words, today),
                          count=words.number(employer.in_force))),
        *approval(words, letterhead, 200 * mm)]
    if rows:
        story += table_closed_by(
            _numbered(rows),
            header=[words.t("No."), words.t("Permit number"), words.t("Worker"),
                    words.t("Citizenship"), words.t("Category"), words.t("Profession"),
                    words.t("Region"), words.t("Valid from"), words.t("Valid to"),
                    words.t("Status")],
            weights=(1, 1, 34, 1, 62, 28, 20, 1, 1, 20), closing=closing, numeric=(0,),
            width=WIDE_PAGE_WIDTH)
    else:
        story.append(keep(*closing))
    return render(story, words.t("Extract from the register of work permits"), words,
                  letterhead, wide=True, printed_on=today)


# --- 4. the service referral letter ---------------------------------------------------------


def referral_letter(letter: ReferralLetter, words: Words,
                    letterhead: Letterhead | None = None) -> bytes:
    """A letter referring the person to an organisation or employer (its addressee) for a
    service (its type, when given) and a purpose, at a centre when given."""
    today, service, centre = letter.today, letter.service, letter.centre
    s = styles()

    # The addressee on the right, as in a letter (the number and the day are above it).
    addressee_lines = [line.strip() for line in letter.addressee.splitlines() if line.strip()]
    reference = Table([[
        "",
        Paragraph("<br/>".join(text(line) for line in addressee_lines) or "_" * 36,
                  s.heading),
    ]], colWidths=[PAGE_WIDTH * 0.45, PAGE_WIDTH * 0.55])
    reference.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))

    pairs = [
        (words.t("Name"), letter.full_name),
        (words.t("Date of birth"), day(words, letter.birth_date)),
        (words.t("IIN"), letter.iin),
        (words.t("Citizenship"), citizenship(words, letter.citizenship)),
        (words.t("Category"), label(words, PersonCategory, letter.category)),
    ]
    referred = [(words.t("Referred for"), words.name(service) if service else ""),
                (words.t("Purpose"), letter.purpose.strip())]
    if service is None:
        referred = referred[1:]
    if centre is not None:
        where = ", ".join(part for part in (centre.name, centre.address, centre.phone) if part)
        referred.append((words.t("Centre"), where))

    story: list[Flowable] = [
        reference,
        Spacer(1, 6 * mm),
        paragraph(words.t("We refer to you the person named below.")),
        Spacer(1, 3 * mm),
        fields(pairs, width=PAGE_WIDTH),
        Spacer(1, 4 * mm),
        fields(referred, width=PAGE_WIDTH),
        Spacer(1, 6 * mm),
        keep(paragraph(words.t("Please let the migration office know the outcome.")),
             *approval(words, letterhead, PAGE_WIDTH)),
    ]
    return render(story, words.t("Referral"), words, letterhead, printed_on=today,
                  number=letter.number or "")


# --- 5. the quota usage statement -----------------------------------------------------------


def quota_statement(statement: QuotaStatement, words: Words,
                    letterhead: Letterhead | None = None) -> bytes:
    """The usage of every quota of a kind in a year: per region (and permit category for the
    labour quota) the quota, the slots used and remaining, the share used and the day it is
    expected to run out; the totals; which quotas are at 90 % or more and which used up."""
    today, year, usage = statement.today, statement.year, statement.lines
    labour = statement.by_category

    def where(row: QuotaLine) -> str:
        name = words.name(row.region)
        if row.sector is not None:  # a quota for one economic sector (issue 24)
            name = f"{name}, {words.name(row.sector)}"
        return f"{name}, {label(words, PermitCategory, row.category)}" if row.category else name

    story: list[Flowable] = [_left(fields([
        (words.t("Quota"), words.t(statement.title)),
        (words.t("Year"), str(year)),
        (words.t("Date"), day(words, today)),
    ], width=120 * mm)), Spacer(1, 4 * mm)]
    if not usage:
        story.append(paragraph(words.t("No quota is set for {year}.", year=year)))
        story.append(keep(*approval(words, letterhead, PAGE_WIDTH)))
        return render(story, words.t("Quota usage statement"), words, letterhead,
                      printed_on=today, number=statement.number or "")

    rows, fills = [], []
    for number, row in enumerate(usage, start=1):
        if row.amount is None:
            amount, remaining, share = words.t("no quota set"), "", "—"
        else:
            amount, remaining = words.number(row.amount), words.number(row.remaining)
            share = words.percent(row.share)
        if row.amount is not None and row.remaining <= 0:
            runs_out = words.t("used up")
        elif row.runs_out is not None:  # the forecast, as on the Quotas page
            runs_out = words.t("about {day} ({earliest} – {latest})",
                               day=lambda w, r=row: day(w, r.runs_out),
                               earliest=lambda w, r=row: day(w, r.earliest),
                               latest=lambda w, r=row: day(w, r.latest) if r.latest
                               else w.t("after the year end"))
        elif row.year_end_usage is not None:
            runs_out = words.t("lasts the year (≈ {count} used by its end)",
                               count=words.number(row.year_end_usage))
        else:
            runs_out = "—"  # no forecast: nothing issued this year yet, or another year
        cells = [str(number), words.name(row.region)]
        if labour:
            category = label(words, PermitCategory, row.category)
            if row.sector is not None:  # a quota for one economic sector (issue 24)
                category = f"{category}; {words.name(row.sector)}"
            cells.append(category)
        rows.append([*cells, amount, words.number(row.used), remaining, share, runs_out])
        if row.level != "ok":
            fills.append((len(rows), FULL_FILL if row.level == "full" else WARNING_FILL))

    amount_total = sum(row.amount or 0 for row in usage)
    used_total = sum(row.used for row in usage)
    remaining_total = sum(row.remaining for row in usage if row.amount is not None)
    rows.append(["", words.t("Total")] + ([""] if labour else []) + [
        words.number(amount_total), words.number(used_total), words.number(remaining_total),
        words.percent(used_total / amount_total) if amount_total else "—", ""])

    header = [words.t("No."), words.t("Region")]
    if labour:
        header.append(words.t("Permit category"))
    header += [words.t("Quota"), words.t("Used"), words.t("Remaining"), words.t("Usage"),
               words.t("Runs out")]
    weights = (1, 35, 73, 12, 12, 12, 12, 30) if labour else (1, 44, 14, 14, 14, 14, 26)
    first_number = 3 if labour else 2
    grid_table = table(rows, header, weights, numeric=(0, *range(first_number, first_number + 4)),
                       width=WIDE_PAGE_WIDTH if labour else PAGE_WIDTH)
    commands = [("BACKGROUND", (0, line), (-1, line), fill) for line, fill in fills]
    commands += [("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL),
                 ("LINEABOVE", (0, -1), (-1, -1), 1.2, GRID_COLOUR),
                 ("NOSPLIT", (0, -2), (-1, -1))]  # the totals never alone on a page
    grid_table.setStyle(TableStyle(commands))
    story.append(grid_table)

    warning = [where(row) for row in usage if row.level == "warning"]
    full = [where(row) for row in usage if row.level == "full"]
    running_out = sum(row.runs_out is not None for row in usage)
    story.append(keep(
        Spacer(1, 4 * mm),
        paragraph(words.t(
            "{used} of {amount} used ({share}). At 90 % or more: {warning}; used up: {full}; "
            "expected to run out before the year end: {running_out}.",
            used=words.number(used_total), amount=words.number(amount_total),
            share=words.percent(used_total / amount_total if amount_total else 0),
            warning=words.number(len(warning)), full=words.number(len(full)),
            running_out=words.number(running_out))),
        Spacer(1, 2 * mm),
        paragraph(words.t("At 90 % or more: {quotas}", quotas="; ".join(warning) or "—")),
        paragraph(words.t("Used up: {quotas}", quotas="; ".join(full) or "—")),
        *approval(words, letterhead, WIDE_PAGE_WIDTH if labour else PAGE_WIDTH)))
    return render(story, words.t("Quota usage statement"), words, letterhead, wide=labour,
                  printed_on=today, number=statement.number or "")


# --- 6. the work permit of a worker ---------------------------------------------------------


def work_permit(permit: WorkPermitDocument, words: Words,
                letterhead: Letterhead | None = None) -> bytes:
    """One work permit, as the worker receives it: the worker, the employer, the position,
    the region and the period, under the office's outgoing number."""
    today = permit.today
    worker = [
        (words.t("Name"), permit.full_name),
        (words.t("Name in Latin letters"), permit.full_name_latin),
        (words.t("Date of birth"), day(words, permit.birth_date)),
        (words.t("Citizenship"), citizenship(words, permit.citizenship)),
        (words.t("IIN"), permit.iin),
    ]
    document = permit.identity_document
    if document is not None:
        worker.append((words.t("Identity document"), " ".join(filter(None, (
            label(words, DocumentType, document.doc_type), document.number,
            day(words, document.expiry_date) and words.t(
                "valid to {date}", date=day(words, document.expiry_date)))))))
    work = [
        (words.t("Employer name"), permit.employer),
        (words.t("BIN"), permit.employer_bin),
        (words.t("Address"), permit.employer_address),
        (words.t("Profession"), permit.profession),
        (words.t("Permit category"), label(words, PermitCategory, permit.category)),
        (words.t("Region"), words.name(permit.region)),
        (words.t("Valid from"), long_date(words, permit.valid_from)),
        (words.t("Valid to"), long_date(words, permit.valid_to)),
        (words.t("Status"), label(words, PermitStatus, permit.status)),
    ]
    story: list[Flowable] = [
        Paragraph(text(words.t("No. {number}", number=permit.permit_number)),
                  styles().heading),
        paragraph(words.t("The foreign worker named below may work for the employer named "
                          "below, in the position and region and for the period given."),
                  small=True),
        heading(words.t("Worker")),
        fields([(k, v) for k, v in worker if v], width=PAGE_WIDTH),
        heading(words.t("Work")),
        fields(work, width=PAGE_WIDTH),
        keep(*approval(words, letterhead, PAGE_WIDTH)),
    ]
    return render(story, words.t("Permit to work for a foreign worker"), words, letterhead,
                  printed_on=today, number=permit.number or "")


# --- 7. the kandas certificate --------------------------------------------------------------


def kandas_certificate(certificate: KandasCertificate, words: Words,
                       letterhead: Letterhead | None = None) -> bytes:
    """The certificate of a kandas: the person, the case, the region of resettlement and the
    household members it covers."""
    today = certificate.today
    pairs = [
        (words.t("Certificate number"), certificate.certificate_number),
        (words.t("Date of issue"), long_date(words, certificate.issue_date)),
        (words.t("Certificate expiry"), long_date(words, certificate.expiry_date)),
        (words.t("Name"), certificate.full_name),
        (words.t("Date of birth"), day(words, certificate.birth_date)),
        (words.t("IIN"), certificate.iin),
        (words.t("Country of origin"), words.country(certificate.country_of_origin)),
        (words.t("Arrival date"), day(words, certificate.arrival_date)),
        (words.t("Region of resettlement"), words.name(certificate.resettlement_region)),
        (words.t("Case number"), certificate.case_number),
        (words.t("Status"), label(words, RepatriateStatus, certificate.status)),
    ]
    story: list[Flowable] = [
        paragraph(words.t("This certifies that the person named below is recognised as a "
                          "kandas (an ethnic Kazakh resettling in Kazakhstan).")),
        Spacer(1, 3 * mm),
        fields(pairs, width=PAGE_WIDTH),
    ]
    members = certificate.members[1:]  # the head is the certificate's holder
    if members:
        story += [heading(words.t("Household members")), table(
            _numbered([[m.full_name, label(words, HouseholdRelation, m.relation),
                        day(words, m.birth_date), m.iin] for m in members]),
            header=[words.t("No."), words.t("Name"), words.t("Relation"),
                    words.t("Date of birth"), words.t("IIN")],
            weights=(1, 70, 41, 25, 29), numeric=(0,))]
    story.append(keep(*approval(words, letterhead, PAGE_WIDTH)))
    return render(story, words.t("Kandas certificate"), words, letterhead, printed_on=today,
                  number=certificate.number or "")



# --- 8. the outgoing register's journal -----------------------------------------------------


def register_journal(journal: RegisterJournal, words: Words,
                     letterhead: Letterhead | None = None) -> bytes:
    """The outgoing register of the office: every number of the year (or of a search), its
    date, document, addressee, person and who prepared it; landscape."""
    story: list[Flowable] = [_left(fields([
        (words.t("Year"), str(journal.year) if journal.year else words.t("Every year")),
        *([(words.t("Search"), journal.search)] if journal.search else []),
        (words.t("Documents"), words.number(len(journal.lines))),
    ], width=120 * mm)), Spacer(1, 4 * mm)]
    closing = approval(words, letterhead, WIDE_PAGE_WIDTH)
    if journal.lines:
        story += table_closed_by(
            [[line.number, day(words, line.issued_on), words.t(line.kind), line.addressee,
              line.person_name, line.user_name] for line in journal.lines],
            header=[words.t("Outgoing number"), words.t("Date"), words.t("Document"),
                    words.t("Addressee"), words.t("Person"), words.t("Prepared by")],
            weights=(18, 14, 30, 45, 35, 30), closing=closing, width=WIDE_PAGE_WIDTH)
    else:
        story += [paragraph(words.t("No document has an outgoing number yet.")),
                  keep(*closing)]
    return render(story, words.t("Outgoing register"), words, letterhead, wide=True,
                  printed_on=journal.today)
