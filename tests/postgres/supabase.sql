-- What a Supabase project provides before its own migrations run, as far as
-- the project's migrations and the PostgREST gateway rely on it:
-- - the API roles: `anon` (no session), `authenticated` (a signed-in user),
--   `service_role` (the dashboard and server code; bypasses row-level
--   security), and `authenticator`, the login role PostgREST connects as
--   and switches from;
-- - the `auth` schema: `auth.users`, and `auth.uid()`, `auth.role()` and
--   `auth.jwt()` reading the request's JWT claims, which PostgREST sets per
--   transaction in `request.jwt.claims`;
-- - Supabase's default privileges: every API role gets everything on what
--   `postgres` creates in `public` (so a migration must revoke what it does
--   not want granted).

create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;

create schema auth;
grant usage on schema auth to anon, authenticated, service_role;

create table auth.users (
  id uuid primary key,
  email text unique,
  created_at timestamptz not null default now()
);

create function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
$$;

create function auth.uid() returns uuid
language sql stable
as $$
  select nullif(auth.jwt() ->> 'sub', '')::uuid;
$$;

create function auth.role() returns text
language sql stable
as $$
  select auth.jwt() ->> 'role';
$$;

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
