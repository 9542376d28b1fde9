-- Bookkeeping on a person decides nothing about what anyone may see: the
-- Slack profile sync notes when it last asked (slack_synced_at) every time
-- it runs, the nudge tick counts the nudges someone ignored, and every
-- update stamps updated_at. Moving the access epoch for those made every
-- replica forget every remembered caller whenever anyone's profile was
-- synced. An update of a person now moves it only when one of the other
-- columns changed, compared column by column (comparing the rows as JSON
-- cost the nudge tick a tenth more time). A test checks that every column
-- of app_user is named here or is one of the three above.
drop trigger app_user_moves_access_epoch on app_user;
create constraint trigger app_user_moves_access_epoch after insert or delete on app_user
    deferrable initially deferred for each row execute function bump_access_epoch();
create constraint trigger app_user_update_moves_access_epoch after update on app_user
    deferrable initially deferred for each row
    when ((old.user_id, old.slack_id, old.email, old.display_name, old.tz, old.tz_pinned, old.manager_id, old.role,
           old.dm_muted, old.quiet_start, old.quiet_end, old.working_days, old.digest, old.digest_time,
           old.digest_weekday, old.created_at)
          is distinct from
          (new.user_id, new.slack_id, new.email, new.display_name, new.tz, new.tz_pinned, new.manager_id, new.role,
           new.dm_muted, new.quiet_start, new.quiet_end, new.working_days, new.digest, new.digest_time,
           new.digest_weekday, new.created_at))
    execute function bump_access_epoch();
