-- The audit rows of inserted rows are written once per statement, from the
-- statement's transition table, instead of once per row: imports and the
-- action items many people add at once (written together, one statement for
-- many rows: see store::item_writer) cost a fraction of what they did.
-- Updates and deletes keep their per-row trigger, which compares old and new
-- field by field.
--
-- A statement that writes several people's rows cannot name one actor for
-- the whole transaction; an inserted row then names its own creator
-- (created_by), when it has one.
create function write_insert_audit() returns trigger
language plpgsql as $$
declare
    entity_name   text := tg_argv[0];
    id_column     text := tg_argv[1];
    actor         bigint := nullif(current_setting('planbot.actor_id', true), '')::bigint;
    source        text := coalesce(nullif(current_setting('planbot.actor_source', true), ''), 'system');
begin
    insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source)
    select (r ->> 'account_id')::bigint, entity_name, (r ->> id_column)::bigint, 'insert', null, null,
           coalesce(r ->> 'title', r ->> 'name', r ->> 'stage'),
           coalesce(actor, (r ->> 'created_by')::bigint), source
    from (select to_jsonb(n) as r from inserted n) as rows;
    return null;
end;
$$;

drop trigger account_audit on account;
drop trigger plan_audit on plan;
drop trigger action_item_audit on action_item;
drop trigger contact_audit on contact;
drop trigger whitespace_audit on whitespace;

create trigger account_audit after update or delete on account
    for each row execute function write_audit('account', 'account_id');
create trigger plan_audit after update or delete on plan
    for each row execute function write_audit('plan', 'plan_id');
create trigger action_item_audit after update or delete on action_item
    for each row execute function write_audit('action_item', 'action_item_id');
create trigger contact_audit after update or delete on contact
    for each row execute function write_audit('contact', 'contact_id');
create trigger whitespace_audit after update or delete on whitespace
    for each row execute function write_audit('whitespace', 'whitespace_id');

create trigger account_audit_insert after insert on account
    referencing new table as inserted
    for each statement execute function write_insert_audit('account', 'account_id');
create trigger plan_audit_insert after insert on plan
    referencing new table as inserted
    for each statement execute function write_insert_audit('plan', 'plan_id');
create trigger action_item_audit_insert after insert on action_item
    referencing new table as inserted
    for each statement execute function write_insert_audit('action_item', 'action_item_id');
create trigger contact_audit_insert after insert on contact
    referencing new table as inserted
    for each statement execute function write_insert_audit('contact', 'contact_id');
create trigger whitespace_audit_insert after insert on whitespace
    referencing new table as inserted
    for each statement execute function write_insert_audit('whitespace', 'whitespace_id');
