"""Exchange packages that are wrong in every way a file can be: manifests and lines of the
wrong JSON shape, ZIP bombs, files too big, short keys, needless passwords, a clerk importing.
Each ends in one clear refusal (PackageRefused or another ServiceError) and an unchanged
database; a hypothesis test mutates a real package at random."""

import hashlib
import io
import json
import tracemalloc
import zipfile

import pytest
import test_exchange
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_exchange import DISTRICT, REGION, package, register

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import Base, ExchangePeer
from kzmigdesk.services import exchange
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import ServiceError, ValidationFailed
from kzmigdesk.services.exchange import PackageRefused

offices = test_exchange.offices  # the fixture: two offices that know each other


def digest(database) -> str:
    """A digest of every row of every table."""
    total = hashlib.sha256()
    with database.sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in session.execute(select(table)))
            total.update(repr((table.name, rows)).encode())
    return total.hexdigest()


def shared_key(database) -> str:
    with database.sessions() as session:
        return session.scalars(select(ExchangePeer.key)).first()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def signed(data: bytes, key: str, **changes) -> bytes:
    """The package with members replaced by `changes` (records_jsonl=...), and its manifest
    made to match them and signed with the shared key, as a peer with the key could."""
    files = members(data)
    manifest = json.loads(files["manifest.json"])
    for name, content in changes.items():
        files[name.replace("_", ".")] = content
    manifest["files"] = {name: hashlib.sha256(files[name]).hexdigest()
                         for name in exchange.MEMBERS}
    manifest["records"] = len([line for line in files["records.jsonl"].splitlines() if line])
    manifest["hmac"] = exchange._signature(key, manifest)
    files["manifest.json"] = json.dumps(manifest).encode()
    return zipped(files)


def refused(database, data: bytes, password=None) -> str:
    """The refusal's message; the database is unchanged."""
    before = digest(database)
    with pytest.raises(ServiceError) as error:
        exchange.import_from_bytes(database, data, password)
    assert digest(database) == before
    return error.value.message()


def with_manifest(data: bytes, manifest_json: bytes) -> bytes:
    return zipped({**members(data), "manifest.json": manifest_json})


@pytest.mark.parametrize("manifest, message", [
    ([], "it is not a JSON object."),
    (42, "it is not a JSON object."),
    ("manifest", "it is not a JSON object."),
    (None, "it is not a JSON object."),
    ({"format": 1}, "“package_id” is missing or wrong."),
    ({"records": "12"}, "“records” is missing or wrong."),
    ({"records": True}, "“records” is missing or wrong."),
    ({"files": ["records.jsonl"]}, "“files” is missing or wrong."),
    ({"files": {"records.jsonl": "00", "audit.jsonl": "00"}}, "“files” is missing or wrong."),
    ({"created_at": "yesterday"}, "“created_at” is missing or wrong."),
    ({"package_id": 7}, "“package_id” is missing or wrong."),
    ({"from": {"name": "x"}}, "“from” is missing or wrong."),
    ({"audit_seq": [1]}, "“audit_seq” is missing or wrong."),
    ({"junk": [1, 2]}, "it has an unknown field “junk”."),
])
def test_a_manifest_of_the_wrong_shape_is_refused(offices, manifest, message):
    district, region = offices
    register(district, "Әбенов")
    data = package(district, REGION)
    if isinstance(manifest, dict) and "format" not in manifest:
        manifest = {**json.loads(members(data)["manifest.json"]), **manifest}
    text = refused(region, with_manifest(data, json.dumps(manifest).encode()))
    assert text == "The package's manifest is not valid: " + message


def test_a_manifest_of_another_format_says_so(offices):
    district, region = offices
    data = package(district, REGION)
    assert refused(region, with_manifest(data, b'{"format": 2, "anything": []}')) == (
        "The package was made by another version of the program.")
    assert refused(region, with_manifest(data, b'{"format": ')) == (
        "The file is not a complete exchange package: it is damaged or cut short.")


@pytest.mark.parametrize("line, message", [
    (b"[]", "line 1 is not of the expected shape."),
    (b"null", "line 1 is not of the expected shape."),
    (b"{not json", "line 1 is not of the expected shape."),
    (b'{"table": "nowhere", "id": 1, "version": 1, "based_on": null, "row": {}}',
     "line 1 is not of the expected shape."),
    (b'{"table": "persons", "id": "x", "version": 1, "based_on": null, "row": {}}',
     "line 1, “id” is missing or wrong."),
])
def test_a_record_line_of_the_wrong_shape_is_refused(offices, line, message):
    district, region = offices
    data = package(district, REGION)
    text = refused(region, signed(data, shared_key(region), records_jsonl=line))
    assert text == "The package's file records.jsonl is not valid: " + message


