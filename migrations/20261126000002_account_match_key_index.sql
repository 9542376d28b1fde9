-- Most account names are typed as they are (`/plan add Acme: …`): an exact
-- match of the folded name is found through this index before any fuzzy
-- comparison with every account's name.
create index account_match_key_idx on account (match_key);
