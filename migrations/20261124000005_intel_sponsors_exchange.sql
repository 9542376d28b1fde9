-- Company intelligence, sponsor tracking and CSV exchange.

-- Sponsor observations and imports name contacts by email, whatever its case.
create index contact_email_idx on contact (lower(email)) where email is not null;

-- Imports match action items by (plan, title): importing a file twice must
-- find the rows it wrote the first time.
create index action_item_plan_title_idx on action_item (plan_id, lower(title));