@pytest.mark.parametrize("column, value", [
    ("surname", 5), ("surname", "x" * 300), ("birth_date", "1980-13-45"), ("sex", "robot"),
    ("version", "1"), ("office_id", ["not", "a", "uuid"]), ("surname", None),
])
def test_a_record_with_a_field_of_the_wrong_type_is_refused(offices, column, value):
    district, region = offices
    register(district, "Әбенов")
    data = package(district, REGION)
    lines = [json.loads(line) for line in members(data)["records.jsonl"].splitlines()]
    [person] = [item for item in lines if item["table"] == "persons"]
    person["row"][column] = value
    records = "\n".join(json.dumps(item) for item in lines).encode()
    text = refused(region, signed(data, shared_key(region), records_jsonl=records))
    number = lines.index(person) + 1
    field = "row" if column == "version" else column
    assert text == (f"The package's file records.jsonl is not valid: line {number}, "
                    f"“{field}” is missing or wrong.")


def test_an_audit_line_of_the_wrong_shape_is_refused(offices):
    district, region = offices
    data = package(district, REGION)
    text = refused(region, signed(data, shared_key(region), audit_jsonl=b'{"seq": "one"}'))
    assert text.startswith("The package's file audit.jsonl is not valid: line 1, ")


def test_members_added_or_missing_are_refused(offices):
    district, region = offices
    data = package(district, REGION)
    files = members(data)
    assert refused(region, zipped({**files, "extra.bin": b"x"})) == (
        "The package's content does not match its manifest: it was changed.")
    del files["audit.jsonl"]
    assert refused(region, zipped(files)) == (
        "The package's content does not match its manifest: it was changed.")
    assert refused(region, zipped({})) == (
        "The file is not a complete exchange package: it is damaged or cut short.")


def bomb(path, key: str) -> bytes:
    """A signed package of about 1 MB whose records inflate to 1 GiB of zeros."""
    zeros, content = bytes(2**20), hashlib.sha256()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("records.jsonl", "w") as member:
            for _chunk in range(1024):
                member.write(zeros)
                content.update(zeros)
        archive.writestr("audit.jsonl", b"")
        manifest = {"format": 1, "package_id": "6f1f5d43-9c1b-4b43-8d53-9e8b8e8f2a10",
                    "from": DISTRICT, "to": REGION, "created_at": "2026-01-01T00:00:00",
                    "records": 1, "audit_seq": [1, 0],
                    "files": {"records.jsonl": content.hexdigest(),
                              "audit.jsonl": hashlib.sha256(b"").hexdigest()}}
        manifest["hmac"] = exchange._signature(key, manifest)
        archive.writestr("manifest.json", json.dumps(manifest))
    return path.read_bytes()


def test_a_zip_bomb_is_refused_in_bounded_memory(offices, tmp_path, monkeypatch):
    _district, region = offices
    data = bomb(tmp_path / "bomb.kzx", shared_key(region))
    assert len(data) < 1.5 * 2**20
    too_big = ("The package is too big, or inflates to too much: it is not an exchange "
               "package this program made.")
    assert refused(region, data) == too_big  # by what its headers say
    # Headers that understate the size: the bytes are counted as they are inflated.
    monkeypatch.setattr(exchange, "_declared_size", lambda archive: 0)
    tracemalloc.start()
    try:
        assert refused(region, data) == too_big
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20, peak


def test_files_too_big_are_refused_before_reading_or_decrypting(offices, tmp_path,
                                                                 monkeypatch):
    district, region = offices
    register(district, "Әбенов")
    data = package(district, REGION, password="ұзын құпиясөз")
    monkeypatch.setattr(exchange, "MAX_PACKAGE_BYTES", len(data) - 1)
    monkeypatch.setattr(exchange, "decrypt", lambda *args: pytest.fail("decrypted"))
    assert refused(region, data, "ұзын құпиясөз").startswith("The package is too big")
    path = tmp_path / "p.kzx"
    path.write_bytes(data)
    with pytest.raises(PackageRefused):
        exchange.load_package(path)


def test_keys_have_at_least_128_bits(offices):
    import base64

    district, _region = offices
    assert len(base64.b64decode(exchange.new_key())) == 32
    raw = bytes(range(200, 216))  # 128 bits, with + and / in base64
    with district.transaction() as session:
        for name, key in (("short", "short"), ("empty", ""), ("64 bits", "AAAAAAAAAAA="),
                          ("not base64", "ключ" * 10)):
            with pytest.raises(ValidationFailed) as error:
                exchange.add_peer(session, name, key)
            assert error.value.message() == ("Key: is not a key of at least 128 bits: give "
                                             "the key the other office printed")
        standard = exchange.add_peer(session, "standard", base64.b64encode(raw).decode())
        urlsafe = exchange.add_peer(session, "urlsafe",
                                    base64.urlsafe_b64encode(raw).decode().rstrip("= "))
        assert urlsafe.key == standard.key == base64.b64encode(raw).decode()


