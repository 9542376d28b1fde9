-- Bookkeeping on a person decides nothing about what anyone may see: the
-- Slack profile sync notes when it last asked (slack_synced_at) every time
-- it runs, the nudge tick counts the nudges someone ignored, and every
-- update stamps updated_at. Moving the access epoch for those made every
-- replica forget every remembered caller whenever anyone's profile was
-- synced. An update of a person now moves it only when another column
-- changed; a column added later counts unless it is named here too.
drop trigger app_user_moves_access_epoch on app_user;
create constraint trigger app_user_moves_access_epoch after insert or delete on app_user
    deferrable initially deferred for each row execute function bump_access_epoch();
create constraint trigger app_user_update_moves_access_epoch after update on app_user
    deferrable initially deferred for each row
    when ((to_jsonb(old) - 'slack_synced_at' - 'ignored_nudges' - 'updated_at')
          is distinct from (to_jsonb(new) - 'slack_synced_at' - 'ignored_nudges' - 'updated_at'))
    execute function bump_access_epoch();
