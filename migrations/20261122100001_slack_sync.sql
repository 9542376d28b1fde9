-- When planbot last asked Slack about a person (users.info), so their time
-- zone and name stay current without asking on every message; and whether
-- they chose their time zone themselves (in settings), which Slack's then
-- does not override.
alter table app_user add column slack_synced_at timestamptz;
alter table app_user add column tz_pinned boolean not null default false;
