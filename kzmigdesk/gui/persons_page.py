"""The persons list: a table model that pages lazily from the database, with search and
filters. Only the visible pages are read; the count comes from one COUNT query."""

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import PermitStatus, PersonCategory, RepatriateStatus, label
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter, search_hint
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.person_search import (
    PersonFilter,
    PersonRow,
    list_persons,
    person_count,
    persons_page,
    region_choices,
)
from kzmigdesk.services.workspace import Database

COLUMNS = (
    ("name", N_("Name")),
    (None, N_("Name in Latin letters")),
    ("birth_date", N_("Date of birth")),
    ("iin", N_("IIN")),
    (None, N_("Region")),
    (None, N_("Category")),
    (None, N_("Status")),
)


def status_label(category: PersonCategory, status: str | None) -> str:
    if not status:
        return ""
    enum = RepatriateStatus if category is PersonCategory.KANDAS else PermitStatus
    try:
        return label(enum(status))
    except ValueError:
        return status


class PersonsTableModel(PagedTableModel):
    COLUMNS = tuple(msgid for _key, msgid in COLUMNS)

    def __init__(self, database: Database):
        super().__init__(database)
        self.filter = PersonFilter()
        self.sort_key, self.descending = "name", False
        self._regions: dict[uuid.UUID, str] = {}
        self.reload()

    def count_and_first_page(self) -> tuple[int, list[PersonRow], bool]:
        """One service call per reload: the count, the first page and the region names. At
        scale the count is a lower bound ("10,000+") until exact_count() has read it."""
        listing = list_persons(self.database, self.filter, self.sort_key, self.descending,
                               limit=self.PAGE_SIZE, exact=False)
        self._regions = listing.regions
        return listing.count, listing.rows, listing.exact

    def exact_count(self) -> int:
        return person_count(self.database, self.filter, self.sort_key)

    def fetch(self, offset: int, limit: int) -> list[PersonRow]:
        """A page; after a page at hand, from its last row on (keyset, no OFFSET)."""
        before = self._pages.get(offset // self.PAGE_SIZE - 1) if offset else None
        after = before[-1] if before and len(before) == limit else None
        return persons_page(self.database, self.filter, self.sort_key, self.descending,
                            offset=offset, limit=limit, after=after)

    def display(self, person: PersonRow, column: int) -> str:
        return (
            person.full_name,
            person.latin_name,
            i18n.format_date(person.birth_date),
            person.iin or "",
            self._regions.get(person.region_id, ""),
            label(person.category),
            status_label(person.category, person.status),
        )[column]

    def set_filter(self, filt: PersonFilter) -> None:
        self.filter = filt
        self.reload()

    def person_id(self, number: int) -> uuid.UUID:
        return self.row(number).id

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key, descending) == (self.sort_key, self.descending):
            return  # the header repeats the current sort when it is set up: no reload
        self.sort_key, self.descending = key, descending
        self.reload()

    def retranslate(self) -> None:
        self._regions = {rid: name for name, rid in region_choices(self.database)}
        super().retranslate()


class PersonsPage(ListPage):
    """Search box, filters and the lazily paged table of persons."""

    KEY = "persons"
    MINOR_COLUMNS = (N_("Name in Latin letters"),)

    def __init__(self, database: Database):
        super().__init__(database, PersonsTableModel(database))
        self.region = QComboBox()
        self.category = QComboBox()
        self.status = QComboBox()
        # The indicator first: enabling sorting sorts by it, which is the model's own order.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        for combo in (self.region, self.category, self.status):
            self.add_filter(combo)
        self.filters.addStretch(1)
        # The main window opens a new person for the id None.
        self.empty_button.clicked.connect(lambda: self.open_requested.emit(None))
        self.retranslate()

    def retranslate(self) -> None:
        search_hint(self.search, _("Search by name in any script, IIN or document number"))
        fill_filter(self.region, _("All regions"), sorted_regions(self.database))
        fill_filter(self.category, _("All categories"), [(label(c), c) for c in PersonCategory])
        statuses = [(label(s), s.value) for s in RepatriateStatus]
        statuses += [(label(s), s.value) for s in PermitStatus if s.value not in
                     {v for _t, v in statuses}]
        fill_filter(self.status, _("All statuses"), statuses)
        self.empty_label.setText(_("No one is registered yet."))
        self.empty_button.setText(_("New person…"))
        self.model.retranslate()
        self.show_count()

    def set_model_filter(self) -> None:
        region = self.region.currentData()
        self.model.set_filter(PersonFilter(
            text=self.search.text(), region_id=uuid.UUID(region) if region else None,
            category=self.category.currentData(), status=self.status.currentData()))

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} person", "{count} persons", count).format(
            count=i18n.format_number(count))
