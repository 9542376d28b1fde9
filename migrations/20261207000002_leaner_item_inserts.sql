-- The hot path (`/plan add`) costs PostgreSQL less per item: the audit rows
-- of inserted action items come from a trigger written for action_item,
-- reading the transition table's columns directly instead of turning every
-- row into JSON and back (write_insert_audit, which the other tables keep).
-- What it writes is the same: one row per inserted item, in the inserting
-- statement and transaction, naming the actor (planbot.actor_id, else the
-- row's created_by) and the source (planbot.actor_source, else 'system').
create function write_action_item_insert_audit() returns trigger
language plpgsql as $$
begin
    insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source)
    select n.account_id, 'action_item', n.action_item_id, 'insert', null, null, n.title,
           coalesce(nullif(current_setting('planbot.actor_id', true), '')::bigint, n.created_by),
           coalesce(nullif(current_setting('planbot.actor_source', true), ''), 'system')
    from inserted n;
    return null;
end;
$$;

drop trigger action_item_audit_insert on action_item;
create trigger action_item_audit_insert after insert on action_item
    referencing new table as inserted
    for each statement execute function write_action_item_insert_audit();

