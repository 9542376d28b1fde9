-- The plan store: every entity of planbot, with the rules that are absolute
-- enforced here rather than in code, so no path into the database can break them.

create extension if not exists pg_trgm;

-- Every table carries created_at/updated_at; this trigger keeps updated_at true.
create function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

-- People. Imported by email; linked to a Slack user id the first time they write.
create table app_user (
    user_id          bigint generated always as identity primary key,
    slack_id         text unique,
    email            text not null,
    display_name     text not null default '',
    tz               text not null default 'UTC',
    manager_id       bigint references app_user (user_id) on delete set null,
    role             text not null default 'member' check (role in ('member', 'admin')),
    -- notification preferences
    dm_muted         text[] not null default '{}'
                     check (dm_muted <@ array['nudge', 'escalation', 'deadline', 'digest', 'stale', 'intel', 'sponsor']::text[]),
    quiet_start      time,
    quiet_end        time,
    working_days     smallint[] not null default '{1,2,3,4,5}'
                     check (working_days <@ array[1, 2, 3, 4, 5, 6, 7]::smallint[] and cardinality(working_days) > 0),
    digest           text not null default 'off' check (digest in ('off', 'daily', 'weekly')),
    digest_time      time not null default '08:30',
    digest_weekday   smallint not null default 1 check (digest_weekday between 1 and 7),
    ignored_nudges   integer not null default 0 check (ignored_nudges >= 0),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check (email = lower(email) and email like '%_@_%'),
    check (manager_id is distinct from user_id),
    check ((quiet_start is null) = (quiet_end is null))
);
create unique index app_user_email_key on app_user (email);
create index app_user_manager_idx on app_user (manager_id) where manager_id is not null;
create trigger app_user_updated_at before update on app_user
    for each row execute function set_updated_at();

