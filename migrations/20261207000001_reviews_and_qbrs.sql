-- Plan reviews and QBRs: a QBR held on an account is the baseline of "since
-- the last QBR" (what changed, QBR prep, the health trend). Each records the
-- plan's health when it was held, and who recorded it; recording one is
-- audited like any change to the plan.
create table qbr (
    qbr_id       bigint generated always as identity primary key,
    account_id   bigint not null references account (account_id) on delete cascade,
    plan_id      bigint references plan (plan_id) on delete set null,
    held_on      date not null,
    health       smallint check (health between 0 and 100),
    recorded_by  bigint references app_user (user_id) on delete set null,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    unique (account_id, held_on)
);
create index qbr_account_idx on qbr (account_id, held_on desc);
create trigger qbr_updated_at before update on qbr
    for each row execute function set_updated_at();

alter table audit drop constraint audit_entity_check;
alter table audit add constraint audit_entity_check
    check (entity in ('account', 'plan', 'action_item', 'contact', 'whitespace', 'qbr'));

