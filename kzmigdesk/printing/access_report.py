"""Who read a person's data (issue 23): the supervisor's report (logins and computers too) and
the report an office gives the person on request, in the document's language."""

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from kzmigdesk.domain.documents import AccessReport
from kzmigdesk.domain.enums import AccessKind
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import (
    Letterhead,
    approval,
    fields,
    heading,
    keep,
    paragraph,
    render,
)
from kzmigdesk.printing.forms import PAGE_WIDTH, day, label, table_closed_by


def access_report(report: AccessReport, words: Words,
                  letterhead: Letterhead | None = None) -> bytes:
    pairs = [(words.t("Person"), report.full_name),
             (words.t("Date of birth"), day(words, report.birth_date)),
             (words.t("IIN"), report.iin)]
    rows = []
    for number, line in enumerate(report.lines, start=1):
        when = f"{day(words, line.at.date())} {line.at:%H:%M}"
        row = [str(number), when, label(words, AccessKind, line.kind), line.employee,
               line.office or ""]
        if not report.for_person:
            row += [line.desk or "", line.detail or ""]
        rows.append(row)
    header = [words.t("No."), words.t("Date and time"), words.t("Access"),
              words.t("Employee"), words.t("Office")]
    weights: tuple = (1, 1, 20, 40, 40)
    if not report.for_person:
        header += [words.t("Computer"), words.t("Details")]
        weights = (1, 1, 14, 26, 22, 14, 22)
    intro = words.t(
        "This report lists every time the office's employees read the person's data: the "
        "record opened, a search by IIN or document number that found the person, a scan "
        "viewed, a print or an export.") if report.for_person else words.t(
        "Every access to the person's data recorded in the access log.")
    story: list[Flowable] = [fields(pairs, width=PAGE_WIDTH), Spacer(1, 2 * mm),
                             paragraph(intro, small=True),
                             heading(words.t("Accesses"))]
    total = words.t("Accesses in total: {count}", count=words.number(len(rows)))
    closing = [Spacer(1, 3 * mm), paragraph(total),
               *approval(words, letterhead, 170 * mm)]
    if rows:
        story += table_closed_by(rows, header=header, weights=weights, closing=closing,
                                 numeric=(0,))
    else:
        story += [paragraph(words.t("No access has been recorded.")), keep(*closing)]
    title = words.t("Report to the person on access to their personal data") \
        if report.for_person else words.t("Who accessed the person's data")
    return render(story, title, words, letterhead, printed_on=report.today)