create table account (
    account_id       bigint generated always as identity primary key,
    name             text not null check (btrim(name) <> '' and length(name) <= 200),
    -- name folded for forgiving lookups (lowercase, no punctuation, no "Inc"/"Corp");
    -- written by planbot, searched with trigrams.
    match_key        text not null,
    external_id      text unique,
    rank             smallint not null default 3 check (rank between 1 and 3),
    rank_notes       text not null default '',
    tier             text not null default '',
    industry         text not null default '',
    annual_spend     bigint check (annual_spend >= 0),
    renewal_date     date,
    slack_channel    text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create unique index account_name_key on account (lower(name));
create index account_match_key_trgm_idx on account using gin (match_key gin_trgm_ops);
create index account_slack_channel_idx on account (slack_channel) where slack_channel is not null;
create index account_renewal_idx on account (renewal_date) where renewal_date is not null;
create trigger account_updated_at before update on account
    for each row execute function set_updated_at();

create table account_team (
    account_id       bigint not null references account (account_id) on delete cascade,
    user_id          bigint not null references app_user (user_id) on delete cascade,
    role             text not null check (role in ('owner', 'sa', 'csm', 'tam', 'renewals', 'sdr', 'partner', 'leader')),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (account_id, user_id, role)
);
-- At most one owner per account ...
create unique index account_team_one_owner_key on account_team (account_id) where role = 'owner';
create index account_team_user_idx on account_team (user_id, account_id);
create trigger account_team_updated_at before update on account_team
    for each row execute function set_updated_at();

-- ... and at least one, checked when the transaction commits so an account
-- and its owner can be written in either order.
create function check_account_has_owner() returns trigger
language plpgsql as $$
declare
    checked_account bigint;
begin
    if tg_table_name = 'account' then
        checked_account := new.account_id;
    else
        checked_account := old.account_id;
    end if;
    if exists (select 1 from account where account_id = checked_account)
       and not exists (select 1 from account_team
                       where account_id = checked_account and role = 'owner') then
        raise exception 'account % has no owner', checked_account
            using errcode = '23514', constraint = 'account_has_owner';
    end if;
    return null;
end;
$$;
create constraint trigger account_has_owner after insert on account
    deferrable initially deferred
    for each row execute function check_account_has_owner();
create constraint trigger account_team_keeps_owner after delete or update on account_team
    deferrable initially deferred
    for each row execute function check_account_has_owner();

create table plan (
    plan_id                bigint generated always as identity primary key,
    account_id             bigint not null references account (account_id) on delete cascade,
    name                   text not null check (btrim(name) <> '' and length(name) <= 200),
    type                   text not null check (type in ('land', 'expand', 'opportunity', 'command', 'success')),
    status                 text not null default 'draft' check (status in ('draft', 'active', 'closed')),
    due_date               date,
    -- Customer Profile
    business_overview      text not null default '',
    industry_trends        text not null default '',
    -- Account Snapshot
    summary_history        text not null default '',
    entitled_solutions     text not null default '',
    digital_strategy       text not null default '',
    strategic_partnerships text not null default '',
    goals                  text not null default '',
    initiatives            text not null default '',
    -- Go-to-Market
    goals_6m               text not null default '',
    goals_12m              text not null default '',
    goals_18m              text not null default '',
    our_initiatives        text not null default '',
    threats_risks          text not null default '',
    action_plan            text not null default '',
    -- when any section above last changed (kept by a trigger; stale-plan reminders read it)
    sections_changed_at    timestamptz not null default now(),
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    unique (plan_id, account_id)
);
create unique index plan_account_name_key on plan (account_id, lower(name));
-- One living plan per account: "the account's active plan" is never ambiguous.
create unique index plan_one_active_key on plan (account_id) where status = 'active';
create index plan_due_idx on plan (due_date) where status = 'active';
create trigger plan_updated_at before update on plan
    for each row execute function set_updated_at();

create function touch_plan_sections() returns trigger
language plpgsql as $$
begin
    if (new.business_overview, new.industry_trends, new.summary_history, new.entitled_solutions,
        new.digital_strategy, new.strategic_partnerships, new.goals, new.initiatives,
        new.goals_6m, new.goals_12m, new.goals_18m, new.our_initiatives, new.threats_risks,
        new.action_plan)
       is distinct from
       (old.business_overview, old.industry_trends, old.summary_history, old.entitled_solutions,
        old.digital_strategy, old.strategic_partnerships, old.goals, old.initiatives,
        old.goals_6m, old.goals_12m, old.goals_18m, old.our_initiatives, old.threats_risks,
        old.action_plan) then
        new.sections_changed_at := now();
    end if;
    return new;
end;
$$;
create trigger plan_sections_changed before update on plan
    for each row execute function touch_plan_sections();

create table plan_template (
    plan_template_id bigint generated always as identity primary key,
    type             text not null unique check (type in ('land', 'expand')),
    name             text not null,
    description      text not null default '',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create trigger plan_template_updated_at before update on plan_template
    for each row execute function set_updated_at();

create table plan_template_item (
    plan_template_item_id bigint generated always as identity primary key,
    plan_template_id      bigint not null references plan_template (plan_template_id) on delete cascade,
    position              integer not null,
    title                 text not null check (btrim(title) <> ''),
    owner_role            text not null check (owner_role in ('owner', 'sa', 'csm', 'tam', 'renewals', 'sdr', 'partner', 'leader')),
    offset_days           integer not null check (offset_days >= 0),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    unique (plan_template_id, position)
);
create trigger plan_template_item_updated_at before update on plan_template_item
    for each row execute function set_updated_at();

-- action_item_id is the short id users type (#142).
create table action_item (
    action_item_id   bigint generated always as identity primary key,
    plan_id          bigint not null,
    account_id       bigint not null,
    title            text not null check (btrim(title) <> '' and length(title) <= 500),
    owner_id         bigint not null references app_user (user_id),
    due_date         date,
    status           text not null default 'open' check (status in ('open', 'done', 'cancelled')),
    snoozed_until    timestamptz,
    resources_needed text not null default '',
    created_by       bigint references app_user (user_id) on delete set null,
    completed_at     timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    -- account_id is carried for the bot's per-account queries; it must be the plan's.
    foreign key (plan_id, account_id) references plan (plan_id, account_id) on delete cascade,
    check ((status = 'done') = (completed_at is not null))
);
-- overdue open items by due date (nudges, deadline alerts)
create index action_item_open_due_idx on action_item (due_date, owner_id) where status = 'open';
-- items by owner
create index action_item_owner_idx on action_item (owner_id, status, due_date);
create index action_item_account_idx on action_item (account_id, status, due_date);
create index action_item_plan_idx on action_item (plan_id);
create trigger action_item_updated_at before update on action_item
    for each row execute function set_updated_at();

create table contact (
    contact_id             bigint generated always as identity primary key,
    account_id             bigint not null references account (account_id) on delete cascade,
    name                   text not null check (btrim(name) <> ''),
    title                  text not null default '',
    company                text not null default '',
    email                  text,
    profile_url            text,
    reports_to_id          bigint references contact (contact_id) on delete set null,
    influence              text check (influence in ('high', 'medium', 'low')),
    buying_role            text check (buying_role in ('champion', 'economic_buyer', 'technical_buyer', 'influencer', 'user', 'blocker')),
    sentiment              text check (sentiment in ('promoter', 'neutral', 'detractor')),
    strength               smallint check (strength between 1 and 5),
    relationship_owner_id  bigint references app_user (user_id) on delete set null,
    -- set when a tracked sponsor is seen to have left the account's company
    departed_at            timestamptz,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    check (reports_to_id is distinct from contact_id)
);
create unique index contact_account_name_key on contact (account_id, lower(name));
create trigger contact_updated_at before update on contact
    for each row execute function set_updated_at();

-- Which contacts are tracked sponsors, and what was last observed of them.
create table sponsor_tracking (
    contact_id        bigint primary key references contact (contact_id) on delete cascade,
    last_title        text,
    last_company      text,
    last_location     text,
    last_observed_at  timestamptz,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create trigger sponsor_tracking_updated_at before update on sponsor_tracking
    for each row execute function set_updated_at();

create table sponsor_observation (
    sponsor_observation_id bigint generated always as identity primary key,
    contact_id             bigint not null references sponsor_tracking (contact_id) on delete cascade,
    title                  text,
    company                text,
    location               text,
    source                 text not null,
    observed_at            timestamptz not null,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now()
);
create index sponsor_observation_contact_idx on sponsor_observation (contact_id, observed_at desc);
create trigger sponsor_observation_updated_at before update on sponsor_observation
    for each row execute function set_updated_at();

create table sponsor_change (
    sponsor_change_id bigint generated always as identity primary key,
    contact_id        bigint not null references contact (contact_id) on delete cascade,
    attribute         text not null check (attribute in ('title', 'company', 'location')),
    old_value         text,
    new_value         text,
    observed_at       timestamptz not null,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create index sponsor_change_contact_idx on sponsor_change (contact_id, observed_at desc);
create trigger sponsor_change_updated_at before update on sponsor_change
    for each row execute function set_updated_at();

create table whitespace (
    whitespace_id    bigint generated always as identity primary key,
    account_id       bigint not null references account (account_id) on delete cascade,
    stage            text not null check (stage in ('plan', 'create', 'verify', 'package', 'secure', 'release', 'configure', 'monitor', 'govern')),
    vendor           text not null default '',
    likes            text not null default '',
    dislikes         text not null default '',
    annual_spend     bigint check (annual_spend >= 0),
    contract_end     date,
    appetite         text check (appetite in ('none', 'low', 'medium', 'high')),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create unique index whitespace_account_stage_vendor_key on whitespace (account_id, stage, lower(vendor));
create index whitespace_contract_end_idx on whitespace (account_id, contract_end);
create trigger whitespace_updated_at before update on whitespace
    for each row execute function set_updated_at();

create table intel_source (
    intel_source_id  bigint generated always as identity primary key,
    account_id       bigint not null references account (account_id) on delete cascade,
    url              text not null check (url ~* '^https?://'),
    etag             text,
    last_modified    text,
    last_polled_at   timestamptz,
    last_error       text,
    last_error_at    timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    unique (account_id, url)
);
create index intel_source_polled_idx on intel_source (last_polled_at nulls first);
create trigger intel_source_updated_at before update on intel_source
    for each row execute function set_updated_at();

create table intel_item (
    intel_item_id    bigint generated always as identity primary key,
    account_id       bigint not null references account (account_id) on delete cascade,
    intel_source_id  bigint references intel_source (intel_source_id) on delete set null,
    -- the feed URL or API client the item came from
    source           text not null,
    headline         text not null check (btrim(headline) <> ''),
    url              text,
    summary          text not null default '',
    category         text not null check (category in ('funding', 'acquisition', 'leadership_change', 'layoffs', 'earnings', 'product_launch', 'partnership', 'legal_regulatory', 'security_incident', 'other')),
    published_at     timestamptz not null,
    -- the normalised link, or the source's own id when there is no link
    dedupe_key       text not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    unique (account_id, dedupe_key)
);
create index intel_item_account_published_idx on intel_item (account_id, published_at desc);
create trigger intel_item_updated_at before update on intel_item
    for each row execute function set_updated_at();

-- Who follows an account's intel and alerts: a user (by DM) or a channel.
create table subscription (
    subscription_id  bigint generated always as identity primary key,
    account_id       bigint not null references account (account_id) on delete cascade,
    user_id          bigint references app_user (user_id) on delete cascade,
    channel_id       text,
    -- empty: every category
    categories       text[] not null default '{}'
                     check (categories <@ array['funding', 'acquisition', 'leadership_change', 'layoffs', 'earnings', 'product_launch', 'partnership', 'legal_regulatory', 'security_incident', 'other']::text[]),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check ((user_id is null) <> (channel_id is null)),
    unique nulls not distinct (account_id, user_id, channel_id)
);
create index subscription_user_idx on subscription (user_id) where user_id is not null;
create trigger subscription_updated_at before update on subscription
    for each row execute function set_updated_at();

-- Every message planbot sends. Written in the same transaction as the change
-- that caused it; the unique dedupe key makes a second enqueue a no-op.
create table outbox (
    outbox_id        bigint generated always as identity primary key,
    kind             text not null,
    -- a channel id, or a person (DM; their Slack id may only be known at send time)
    target_channel   text,
    target_user_id   bigint references app_user (user_id) on delete cascade,
    payload          jsonb not null,
    dedupe_key       text not null unique,
    run_at           timestamptz not null default now(),
    attempts         integer not null default 0,
    leased_until     timestamptz,
    leased_by        text,
    sent_at          timestamptz,
    last_error       text,
    dead_at          timestamptz,
    -- what Slack answered (channel and ts), so a later update can edit the message
    slack_channel    text,
    slack_ts         text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check ((target_channel is null) <> (target_user_id is null))
);
create index outbox_ready_idx on outbox (run_at) where sent_at is null and dead_at is null;
create index outbox_dead_idx on outbox (dead_at) where dead_at is not null;
create trigger outbox_updated_at before update on outbox
    for each row execute function set_updated_at();

-- One row per cron tick that ran in the cluster.
create table job_run (
    job_run_id       bigint generated always as identity primary key,
    job_name         text not null,
    scheduled_for    timestamptz not null,
    started_at       timestamptz not null default now(),
    finished_at      timestamptz,
    replica          text not null,
    outcome          text not null default 'running' check (outcome in ('running', 'ok', 'failed')),
    detail           text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    unique (job_name, scheduled_for)
);
create index job_run_latest_idx on job_run (job_name, scheduled_for desc);
create trigger job_run_updated_at before update on job_run
    for each row execute function set_updated_at();

-- Slack events already handled, so a redelivered event runs once.
create table slack_event (
    event_id         text primary key,
    received_at      timestamptz not null default now(),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index slack_event_received_idx on slack_event (received_at);

-- The audit history: who changed which field of which plan, action item,
-- contact, whitespace row or account, from what to what, and when.
create table audit (
    audit_id         bigint generated always as identity primary key,
    account_id       bigint not null,
    entity           text not null check (entity in ('account', 'plan', 'action_item', 'contact', 'whitespace')),
    entity_id        bigint not null,
    action           text not null check (action in ('insert', 'update', 'delete')),
    field            text,
    old_value        text,
    new_value        text,
    actor_id         bigint references app_user (user_id) on delete set null,
    -- where the change came from: slack, api, import, demo, system ...
    actor_source     text not null default 'system',
    changed_at       timestamptz not null default now(),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index audit_account_idx on audit (account_id, changed_at desc);
create index audit_entity_idx on audit (entity, entity_id, changed_at desc);

-- Writes the audit rows of a change, in the changing transaction. Who made
-- the change is read from the transaction-local settings planbot.actor_id and
-- planbot.actor_source (set by the store before it writes).
create function write_audit() returns trigger
language plpgsql as $$
declare
    entity_name   text := tg_argv[0];
    id_column     text := tg_argv[1];
    actor         bigint := nullif(current_setting('planbot.actor_id', true), '')::bigint;
    source        text := coalesce(nullif(current_setting('planbot.actor_source', true), ''), 'system');
    old_row       jsonb;
    new_row       jsonb;
    row_account   bigint;
    row_id        bigint;
    key           text;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        old_row := to_jsonb(old);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        new_row := to_jsonb(new);
    end if;
    row_id := coalesce(new_row, old_row) ->> id_column;
    row_account := coalesce(new_row, old_row) ->> 'account_id';

    if tg_op = 'INSERT' then
        insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source)
        values (row_account, entity_name, row_id, 'insert', null, null,
                coalesce(new_row ->> 'title', new_row ->> 'name', new_row ->> 'stage'), actor, source);
    elsif tg_op = 'DELETE' then
        insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source)
        values (row_account, entity_name, row_id, 'delete', null,
                coalesce(old_row ->> 'title', old_row ->> 'name', old_row ->> 'stage'), null, actor, source);
    else
        for key in select jsonb_object_keys(new_row) loop
            continue when key in ('created_at', 'updated_at', 'sections_changed_at', 'match_key');
            if new_row -> key is distinct from old_row -> key then
                insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source)
                values (row_account, entity_name, row_id, 'update', key,
                        old_row ->> key, new_row ->> key, actor, source);
            end if;
        end loop;
    end if;
    return null;
end;
$$;

create trigger account_audit after insert or update or delete on account
    for each row execute function write_audit('account', 'account_id');
create trigger plan_audit after insert or update or delete on plan
    for each row execute function write_audit('plan', 'plan_id');
create trigger action_item_audit after insert or update or delete on action_item
    for each row execute function write_audit('action_item', 'action_item_id');
create trigger contact_audit after insert or update or delete on contact
    for each row execute function write_audit('contact', 'contact_id');
create trigger whitespace_audit after insert or update or delete on whitespace
    for each row execute function write_audit('whitespace', 'whitespace_id');
