"""Babel extractor for Qt Designer .ui files: every <string> that is not marked notr."""

import xml.etree.ElementTree as ET


def extract_ui(fileobj, keywords, comment_tags, options):
    tree = ET.parse(fileobj)
    for element in tree.iter("string"):
        if element.get("notr") == "true" or not (element.text or "").strip():
            continue
        yield 0, "_", element.text, []
