"""The layers hold: import-linter's contracts (pyproject.toml), and the GUI opens no session
of its own (services own the transactions; a page passes the database handle on)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kzmigdesk"


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_the_import_contracts_are_kept():
    result = subprocess.run(["lint-imports", "--no-cache"], cwd=PACKAGE.parent,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_no_gui_module_opens_a_session():
    opening = re.compile(r"\.(sessions|transaction|begin)\(|\bSession\b|session\.(get|execute|"
                         r"scalars?|add|flush)\(")
    found = [f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
             for path in sorted((PACKAGE / "gui").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if opening.search(line) and not line.lstrip().startswith("#")]
    assert found == []
