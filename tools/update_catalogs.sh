#!/usr/bin/env bash
# Extract the messages of the code and the .ui forms, and merge them into the kk, ru and en
# catalogs; then translate the new (empty) entries of locales/kk and locales/ru.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -o locales/messages.pot --project=kzmigdesk \
    --copyright-holder=kzmigdesk --no-wrap --no-location --sort-output . 2>/dev/null
pybabel update -i locales/messages.pot -d locales --no-wrap --no-fuzzy-matching --ignore-obsolete 2>/dev/null