def test_cli_refuses_a_short_key_and_needless_or_empty_passwords(offices, tmp_path, capsys):
    from kzmigdesk.cli import main

    district, region = offices
    register(district, "Әбенов")
    db_of = {name: str(database.engine.url.database) for name, database in
             (("district", district), ("region", region))}
    assert main(["--db", db_of["region"], "exchange", "add-peer", "Other", "--key", "abc"]) == 1
    assert capsys.readouterr().err.strip() == ("Key: is not a key of at least 128 bits: give "
                                               "the key the other office printed")
    out = tmp_path / "p.kzx"
    assert main(["--db", db_of["district"], "exchange", "export", "--peer", REGION,
                 "--out", str(out), "--password", ""]) == 1
    assert capsys.readouterr().err.startswith("The password is empty")
    assert not out.exists()
    assert main(["--db", db_of["district"], "exchange", "export", "--peer", REGION,
                 "--out", str(out)]) == 0
    before = digest(region)
    assert main(["--db", db_of["region"], "exchange", "import", str(out),
                 "--password", "secret"]) == 1
    assert capsys.readouterr().err.strip() == (
        "The package is not encrypted: import it without a password.")
    assert digest(region) == before
    assert main(["--db", db_of["region"], "exchange", "import", str(out)]) == 0


def test_only_a_supervisor_imports_packages(offices):
    district, region = offices
    register(district, "Әбенов")
    data = package(district, REGION)
    clerk = region.acting_as(Actor("aigerim", UserRole.CLERK))
    assert refused(clerk, data) == ("Your role (clerk) does not allow this: importing other "
                                    "offices' packages.")
    seen = exchange.overview(clerk)
    assert (seen.may_export, seen.may_import) == (False, False)
    supervisor = region.acting_as(Actor("dana", UserRole.SUPERVISOR))
    seen = exchange.overview(supervisor)
    assert (seen.may_export, seen.may_import) == (True, True)
    assert exchange.import_from_bytes(supervisor, data).applied == 1


# --- random mutations of a real package ------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@st.composite
def mutations(draw, data: bytes):
    kind = draw(st.sampled_from(["flip", "truncate", "manifest", "field", "drop", "add",
                                 "line"]))
    files = members(data)
    if kind == "flip":
        mutated = bytearray(data)
        for _flip in range(draw(st.integers(1, 4))):
            mutated[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(mutated)
    if kind == "truncate":
        return data[:draw(st.integers(0, len(data) - 1))]
    if kind == "manifest":
        return zipped({**files, "manifest.json": json.dumps(draw(json_values)).encode()})
    if kind == "field":
        manifest = json.loads(files["manifest.json"])
        manifest[draw(st.sampled_from([*manifest, "extra"]))] = draw(json_values)
        return zipped({**files, "manifest.json": json.dumps(manifest).encode()})
    if kind == "drop":
        del files[draw(st.sampled_from(sorted(files)))]
        return zipped(files)
    if kind == "add":
        files[draw(st.text("abcdefghijklmnopqrstuvwxyz.-_", min_size=1, max_size=20))] = (
            draw(st.binary(max_size=64)))
        return zipped(files)
    # a line of random JSON in a member, signed with the right key
    name = draw(st.sampled_from(exchange.MEMBERS))
    line = json.dumps(draw(json_values)).encode()
    return ("signed", name, files[name] + b"\n" + line)


def test_random_mutations_of_a_real_package_are_refused(offices):
    district, region = offices
    register(district, "Әбенов")
    data = package(district, REGION)
    key = shared_key(region)

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutation=mutations(data))
    def check(mutation):
        if isinstance(mutation, tuple):
            _signed, name, content = mutation
            mutation = signed(data, key, **{name.replace(".", "_"): content})
        assume(mutation != data)
        before = digest(region)
        try:
            with region.sessions() as session:  # never committed
                exchange.import_package(session, mutation)
        except ServiceError:
            refused(region, mutation)  # and the same in a transaction of its own
        else:  # only a package whose content is untouched (a flip in a date of the ZIP)
            assert members(mutation) == members(data)
        assert digest(region) == before

    check()
    assert exchange.import_from_bytes(region, data).applied == 1  # the package itself
