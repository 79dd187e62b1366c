#!/usr/bin/env bash
# Build the one-folder bundle (build_installer.spec) into dist/kzmigdesk, then check it frozen:
# its self-check, run from a scratch folder away from the checkout, and tests/test_bundle.py.
# Uses the active virtual environment (as .ci/run does), else creates build/venv.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
    [ -x build/venv/bin/python ] || python3 -m venv build/venv
    . build/venv/bin/activate
fi
# PyInstaller (pinned in the bundle extra) and psycopg, so that the bundle opens PostgreSQL too.
python -m pip install --quiet -e ".[bundle,postgres,test]"

start=$(date +%s)
pyinstaller build_installer.spec --noconfirm --log-level WARN
bundle="$PWD/dist/kzmigdesk"
echo "bundle built in $(( $(date +%s) - start )) s: $bundle ($(du -sh "$bundle" | cut -f1))"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! output=$(cd "$scratch" && HOME="$scratch" XDG_DATA_HOME="$scratch/data" \
        XDG_CONFIG_HOME="$scratch/config" QT_QPA_PLATFORM=offscreen \
        "$bundle/kzmigdesk" self-check); then
    echo "$output"
    echo "the frozen self-check failed" >&2
    exit 1
fi
echo "$output"
if ! grep -q "self-check OK" <<<"$output"; then
    echo "the frozen self-check did not report OK" >&2
    exit 1
fi

KZMIGDESK_TEST_BUNDLE="$bundle" python -m pytest -q tests/test_bundle.py
