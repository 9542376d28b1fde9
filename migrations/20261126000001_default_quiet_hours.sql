-- Nobody should hear from planbot in the middle of their night. New people
-- get quiet hours from 21:00 to 07:00 on their own clock (they can change or
-- clear them in /plan settings); people who never saved their settings get
-- the same. A message held for a day off then arrives at 07:00 of the next
-- working day, not at midnight.
alter table app_user alter column quiet_start set default '21:00';
alter table app_user alter column quiet_end set default '07:00';
update app_user set quiet_start = '21:00', quiet_end = '07:00'
 where quiet_start is null and not tz_pinned;
