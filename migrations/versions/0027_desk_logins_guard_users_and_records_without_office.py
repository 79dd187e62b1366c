"""PostgreSQL: desk logins are held to their role on every table, not only those with an office

Migration 0024 put row-level security on the tables with an office_id. A clerk's own login
could still, with plain SQL, make itself an administrator (users had only the office policy),
change the reference data (quotas, norms, regions, service types, offices, settings) and write
the rows that hang off another office's person, permit, case or finding. Now, for a desk login
(a member of `kzmigdesk_desk`; the owner and superusers are not bound):

- users: only an administrator's login inserts, deletes or changes another user; a user's own
  login may change only its own sign-in fields (password hash, failed sign-ins, lock,
  language), never its name, role, office or whether it is active (a trigger).
- Reference and exchange data (the anchors and the peers' trails too): everyone reads; only a supervisor's or an administrator's
  login writes (as the services' MANAGE_QUOTAS, EDIT_CATALOGUE, IMPORT_PACKAGES, ...).
  A clerk may still lock a quota's row (SELECT ... FOR UPDATE when a permit takes a slot).
- Records without an office of their own: written as their parent's office allows
  (a person's documents, numbers, name tokens, household ties, services and scans; a permit's
  and a case's status changes; a finding's workers); employers, owner changes and legacy
  imports by any known user.
- kzmigdesk_rename_login(old, new): the user dialog renames a login keeping its password.

Nothing on SQLite. The downgrade removes all of it.

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-03 17:40:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0027'
down_revision: Union[str, Sequence[str], None] = '0024'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DESK_ROLE = "kzmigdesk_desk"
MANAGED = ("economic_sectors", "monthly_indices", "regions", "retention_rules",
           "service_types", "support_measures", "support_norms", "adaptation_centres",
           "kandas_quotas", "labour_quotas", "offices", "local_settings", "exchange_peers",
           "exchange_states", "imported_packages", "exchange_conflicts", "purged_persons",
           "audit_anchors", "peer_audit_entries")
ANY_USER = ("employers", "owner_changes", "legacy_imports")
# table -> the office its row belongs to, as an SQL expression over the row
OF_PERSON = "kzmigdesk_office_of('persons', {table}.{column})"
CHILDREN = {
    "households": OF_PERSON.format(table="households", column="head_id"),
    "identity_documents": OF_PERSON.format(table="identity_documents", column="person_id"),
    "person_numbers": OF_PERSON.format(table="person_numbers", column="person_id"),
    "duplicate_decisions": OF_PERSON.format(table="duplicate_decisions", column="person_id"),
    "household_members": OF_PERSON.format(table="household_members", column="person_id"),
    "service_records": OF_PERSON.format(table="service_records", column="person_id"),
    "legacy_import_rows": OF_PERSON.format(table="legacy_import_rows", column="person_id"),
    "scans": "COALESCE(kzmigdesk_office_of('persons', scans.person_id), "
             "kzmigdesk_office_of('change_requests', scans.request_id))",
    "person_name_tokens": "kzmigdesk_office_of_number(person_name_tokens.person_no)",
    "permit_status_changes": "kzmigdesk_office_of('work_permits', "
                             "permit_status_changes.permit_id)",
    "case_status_changes": "kzmigdesk_office_of('repatriate_cases', "
                           "case_status_changes.case_id)",
    "violation_workers": "kzmigdesk_office_of('labour_violations', "
                         "violation_workers.violation_id)",
}
VERBS = ("insert", "update", "delete", "select")


def _has_desk_role(bind) -> bool:
    return bool(bind.exec_driver_sql(
        f"SELECT 1 FROM pg_roles WHERE rolname = '{DESK_ROLE}'").scalar())


def _functions(bind) -> None:
    # The role a connection acts with: 'owner' (not a desk login), the user's role, or NULL.
    body = (
        "SELECT CASE WHEN NOT pg_has_role(session_user, 'kzmigdesk_desk', 'MEMBER') "
        "OR EXISTS (SELECT FROM pg_roles WHERE rolname = session_user AND rolsuper) "
        "THEN 'owner' ELSE (SELECT u.role::text FROM kzmigdesk_login_user() u "
        "WHERE u.id IS NOT NULL) END"
        if _has_desk_role(bind) else "SELECT 'owner'")
    op.execute("CREATE OR REPLACE FUNCTION kzmigdesk_desk_role() RETURNS text LANGUAGE sql "
               "STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
               f"{body} $$")
    op.execute("CREATE OR REPLACE FUNCTION kzmigdesk_may_manage() RETURNS boolean "
               "LANGUAGE sql STABLE AS $$ SELECT COALESCE(kzmigdesk_desk_role() IN "
               "('owner', 'supervisor', 'administrator'), false) $$")
    op.execute("CREATE OR REPLACE FUNCTION kzmigdesk_is_user() RETURNS boolean "
               "LANGUAGE sql STABLE AS $$ SELECT kzmigdesk_desk_role() IS NOT NULL $$")
    # The office of a row of `parent` (a table with office_id), read past row-level security.
    op.execute("CREATE OR REPLACE FUNCTION kzmigdesk_office_of(parent text, row_id uuid) "
               "RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER "
               "SET search_path = public, pg_temp AS $$ DECLARE office uuid; BEGIN "
               "IF row_id IS NULL THEN RETURN NULL; END IF; "
               "EXECUTE format('SELECT office_id FROM %I WHERE id = $1', parent) "
               "INTO office USING row_id; RETURN office; END $$")
    op.execute("CREATE OR REPLACE FUNCTION kzmigdesk_office_of_number(number integer) "
               "RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER "
               "SET search_path = public, pg_temp AS $$ SELECT p.office_id FROM "
               "person_numbers n JOIN persons p ON p.id = n.person_id WHERE n.no = number $$")
    unchanged = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in (
        "id", "username", "full_name", "role", "office_id", "active", "deleted_at",
        "created_at"))
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_guard_users() RETURNS trigger LANGUAGE plpgsql "
        "SECURITY DEFINER SET search_path = public, pg_temp AS $$ DECLARE "
        "role text := kzmigdesk_desk_role(); BEGIN "
        "IF role IN ('owner', 'administrator') THEN "
        "RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END; END IF; "
        "IF TG_OP = 'UPDATE' AND role IS NOT NULL AND OLD.id = "
        "(SELECT u.id FROM kzmigdesk_login_user() u) AND " + unchanged + " THEN "
        "RETURN NEW; END IF; "
        "RAISE EXCEPTION 'only an administrator changes the users' "
        "USING ERRCODE = 'insufficient_privilege'; END $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_rename_login(old_name text, new_name text) "
        "RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp "
        "AS $$ DECLARE old_login text := 'kzm_' || lower(old_name); "
        "new_login text := 'kzm_' || lower(new_name); BEGIN "
        "PERFORM kzmigdesk_require_administrator(); "
        "IF old_login <> new_login AND EXISTS (SELECT FROM pg_roles WHERE rolname = old_login) "
        "AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = new_login) THEN "
        "EXECUTE format('ALTER ROLE %I RENAME TO %I', old_login, new_login); END IF; END $$")
    op.execute("REVOKE ALL ON FUNCTION kzmigdesk_rename_login(text, text) FROM PUBLIC")


def _policies(table: str, write: str, lock: str) -> None:
    """Everyone reads; `write` guards new and changed rows; `lock` the rows a desk may
    update or delete (and lock with SELECT ... FOR UPDATE)."""
    clauses = {"insert": f"FOR INSERT WITH CHECK ({write})",
               "update": f"FOR UPDATE USING ({lock}) WITH CHECK ({write})",
               "delete": f"FOR DELETE USING ({write})",
               "select": "FOR SELECT USING (true)"}
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for verb, clause in clauses.items():
        op.execute(f"DROP POLICY IF EXISTS kzmigdesk_{verb} ON {table}")
        op.execute(f"CREATE POLICY kzmigdesk_{verb} ON {table} {clause}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _functions(bind)
    for table in MANAGED:
        _policies(table, "kzmigdesk_may_manage()", "kzmigdesk_is_user()")
    for table in ANY_USER:
        _policies(table, "kzmigdesk_is_user()", "kzmigdesk_is_user()")
    for table, office in CHILDREN.items():
        check = f"kzmigdesk_may_write({office})"
        _policies(table, check, check)
    op.execute("CREATE TRIGGER kzmigdesk_guard_users BEFORE INSERT OR UPDATE OR DELETE "
               "ON users FOR EACH ROW EXECUTE FUNCTION kzmigdesk_guard_users()")
    if _has_desk_role(bind):
        op.execute(f"GRANT EXECUTE ON FUNCTION kzmigdesk_rename_login(text, text) "
                   f"TO {DESK_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS kzmigdesk_guard_users ON users")
    for table in (*MANAGED, *ANY_USER, *CHILDREN):
        for verb in VERBS:
            op.execute(f"DROP POLICY IF EXISTS kzmigdesk_{verb} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in ("kzmigdesk_guard_users()", "kzmigdesk_rename_login(text, text)",
                 "kzmigdesk_office_of_number(integer)", "kzmigdesk_office_of(text, uuid)",
                 "kzmigdesk_is_user()", "kzmigdesk_may_manage()", "kzmigdesk_desk_role()"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
