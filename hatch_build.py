"""Wheel build hook: compile the Babel catalogs (.po) into .mo files shipped in the wheel."""

import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel" or version == "editable":
            return
        out_dir = Path(tempfile.mkdtemp(prefix="kzmigdesk-mo-"))
        for po_path in Path(self.root, "locales").glob("*/LC_MESSAGES/messages.po"):
            lang = po_path.parent.parent.name
            mo_path = out_dir / lang / "messages.mo"
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=lang)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            target = f"kzmigdesk/locales/{lang}/LC_MESSAGES/messages.mo"
            build_data["force_include"][str(mo_path)] = target
