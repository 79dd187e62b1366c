"""A change request as a bilingual kk/ru form for the paper file: what changes (before and
as proposed), who asked and when, the decision and its reason, the attached scans, and lines
for the author's and the supervisor's signatures."""

import datetime as dt
from enum import StrEnum

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from kzmigdesk.domain.documents import ChangeRequestForm
from kzmigdesk.domain.enums import ChangeKind, RequestStatus
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import BILINGUAL, Words
from kzmigdesk.printing.document import Letterhead, fields, grid, heading, keep, render
from kzmigdesk.printing.forms import PAGE_WIDTH, label, signatures

TITLE = N_("Change request")


def _value(words: Words, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return words.t(N_("yes") if value else N_("no"))
    if isinstance(value, StrEnum):
        return label(words, type(value), value)
    if isinstance(value, dt.date):
        return words.date(value)
    return str(value)


def _moment(words: Words, value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone() if value.tzinfo is None \
        else value.astimezone()
    return f"{words.date(local.date())} {local:%H:%M}"


def request_form(form: ChangeRequestForm, words: Words | None = None,
                 letterhead: Letterhead | None = None) -> bytes:
    """The form's PDF, always in Kazakh and Russian (`words` is not used: the paper file
    keeps both)."""
    words = Words.of(BILINGUAL)
    pairs = [
        (words.t(N_("Change")), label(words, ChangeKind, form.kind)),
        (words.t(N_("Record")), form.summary),
        (words.t(N_("Office")), form.office or ""),
        (words.t(N_("Author")), form.author),
        (words.t(N_("Sent")), _moment(words, form.submitted_at)),
        (words.t(N_("State")), label(words, RequestStatus, form.status)),
    ]
    if form.decided_by:
        pairs.append((words.t(N_("Decided by")),
                      f"{form.decided_by}, {_moment(words, form.decided_at)}"))
    if form.reason:
        pairs.append((words.t(N_("Reason")), form.reason))
    rows = [[words.t(line.label), _value(words, line.old), _value(words, line.new)]
            for line in form.lines]
    story: list[Flowable] = [
        fields(pairs, width=PAGE_WIDTH),
        heading(words.t(N_("Proposed change"))),
        grid(rows, [words.t(N_("Field")), words.t(N_("Before")), words.t(N_("Proposed"))],
             widths=[PAGE_WIDTH * 0.3, PAGE_WIDTH * 0.35, PAGE_WIDTH * 0.35]),
    ]
    if form.scans:
        story += [heading(words.t(N_("Scans"))), grid([[name] for name in form.scans],
                                                      widths=[PAGE_WIDTH])]
    story += [Spacer(1, 4 * mm),
              keep(*signatures(words, [words.t(N_("Author")), words.t(N_("Supervisor"))]))]
    return render(story, words.t(TITLE), words, letterhead, printed_on=form.today)
