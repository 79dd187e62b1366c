"""The installed wheel carries ui/, migrations/, locales/ (compiled) and resources/."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_self_check(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
    )
    wheel = next((tmp_path / "dist").glob("kzmigdesk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("kzmigdesk/ui/first_start.ui", "kzmigdesk/migrations/env.py",
                     "kzmigdesk/locales/kk/LC_MESSAGES/messages.mo",
                     "kzmigdesk/locales/ru/LC_MESSAGES/messages.mo",
                     "kzmigdesk/resources/icons/kzmigdesk.svg",
                     "kzmigdesk/demo/data/names.json"):
        assert expected in names
    assert any(n.startswith("kzmigdesk/migrations/versions/0001") for n in names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                    "--target", str(target), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    probe = subprocess.run(
        [sys.executable, "-c",
         "import kzmigdesk.paths as p; print(p.PACKAGE_DIR); print(p.data_dir('locales'))"],
        capture_output=True, text=True, check=True, env=env, cwd=tmp_path,
    )
    package_dir, locales_dir = probe.stdout.split()
    assert Path(package_dir).is_relative_to(target)
    assert Path(locales_dir).is_relative_to(target)
    result = subprocess.run([sys.executable, "-m", "kzmigdesk", "self-check"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "self-check OK" in result.stdout
