-- When planbot last asked Slack about a person (users.info), so their time
-- zone and name stay current without asking on every message.
alter table app_user add column slack_synced_at timestamptz;
