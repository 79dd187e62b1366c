"""Files written whole or not at all (kzmigdesk/files.py), and the places that use it without an
audit entry of their own: the legacy import's rejected rows and the exchange package."""

import pytest
from test_exchange import REGION, offices, register  # noqa: F401 (a fixture)
from test_legacy_import import RU_HEADER, csv_bytes, import_all

from kzmigdesk.files import write_atomically
from kzmigdesk.services import exchange, legacy_import
from kzmigdesk.services.legacy_files import read_legacy_data


def disk_full(*args):
    raise OSError(28, "No space left on device")


def test_the_file_then_the_commit(tmp_path):
    path = tmp_path / "out.pdf"
    assert write_atomically(path, b"%PDF", lambda: path.read_bytes()) == b"%PDF"
    assert write_atomically(path, b"again") is None
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
    assert path.read_bytes() == b"again"


def test_a_failed_write_leaves_no_file_and_runs_no_commit(tmp_path, monkeypatch):
    committed = []
    with pytest.raises(FileNotFoundError) as missing:
        write_atomically(tmp_path / "missing" / "out.pdf", b"x", lambda: committed.append(1))
    assert missing.value.filename == str(tmp_path / "missing" / "out.pdf")  # not the temporary
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        write_atomically(tmp_path / "file" / "out.pdf", b"x", lambda: committed.append(1))
    old = tmp_path / "old.pdf"
    old.write_bytes(b"old")
    monkeypatch.setattr("kzmigdesk.files.os.fsync", disk_full)
    with pytest.raises(OSError):
        write_atomically(old, b"new", lambda: committed.append(1))
    with pytest.raises(OSError):
        write_atomically(tmp_path / "new.pdf", b"new", lambda: committed.append(1))
    assert committed == [] and old.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "old.pdf"]


def test_a_failed_commit_removes_the_file(tmp_path):
    def refused():
        assert (tmp_path / "out.pdf").read_bytes() == b"x"  # the file is in place first
        raise RuntimeError("the database is locked")

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path / "out.pdf", b"x", refused)
    assert list(tmp_path.iterdir()) == []


def test_rejected_rows_are_written_whole_or_not_at_all(database, tmp_path, monkeypatch):
    table = read_legacy_data("bad.csv", csv_bytes(RU_HEADER, [["", "Анна"]], delimiter=";"))
    summary = import_all(database, table)
    out = tmp_path / "out"
    out.mkdir()
    with monkeypatch.context() as patched:
        patched.setattr("kzmigdesk.files.os.fsync", disk_full)
        with pytest.raises(OSError):
            legacy_import.save_rejected_csv(database, summary.import_id, out / "rejected.csv")
    assert list(out.iterdir()) == []
    assert legacy_import.save_rejected_csv(database, summary.import_id,
                                           out / "rejected.csv") == 1
    assert (out / "rejected.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_exchange_package_is_written_whole_or_not_at_all(offices, tmp_path,  # noqa: F811
                                                            monkeypatch):
    district, _region = offices
    register(district, "Әбенов")
    out = tmp_path / "out"
    out.mkdir()
    with monkeypatch.context() as patched:
        patched.setattr("kzmigdesk.files.os.fsync", disk_full)
        with pytest.raises(OSError):
            exchange.export_to_file(district, REGION, None, out / "p.kzx")
    assert list(out.iterdir()) == []
    assert exchange.overview(district).peers[0].last_export_at is None  # the watermark stays
    assert exchange.export_to_file(district, REGION, None, out / "p.kzx").records >= 1
    assert [p.name for p in out.iterdir()] == ["p.kzx"]
