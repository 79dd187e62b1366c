"""Choices that several dialogs offer."""

from kzmigdesk.domain.search import sort_key
from kzmigdesk.services.person_search import region_names


def sorted_regions(session) -> list[tuple[str, str]]:
    """(name, str(id)) of every region, by name in the current language."""
    return sorted(((name, str(rid)) for rid, name in region_names(session).items()),
                  key=lambda item: sort_key(item[0]))
