-- The handbook's guided action items for new land and expand plans. Offsets
-- count days from the day the plan is created; owner_role picks the team
-- member (the account owner when nobody holds the role).

insert into plan_template (type, name, description) values
    ('land', 'Land', 'Win a first production footprint in a new account.'),
    ('expand', 'Expand', 'Grow an existing customer into more teams, stages and seats.');

insert into plan_template_item (plan_template_id, position, title, owner_role, offset_days)
select t.plan_template_id, i.position, i.title, i.owner_role, i.offset_days
from plan_template t
join (values
    ('land', 1, 'Write the Customer Profile: business overview and industry trends', 'owner', 7),
    ('land', 2, 'Map the buying group: champion, economic buyer, technical buyer', 'owner', 14),
    ('land', 3, 'Run a discovery workshop on the current toolchain', 'sa', 21),
    ('land', 4, 'Fill the whitespace map: incumbent per stage, spend, contract ends', 'sa', 30),
    ('land', 5, 'Agree success criteria for a proof of value with the champion', 'owner', 45),
    ('land', 6, 'Present the business case to the economic buyer', 'owner', 60),
    ('expand', 1, 'Refresh the Account Snapshot: entitled solutions and current usage', 'csm', 7),
    ('expand', 2, 'Review adoption and health with the customer success manager', 'csm', 14),
    ('expand', 3, 'Identify two new teams or stages to expand into from the whitespace map', 'owner', 21),
    ('expand', 4, 'Build relationships with two more high-influence contacts', 'owner', 30),
    ('expand', 5, 'Run a value review with the economic buyer', 'owner', 45),
    ('expand', 6, 'Align the renewal and expansion proposal with the renewals manager', 'renewals', 60)
) as i (type, position, title, owner_role, offset_days) on i.type = t.type;
