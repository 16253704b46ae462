-- The portal's PostgreSQL roles (README.md "Database roles"). Idempotent: run it as a superuser on the
-- portal's database at set-up, and again after every `manage.py migrate` (docker-compose.yml does both).
--
--   owner role (default portal_owner): runs the migrations, so it owns the tables. Only the `migrate`
--     service connects as it.
--   app role (default portal_app): what web, worker and beat connect as. SELECT, INSERT, UPDATE, DELETE on
--     the tables and USAGE on the sequences, nothing else: no TRUNCATE, no REFERENCES or TRIGGER, no
--     CREATE in the schema, not a member of the owner role. It owns nothing, so it cannot ALTER a table
--     (e.g. DISABLE TRIGGER on the audit table's append-only trigger, schools/migrations/0002). On
--     schools_auditevent it has SELECT and INSERT only.
--
--   psql -v ON_ERROR_STOP=1 -d portal -f scripts/db_roles.sql \
--        -v owner_password=... -v app_password=...        [-v owner_role=... -v app_role=...]
--
-- A password not given with -v is read from the environment (PORTAL_DB_OWNER_PASSWORD,
-- PORTAL_DB_APP_PASSWORD); the docker-compose.yml db service runs this file as an init script that way.
-- Tables created by later migrations get the app role's privileges through default privileges; the
-- audit table's UPDATE/DELETE are taken back by the run after migrate (the append-only trigger refuses
-- them in any case).

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
\set owner_role portal_owner
\endif
\if :{?app_role}
\else
\set app_role portal_app
\endif
\if :{?owner_password}
\else
\getenv owner_password PORTAL_DB_OWNER_PASSWORD
\endif
\if :{?app_password}
\else
\getenv app_password PORTAL_DB_APP_PASSWORD
\endif
\if :{?owner_password}
\else
\set owner_password ''
\endif
\if :{?app_password}
\else
\set app_password ''
\endif

SELECT :'owner_password' = '' OR :'app_password' = '' AS missing_password,
       :'owner_role' = :'app_role' AS same_role \gset
\if :missing_password
\warn 'db_roles.sql: give owner_password and app_password (psql -v) or PORTAL_DB_OWNER_PASSWORD and PORTAL_DB_APP_PASSWORD'
SELECT 1 / 0 AS a_password_is_missing;
\endif
\if :same_role
\warn 'db_roles.sql: the owner role and the app role must differ'
SELECT 1 / 0 AS the_roles_must_differ;
\endif

-- The roles: logins, no superuser or other special powers; the app role is no member of the owner role.
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'owner_role', :'app_role']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS '
              'INHERIT PASSWORD %L', :'owner_role', :'owner_password') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS '
              'INHERIT PASSWORD %L', :'app_role', :'app_password') \gexec
SELECT format('REVOKE %I FROM %I', :'owner_role', :'app_role')
 WHERE pg_has_role(:'app_role', :'owner_role', 'MEMBER') \gexec

-- The database and its schema: both connect; only the owner role creates objects.
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I, %I', current_database(), :'owner_role',
              :'app_role') \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'owner_role') \gexec
SELECT format('REVOKE CREATE ON SCHEMA public FROM %I', :'app_role') \gexec
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_role') \gexec

-- What exists now: exactly DML on the tables and USAGE on the sequences (REVOKE ALL first, so a privilege
-- granted by hand earlier does not survive a run).
SELECT format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', :'app_role') \gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', :'app_role') \gexec
SELECT format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', :'app_role') \gexec
SELECT format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', :'app_role') \gexec

-- What the owner role's migrations will create.
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE '
              'ON TABLES TO %I', :'owner_role', :'app_role') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE ON SEQUENCES TO %I',
              :'owner_role', :'app_role') \gexec

-- The audit trail is append-only for the app: read and add, never change, remove or empty.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %s FROM %I', t, :'app_role')
  FROM (SELECT to_regclass('public.schools_auditevent')::text AS t) AS audit WHERE t IS NOT NULL \gexec
