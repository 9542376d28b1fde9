-- The scheduler's ledgers and the outbox's pacing (issue 4).

-- Which channel (or person's DM) a message paces against: Slack allows about
-- one message per second per channel, and a DM is a channel.
alter table outbox add column pace_key text
    generated always as (coalesce(target_channel, 'user:' || target_user_id::text)) stored;
-- Messages are written in bulk by ticks and live briefly: compressing them
-- costs a big tick more than the space it saves.
alter table outbox alter column payload set storage external;
-- Pending messages, per pace key in send order (the claim picks the first of each).
create index outbox_pending_idx on outbox (pace_key, run_at, outbox_id)
    where sent_at is null and dead_at is null;

-- When each channel may receive its next message. A claim blocks the channel
-- for the length of its lease; the send's outcome then sets the real next
-- slot (one interval after the send finished, or Slack's Retry-After).
create table outbox_pace (
    pace_key         text primary key,
    next_send_at     timestamptz not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create trigger outbox_pace_updated_at before update on outbox_pace
    for each row execute function set_updated_at();

-- The workspace-wide ceiling, a token bucket. Its single row is also the lock
-- that makes claims take turns across replicas, so two replicas never claim
-- for the same channel at once.
create table outbox_bucket (
    outbox_bucket_id smallint primary key default 1 check (outbox_bucket_id = 1),
    tokens           double precision not null,
    refilled_at      timestamptz not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create trigger outbox_bucket_updated_at before update on outbox_bucket
    for each row execute function set_updated_at();
insert into outbox_bucket (tokens, refilled_at) values (0, 'epoch');

-- Manual runs (`planbot run-job`) are recorded too, but only scheduled ticks
-- decide where the next tick's window starts.
alter table job_run add column trigger text not null default 'schedule'
    check (trigger in ('schedule', 'manual'));
alter table job_run add column window_start timestamptz;

-- One overdue nudge per owner per local day. The audit watermark (the newest
-- audit id when the nudge was written) tells the next nudge whether the owner
-- touched any of their items since: if not, this nudge was ignored.
create table nudge (
    user_id          bigint not null references app_user (user_id) on delete cascade,
    local_date       date not null,
    item_count       integer not null check (item_count > 0),
    audit_watermark  bigint not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (user_id, local_date)
);
create trigger nudge_updated_at before update on nudge
    for each row execute function set_updated_at();

-- Changes a person made to action items, newest last: "did they act since
-- the last nudge" is one probe here.
create index audit_item_actor_idx on audit (actor_id, audit_id)
    where actor_id is not null and entity = 'action_item';

-- Alerts already given, one row per fact worth saying once (a deadline
-- threshold reached, a renewal without a plan, a plan gone stale). Several
-- facts travel in one message, named by its dedupe key once it is composed
-- (in the same transaction: the rows are claimed first, then the message is
-- written from the facts that were new).
create table notice (
    notice_key       text primary key,
    outbox_dedupe_key text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create trigger notice_updated_at before update on notice
    for each row execute function set_updated_at();

-- Active plans by when their sections last changed (stale-plan reminders).
create index plan_sections_changed_idx on plan (sections_changed_at) where status = 'active';

-- Channels still blocked (in flight or paced), for the worker's next wake-up.
create index outbox_pace_next_idx on outbox_pace (next_send_at);
