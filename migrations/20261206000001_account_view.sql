-- When each person last asked planbot about each account, so "what changed
-- since I last looked" has an answer. One row per (person, account): the
-- newest look, and the look before the current sitting (looks less than
-- half an hour apart are one sitting, so the summary shown just before the
-- question does not hide what changed).
create table account_view (
    user_id            bigint not null references app_user (user_id) on delete cascade,
    account_id         bigint not null references account (account_id) on delete cascade,
    viewed_at          timestamptz not null,
    previous_viewed_at timestamptz,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    primary key (user_id, account_id)
);
create trigger account_view_updated_at before update on account_view
    for each row execute function set_updated_at();
