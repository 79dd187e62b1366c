"""Choices that several dialogs offer."""

from kzmigdesk.services.person_search import region_choices
from kzmigdesk.services.workspace import Database


def sorted_regions(database: Database) -> list[tuple[str, str]]:
    """(name, str(id)) of every region, by name in the current language (item data are
    strings: findData cannot match UUID objects)."""
    return [(name, str(rid)) for name, rid in region_choices(database)]
