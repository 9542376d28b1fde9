-- A number that changes whenever what someone may see could change: people
-- (their manager, role, zone, Slack id), accounts, account teams, and which
-- plan of an account is active. A replica may remember what a caller may
-- see by one account name together with the number it read in the same
-- statement; a write made from that memory checks the number in its own
-- statement, and writes nothing if it moved (store::accounts::add_known).
-- So a change is seen by every replica's next write exactly when it is
-- committed, as if the whole lookup had been made again.
create table access_epoch (
    one   boolean primary key default true check (one),
    epoch bigint not null
);
insert into access_epoch (one, epoch) values (true, 1);

-- The number moves once per changing transaction, at its commit (a deferred
-- constraint trigger): the row lock it takes is the last lock the
-- transaction takes, so two transactions never wait for each other in a
-- circle because of it.
create function bump_access_epoch() returns trigger
language plpgsql as $$
begin
    if current_setting('planbot.access_epoch_moved', true) is distinct from txid_current()::text then
        update access_epoch set epoch = epoch + 1;
        perform set_config('planbot.access_epoch_moved', txid_current()::text, true);
    end if;
    return null;
end;
$$;

create constraint trigger app_user_moves_access_epoch after insert or update or delete on app_user
    deferrable initially deferred for each row execute function bump_access_epoch();
create constraint trigger account_moves_access_epoch after insert or update or delete on account
    deferrable initially deferred for each row execute function bump_access_epoch();
create constraint trigger account_team_moves_access_epoch after insert or update or delete on account_team
    deferrable initially deferred for each row execute function bump_access_epoch();
create constraint trigger plan_moves_access_epoch after insert or delete or update of status, account_id on plan
    deferrable initially deferred for each row execute function bump_access_epoch();

-- Emptying a table moves it at once (TRUNCATE fires statement triggers only).
create function bump_access_epoch_now() returns trigger
language plpgsql as $$
begin
    update access_epoch set epoch = epoch + 1;
    return null;
end;
$$;
create trigger app_user_truncate_moves_access_epoch after truncate on app_user
    for each statement execute function bump_access_epoch_now();
create trigger account_truncate_moves_access_epoch after truncate on account
    for each statement execute function bump_access_epoch_now();
create trigger account_team_truncate_moves_access_epoch after truncate on account_team
    for each statement execute function bump_access_epoch_now();
create trigger plan_truncate_moves_access_epoch after truncate on plan
    for each statement execute function bump_access_epoch_now();
