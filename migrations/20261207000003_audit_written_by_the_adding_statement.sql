-- `/plan add`'s one statement (store::accounts::callers_and_exact) writes
-- the audit row of the item it adds itself, in a data-modifying CTE of the
-- same statement: same row, same transaction, the caller named as actor.
-- It marks itself by setting planbot.audit_written to its own start time,
-- and the insert-audit trigger of action_item skips that one statement.
-- Every other statement that inserts action items (imports, templates,
-- buttons, the general path) is audited by the trigger as before: a later
-- statement of the same transaction has another start time.
drop trigger action_item_audit_insert on action_item;
create trigger action_item_audit_insert after insert on action_item
    referencing new table as inserted
    for each statement
    when (current_setting('planbot.audit_written', true) is distinct from statement_timestamp()::text)
    execute function write_action_item_insert_audit();
