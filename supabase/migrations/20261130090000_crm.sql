-- Axolop CRM in a Supabase project: agencies, who belongs to them, and their
-- contacts, guarded by row-level security.
--
-- Apply with `supabase db push`, or paste this file into the SQL editor.
--
-- How the app syncs against it:
-- - Ids are made by the client (UUID v4), so a retried insert is recognised
--   (`on_conflict=id`, ignore duplicates) and never makes a second row.
-- - The server assigns `version` (1, then +1 on every update), `updated_at`
--   (its own clock) and `updated_by` (the signed-in user): no client clock
--   or counter decides anything. An update is sent filtered on the version
--   it was based on; zero rows back is a conflict.
-- - A deletion sets `deleted_at` (a tombstone), so it reaches other devices
--   like any other change.
-- - Every write stamps the row with its transaction id (`change_seq`). A pull
--   first asks for `sync_watermark()`, the oldest transaction still running,
--   then reads rows with `change_seq` at or above the previous watermark.
--   Every transaction below a watermark had ended when it was taken, so a
--   transaction that started before a pull and commits after it (its rows
--   stamped with a lower id than rows already pulled) is still at or above
--   the watermark, and the next pull reads it. Wall-clock stamps cannot
--   promise this: two overlapping transactions commit in either order.

-- Agencies ------------------------------------------------------------------

create table public.agencies (
  id uuid primary key default gen_random_uuid(),
  name text not null check (name = btrim(name) and char_length(name) between 1 and 120),
  created_at timestamptz not null,
  created_by uuid references auth.users (id) on delete set null,
  version bigint not null,
  updated_at timestamptz not null,
  updated_by uuid references auth.users (id) on delete set null,
  change_seq bigint not null
);

create table public.agency_members (
  agency_id uuid not null references public.agencies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'member')),
  created_at timestamptz not null default now(),
  primary key (agency_id, user_id)
);
create index agency_members_user on public.agency_members (user_id);

-- Contacts ------------------------------------------------------------------

create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references public.agencies (id) on delete cascade,
  name text not null check (name = btrim(name) and char_length(name) between 1 and 120),
  email text not null default '' check (char_length(email) <= 254),
  phone text not null default '' check (char_length(phone) <= 120),
  company text not null default '' check (char_length(company) <= 120),
  stage text not null default 'lead'
    check (stage in ('lead', 'contacted', 'qualified', 'proposal', 'won', 'lost')),
  notes text not null default '' check (char_length(notes) <= 10000),
  version bigint not null,
  updated_at timestamptz not null,
  updated_by uuid references auth.users (id) on delete set null,
  deleted_at timestamptz,
  change_seq bigint not null
);
-- What a pull reads: one agency's rows changed since a watermark, in order.
create index contacts_changes on public.contacts (agency_id, change_seq, id);

-- Server-assigned fields ----------------------------------------------------

-- The server's values replace whatever the client sent: on insert the
-- version starts at 1 (and an agency's creator and creation time are the
-- caller and now); on update it moves on by one, and a row's id, its
-- agency, and who created it never change.
create function public.stamp_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.version := 1;
    if tg_table_name = 'agencies' then
      new.created_at := now();
      new.created_by := auth.uid();
    end if;
  else
    if new.id is distinct from old.id then
      raise exception 'the id of a row never changes' using errcode = '42501';
    end if;
    if tg_table_name = 'contacts' and new.agency_id is distinct from old.agency_id then
      raise exception 'a contact never moves to another agency' using errcode = '42501';
    end if;
    if tg_table_name = 'agencies' then
      new.created_at := old.created_at;
      new.created_by := old.created_by;
    end if;
    new.version := old.version + 1;
  end if;
  new.updated_at := now();
  new.updated_by := auth.uid();
  new.change_seq := pg_current_xact_id()::text::bigint;
  return new;
end;
$$;

create trigger agencies_stamp before insert or update on public.agencies
  for each row execute function public.stamp_change();
create trigger contacts_stamp before insert or update on public.contacts
  for each row execute function public.stamp_change();

-- The creator of an agency is its owner.
create function public.agency_created() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.agency_members (agency_id, user_id, role)
  values (new.id, auth.uid(), 'owner');
  return null;
end;
$$;

create trigger agencies_owner after insert on public.agencies
  for each row execute function public.agency_created();

-- Membership ----------------------------------------------------------------

-- Whether the signed-in user belongs to `agency`. Security definer, so the
-- policies below can ask without agency_members' own policy recursing.
create function public.is_member(agency uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.agency_members m
    where m.agency_id = agency and m.user_id = auth.uid()
  );
$$;

-- The oldest transaction still running (see the top of this file).
create function public.sync_watermark() returns bigint
language sql
stable
set search_path = ''
as $$
  select pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
$$;

-- Row-level security --------------------------------------------------------

alter table public.agencies enable row level security;
alter table public.agency_members enable row level security;
alter table public.contacts enable row level security;

create policy "members read their agencies" on public.agencies
  for select to authenticated using (public.is_member(id));
-- Its creator is the caller (the trigger above sees to it), and becomes its
-- owner.
create policy "anyone signed in creates an agency" on public.agencies
  for insert to authenticated with check (created_by = auth.uid());
create policy "members rename their agencies" on public.agencies
  for update to authenticated using (public.is_member(id)) with check (public.is_member(id));

create policy "members see who else belongs" on public.agency_members
  for select to authenticated using (public.is_member(agency_id));

create policy "members read their agencies' contacts" on public.contacts
  for select to authenticated using (public.is_member(agency_id));
create policy "members add contacts to their agencies" on public.contacts
  for insert to authenticated with check (public.is_member(agency_id));
create policy "members change their agencies' contacts" on public.contacts
  for update to authenticated
  using (public.is_member(agency_id)) with check (public.is_member(agency_id));

-- Privileges ----------------------------------------------------------------

-- Supabase grants every role everything on new tables in `public`; the
-- policies above decide rows, and these decide verbs. `anon` gets nothing,
-- and nobody deletes through the API: deletions are tombstones.
revoke all on public.agencies, public.agency_members, public.contacts from anon, authenticated;
grant select, insert, update on public.agencies, public.contacts to authenticated;
grant select on public.agency_members to authenticated;
revoke all on function public.is_member(uuid), public.sync_watermark() from public, anon;
grant execute on function public.is_member(uuid), public.sync_watermark() to authenticated;
