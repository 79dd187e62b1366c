"""PostgreSQL: the desks' logins, row-level security by office, privileges (issue 23)

On PostgreSQL the database itself enforces the roles, for whoever connects with a desk login
(a member of the cluster-wide group role `kzmigdesk_desk`, README: the server's set-up):

- A desk login maps to the application's user whose login name is `kzm_` + the lower-cased
  user name (kzmigdesk_login_user()). An unknown or inactive login writes nothing.
- Row-level security on every table that carries an office (a column office_id), except the
  append-only audit tables: everyone reads; a clerk inserts, updates and deletes only the
  rows of their own office or of no office (as services/auth.require_in); a supervisor or
  an administrator, or a clerk with no office, any row. The table owner (the migration role)
  is not subject to it.
- Desk logins get SELECT, INSERT, UPDATE, DELETE on the tables, but only SELECT and INSERT
  on the audit tables (migration 0019's append-only trail); no CREATE on the schema, and as
  they own nothing they cannot ALTER or DROP: only the owner role changes the schema.
- kzmigdesk_set_login(username, password) and kzmigdesk_drop_login(username), run with the
  owner's rights (SECURITY DEFINER; the owner is the set-up role and needs CREATEROLE),
  create, alter and drop a user's login; only an active administrator's login (or the owner)
  may call them.

The group role is created only where the migrating role may create roles; otherwise the
grants are left out (a single-login server works as before) and the policies bind nobody.
The downgrade removes the policies, functions and this database's grants; the cluster-wide
group role stays (other databases of the server may use it). Nothing on SQLite.

Revision ID: 0024
Revises: 0019
Create Date: 2026-12-03 07:40:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0024'
down_revision: Union[str, Sequence[str], None] = '0025'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DESK_ROLE = "kzmigdesk_desk"
# INSERT and SELECT only for the desks; access_entries: the access log of issue 23 (its
# migration 0022 on another branch), covered when it runs before this one.
APPEND_ONLY = ("audit_entries", "audit_anchors", "peer_audit_entries", "access_entries")
POLICIES = {"insert": "FOR INSERT WITH CHECK ({check})",
            "update": "FOR UPDATE USING ({check}) WITH CHECK ({check})",
            "delete": "FOR DELETE USING ({check})",
            "select": "FOR SELECT USING (true)"}


def _office_tables(bind) -> list[str]:
    rows = bind.exec_driver_sql(
        "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
        "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND c.column_name = 'office_id' "
        "AND t.table_type = 'BASE TABLE' ORDER BY 1").scalars().all()
    return [name for name in rows if name not in APPEND_ONLY]


def _has_desk_role(bind) -> bool:
    return bool(bind.exec_driver_sql(
        f"SELECT 1 FROM pg_roles WHERE rolname = '{DESK_ROLE}'").scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DESK_ROLE}') "
        f"AND (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) "
        f"THEN CREATE ROLE {DESK_ROLE} NOLOGIN; END IF; "
        f"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
    # The user a login stands for (NULL: none), and whether it may write a row of an office.
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_login_user() RETURNS users "
        "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        "SELECT u FROM users u WHERE 'kzm_' || lower(u.username) = session_user "
        "AND u.active AND u.deleted_at IS NULL LIMIT 1 $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_may_write(row_office uuid) RETURNS boolean "
        "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        "SELECT CASE WHEN NOT pg_has_role(session_user, 'kzmigdesk_desk', 'MEMBER') "
        "OR EXISTS (SELECT FROM pg_roles WHERE rolname = session_user AND rolsuper) THEN true "
        "ELSE COALESCE((SELECT u.role <> 'clerk' OR u.office_id IS NULL OR row_office IS NULL "
        "OR row_office = u.office_id FROM kzmigdesk_login_user() u WHERE u.id IS NOT NULL), "
        "false) END $$"
        if _has_desk_role(bind) else
        "CREATE OR REPLACE FUNCTION kzmigdesk_may_write(row_office uuid) RETURNS boolean "
        "LANGUAGE sql STABLE AS $$ SELECT true $$")
    # Logins, created by the administrator's user dialog (services/users.py).
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_require_administrator() RETURNS void "
        "LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        "BEGIN IF session_user <> (SELECT r.rolname FROM pg_roles r JOIN pg_database d "
        "ON d.datdba = r.oid WHERE d.datname = current_database()) AND NOT COALESCE(("
        "SELECT u.role = 'administrator' FROM users u WHERE 'kzm_' || lower(u.username) "
        "= session_user AND u.active AND u.deleted_at IS NULL LIMIT 1), false) THEN "
        "RAISE EXCEPTION 'only an administrator manages logins' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; END $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_set_login(username text, password text) "
        "RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        "DECLARE login text := 'kzm_' || lower(username); BEGIN "
        "PERFORM kzmigdesk_require_administrator(); "
        "IF EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN "
        "EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', login, password); "
        "ELSE EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE kzmigdesk_desk', "
        "login, password); END IF; RETURN login; END $$")
    op.execute(
        "CREATE OR REPLACE FUNCTION kzmigdesk_drop_login(username text) RETURNS void "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        "DECLARE login text := 'kzm_' || lower(username); BEGIN "
        "PERFORM kzmigdesk_require_administrator(); "
        "IF EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN "
        "EXECUTE format('DROP ROLE %I', login); END IF; END $$")
    for name in ("kzmigdesk_set_login(text, text)", "kzmigdesk_drop_login(text)",
                 "kzmigdesk_require_administrator()"):
        op.execute(f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC")
    for table in _office_tables(bind):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for verb, clause in POLICIES.items():
            op.execute(f"CREATE POLICY kzmigdesk_{verb} ON {table} "
                       + clause.format(check="kzmigdesk_may_write(office_id)"))
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    if not _has_desk_role(bind):
        return
    op.execute(f"GRANT USAGE ON SCHEMA public TO {DESK_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
               f"TO {DESK_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {DESK_ROLE}")
    op.execute(f"GRANT EXECUTE ON FUNCTION kzmigdesk_set_login(text, text), "
               f"kzmigdesk_drop_login(text), kzmigdesk_require_administrator() TO {DESK_ROLE}")
    # Tables created by later migrations (run by the owner) get the same grants.
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, "
               f"DELETE ON TABLES TO {DESK_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES "
               f"TO {DESK_ROLE}")
    for table in APPEND_ONLY:
        if bind.exec_driver_sql(f"SELECT to_regclass('{table}')").scalar() is not None:
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {DESK_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON alembic_version FROM {DESK_ROLE}")
    op.execute(f"REVOKE INSERT ON alembic_version FROM {DESK_ROLE}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _office_tables(bind):
        for verb in POLICIES:
            op.execute(f"DROP POLICY IF EXISTS kzmigdesk_{verb} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    if _has_desk_role(bind):
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES "
                   f"FROM {DESK_ROLE}")
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES "
                   f"FROM {DESK_ROLE}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {DESK_ROLE}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {DESK_ROLE}")
        op.execute(f"REVOKE ALL ON SCHEMA public FROM {DESK_ROLE}")
    for name in ("kzmigdesk_set_login(text, text)", "kzmigdesk_drop_login(text)",
                 "kzmigdesk_require_administrator()", "kzmigdesk_may_write(uuid)",
                 "kzmigdesk_login_user()"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
